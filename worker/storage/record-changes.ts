/**
 * D1 side of ERP and CS record changes (the change pipeline, worker/flows/account-changes): the
 * exactly-once claim of one record version, its row in the change log (`events`), the newest
 * version per record (`event_heads`), the account marked for its effects (`account_dirty`) and
 * the account history lines, all in one D1 batch (one transaction).
 *
 * A record version is claimed by its version key (record + last modified, queues/messages.ts):
 * a push and a poll of one version, and every re-delivery, claim the same key, so the second one
 * writes nothing. The message's own key is claimed too, so the dead-letter consumer can tell it
 * was applied. Newest wins per record: a version older than the newest applied one is recorded
 * as `superseded`, marks nothing and adds no history.
 */
import type { CsPart } from '../model/changes.js';
import type { ChangeStatus } from './events.js';

/** One history line of an account (audit_log), written at most once: its id derives from `key`. */
export interface HistoryLine {
  /** What makes the line unique (e.g. `invoice-paid:5001`): the same line from two records is one line. */
  key: string;
  action: string;
  /** The one-line summary the CSM panel shows. */
  summary: string;
  /** Whitelisted details (system, record, numbers), never raw payloads. */
  detail: Record<string, string | number | boolean | null>;
}

export interface RecordChangeInput {
  tenantId: string;
  system: 'netsuite' | 'vitally';
  externalAccount: string;
  objectType: string;
  objectId: string;
  /** The version applied: the record's last modified instant, epoch ms. */
  versionMs: number;
  versionKey: string;
  messageKey: string;
  /** create | edit | delete | changed (a poll cannot tell which). */
  change: string;
  /** What the record said (small JSON: number, customer, balance...), kept in the change log for the next version's history. */
  summary: unknown;
  sourceEventId: string;
  correlationId: string;
  actor: string;
  /** The canonical account the record belongs to; null when it is linked to none. */
  accountId: string | null;
  /** Which parts of the account must be read again (of the CS data, `csParts` when the change names them). */
  mark: { erp: boolean; cs: boolean; csParts?: readonly CsPart[] };
  history: readonly HistoryLine[];
}

export interface RecordChangeOutcome {
  status: ChangeStatus;
  /** False when another delivery had already claimed this version (a duplicate). */
  claimed: boolean;
}

/** `account_dirty.cs_parts` bits (migration 0020). */
const CS_PART_BITS: Readonly<Record<CsPart, number>> = { health: 1, onboarding: 2, escalations: 4 };
export const ALL_CS_PARTS = 7;

/** The `account_dirty.cs_parts` bits of a mark: its named CS parts, or all of them (none without `cs`). */
export function csPartBits(mark: { cs: boolean; csParts?: readonly CsPart[] }): number {
  if (!mark.cs) return 0;
  return mark.csParts ? mark.csParts.reduce((bits, p) => bits | CS_PART_BITS[p], 0) : ALL_CS_PARTS;
}

/** The CS parts of `cs_parts` bits. */
export function csPartsOf(bits: number): CsPart[] {
  return (Object.keys(CS_PART_BITS) as CsPart[]).filter((p) => (bits & CS_PART_BITS[p]) !== 0);
}

