/**
 * D1 side of inbound change events: the exactly-once apply (claim + change log + ordering head +
 * audit in one batch), failure notes for retries, and the dead-letter store. Every statement is
 * tenant-scoped. Tables: worker/storage/migrations/0006_events.sql, docs/storage.md.
 */
import type { CrmChange } from '../queues/messages.js';

export type ChangeStatus = 'applied' | 'superseded';

/** What happened to a change: this delivery recorded it, or an earlier one already had. */
export interface ApplyOutcome {
  status: ChangeStatus;
  /** False when another delivery of the same change had already claimed it (a duplicate). */
  claimed: boolean;
}

const CLAIMED = `EXISTS (SELECT 1 FROM processed_events WHERE tenant_id = ?1 AND idem_key = ?2 AND claim = ?14)`;

/**
 * Records `m` exactly once. The claim is an INSERT OR IGNORE keyed by (tenant, idempotency key);
 * every other write is conditional on this delivery's own claim token and runs in the same D1
 * batch (one transaction), so a duplicate delivery writes nothing and a crash leaves no claim
 * behind. Ordering per (object, change, property): a change older than the newest one applied,
 * compared by (occurredAt, idempotency key), is recorded as `superseded` and not applied.
 */
export async function applyChange(db: D1Database, m: CrmChange, actor: string): Promise<ApplyOutcome> {
  const claim = crypto.randomUUID();
  // Positional parameters (SQLite ?NNN): 1 tenant, 2 key, 3 system, 4 account, 5 type, 6 id, 7 change,
  // 8 property, 9 value, 10 occurredAt, 11 event id, 12 correlation, 13 now, 14 claim, 15 actor,
  // 16 audit id, 17 audit after-JSON.
  const args = [
    m.tenantId, m.idempotencyKey, m.system, m.externalAccount, m.objectType, m.objectId, m.change, m.property ?? '',
    m.value, m.occurredAt, m.sourceEventId, m.correlationId, new Date().toISOString(), claim, actor, crypto.randomUUID(),
    JSON.stringify({ change: m.change, property: m.property, value: m.value, occurredAt: new Date(m.occurredAt).toISOString(), sourceEventId: m.sourceEventId }),
  ];
  // A statement takes exactly as many values as its highest ?NNN (D1 checks the count).
  const stmt = (sql: string) => db.prepare(sql).bind(...args.slice(0, Math.max(...[...sql.matchAll(/\?(\d+)/g)].map((x) => Number(x[1])))));
  const [claimed] = await db.batch([
    stmt('INSERT OR IGNORE INTO processed_events (tenant_id, idem_key, claim) VALUES (?1, ?2, ?14)'),
    stmt(
        `INSERT INTO events (tenant_id, idem_key, system, external_account, object_type, object_id, change, property, value, occurred_at, source_event_id, status, correlation_id)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
           CASE WHEN EXISTS (
             SELECT 1 FROM event_heads h
             WHERE h.tenant_id = ?1 AND h.system = ?3 AND h.object_type = ?5 AND h.object_id = ?6 AND h.change = ?7 AND h.property = ?8
               AND (h.occurred_at, h.idem_key) > (?10, ?2)
           ) THEN 'superseded' ELSE 'applied' END,
           ?12
         WHERE ${CLAIMED}`,
    ),
    stmt(
        `INSERT INTO event_heads (tenant_id, system, object_type, object_id, change, property, occurred_at, idem_key)
         SELECT ?1, ?3, ?5, ?6, ?7, ?8, ?10, ?2
         WHERE ${CLAIMED} AND EXISTS (SELECT 1 FROM events WHERE tenant_id = ?1 AND idem_key = ?2 AND status = 'applied')
         ON CONFLICT (tenant_id, system, object_type, object_id, change, property) DO UPDATE
           SET occurred_at = excluded.occurred_at, idem_key = excluded.idem_key
           WHERE (excluded.occurred_at, excluded.idem_key) > (event_heads.occurred_at, event_heads.idem_key)`,
    ),
    stmt(
        `INSERT INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, before_json, after_json, correlation_id)
         SELECT ?1, ?16, ?13, ?15, 'crm.change.' || e.status, ?3 || '_' || ?5, ?6, NULL, json_set(?17, '$.status', e.status), ?12
         FROM events e WHERE e.tenant_id = ?1 AND e.idem_key = ?2 AND ${CLAIMED}`,
    ),
    stmt('DELETE FROM event_failures WHERE tenant_id = ?1 AND idem_key = ?2'),
  ]);
  const row = await db.prepare('SELECT status FROM events WHERE tenant_id = ? AND idem_key = ?').bind(m.tenantId, m.idempotencyKey).first<{ status: ChangeStatus }>();
  if (!row) throw new Error('event claimed but not recorded');
  return { status: row.status, claimed: (claimed?.meta.changes ?? 0) === 1 };
}

