/** Tenants and their hashed admin API keys. */
import { revokeSessionsOfRevokedKeys } from './sessions.js';

export interface TenantRow {
  id: string;
  name: string;
}

export async function findApiKey(db: D1Database, keyHash: string): Promise<{ tenantId: string; label: string } | null> {
  const row = await db
    .prepare('SELECT tenant_id AS tenantId, label FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL')
    .bind(keyHash)
    .first<{ tenantId: string; label: string }>();
  return row ?? null;
}

export async function getTenant(db: D1Database, id: string): Promise<TenantRow | null> {
  return (await db.prepare('SELECT id, name FROM tenants WHERE id = ?').bind(id).first<TenantRow>()) ?? null;
}

/**
 * Create or rename a tenant and (re)register one API key by its hash. Keys with the same label
 * are replaced, so re-provisioning with a new key revokes the old one.
 */
/** The tenant an API key (by hash) is registered to, revoked or not; null when unknown. */
export async function keyOwner(db: D1Database, keyHash: string): Promise<string | null> {
  const row = await db.prepare('SELECT tenant_id AS tenantId FROM api_keys WHERE key_hash = ?').bind(keyHash).first<{ tenantId: string }>();
  return row?.tenantId ?? null;
}

export async function upsertTenant(db: D1Database, tenant: TenantRow, key: { hash: string; label: string } | null): Promise<{ created: boolean }> {
  const existing = await getTenant(db, tenant.id);
  const stmts = [
    db.prepare('INSERT INTO tenants (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name').bind(tenant.id, tenant.name),
  ];
  if (key) {
    stmts.push(
      db.prepare("UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE tenant_id = ? AND label = ? AND key_hash <> ? AND revoked_at IS NULL").bind(tenant.id, key.label, key.hash),
      db.prepare('INSERT INTO api_keys (key_hash, tenant_id, label) VALUES (?, ?, ?) ON CONFLICT(key_hash) DO UPDATE SET revoked_at = NULL WHERE api_keys.tenant_id = excluded.tenant_id').bind(key.hash, tenant.id, key.label),
      // Sessions opened with a replaced key end with it.
      revokeSessionsOfRevokedKeys(db, tenant.id),
    );
  }
  await db.batch(stmts);
  return { created: !existing };
}
