/**
 * Admin console sessions in D1 (`sessions`, migration 0007): the cookie carries only a random id,
 * stored here as its SHA-256. A session is valid while its row is unrevoked and unexpired AND the
 * API key that minted it is still active, so replacing the key ends every session it opened,
 * and logout ends one at once (no signed token that outlives its revocation).
 */
import { sha256Hex } from './crypto.js';

export interface SessionRow {
  tenantId: string;
  idHash: string;
  keyHash: string;
  expiresAt: number;
}

/** Store a new session; `id` is the random cookie value (only its hash is kept). */
export async function insertSession(db: D1Database, s: { id: string; tenantId: string; keyHash: string; createdAt: number; expiresAt: number }): Promise<void> {
  await db.batch([
    // Opportunistic cleanup keeps the table small without a cron.
    db.prepare('DELETE FROM sessions WHERE expires_at < ?').bind(s.createdAt - 24 * 3600_000),
    db.prepare('INSERT INTO sessions (id_hash, tenant_id, key_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').bind(await sha256Hex(s.id), s.tenantId, s.keyHash, s.createdAt, s.expiresAt),
  ]);
}

/** The live session for a cookie id, or null (unknown, revoked, expired, or its key replaced). */
export async function findSession(db: D1Database, id: string, now = Date.now()): Promise<SessionRow | null> {
  const row = await db
    .prepare(
      `SELECT s.tenant_id AS tenantId, s.id_hash AS idHash, s.key_hash AS keyHash, s.expires_at AS expiresAt
       FROM sessions s JOIN api_keys k ON k.key_hash = s.key_hash AND k.tenant_id = s.tenant_id
       WHERE s.id_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND k.revoked_at IS NULL`,
    )
    .bind(await sha256Hex(id), now)
    .first<SessionRow>();
  return row ?? null;
}

/** Revoke one session (logout). */
export async function revokeSession(db: D1Database, id: string): Promise<void> {
  await db.prepare('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL').bind(Date.now(), await sha256Hex(id)).run();
}

/** A statement revoking every session minted by a key of `tenantId` that is revoked (batched with the key replacement). */
export function revokeSessionsOfRevokedKeys(db: D1Database, tenantId: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sessions SET revoked_at = ?1 WHERE tenant_id = ?2 AND revoked_at IS NULL
       AND key_hash IN (SELECT key_hash FROM api_keys WHERE tenant_id = ?2 AND revoked_at IS NOT NULL)`,
    )
    .bind(Date.now(), tenantId);
}
