/**
 * Which tenant a CRM account belongs to. Embedded surfaces name the CRM account (HubSpot appends
 * `portalId` to every signed card request), never the tenant: the tenant is the one whose
 * connection to that system records that account as its `external_account`.
 */
import { TtlMemo } from './memo.js';
import { fail } from '../errors.js';
import type { System } from './connections.js';

/**
 * The tenant connected to `externalAccount` of `system` (e.g. hub id 24300001 of `hubspot`), or
 * null when no tenant is. Two tenants claiming the same account is a misconfiguration that must
 * not resolve to either of them (it would show one tenant's data to the other): 409.
 */
/** Portal/org -> tenant, remembered 5 s per isolate (a disconnect takes effect within that). */
const tenants = new TtlMemo<string | null>(5_000);

/** Forget this isolate's portal/org -> tenant answers (after a claim changed or was released). */
export function forgetExternalAccounts(): void {
  tenants.clear();
}

export async function tenantForExternalAccount(db: D1Database, system: System, externalAccount: string): Promise<string | null> {
  return tenants.get(`${system}:${externalAccount}`, () => lookupTenant(db, system, externalAccount), (t) => t !== null);
}

async function lookupTenant(db: D1Database, system: System, externalAccount: string): Promise<string | null> {
  const { results } = await db
    .prepare(`SELECT tenant_id AS tenantId FROM connections WHERE system = ? AND external_account = ? AND status = 'connected' LIMIT 2`)
    .bind(system, externalAccount)
    .all<{ tenantId: string }>();
  if (results.length > 1) fail({ kind: 'conflict', message: `${system} account ${externalAccount} is connected to more than one tenant.` });
  return results[0]?.tenantId ?? null;
}
