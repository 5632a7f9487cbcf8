/**
 * Sync runs and their drift report (migration 0014). A run advances by compare-and-set on its
 * step counter: the consumer that executed step n writes step n+1 only if the row still says n,
 * so a duplicate or late delivery of a step never applies twice.
 */
import { z } from 'zod';

export const SYNC_KINDS = ['reconcile', 'backfill'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** Where a run is: the phase and the page cursor within it. */
export const CursorSchema = z.object({
  phase: z.enum(['ingest', 'link-crm', 'link-erp', 'cs-stage', 'accounts', 'cs-history', 'done']),
  /** Index into the phase's systems (ingest: every connected system; link-crm: the CRMs) or lists (cs-stage: the CS connector's bulk lists). */
  index: z.number().int().min(0).default(0),
  /** The last record / account id of the previous page (cs-stage: the CS list's cursor of the next page). */
  after: z.string().nullable().default(null),
});
export type SyncCursor = z.infer<typeof CursorSchema>;

/**
 * Outcome counts of a run. A backfill's accounts phase counts `written` and `calls` (CRM records
 * and write calls), `accountsCompleted` (every fact known and written) and `historyPending`
 * (written but for what the CS score series implies); its `cs-history` phase `historyCompleted`
 * (the series read, what depends on it written), `historyWritten` and `historyCalls`.
 */
export type SyncCounts = Partial<
  Record<
    | 'ingested'
    | 'linked'
    | 'accountsCreated'
    | 'reviews'
    | 'drift'
    | 'repaired'
    | 'wouldRepair'
    | 'refused'
    | 'exceptions'
    | 'written'
    | 'calls'
    | 'failed'
    | 'csRecords'
    | 'accountsCompleted'
    | 'historyPending'
    | 'historyCompleted'
    | 'historyWritten'
    | 'historyCalls',
    number
  >
>;

export interface SyncRun {
  id: string;
  kind: SyncKind;
  dryRun: boolean;
  status: 'queued' | 'running' | 'completed' | 'failed';
  step: number;
  cursor: SyncCursor;
  done: number;
  total: number;
  counts: SyncCounts;
  error: string | null;
  correlationId: string;
  startedBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

interface Row {
  id: string;
  kind: SyncKind;
  dry_run: number;
  status: SyncRun['status'];
  step: number;
  cursor_json: string;
  done: number;
  total: number;
  counts_json: string;
  error: string | null;
  correlation_id: string;
  started_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

const toRun = (r: Row): SyncRun => ({
  id: r.id,
  kind: r.kind,
  dryRun: r.dry_run === 1,
  status: r.status,
  step: r.step,
  cursor: CursorSchema.parse(JSON.parse(r.cursor_json)),
  done: r.done,
  total: r.total,
  counts: JSON.parse(r.counts_json) as SyncCounts,
  error: r.error,
  correlationId: r.correlation_id,
  startedBy: r.started_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

export function newSyncRunId(): string {
  return `sr_${crypto.randomUUID().replace(/-/g, '')}`;
}

export async function createSyncRun(db: D1Database, tenantId: string, run: { id: string; kind: SyncKind; dryRun: boolean; correlationId: string; startedBy: string }): Promise<void> {
  await db
    .prepare(`INSERT INTO sync_runs (tenant_id, id, kind, dry_run, status, cursor_json, correlation_id, started_by) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`)
    .bind(tenantId, run.id, run.kind, run.dryRun ? 1 : 0, JSON.stringify({ phase: 'ingest', index: 0, after: null }), run.correlationId, run.startedBy)
    .run();
}

export async function getSyncRun(db: D1Database, tenantId: string, id: string): Promise<SyncRun | null> {
  const row = await db.prepare(`SELECT * FROM sync_runs WHERE tenant_id = ? AND id = ?`).bind(tenantId, id).first<Row>();
  return row ? toRun(row) : null;
}

export async function listSyncRuns(db: D1Database, tenantId: string, limit: number): Promise<SyncRun[]> {
  const { results } = await db.prepare(`SELECT * FROM sync_runs WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`).bind(tenantId, limit).all<Row>();
  return results.map(toRun);
}

/** Whether the tenant has a run of `kind` that is not finished (one at a time per kind). */
export async function activeSyncRun(db: D1Database, tenantId: string, kind: SyncKind): Promise<string | null> {
  const row = await db.prepare(`SELECT id FROM sync_runs WHERE tenant_id = ? AND kind = ? AND status IN ('queued','running') LIMIT 1`).bind(tenantId, kind).first<{ id: string }>();
  return row?.id ?? null;
}

/** The statement that records step `step` as executed and moves the run on (compare-and-set). */
export function advanceSyncRun(
  db: D1Database,
  tenantId: string,
  id: string,
  step: number,
  next: { cursor: SyncCursor; done: number; total: number; counts: SyncCounts; status: SyncRun['status']; error?: string | null },
): D1PreparedStatement {
  const finished = next.status === 'completed' || next.status === 'failed';
  return db
    .prepare(
      `UPDATE sync_runs SET step = ?4, cursor_json = ?5, done = ?6, total = ?7, counts_json = ?8, status = ?9, error = ?10,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), finished_at = CASE WHEN ?11 THEN strftime('%Y-%m-%dT%H:%M:%fZ','now') ELSE NULL END
       WHERE tenant_id = ?1 AND id = ?2 AND step = ?3`,
    )
    .bind(tenantId, id, step, step + 1, JSON.stringify(next.cursor), next.done, next.total, JSON.stringify(next.counts), next.status, next.error ?? null, finished ? 1 : 0);
}

/** A drift report row. */
export interface DriftRow {
  accountId: string;
  /** The canonical field (`account.domain`), or `facts.<name>` for a Concord property on a CRM record. */
  field: string;
  system: string;
  externalId: string;
  value: string | null;
  /** The owning role (`crm`, `erp`, `cs`), or `concord` for Concord's own links and verdicts. */
  owner: string;
  ownerSystem: string | null;
  ownerValue: string | null;
  action: 'repair' | 'exception';
  outcome: 'repaired' | 'would_repair' | 'refused' | 'failed' | 'exception';
  reason: string;
}

/** Statements that append drift rows (seq continues from `firstSeq`). */
export function insertDrift(db: D1Database, tenantId: string, runId: string, firstSeq: number, rows: readonly DriftRow[]): D1PreparedStatement[] {
  return rows.map((d, i) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO sync_drift (tenant_id, run_id, seq, account_id, field, system, external_id, value, owner, owner_system, owner_value, action, outcome, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(tenantId, runId, firstSeq + i, d.accountId, d.field, d.system, d.externalId, d.value, d.owner, d.ownerSystem, d.ownerValue, d.action, d.outcome, d.reason),
  );
}

export async function driftOf(db: D1Database, tenantId: string, runId: string, limit: number): Promise<DriftRow[]> {
  const { results } = await db
    .prepare(
      `SELECT account_id AS accountId, field, system, external_id AS externalId, value, owner, owner_system AS ownerSystem, owner_value AS ownerValue, action, outcome, reason
       FROM sync_drift WHERE tenant_id = ? AND run_id = ? ORDER BY seq LIMIT ?`,
    )
    .bind(tenantId, runId, limit)
    .all<DriftRow>();
  return results;
}
