/**
 * Flow leases (table `flow_leases`, migration 0012): one holder per (tenant, key) at a time, for
 * the few creates a vendor cannot make idempotent itself. Taking a lease is one statement, so two
 * runs racing for the same key cannot both get it; an expired lease goes to the next taker.
 */

/** Take (or renew) the lease on `key` for `holder`; true when `holder` has it now. */
export async function takeLease(db: D1Database, tenantId: string, key: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  const res = await db
    .prepare(
      `INSERT INTO flow_leases (tenant_id, key, holder, expires_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (tenant_id, key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE flow_leases.holder = excluded.holder OR flow_leases.expires_at < ?5`,
    )
    .bind(tenantId, key, holder, new Date(now + ttlMs).toISOString(), new Date(now).toISOString())
    .run();
  return res.meta.changes > 0;
}

/** Give the lease back (only its holder can). */
export function releaseLease(db: D1Database, tenantId: string, key: string, holder: string): D1PreparedStatement {
  return db.prepare('DELETE FROM flow_leases WHERE tenant_id = ? AND key = ? AND holder = ?').bind(tenantId, key, holder);
}
