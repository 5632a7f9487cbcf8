/**
 * Onboarding that stalls with nothing happening: a milestone's due date passes and nobody touches
 * it, so the CS system reports no change and neither its webhooks nor the `updatedAt` poll bring
 * the account back to the pipeline (the same holds for onboarding with no milestone completed for
 * the policy's `noProgressDays`). The digest keeps the first day on which the stalled rule would
 * call the onboarding stalled if nothing changed (`checkBy`, policies/account-facts/state.ts),
 * worked out again from the stored milestones under the tenant's policy on every effects run, so
 * a policy save (rejudge.ts) moves it to the day the new grace or `noProgressDays` runs out;
 * every poll (each minute) looks for accounts whose `checkBy` has come while their digest, read
 * before today, says nothing is stalled, marks them for a CS read and runs their effects. The same rule then opens the
 * stalled-onboarding episode and files its task (policies/automations/onboarding-stalled.ts). A
 * digest read today is never picked, and a read that finds the stall records it, so an account is
 * read at most once a day by this sweep. Nothing runs while the tenant's policy has the
 * automation switched off.
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import { loadAutomationPolicy } from '../../services/automation-policy.js';
import { markDirtyStatement } from '../../storage/account-changes.js';
import { runAccountEffects } from './consume.js';

/** Accounts read again per tenant and poll; more wait for the next minute. */
const MAX_PER_POLL = 100;

/** The accounts whose onboarding fell due unnoticed (as of `now`), read again with their effects run. */
export async function dueSweep(env: Env, tenantId: string, log: Logger, correlationId: string, now = Date.now()): Promise<string[]> {
  const policy = (await loadAutomationPolicy(env.DB, tenantId)).onboardingStalled;
  if (!policy.enabled) return [];
  const today = new Date(now).toISOString().slice(0, 10);
  const { results } = await env.DB.prepare(
    `SELECT account_id AS id FROM account_states
      WHERE tenant_id = ?
        AND json_extract(state_json, '$.cs.onboarding.checkBy') <= ?
        AND json_extract(state_json, '$.cs.onboarding.stalled') IS NULL
        AND json_extract(state_json, '$.cs.fetchedAt') < ?
      ORDER BY account_id LIMIT ?`,
  )
    .bind(tenantId, today, today, MAX_PER_POLL)
    .all<{ id: string }>();
  const ids = results.map((r) => r.id);
  if (ids.length === 0) return ids;
  await env.DB.batch(ids.map((id) => markDirtyStatement(env.DB, tenantId, id, { erp: false, cs: true })));
  const failed = await runAccountEffects(env, tenantId, ids, correlationId, log);
  log.info('poll.due_sweep', { accounts: ids.length, failed: failed.size });
  return ids;
}
