/**
 * The stalled-run sweep: closed-won runs that D1 shows as `queued` or `running` but that have
 * recorded nothing for `STALL_AFTER_MS` get a `wake` event (params.ts WAKE_EVENT), once per
 * stall window, from the every-minute Cron Trigger.
 *
 * Why: Cloudflare's Workflows engine resumes a running instance by itself after a restart of the
 * machine it ran on. The local engine (`wrangler dev`, miniflare 5) does not: it keeps an
 * interrupted instance's state on disk as "running", but nothing executes it until something
 * calls into it, and an event does (the engine then replays `run()` from its recorded step
 * results and re-runs the interrupted step). Re-running a step is safe: every write is keyed
 * (`eid:` upserts, Vitally by externalId, leases), so a resumed run makes no duplicate.
 * On Cloudflare, and for a run that is merely slow (a step waiting for a permit, a backoff), the
 * event is one the run never waits for: it changes nothing. docs/decisions.md has the entry.
 * A `queued` run the engine does not know was claimed by an intake that died before creating its
 * instance: the sweep creates it with the parameters its claim recorded (`trigger_kind`, migration
 * 0017; a row claimed before that migration stays for the deal's next intake). A run the engine
 * finished while D1 still shows it `running` lost its last CRM write-back (writeback.ts): the sweep
 * sends that write-back again, which completes the run.
 *
 * A `blocked` run waits for a fix with a timer (`escalateAfterHours`): when it runs out, the deal
 * owner gets a task and the wait starts again. The local engine keeps that timer on disk but,
 * after a restart, fires it only once something calls into the instance. `wakeOverdueEscalations`
 * sends a `wake` to a blocked run whose escalation fell due more than `ESCALATION_GRACE_MS` ago
 * with no escalation recorded for it; the engine then replays the run, finds the timer past and
 * escalates at once. On Cloudflare the escalation happened on time, so the sweep finds nothing.
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import { auditStatement } from '../../storage/audit.js';
import { createInstance, paramsOfRow } from './intake.js';
import { WAKE_EVENT } from './params.js';
import { resendLastWriteback } from './writeback.js';
import { closedWonSettings, FLOW } from './settings.js';

/** A run that recorded nothing for this long is woken (longer than a healthy step between records, mostly). */
export const STALL_AFTER_MS = 2 * 60_000;
/** At most this many runs per sweep, so a burst of slow runs costs the engine little. */
const MAX_PER_SWEEP = 50;

/** Engine states an instance can be woken from: anything not finished. */
const FINISHED = new Set(['complete', 'errored', 'terminated']);

export interface WakeReport {
  runId: string;
  tenantId: string;
  engine: string;
  woken: boolean;
}

