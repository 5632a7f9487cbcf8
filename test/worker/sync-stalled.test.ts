/**
 * Sync runs whose next step's message was lost: a step records its advance, then sends the next
 * step's message; if that send fails (or the isolate ends between the two), every later delivery
 * of the step finds the run past it and does nothing, and the run would stay `running` for ever
 * (what the scale-100 backfill bench showed: a run stopped after nine pages of linking, no error,
 * an idle broker). The every-minute sweep sends the current step again once the row has not moved
 * for SYNC_STALLED_MS.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import { createLogger } from '../../worker/ops/log.js';
import { SYNC_STALLED_MS, resendStalledSyncRuns } from '../../worker/services/sync-runs/index.js';

const TENANT = 'sync-stalled';

async function insertRun(id: string, status: string, step: number, updatedAgoMs: number) {
  const updated = new Date(Date.now() - updatedAgoMs).toISOString();
  await env.DB.prepare(
    `INSERT INTO sync_runs (tenant_id, id, kind, status, step, cursor_json, correlation_id, started_by, created_at, updated_at) VALUES (?, ?, 'backfill', ?, ?, '{"phase":"link-crm"}', ?, 'test', ?, ?)`,
  )
    .bind(TENANT, id, status, step, `corr-${id}`, updated, updated)
    .run();
}

describe('the sweep of stalled sync runs', () => {
  it('sends the current step of a running run that has not moved for SYNC_STALLED_MS again, once per interval, and leaves the others alone', async () => {
    await insertRun('sr_stalled', 'running', 13, SYNC_STALLED_MS + 60_000);
    await insertRun('sr_moving', 'running', 4, 30_000);
    await insertRun('sr_done', 'completed', 20, SYNC_STALLED_MS + 60_000);
    await insertRun('sr_failed', 'failed', 7, SYNC_STALLED_MS + 60_000);
    const sent: unknown[] = [];
    const sweepEnv = { ...env, SYNC: { send: async (body: unknown) => void sent.push(body) } } as unknown as Env;

    const resent = await resendStalledSyncRuns(sweepEnv, createLogger('error'));
    expect(resent).toEqual(['sr_stalled']);
    expect(sent).toEqual([{ v: 1, tenantId: TENANT, runId: 'sr_stalled', step: 13 }]);
    const audit = await env.DB.prepare(`SELECT action FROM audit_log WHERE tenant_id = ? AND entity_id = 'sr_stalled'`).bind(TENANT).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toContain('sync.step_resent');

    // The next minute's sweep: the row was touched with the send, so nothing is sent twice.
    expect(await resendStalledSyncRuns(sweepEnv, createLogger('error'))).toEqual([]);
    expect(sent).toHaveLength(1);
    // An interval later neither has moved: both are sent (the one that moved 30 s ago is stalled by then).
    expect(await resendStalledSyncRuns(sweepEnv, createLogger('error'), Date.now() + SYNC_STALLED_MS + 1_000)).toEqual(['sr_moving', 'sr_stalled']);
    expect(sent).toHaveLength(3);
  });
});