/** True when a change with this key was already recorded (applied or superseded). */
export async function isProcessed(db: D1Database, tenantId: string, idemKey: string): Promise<boolean> {
  const row = await db.prepare('SELECT 1 AS x FROM processed_events WHERE tenant_id = ? AND idem_key = ?').bind(tenantId, idemKey).first();
  return row !== null;
}

/** Notes why the latest delivery of a message failed (read when it reaches the dead-letter queue). */
export async function recordFailure(db: D1Database, tenantId: string, idemKey: string, attempts: number, error: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO event_failures (tenant_id, idem_key, attempts, error, failed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, idem_key) DO UPDATE SET attempts = excluded.attempts, error = excluded.error, failed_at = excluded.failed_at`,
    )
    .bind(tenantId, idemKey, attempts, error, new Date().toISOString())
    .run();
}

export async function lastFailure(db: D1Database, tenantId: string, idemKey: string): Promise<{ attempts: number; error: string } | null> {
  return db.prepare('SELECT attempts, error FROM event_failures WHERE tenant_id = ? AND idem_key = ?').bind(tenantId, idemKey).first<{ attempts: number; error: string }>();
}

export interface DeadLetterInput {
  tenantId: string;
  id: string;
  kind: string;
  summary: string | null;
  payload: unknown;
  error: string;
  attempts: number | null;
}

/** Stores (or reopens) a dead letter; the same message failing again updates its row. */
export async function putDeadLetter(db: D1Database, d: DeadLetterInput): Promise<void> {
  await db
    .prepare(
      `INSERT INTO dead_letters (tenant_id, id, kind, summary, payload, error, attempts, status, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)
       ON CONFLICT (tenant_id, id) DO UPDATE SET kind = excluded.kind, summary = excluded.summary, payload = excluded.payload,
         error = excluded.error, attempts = excluded.attempts, status = 'open', failed_at = excluded.failed_at, replayed_at = NULL`,
    )
    .bind(d.tenantId, d.id, d.kind, d.summary, JSON.stringify(d.payload), d.error, d.attempts, new Date().toISOString())
    .run();
}

export interface DeadLetterItem {
  id: string;
  kind: string;
  summary?: string;
  error: string;
  attempts?: number;
  failedAt: string;
  /** A flow run's dead letter (`flow.*`): the run, and the step that exhausted its retries (a replay runs it again). */
  runId?: string;
  step?: string;
}

/** Open dead letters, newest first. */
export async function listDeadLetters(db: D1Database, tenantId: string, limit: number): Promise<DeadLetterItem[]> {
  const { results } = await db
    .prepare(
      `SELECT id, kind, summary, error, attempts, failed_at AS failedAt,
         CASE WHEN kind LIKE 'flow.%' AND json_valid(payload) THEN json_extract(payload, '$.runId') END AS runId,
         CASE WHEN kind LIKE 'flow.%' AND json_valid(payload) THEN json_extract(payload, '$.step') END AS step
       FROM dead_letters
       WHERE tenant_id = ? AND status = 'open' ORDER BY failed_at DESC, id LIMIT ?`,
    )
    .bind(tenantId, limit)
    .all<{ id: string; kind: string; summary: string | null; error: string; attempts: number | null; failedAt: string; runId: unknown; step: unknown }>();
  return results.map(({ summary, attempts, runId, step, ...r }) => ({
    ...r,
    ...(summary ? { summary } : {}),
    ...(attempts ? { attempts } : {}),
    ...(typeof runId === 'string' ? { runId } : {}),
    ...(typeof step === 'string' ? { step } : {}),
  }));
}

/** One dead letter of the tenant with its payload, or null. */
export async function getDeadLetter(db: D1Database, tenantId: string, id: string): Promise<{ id: string; kind: string; status: string; payload: unknown } | null> {
  const row = await db
    .prepare('SELECT id, kind, status, payload FROM dead_letters WHERE tenant_id = ? AND id = ?')
    .bind(tenantId, id)
    .first<{ id: string; kind: string; status: string; payload: string }>();
  return row ? { ...row, payload: JSON.parse(row.payload) as unknown } : null;
}

export function markReplayedStatement(db: D1Database, tenantId: string, id: string): D1PreparedStatement {
  return db.prepare(`UPDATE dead_letters SET status = 'replayed', replayed_at = ? WHERE tenant_id = ? AND id = ?`).bind(new Date().toISOString(), tenantId, id);
}
