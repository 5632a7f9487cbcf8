/**
 * Sync runs: reconciliation and backfill of a tenant as a chain of small steps on the
 * `concord-sync` queue (steps.ts). Each message names the run and the step number it executes;
 * the step's result and the next cursor are written with a compare-and-set on that number, then
 * the next step is sent. A worker restart or a failed step redelivers the message, which runs the
 * same page again (every step is idempotent: links are only added, writes are batch updates by
 * id), so a run resumes where it stopped; a duplicate delivery of a step already done does nothing.
 */
import { z } from 'zod';
import type { Env } from '../../env.js';
import { fail } from '../../errors.js';
import { createLogger, type Logger } from '../../ops/log.js';
import { auditStatement } from '../../storage/audit.js';
import {
  SYNC_KINDS,
  activeSyncRun,
  advanceSyncRun,
  createSyncRun,
  getSyncRun,
  insertDrift,
  newSyncRunId,
  type SyncCounts,
  type SyncKind,
  type SyncRun,
} from '../../storage/sync-runs.js';
import { serviceContext } from '../context.js';
import { accountsStep, connectedSystems, csHistoryStep, csStageStep, ingestStep, linkCrmStep, linkErpStep, type StepResult } from './steps.js';

export const SYNC_QUEUE = 'concord-sync';

/** A message of the sync queue: execute step `step` of run `runId`. */
export const SyncMessageSchema = z.object({ v: z.literal(1), tenantId: z.string().min(1).max(64), runId: z.string().regex(/^sr_[0-9a-f]{32}$/), step: z.number().int().min(0) }).strict();
export type SyncMessage = z.infer<typeof SyncMessageSchema>;

export const StartSyncSchema = z.object({ kind: z.enum(SYNC_KINDS), dryRun: z.boolean().default(false) }).strict();

/** Starts a run (one unfinished run per kind and tenant: a second start is a 409 naming the first). */
export async function startSyncRun(env: Env, tenantId: string, input: { kind: SyncKind; dryRun: boolean }, by: { actor: string; correlationId: string }): Promise<SyncRun> {
  if (input.kind === 'backfill' && input.dryRun) fail({ kind: 'validation', issues: [{ path: 'dryRun', code: 'not_supported', message: 'a backfill has no dry run: it only adds links and writes Concord properties' }] });
  const active = await activeSyncRun(env.DB, tenantId, input.kind);
  if (active) fail({ kind: 'conflict', code: 'sync_run_active', message: `A ${input.kind} run is already in progress: ${active}. Follow it at /sync/runs/${active}.` });
  const id = newSyncRunId();
  await createSyncRun(env.DB, tenantId, { id, kind: input.kind, dryRun: input.dryRun, correlationId: by.correlationId, startedBy: by.actor });
  await env.DB.batch([auditStatement(env.DB, { tenantId, actor: by.actor, action: `sync.${input.kind}.start`, entityType: 'sync_run', entityId: id, after: input, correlationId: by.correlationId })]);
  await env.SYNC.send({ v: 1, tenantId, runId: id, step: 0 });
  return (await getSyncRun(env.DB, tenantId, id))!;
}

