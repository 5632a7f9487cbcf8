/**
 * Readable state of flow runs (tables `flow_runs`, `flow_steps`, `flow_settings`; migration 0011).
 * The Workflow engine owns execution; these rows are what the API, the cards and the console
 * show. Every write is an idempotent upsert, so a step that re-runs records the same thing again.
 */

export type RunStatus = 'queued' | 'running' | 'blocked' | 'failed' | 'completed';

export interface RunRow {
  id: string;
  flow: string;
  sourceSystem: string;
  sourceRecord: string;
  status: RunStatus;
  step: string | null;
  exceptions: unknown;
  result: unknown;
  correlationId: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface StepRow {
  step: string;
  status: 'done' | 'failed' | 'blocked';
  startedAt: string;
  finishedAt: string;
  detail: unknown;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = (v: string | null) => (v === null ? null : JSON.parse(v));

/** Record a run when its intake starts it (a second intake of the same run changes nothing). */
export function insertRun(db: D1Database, tenantId: string, r: { id: string; flow: string; sourceSystem: string; sourceRecord: string; correlationId: string; trigger?: string }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO flow_runs (tenant_id, id, flow, source_system, source_record, status, correlation_id, trigger_kind) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
    )
    .bind(tenantId, r.id, r.flow, r.sourceSystem, r.sourceRecord, r.correlationId, r.trigger ?? null);
}

/**
 * Move a run to `status` at `step`. A completed run stays completed: a re-executed earlier
 * write (the engine replays `run()` with cached step results) never moves it back.
 */
export function setRunState(
  db: D1Database,
  tenantId: string,
  id: string,
  s: { status: RunStatus; step: string | null; exceptions?: unknown; result?: unknown },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE flow_runs SET status = ?, step = ?, exceptions_json = ?, result_json = COALESCE(?, result_json),
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'),
         completed_at = CASE WHEN ? = 'completed' THEN strftime('%Y-%m-%dT%H:%M:%fZ','now') ELSE completed_at END
       WHERE tenant_id = ? AND id = ? AND status <> 'completed'`,
    )
    .bind(s.status, s.step, json(s.exceptions), json(s.result), s.status, tenantId, id);
}

/**
 * A blocked or failed run was woken (retry, replay, a fixed record): show it as running again at
 * the same step until the engine records what the re-run did. Compare-and-set on `updated_at`, so
 * a run the engine already moved on (or blocked again) is never overwritten with an older state.
 */
export function markResumed(db: D1Database, tenantId: string, id: string, seenUpdatedAt: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE flow_runs SET status = 'running', exceptions_json = NULL, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE tenant_id = ? AND id = ? AND status IN ('blocked', 'failed') AND updated_at = ?`,
    )
    .bind(tenantId, id, seenUpdatedAt);
}

