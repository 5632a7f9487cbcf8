/**
 * Flow leases (table `flow_leases`, migration 0012): one holder per (tenant, key) at a time, for
 * the few creates a vendor cannot make idempotent itself. Taking a lease is one statement, so two
 * runs racing for the same key cannot both get it; an expired lease goes to the next taker.
 * Beside them, what the leased creates made (`flow_onboardings`, migration 0023), so a later run
 * of the same key needs neither the lease nor the vendor to know it exists.
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

/** An onboarding project a closed-won run made (table `flow_onboardings`, migration 0023). */
export interface OnboardingMade {
  csAccountId: string;
  projectId: string;
}

/** The onboarding project made under `key`, or null when none was recorded yet. */
export async function onboardingMade(db: D1Database, tenantId: string, key: string): Promise<OnboardingMade | null> {
  return db
    .prepare('SELECT cs_account_id AS csAccountId, project_id AS projectId FROM flow_onboardings WHERE tenant_id = ? AND key = ?')
    .bind(tenantId, key)
    .first<OnboardingMade>();
}

/** Record the onboarding project made under `key` (the first record stays). */
export function recordOnboarding(db: D1Database, tenantId: string, key: string, made: OnboardingMade & { runId: string }): D1PreparedStatement {
  return db
    .prepare('INSERT INTO flow_onboardings (tenant_id, key, cs_account_id, project_id, run_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, key) DO NOTHING')
    .bind(tenantId, key, made.csAccountId, made.projectId, made.runId);
}