const add = (a: SyncCounts, b: SyncCounts): SyncCounts => {
  const out: SyncCounts = { ...a };
  for (const [k, v] of Object.entries(b) as [keyof SyncCounts, number][]) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** Totals for progress: records to link and accounts to compare, known once ingest is done. */
async function totals(env: Env, tenantId: string, run: SyncRun): Promise<number> {
  const row = await env.DB.batch([
    env.DB.prepare(`SELECT COUNT(*) AS n FROM identity_records WHERE tenant_id = ? AND system IN ('hubspot','salesforce','netsuite')`).bind(tenantId),
    env.DB.prepare(`SELECT COUNT(*) AS n FROM accounts WHERE tenant_id = ?`).bind(tenantId),
  ]);
  const records = (row[0]!.results[0] as { n: number }).n;
  const accounts = (row[1]!.results[0] as { n: number }).n;
  // Linking may add accounts; the accounts phase re-counts when it starts.
  return (run.dryRun ? 0 : records) + accounts;
}

async function accountCount(env: Env, tenantId: string): Promise<number> {
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM accounts WHERE tenant_id = ?`).bind(tenantId).first<{ n: number }>())?.n ?? 0;
}

/** Executes step `step` of a run; a no-op when the run has moved past it (duplicate delivery). */
export async function runSyncStep(env: Env, m: SyncMessage): Promise<void> {
  const run = await getSyncRun(env.DB, m.tenantId, m.runId);
  if (!run || run.step !== m.step || run.status === 'completed' || run.status === 'failed') return;
  const log = createLogger('info', { correlationId: run.correlationId, tenant: m.tenantId, syncRun: run.id, step: m.step });
  // Batch work waits for its permits: longer than one vendor window (Vitally's is a minute), so a
  // backfill reading every account's CS data is paced by the limiter instead of failing its step.
  const ctx = serviceContext(env, { tenantId: m.tenantId, correlationId: run.correlationId, log }, { maxWaitMs: 90_000 });
  const sys = await connectedSystems(env, m.tenantId);
  const phase = run.cursor.phase;
  const result: StepResult =
    phase === 'ingest' ? await ingestStep(env, ctx, run, sys)
    : phase === 'link-crm' ? await linkCrmStep(env, ctx, run, sys)
    : phase === 'link-erp' ? await linkErpStep(env, ctx, run, sys)
    : phase === 'cs-stage' ? await csStageStep(env, ctx, run, sys)
    : phase === 'accounts' ? await accountsStep(env, ctx, run, sys)
    : phase === 'cs-history' ? await csHistoryStep(env, ctx, run, sys)
    : { next: run.cursor, done: 0, counts: {} };
  const finished = result.next.phase === 'done';
  const done = run.done + result.done;
  let total = run.total;
  // Totals are known once ingest is done; entering the accounts phase re-counts the accounts (linking adds some).
  if (phase === 'ingest' && result.next.phase !== 'ingest') total = await totals(env, m.tenantId, run);
  if (phase !== 'accounts' && result.next.phase === 'accounts') total = done + (await accountCount(env, m.tenantId));
  // A backfill's cs-history phase pages through the accounts again when some wait for their score series.
  if (phase === 'accounts' && result.next.phase === 'cs-history' && (run.counts.historyPending ?? 0) > 0) total = done + (await accountCount(env, m.tenantId));
  const counts = add(run.counts, result.counts);
  const statements = [advanceSyncRun(env.DB, m.tenantId, run.id, m.step, { cursor: result.next, done, total: finished ? done : Math.max(total, done), counts, status: finished ? 'completed' : 'running' })];
  if (result.statements) statements.push(...result.statements);
  if (result.drift?.length) statements.push(...insertDrift(env.DB, m.tenantId, run.id, counts.drift! - result.drift.length, result.drift));
  if (finished) statements.push(auditStatement(env.DB, { tenantId: m.tenantId, actor: `sync:${run.id}`, action: `sync.${run.kind}.complete`, entityType: 'sync_run', entityId: run.id, after: counts, correlationId: run.correlationId }));
  const [advanced] = await env.DB.batch(statements);
  if ((advanced!.meta.changes ?? 0) === 0) return; // another delivery got there first
  log.info('sync.step', { phase, next: result.next.phase, done, counts });
  if (!finished) await env.SYNC.send({ v: 1, tenantId: m.tenantId, runId: run.id, step: m.step + 1 });
}

/**
 * A running run whose row has not moved for this long is taken as stalled: its step's message
 * was lost after the previous step recorded its advance (the send failed, or the isolate ended
 * between the two), and every later delivery of that previous step finds the run past it and
 * does nothing. A step's own work is bounded well below this (a page of accounts, its permits
 * waited for up to 90 s each, its retries' backoff).
 */
export const SYNC_STALLED_MS = 15 * 60_000;

/**
 * The every-minute sweep of stalled runs: each running run not updated for SYNC_STALLED_MS gets
 * its current step's message again, once per interval (the row is touched with the send, and the
 * step's own conditional advance makes a duplicate delivery a no-op). Answers the runs re-sent.
 */
export async function resendStalledSyncRuns(env: Env, log: Logger, now = Date.now()): Promise<string[]> {
  const before = new Date(now - SYNC_STALLED_MS).toISOString();
  const { results } = await env.DB.prepare(`SELECT tenant_id AS tenantId, id, step, correlation_id AS correlationId FROM sync_runs WHERE status = 'running' AND updated_at < ? ORDER BY updated_at LIMIT 50`)
    .bind(before)
    .all<{ tenantId: string; id: string; step: number; correlationId: string }>();
  const resent: string[] = [];
  for (const r of results) {
    // Touched only if still stalled at the same step (a delivery may have moved it meanwhile).
    const touched = await env.DB.prepare(`UPDATE sync_runs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE tenant_id = ? AND id = ? AND step = ? AND status = 'running' AND updated_at < ?`)
      .bind(r.tenantId, r.id, r.step, before)
      .run();
    if ((touched.meta.changes ?? 0) === 0) continue;
    await env.SYNC.send({ v: 1, tenantId: r.tenantId, runId: r.id, step: r.step });
    await auditStatement(env.DB, { tenantId: r.tenantId, actor: 'cron:sync-sweep', action: 'sync.step_resent', entityType: 'sync_run', entityId: r.id, after: { step: r.step, stalledSince: before }, correlationId: r.correlationId }).run();
    log.warn('sync.step_resent', { tenant: r.tenantId, syncRun: r.id, step: r.step });
    resent.push(r.id);
  }
  return resent;
}

/** Marks a run failed after its step exhausted its retries (the reason is kept for the console). */
export async function failSyncRun(env: Env, m: SyncMessage, reason: string): Promise<void> {
  const run = await getSyncRun(env.DB, m.tenantId, m.runId);
  if (!run || run.step !== m.step) return;
  await env.DB.batch([
    advanceSyncRun(env.DB, m.tenantId, run.id, m.step, { cursor: run.cursor, done: run.done, total: run.total, counts: run.counts, status: 'failed', error: reason.slice(0, 500) }),
    auditStatement(env.DB, { tenantId: m.tenantId, actor: `sync:${run.id}`, action: `sync.${run.kind}.fail`, entityType: 'sync_run', entityId: run.id, after: { step: m.step, phase: run.cursor.phase, reason: reason.slice(0, 500) }, correlationId: run.correlationId }),
  ]);
}

/** Progress as the API shows it: done/total, rate per second and an ETA. */
export function progressOf(run: SyncRun, now = Date.now()): { done: number; total: number; percent: number; ratePerSecond: number | null; etaSeconds: number | null; phase: string } {
  const elapsed = ((run.finishedAt ? Date.parse(run.finishedAt) : now) - Date.parse(run.createdAt)) / 1000;
  const rate = elapsed > 0 && run.done > 0 ? run.done / elapsed : null;
  const left = Math.max(0, run.total - run.done);
  return {
    phase: run.cursor.phase,
    done: run.done,
    total: run.total,
    percent: run.status === 'completed' ? 100 : run.total > 0 ? Math.min(99, Math.floor((run.done / run.total) * 100)) : 0,
    ratePerSecond: rate === null ? null : Math.round(rate * 10) / 10,
    etaSeconds: run.status === 'completed' ? 0 : rate ? Math.ceil(left / rate) : null,
  };
}