/** Deterministic id of a history line (hex of SHA-256 over tenant and key, 32 characters). */
export async function historyId(tenantId: string, key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${tenantId}\u0000${key}`));
  return `hx_${[...new Uint8Array(digest)].slice(0, 16).map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const CLAIMED = `EXISTS (SELECT 1 FROM processed_events WHERE tenant_id = ?1 AND idem_key = ?2 AND claim = ?3)`;
const APPLIED = `EXISTS (SELECT 1 FROM events WHERE tenant_id = ?1 AND idem_key = ?2 AND status = 'applied')`;

/** Claims and records one record version exactly once (see the module header). */
export async function applyRecordChange(db: D1Database, c: RecordChangeInput): Promise<RecordChangeOutcome> {
  const claim = crypto.randomUUID();
  const now = new Date().toISOString();
  // ?1 tenant, ?2 version key, ?3 claim: shared by every statement.
  const head = [c.tenantId, c.versionKey, claim] as const;
  const statements: D1PreparedStatement[] = [
    db.prepare('INSERT OR IGNORE INTO processed_events (tenant_id, idem_key, claim) VALUES (?1, ?2, ?3)').bind(...head),
  ];
  if (c.messageKey !== c.versionKey) {
    statements.push(db.prepare('INSERT OR IGNORE INTO processed_events (tenant_id, idem_key, claim) VALUES (?1, ?2, ?3)').bind(c.tenantId, c.messageKey, claim));
  }
  statements.push(
    db
      .prepare(
        `INSERT INTO events (tenant_id, idem_key, system, external_account, object_type, object_id, change, property, value, occurred_at, source_event_id, status, correlation_id)
         SELECT ?1, ?2, ?4, ?5, ?6, ?7, ?8, '', ?9, ?10, ?11,
           CASE WHEN EXISTS (
             SELECT 1 FROM event_heads h
             WHERE h.tenant_id = ?1 AND h.system = ?4 AND h.object_type = ?6 AND h.object_id = ?7 AND h.change = 'record' AND h.property = ''
               AND (h.occurred_at, h.idem_key) > (?10, ?2)
           ) THEN 'superseded' ELSE 'applied' END,
           ?12
         WHERE ${CLAIMED}`,
      )
      .bind(...head, c.system, c.externalAccount, c.objectType, c.objectId, c.change, JSON.stringify(c.summary ?? null), c.versionMs, c.sourceEventId, c.correlationId),
    db
      .prepare(
        `INSERT INTO event_heads (tenant_id, system, object_type, object_id, change, property, occurred_at, idem_key)
         SELECT ?1, ?4, ?5, ?6, 'record', '', ?7, ?2 WHERE ${CLAIMED} AND ${APPLIED}
         ON CONFLICT (tenant_id, system, object_type, object_id, change, property) DO UPDATE
           SET occurred_at = excluded.occurred_at, idem_key = excluded.idem_key
           WHERE (excluded.occurred_at, excluded.idem_key) > (event_heads.occurred_at, event_heads.idem_key)`,
      )
      .bind(...head, c.system, c.objectType, c.objectId, c.versionMs),
  );
  if (c.accountId && (c.mark.erp || c.mark.cs)) {
    statements.push(
      db
        .prepare(
          `INSERT INTO account_dirty (tenant_id, account_id, erp, cs, seq, marked_at, cs_parts)
           SELECT ?1, ?4, ?5, ?6, 1, ?7, ?8 WHERE ${CLAIMED} AND ${APPLIED}
           ON CONFLICT (tenant_id, account_id) DO UPDATE
             SET erp = MAX(account_dirty.erp, excluded.erp), cs = MAX(account_dirty.cs, excluded.cs), seq = account_dirty.seq + 1, marked_at = excluded.marked_at,
               cs_parts = account_dirty.cs_parts | excluded.cs_parts`,
        )
        .bind(...head, c.accountId, c.mark.erp ? 1 : 0, c.mark.cs ? 1 : 0, now, csPartBits(c.mark)),
    );
  }
  for (const line of c.history) {
    statements.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, before_json, after_json, correlation_id)
           SELECT ?1, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11 WHERE ${CLAIMED} AND ${APPLIED}`,
        )
        .bind(
          ...head,
          await historyId(c.tenantId, line.key),
          now,
          c.actor,
          line.action,
          c.accountId ? 'account' : `${c.system}_${c.objectType}`,
          c.accountId ?? c.objectId,
          JSON.stringify({ summary: line.summary, ...line.detail }),
          c.correlationId,
        ),
    );
  }
  statements.push(db.prepare('DELETE FROM event_failures WHERE tenant_id = ? AND idem_key = ?').bind(c.tenantId, c.messageKey));
  const [claimed] = await db.batch(statements);
  const row = await db.prepare('SELECT status FROM events WHERE tenant_id = ? AND idem_key = ?').bind(c.tenantId, c.versionKey).first<{ status: ChangeStatus }>();
  if (!row) throw new Error('record change claimed but not recorded');
  return { status: row.status, claimed: (claimed?.meta.changes ?? 0) === 1 };
}

/** What the change log last recorded of a record (its newest applied version's summary), or null. */
export async function lastRecordSummary(db: D1Database, tenantId: string, system: string, objectType: string, objectId: string): Promise<unknown> {
  const row = await db
    .prepare(
      `SELECT e.value FROM event_heads h JOIN events e ON e.tenant_id = h.tenant_id AND e.idem_key = h.idem_key
       WHERE h.tenant_id = ? AND h.system = ? AND h.object_type = ? AND h.object_id = ? AND h.change = 'record' AND h.property = ''`,
    )
    .bind(tenantId, system, objectType, objectId)
    .first<{ value: string | null }>();
  return row?.value ? (JSON.parse(row.value) as unknown) : null;
}
