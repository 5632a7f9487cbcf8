/**
 * Sync runs of a tenant (mounted at /v1/tenants/:tenant/sync):
 * - `POST /runs` `{"kind":"reconcile"|"backfill","dryRun"?}` → 202 with the run (409 while a run
 *   of that kind is still in progress);
 * - `GET /runs?limit=`: recent runs, newest first;
 * - `GET /runs/:id?driftLimit=`: one run with its progress (done/total, rate, ETA), counts by
 *   outcome and, for a reconcile run, the drift report (what differs, which system owns the field,
 *   what was repaired, what is left for a person).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { StartSyncSchema, progressOf, startSyncRun } from '../../services/sync-runs/index.js';
import { driftOf, getSyncRun, listSyncRuns, type SyncRun } from '../../storage/sync-runs.js';
import type { AppEnv } from '../context.js';
import { jsonBody, query } from '../validate.js';

const RUN_ID = /^sr_[0-9a-f]{32}$/;

const view = (run: SyncRun) => ({
  id: run.id,
  kind: run.kind,
  dryRun: run.dryRun,
  status: run.status,
  progress: progressOf(run),
  counts: run.counts,
  error: run.error,
  correlationId: run.correlationId,
  startedBy: run.startedBy,
  createdAt: run.createdAt,
  updatedAt: run.updatedAt,
  finishedAt: run.finishedAt,
});

export function syncRunRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/runs', async (c) => {
    const body = await jsonBody(c, StartSyncSchema);
    const run = await startSyncRun(c.env, c.get('tenantId'), body, { actor: c.get('actor'), correlationId: c.get('correlationId') });
    return c.json(view(run), 202);
  });

  r.get('/runs', async (c) => {
    const q = query(c, z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict());
    return c.json({ items: (await listSyncRuns(c.env.DB, c.get('tenantId'), q.limit)).map(view) });
  });

  r.get('/runs/:id', async (c) => {
    const id = c.req.param('id');
    const q = query(c, z.object({ driftLimit: z.coerce.number().int().min(0).max(5000).default(500) }).strict());
    const run = RUN_ID.test(id) ? await getSyncRun(c.env.DB, c.get('tenantId'), id) : null;
    if (!run) fail({ kind: 'not_found', entity: 'sync_run', id: id.slice(0, 64) });
    const drift = run.kind === 'reconcile' ? await driftOf(c.env.DB, c.get('tenantId'), run.id, q.driftLimit) : [];
    return c.json({ ...view(run), drift });
  });

  return r;
}
