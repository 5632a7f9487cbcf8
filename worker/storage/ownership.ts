/** The tenant's override of the system-of-record matrix (table `ownership_overrides`). */
import { OwnershipOverrideSchema, applyOwnershipOverride, type OwnershipMatrix, type OwnershipOverride } from '../policies/ownership/index.js';

export async function loadOwnershipOverride(db: D1Database, tenantId: string): Promise<OwnershipOverride> {
  const row = await db.prepare('SELECT override_json FROM ownership_overrides WHERE tenant_id = ?').bind(tenantId).first<{ override_json: string }>();
  if (!row) return {};
  const parsed = OwnershipOverrideSchema.safeParse(JSON.parse(row.override_json));
  // A stored key the model no longer knows is dropped rather than breaking the console.
  return parsed.success ? parsed.data : {};
}

/** The tenant's matrix: the default with the tenant's override applied. */
export async function tenantMatrix(db: D1Database, tenantId: string): Promise<OwnershipMatrix> {
  return applyOwnershipOverride(await loadOwnershipOverride(db, tenantId));
}

/** Statement that stores the tenant's override. */
export function saveOwnershipOverride(db: D1Database, tenantId: string, override: OwnershipOverride): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO ownership_overrides (tenant_id, override_json) VALUES (?, ?)
       ON CONFLICT(tenant_id) DO UPDATE SET override_json = excluded.override_json, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    )
    .bind(tenantId, JSON.stringify(override));
}
