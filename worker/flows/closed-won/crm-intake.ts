/**
 * Closed-won intake from CRM change events (the `EVENTS` queue): a deal whose stage changed is
 * read back from the CRM, and when it sits in a won stage of its pipeline (the CRM's own stage
 * definitions, resolved per pipeline) its run is started; a deal whose run is blocked on a
 * business exception is re-checked. Reads are batched per tenant and queue batch: the deals, then
 * for the won ones everything the order needs (companies, owners, line items), and their
 * "creating" acknowledgement is one batch write, so a burst of won deals costs a handful of CRM
 * calls per 100 deals, and each run starts with its deal already loaded.
 */
import type { Env } from '../../env.js';
import { createLogger } from '../../ops/log.js';
import type { CrmOrderSource } from '../../ports/index.js';
import { portsFor } from '../../ports/registry.js';
import type { CrmChange } from '../../queues/messages.js';
import { serviceContext } from '../../services/context.js';
import { runsOfRecords } from '../../storage/flow-runs.js';
import { resumeClosedWon, startClosedWon } from './intake.js';
import { FLOW } from './settings.js';

/** Deal changes that can start or wake a closed-won run. */
export function isDealChange(m: CrmChange): boolean {
  return m.objectType === 'deal' && m.system === 'hubspot';
}

const ACTOR = 'queue:closed-won-intake';

/** Start or wake the runs of the changed deals of one tenant (all changes of one CRM). */
export async function dealChangesIntake(env: Env, tenantId: string, changes: readonly CrmChange[]): Promise<void> {
  const first = changes[0];
  if (!first) return;
  const system = first.system;
  const log = createLogger('info', { correlationId: first.correlationId, tenant: tenantId, flow: FLOW });
  const ctx = serviceContext(env, { tenantId, correlationId: first.correlationId, log }, { maxWaitMs: 30_000 });
  const byDeal = new Map(changes.map((m) => [m.objectId, m]));
  const dealIds = [...byDeal.keys()];
  for (let i = 0; i < dealIds.length; i += 95) {
    const part = dealIds.slice(i, i + 95);
    const runs = new Map((await runsOfRecords(env.DB, tenantId, FLOW, system, part)).map((r) => [r.sourceRecord, r]));
    const fresh = part.filter((id) => !runs.has(id));
    // Only deals without a run are read: a deal that has one is never ordered twice.
    const crm = fresh.length > 0 ? await portsFor(env, ctx, { flow: FLOW, actor: ACTOR }).crm(system) : null;
    const won = crm ? (await crm.dealsByIds!(fresh)).filter((d) => d.won).map((d) => d.externalId) : [];
    const sources = crm && won.length > 0 ? await crm.orderSources!(won) : new Map<string, CrmOrderSource>();
    // The deals show "creating" at once (one batch write), which is also the acknowledgement.
    if (crm && sources.size > 0) await crm.writeDealFactsMany!([...sources.keys()].map((id) => ({ recordId: id, facts: { orderStatus: 'creating', orderIssue: null } })));
    await Promise.all([
      ...[...sources].map(([dealId, source]) => {
        const m = byDeal.get(dealId)!;
        return startClosedWon(env, { tenantId, source: system, externalAccount: m.externalAccount, dealId, correlationId: m.correlationId, trigger: 'webhook' }, ACTOR, source);
      }),
      ...[...runs.values()]
        .filter((r) => r.status === 'blocked')
        .map((r) => resumeClosedWon(env, tenantId, r.id, { reason: 'record_changed', by: ACTOR }, byDeal.get(r.sourceRecord)!.correlationId)),
    ]);
  }
}
