/**
 * What a sales rep does in HubSpot, played against the sandbox for the demo page: pick one of the
 * seeded open demo deals whose data is valid (`GET /__sandbox/truth/closed-won`) and move it to a
 * won stage of its own pipeline through the sandbox's HubSpot CRM API, with a sandbox user token.
 * Concord itself does not write the stage (the CRM owns it): the sandbox then sends the signed
 * `deal.propertyChange` webhook it sends for any change, and the broker's real path runs
 * (webhook → queue → closed-won Workflow). Development mode only (the `/demo` door); the sandbox
 * is the one the demo tenant's HubSpot connection points at, on a loopback address.
 */
import { z } from 'zod';
import { callUpstream, type CallContext } from '../../connectors/http.js';
import { isLoopbackHost } from '../../connectors/hosts.js';
import { fail } from '../../errors.js';

const CaseSchema = z.object({ dealId: z.string().regex(/^\d{1,20}$/), companyId: z.string(), currency: z.string(), amount: z.number() });
const TruthSchema = z.object({ hubspot: z.object({ valid: z.array(CaseSchema) }) });
const TokenSchema = z.object({ accessToken: z.string().min(1) });
const DealSchema = z.object({ id: z.string(), properties: z.object({ dealname: z.string().nullish(), dealstage: z.string().nullish(), pipeline: z.string().nullish() }) });
// https://developers.hubspot.com/docs/api/crm/pipelines: a stage is won when `metadata.isClosed`
// is "true" and its `probability` is "1.0".
const PipelineSchema = z.object({ stages: z.array(z.object({ id: z.string(), label: z.string(), metadata: z.object({ isClosed: z.string().optional(), probability: z.string().optional() }).loose() })) });

/** The deal the demo closed, as the page shows it. */
export interface ClosedDemoDeal {
  dealId: string;
  dealName: string;
  companyId: string;
  currency: string;
  amount: number;
  stage: { id: string; label: string };
}

/** The sandbox origin the demo tenant's HubSpot connection points at (loopback only), or a 409. */
export function sandboxOrigin(hubspotBaseUrl: string | null | undefined): { origin: string; hubspot: string } {
  const url = hubspotBaseUrl ? new URL(hubspotBaseUrl) : null;
  if (!url || url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) {
    fail({ kind: 'conflict', code: 'not_sandbox', message: "The demo tenant's HubSpot is not the local sandbox: close a deal as won in HubSpot itself." });
  }
  return { origin: url!.origin, hubspot: hubspotBaseUrl!.replace(/\/+$/, '') };
}

/**
 * Moves one valid open demo deal to its won stage, lowest id first, leaving out the deals
 * `withRun` names (they were closed before). Null when every valid demo deal is already closed.
 */
export async function closeDemoDealAsWon(ctx: CallContext, sandbox: { origin: string; hubspot: string }, tenant: string, withRun: (dealIds: string[]) => Promise<ReadonlySet<string>>): Promise<ClosedDemoDeal | null> {
  const call = <S extends z.ZodType>(op: string, url: string, schema: S, init: { method?: 'GET' | 'POST' | 'PATCH'; body?: unknown; token?: string } = {}) =>
    callUpstream(ctx, { system: 'sandbox', op, url, method: init.method ?? 'GET', ...(init.body !== undefined ? { body: init.body } : {}), ...(init.token ? { headers: { authorization: `Bearer ${init.token}` } } : {}), maxAttempts: 2, timeoutMs: 5_000 }, schema).then((r) => r.data);

  const truth = await call('demo.truth', `${sandbox.origin}/__sandbox/truth/closed-won?tenant=${encodeURIComponent(tenant)}`, TruthSchema);
  const { accessToken } = await call('demo.token', `${sandbox.origin}/__sandbox/tokens`, TokenSchema, { method: 'POST', body: { vendor: 'hubspot', tenant, lifetime: 'static' } });
  const skip = await withRun(truth.hubspot.valid.map((d) => d.dealId));
  const candidates = [...truth.hubspot.valid].sort((a, b) => Number(a.dealId) - Number(b.dealId)).filter((d) => !skip.has(d.dealId));
  const pipelines = new Map<string, z.infer<typeof PipelineSchema>['stages']>();
  for (const c of candidates) {
    const deal = await call('demo.deal', `${sandbox.hubspot}/crm/v3/objects/deals/${c.dealId}?properties=dealname,dealstage,pipeline`, DealSchema, { token: accessToken });
    const pipeline = deal.properties.pipeline ?? 'default';
    if (!pipelines.has(pipeline)) {
      pipelines.set(pipeline, (await call('demo.pipeline', `${sandbox.hubspot}/crm/v3/pipelines/deals/${encodeURIComponent(pipeline)}`, PipelineSchema, { token: accessToken })).stages);
    }
    const stages = pipelines.get(pipeline)!;
    const won = stages.find((s) => s.metadata.isClosed === 'true' && Number(s.metadata.probability) === 1);
    // Already closed (won or lost: by hand in the sandbox, or by an earlier click): try the next.
    const closed = stages.some((s) => s.id === deal.properties.dealstage && s.metadata.isClosed === 'true');
    if (!won || closed) continue;
    await call('demo.close-won', `${sandbox.hubspot}/crm/v3/objects/deals/${c.dealId}`, DealSchema, { method: 'PATCH', body: { properties: { dealstage: won.id } }, token: accessToken });
    return { dealId: c.dealId, dealName: deal.properties.dealname ?? `Deal ${c.dealId}`, companyId: c.companyId, currency: c.currency, amount: c.amount, stage: { id: won.id, label: won.label } };
  }
  return null;
}
