/**
 * Flow runs of a tenant (mounted at /v1/tenants/:tenant/flows):
 * - `GET  /runs?source=&record=&status=&limit=&before=`: runs newest first (status, current
 *   step, exceptions, result);
 * - `GET  /runs/:id`: one run with its steps and their timings;
 * - `POST /runs/:id/retry`: re-check a blocked run (after its data was fixed) or re-run the
 *   failed step of a failed run;
 * - `POST /closed-won/runs` `{source, dealId}`: start the closed-won flow for a deal that is won
 *   in the CRM (e.g. won before Concord was installed); the same deal never gets a second run;
 * - `GET|PUT /settings/closed-won`: the tenant's closed-won settings (tax-id countries, terms
 *   mapping, defaults, subsidiary, onboarding template).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { ClosedWonSettingsSchema, FLOW, closedWonSettings } from '../../flows/closed-won/settings.js';
import { resumeClosedWon, startClosedWon } from '../../flows/closed-won/intake.js';
import { CrmSourceSchema } from '../../flows/closed-won/params.js';
import { InstantSchema } from '../../model/index.js';
import { portsFor } from '../../ports/registry.js';
import { serviceContext } from '../../services/context.js';
import { auditStatement } from '../../storage/audit.js';
import { loadConnection } from '../../storage/connections.js';
import { getRun, listRuns, saveSettings } from '../../storage/flow-runs.js';
import type { AppEnv } from '../context.js';
import { jsonBody, query } from '../validate.js';

const RUN_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

const ListQuery = z
  .object({
    source: CrmSourceSchema.optional(),
    record: z.string().regex(/^[A-Za-z0-9]{1,20}$/).optional(),
    status: z.enum(['queued', 'running', 'blocked', 'failed', 'completed']).optional(),
    /**
     * The `next` of the page before: `<updatedAt>~<runId>`. A bare instant (the older form) is
     * still taken, but runs of that same millisecond are then skipped.
     */
    before: z.union([InstantSchema, z.string().regex(/^[^~]{1,40}~[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/, 'the next cursor of the previous page')]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const StartSchema = z.object({ source: CrmSourceSchema, dealId: z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'a CRM deal / Opportunity id') }).strict();

export function flowRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/runs', async (c) => {
    const q = query(c, ListQuery);
    const [at, id] = q.before?.split('~') ?? [];
    if (at !== undefined && !InstantSchema.safeParse(at).success) fail({ kind: 'validation', status: 400, issues: [{ path: 'before', code: 'invalid_cursor', message: 'not a cursor this list returned' }] });
    const before = at === undefined ? undefined : { updatedAt: at, ...(id ? { id } : {}) };
    const items = await listRuns(c.env.DB, c.get('tenantId'), { sourceSystem: q.source, sourceRecord: q.record, status: q.status, before, limit: q.limit });
    // Runs often share a millisecond (a burst): the cursor carries the id that breaks the tie.
    const last = items.at(-1);
    return c.json({ items, next: items.length === q.limit && last ? `${last.updatedAt}~${last.id}` : null });
  });

  r.get('/runs/:id', async (c) => {
    const id = c.req.param('id');
    const run = RUN_ID.test(id) ? await getRun(c.env.DB, c.get('tenantId'), id) : null;
    if (!run) fail({ kind: 'not_found', entity: 'flow_run', id: id.slice(0, 64) });
    return c.json(run);
  });

  r.post('/runs/:id/retry', async (c) => {
    const id = c.req.param('id');
    if (!RUN_ID.test(id)) fail({ kind: 'not_found', entity: 'flow_run', id: id.slice(0, 64) });
    const out = await resumeClosedWon(c.env, c.get('tenantId'), id, { reason: 'retry', by: c.get('actor') }, c.get('correlationId'));
    return c.json({ id, ...out }, out.status === 'resumed' ? 202 : 200);
  });

  r.post('/closed-won/runs', async (c) => {
    const tenantId = c.get('tenantId');
    const body = await jsonBody(c, StartSchema);
    // The portal / org is the one the tenant's connection proved, never the caller's word.
    const conn = await loadConnection(c.env, tenantId, body.source);
    if (!conn.externalAccount) fail({ kind: 'conflict', message: `The ${body.source} connection has no proven account; connect ${body.source} again.` });
    const ctx = serviceContext(c.env, { tenantId, correlationId: c.get('correlationId'), log: c.get('log') });
    const crm = await portsFor(c.env, ctx, { flow: FLOW, actor: c.get('actor') }).crm(body.source);
    const [deal] = await crm.dealsByIds!([body.dealId]);
    if (!deal) fail({ kind: 'not_found', entity: 'deal', id: body.dealId });
    if (!deal.won) fail({ kind: 'business', code: 'deal_not_won', message: `Deal ${body.dealId} is not in a won stage of its pipeline.` });
    const started = await startClosedWon(c.env, { tenantId, source: body.source, externalAccount: conn.externalAccount, dealId: body.dealId, correlationId: c.get('correlationId'), trigger: 'api' }, c.get('actor'));
    return c.json(started, started.started ? 202 : 200);
  });

  r.get('/settings/closed-won', async (c) => c.json(await closedWonSettings(c.env.DB, c.get('tenantId'))));

  r.put('/settings/closed-won', async (c) => {
    const tenantId = c.get('tenantId');
    const settings = await jsonBody(c, ClosedWonSettingsSchema);
    const before = await closedWonSettings(c.env.DB, tenantId);
    await c.env.DB.batch([
      saveSettings(c.env.DB, tenantId, FLOW, settings),
      auditStatement(c.env.DB, { tenantId, actor: c.get('actor'), action: 'flow.settings.update', entityType: 'flow_settings', entityId: FLOW, before, after: settings, correlationId: c.get('correlationId') }),
    ]);
    return c.json(settings);
  });
  return r;
}