export function stepStatement(db: D1Database, tenantId: string, runId: string, s: StepRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO flow_steps (tenant_id, run_id, step, status, started_at, finished_at, detail_json) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(tenant_id, run_id, step) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at, detail_json = excluded.detail_json`,
    )
    .bind(tenantId, runId, s.step, s.status, s.startedAt, s.finishedAt, json(s.detail));
}

type RawRun = Omit<RunRow, 'exceptions' | 'result'> & { exceptions_json: string | null; result_json: string | null };

const RUN_COLUMNS = `id, flow, source_system AS sourceSystem, source_record AS sourceRecord, status, step, exceptions_json, result_json,
  correlation_id AS correlationId, created_at AS createdAt, updated_at AS updatedAt, completed_at AS completedAt`;

const toRun = ({ exceptions_json, result_json, ...r }: RawRun): RunRow => ({ ...r, exceptions: parse(exceptions_json), result: parse(result_json) });

export async function getRun(db: D1Database, tenantId: string, id: string): Promise<(RunRow & { steps: StepRow[] }) | null> {
  const [run, steps] = await db.batch([
    db.prepare(`SELECT ${RUN_COLUMNS} FROM flow_runs WHERE tenant_id = ? AND id = ?`).bind(tenantId, id),
    db
      .prepare(`SELECT step, status, started_at AS startedAt, finished_at AS finishedAt, detail_json FROM flow_steps WHERE tenant_id = ? AND run_id = ? ORDER BY started_at, step`)
      .bind(tenantId, id),
  ]);
  const row = (run!.results as RawRun[])[0];
  if (!row) return null;
  return {
    ...toRun(row),
    steps: (steps!.results as (Omit<StepRow, 'detail'> & { detail_json: string | null })[]).map(({ detail_json, ...s }) => ({ ...s, detail: parse(detail_json) })),
  };
}

/** Runs newest first, optionally of one source system / record and status. */
export async function listRuns(
  db: D1Database,
  tenantId: string,
  filter: { flow?: string; sourceSystem?: string; sourceRecord?: string; status?: RunStatus; before?: { updatedAt: string; id?: string }; limit: number },
): Promise<RunRow[]> {
  const where = ['tenant_id = ?'];
  const args: unknown[] = [tenantId];
  if (filter.flow) (where.push('flow = ?'), args.push(filter.flow));
  if (filter.sourceSystem) (where.push('source_system = ?'), args.push(filter.sourceSystem));
  if (filter.sourceRecord) (where.push('source_record = ?'), args.push(filter.sourceRecord));
  if (filter.status) (where.push('status = ?'), args.push(filter.status));
  // Keyset on (updated_at, id): runs of the same millisecond are neither skipped nor repeated.
  if (filter.before?.id) (where.push('(updated_at < ? OR (updated_at = ? AND id < ?))'), args.push(filter.before.updatedAt, filter.before.updatedAt, filter.before.id));
  else if (filter.before) (where.push('updated_at < ?'), args.push(filter.before.updatedAt));
  const { results } = await db
    .prepare(`SELECT ${RUN_COLUMNS} FROM flow_runs WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id DESC LIMIT ?`)
    .bind(...args, filter.limit)
    .all<RawRun>();
  return results.map(toRun);
}

export async function loadSettings(db: D1Database, tenantId: string, flow: string): Promise<unknown> {
  const row = await db.prepare('SELECT settings_json FROM flow_settings WHERE tenant_id = ? AND flow = ?').bind(tenantId, flow).first<{ settings_json: string }>();
  return row ? JSON.parse(row.settings_json) : null;
}

export function saveSettings(db: D1Database, tenantId: string, flow: string, settings: unknown): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO flow_settings (tenant_id, flow, settings_json) VALUES (?, ?, ?)
       ON CONFLICT(tenant_id, flow) DO UPDATE SET settings_json = excluded.settings_json, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    )
    .bind(tenantId, flow, JSON.stringify(settings));
}

/** Status of the runs of some source records (at most 100 ids per call: D1's bound-parameter limit). */
export async function runsOfRecords(db: D1Database, tenantId: string, flow: string, sourceSystem: string, records: readonly string[]): Promise<{ id: string; sourceRecord: string; status: RunStatus }[]> {
  if (records.length === 0) return [];
  const ids = records.slice(0, 95);
  const { results } = await db
    .prepare(`SELECT id, source_record AS sourceRecord, status FROM flow_runs WHERE tenant_id = ? AND flow = ? AND source_system = ? AND source_record IN (${ids.map(() => '?').join(', ')})`)
    .bind(tenantId, flow, sourceSystem, ...ids)
    .all<{ id: string; sourceRecord: string; status: RunStatus }>();
  return results;
}

/**
 * Add what a run knows so far to its result (a JSON merge patch), without moving its status: the
 * order number once the order exists, the CS account once provisioned. The CRM write-back
 * (flows/closed-won/writeback.ts) derives what it writes onto the deal from this row.
 */
export function mergeRunResult(db: D1Database, tenantId: string, id: string, partial: Record<string, unknown>): D1PreparedStatement {
  return db
    .prepare(`UPDATE flow_runs SET result_json = json_patch(COALESCE(result_json, '{}'), ?), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE tenant_id = ? AND id = ?`)
    .bind(JSON.stringify(partial), tenantId, id);
}

/** Runs by id (at most 95 per call: D1's bound-parameter limit). */
export async function runsByIds(db: D1Database, tenantId: string, ids: readonly string[]): Promise<RunRow[]> {
  if (ids.length === 0) return [];
  const part = ids.slice(0, 95);
  const { results } = await db
    .prepare(`SELECT ${RUN_COLUMNS} FROM flow_runs WHERE tenant_id = ? AND id IN (${part.map(() => '?').join(', ')})`)
    .bind(tenantId, ...part)
    .all<RawRun>();
  return results.map(toRun);
}
