/** A tenant's identity decision thresholds (`identity_settings`), the policy defaults when unset. */
import { DEFAULT_THRESHOLDS, IdentityThresholdsSchema, type IdentityThresholds } from '../policies/identity/index.js';

/** The tenant's thresholds and whether they are the defaults. */
export async function loadThresholds(db: D1Database, tenantId: string): Promise<IdentityThresholds & { isDefault: boolean }> {
  const row = await db
    .prepare('SELECT match_at AS matchAt, review_at AS reviewAt FROM identity_settings WHERE tenant_id = ?')
    .bind(tenantId)
    .first<{ matchAt: number; reviewAt: number }>();
  const parsed = IdentityThresholdsSchema.safeParse(row ?? undefined);
  // A row the current rules reject (e.g. after a rule change) falls back to the defaults.
  return parsed.success ? { ...parsed.data, isDefault: false } : { ...DEFAULT_THRESHOLDS, isDefault: true };
}

/** Statement that stores the tenant's thresholds. */
export function saveThresholds(db: D1Database, tenantId: string, t: IdentityThresholds): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO identity_settings (tenant_id, match_at, review_at) VALUES (?, ?, ?)
       ON CONFLICT(tenant_id) DO UPDATE SET match_at = excluded.match_at, review_at = excluded.review_at, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    )
    .bind(tenantId, t.matchAt, t.reviewAt);
}
