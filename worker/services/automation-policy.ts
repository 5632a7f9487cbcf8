/**
 * Loading a tenant's automation policy (policies/automations/policy.ts) from D1 `flow_settings`.
 * Read once per change-pipeline batch (flows/account-changes/consume.ts) and once per account
 * view build, where its statement rides in the same D1 batch as the account and its links
 * (services/account-view-build.ts), so it costs the build no round trip of its own and needs no
 * per-isolate cache: a saved policy applies to the next batch and the next build.
 */
import { AUTOMATIONS_FLOW, automationPolicyOf, type AutomationPolicy } from '../policies/automations/policy.js';
import { loadSettings, saveSettings } from '../storage/flow-runs.js';

/** The statement that reads the stored policy, for a caller's own D1 batch (read the row with {@link policyFromRow}). */
export function automationPolicyStatement(db: D1Database, tenantId: string): D1PreparedStatement {
  return db.prepare('SELECT settings_json FROM flow_settings WHERE tenant_id = ? AND flow = ?').bind(tenantId, AUTOMATIONS_FLOW);
}

/** The policy of that statement's result (defaults when the tenant never saved one). */
export function policyFromRow(result: D1Result | undefined): AutomationPolicy {
  const row = result?.results[0] as { settings_json?: string } | undefined;
  return automationPolicyOf(row?.settings_json ? (JSON.parse(row.settings_json) as unknown) : null);
}

/** The tenant's policy, with defaults for what it never set. */
export async function loadAutomationPolicy(db: D1Database, tenantId: string): Promise<AutomationPolicy> {
  return automationPolicyOf(await loadSettings(db, tenantId, AUTOMATIONS_FLOW));
}

/** The statement that stores a validated policy (in the caller's batch, with its audit line). */
export function saveAutomationPolicyStatement(db: D1Database, tenantId: string, policy: AutomationPolicy): D1PreparedStatement {
  return saveSettings(db, tenantId, AUTOMATIONS_FLOW, policy);
}