/** Wake every stalled closed-won run (all tenants); what it did per run. */
export async function wakeStalledRuns(env: Env, log: Logger, now = Date.now()): Promise<WakeReport[]> {
  const before = new Date(now - STALL_AFTER_MS).toISOString();
  // By tenant, so the (tenant_id, status, updated_at) index serves the lookup.
  const { results } = await env.DB.prepare(
    `SELECT tenant_id AS tenantId, id, status, source_system AS sourceSystem, source_record AS sourceRecord, updated_at AS updatedAt, correlation_id AS correlationId, trigger_kind AS trigger, result_json AS resultJson FROM flow_runs
     WHERE tenant_id IN (SELECT id FROM tenants) AND status IN ('queued', 'running') AND updated_at < ? AND flow = ? ORDER BY updated_at LIMIT ?`,
  )
    .bind(before, FLOW, MAX_PER_SWEEP)
    .all<{ tenantId: string; id: string; status: string; sourceSystem: string; sourceRecord: string; updatedAt: string; correlationId: string; trigger: string | null; resultJson: string | null }>();
  const reports: WakeReport[] = [];
  for (const run of results) {
    let engine = 'unknown';
    let woken = false;
    let instance: WorkflowInstance | null = null;
    try {
      instance = await env.CLOSED_WON.get(run.id);
      engine = (await instance.status()).status;
    } catch {
      instance = null;
    }
    try {
      if (instance && engine === 'complete' && run.status === 'running') {
        // The engine finished the run but its last CRM write-back never landed: send it again.
        woken = await resendLastWriteback(env, { ...run, result: run.resultJson ? JSON.parse(run.resultJson) : null });
        if (woken) engine = 'complete (write-back sent again)';
      } else if (instance) {
        woken = !FINISHED.has(engine);
        if (woken) await instance.sendEvent({ type: WAKE_EVENT, payload: { at: new Date(now).toISOString() } });
      } else if (run.status === 'queued') {
        // Claimed, never created (the intake died between the two): start it with its claim's
        // parameters. The deal is read afresh; the claim keeps a second intake from starting it too.
        const params = paramsOfRow(run);
        if (params) {
          await createInstance(env, params, 'cron:flow-recovery');
          engine = 'created';
          woken = true;
        }
      }
    } catch (err) {
      log.warn('flow.wake_failed', { tenant: run.tenantId, runId: run.id, engine, error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' });
    }
    // Compare-and-set on updated_at: the next look at this run waits a whole stall window (so runs
    // that cannot be woken do not hold the sweep's first places), and a run that recorded a step
    // meanwhile is left as it is.
    const touch = env.DB.prepare(`UPDATE flow_runs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE tenant_id = ? AND id = ? AND updated_at = ?`).bind(run.tenantId, run.id, run.updatedAt);
    const audit = auditStatement(env.DB, { tenantId: run.tenantId, actor: 'cron:flow-recovery', action: woken ? 'flow.closed_won.woken' : 'flow.closed_won.not_woken', entityType: 'flow_run', entityId: run.id, after: { engine, stalledSince: run.updatedAt }, correlationId: run.correlationId });
    await env.DB.batch([touch, audit]);
    reports.push({ runId: run.id, tenantId: run.tenantId, engine, woken });
  }
  if (reports.length > 0) log.info('flow.wake_sweep', { runs: reports.length, woken: reports.filter((r) => r.woken).length });
  return reports;
}

/** How late an escalation may be before the sweep assumes the engine lost the run's timer. */
export const ESCALATION_GRACE_MS = 10 * 60_000;
/** The shortest escalation period a tenant can set (settings.ts), so runs younger are not read. */
const MIN_ESCALATION_MS = 3_600_000;

/** Wake blocked runs whose escalation is overdue (all tenants); what it did per run. */
export async function wakeOverdueEscalations(env: Env, log: Logger, now = Date.now()): Promise<WakeReport[]> {
  const before = new Date(now - MIN_ESCALATION_MS - ESCALATION_GRACE_MS).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT tenant_id AS tenantId, id, updated_at AS blockedAt, correlation_id AS correlationId FROM flow_runs
     WHERE tenant_id IN (SELECT id FROM tenants) AND status = 'blocked' AND updated_at < ? AND flow = ? ORDER BY updated_at LIMIT ?`,
  )
    .bind(before, FLOW, MAX_PER_SWEEP * 4)
    .all<{ tenantId: string; id: string; blockedAt: string; correlationId: string }>();
  const periods = new Map<string, number>();
  const reports: WakeReport[] = [];
  for (const run of results) {
    if (reports.length >= MAX_PER_SWEEP) break;
    let period = periods.get(run.tenantId);
    if (period === undefined) periods.set(run.tenantId, (period = (await closedWonSettings(env.DB, run.tenantId)).escalateAfterHours * 3_600_000));
    const blockedAt = Date.parse(run.blockedAt);
    const due = Math.floor((now - blockedAt) / period);
    const lastDue = blockedAt + due * period;
    if (due < 1 || now - lastDue < ESCALATION_GRACE_MS) continue;
    // Escalations recorded since the run blocked, and whether this round was woken already.
    const seen = await env.DB.prepare(
      `SELECT SUM(action = 'flow.closed_won.escalated' AND at >= ?) AS escalated, SUM(action = 'flow.closed_won.escalation_woken' AND at >= ?) AS woken
       FROM audit_log WHERE tenant_id = ? AND entity_type = 'flow_run' AND entity_id = ? AND at >= ?`,
    )
      .bind(run.blockedAt, new Date(lastDue).toISOString(), run.tenantId, run.id, run.blockedAt)
      .first<{ escalated: number | null; woken: number | null }>();
    if ((seen?.escalated ?? 0) >= due || (seen?.woken ?? 0) > 0) continue;
    let engine = 'unknown';
    let woken = false;
    try {
      const instance = await env.CLOSED_WON.get(run.id);
      engine = (await instance.status()).status;
      woken = !FINISHED.has(engine);
      if (woken) await instance.sendEvent({ type: WAKE_EVENT, payload: { at: new Date(now).toISOString() } });
    } catch (err) {
      log.warn('flow.wake_failed', { tenant: run.tenantId, runId: run.id, engine, error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' });
    }
    // Recorded either way: the next look at this run is the next round's.
    await auditStatement(env.DB, { tenantId: run.tenantId, actor: 'cron:flow-recovery', action: 'flow.closed_won.escalation_woken', entityType: 'flow_run', entityId: run.id, after: { engine, woken, escalationsDue: due, escalated: seen?.escalated ?? 0 }, correlationId: run.correlationId }).run();
    reports.push({ runId: run.id, tenantId: run.tenantId, engine, woken });
  }
  if (reports.length > 0) log.info('flow.escalation_sweep', { runs: reports.length, woken: reports.filter((r) => r.woken).length });
  return reports;
}
