/**
 * Idempotency records of card actions (`card_actions`): claim a key before calling the vendor,
 * record the created id after, so a retried click returns the first result instead of creating a
 * second object. Convention after Stripe's: a key dedupes for 24 h; the same key with a different
 * request is refused.
 */

/** A key dedupes for this long; afterwards the same request creates a new object. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
/** A pending claim older than this is treated as abandoned (the isolate died mid-call). */
export const PENDING_TIMEOUT_MS = 60 * 1000;

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'done'; resultId: string }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

interface Row {
  request_hash: string;
  state: 'pending' | 'done';
  result_id: string | null;
  updated_at: string;
}

/**
 * Try to claim `key` for `requestHash`. Exactly one concurrent caller gets `claimed` (the INSERT
 * is the lock); the others see the first caller's state.
 */
export async function claimAction(db: D1Database, tenantId: string, key: string, action: string, requestHash: string): Promise<Claim> {
  const now = Date.now();
  // Expired rows (and abandoned pending claims) are replaced in the same statement that claims.
  const res = await db
    .prepare(
      `INSERT INTO card_actions (tenant_id, idem_key, action, request_hash, state) VALUES (?1, ?2, ?3, ?4, 'pending')
       ON CONFLICT(tenant_id, idem_key) DO UPDATE SET request_hash = excluded.request_hash, state = 'pending', result_id = NULL,
         created_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE card_actions.created_at < ?5 OR (card_actions.state = 'pending' AND card_actions.updated_at < ?6)`,
    )
    .bind(tenantId, key, action, requestHash, new Date(now - IDEMPOTENCY_WINDOW_MS).toISOString(), new Date(now - PENDING_TIMEOUT_MS).toISOString())
    .run();
  if (res.meta.changes > 0) return { kind: 'claimed' };
  const row = await db
    .prepare('SELECT request_hash, state, result_id, updated_at FROM card_actions WHERE tenant_id = ? AND idem_key = ?')
    .bind(tenantId, key)
    .first<Row>();
  if (!row) return { kind: 'in_progress' };
  if (row.request_hash !== requestHash) return { kind: 'mismatch' };
  if (row.state === 'done' && row.result_id) return { kind: 'done', resultId: row.result_id };
  return { kind: 'in_progress' };
}

/** Record the created object's id (batch it with the audit row). */
export function completeAction(db: D1Database, tenantId: string, key: string, resultId: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE card_actions SET state = 'done', result_id = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE tenant_id = ? AND idem_key = ?`)
    .bind(resultId, tenantId, key);
}

/** Give a claim up after the vendor refused the call, so a retry can try again. */
export async function releaseAction(db: D1Database, tenantId: string, key: string): Promise<void> {
  await db.prepare(`DELETE FROM card_actions WHERE tenant_id = ? AND idem_key = ? AND state = 'pending'`).bind(tenantId, key).run();
}
