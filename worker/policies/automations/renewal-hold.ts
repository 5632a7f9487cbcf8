/**
 * The renewal hold as the account view shows it (model/renewal-hold.ts), judged from the change
 * pipeline's digest of the account (`AccountState`, D1 `account_states`) with the same rule that
 * writes the CRM fact `renewalHold` (`deriveFacts` → `stallHoldOf`): on while a stalled-onboarding
 * episode is open and the tenant's policy holds renewals for a stall. The view cannot judge the
 * stall from its own onboarding section: an episode opens and closes against the previous one
 * and the tenant's grace days, which only the digest keeps, so reading the digest is what keeps
 * the card and the CRM property in agreement.
 */
import type { RenewalHold } from '../../model/renewal-hold.js';
import type { OnboardingEpisode } from './onboarding-stalled.js';
import { stallHoldOf, type AutomationPolicy } from './policy.js';

/**
 * The renewal hold to show, or null when there is nothing to claim: the tenant's stall policy
 * holds no renewals (switched off, or `hold` other than `renewal`), the account has no CS link,
 * or the pipeline has not read its CS source yet (no CS digest: the CRM fact is not written then
 * either).
 */
export function renewalHoldOf(
  policy: Pick<AutomationPolicy['onboardingStalled'], 'enabled' | 'hold'>,
  state: { cs?: unknown; onboardingEpisode?: OnboardingEpisode } | null | undefined,
  csLinked: boolean,
): RenewalHold | null {
  if (!policy.enabled || policy.hold !== 'renewal' || !csLinked || !state?.cs) return null;
  const episode = state.onboardingEpisode;
  if (stallHoldOf(policy, episode) !== 'renewal' || !episode) return { onHold: false, milestone: null, reason: null, dueDate: null, since: null };
  return { onHold: true, milestone: episode.milestone.name, reason: episode.milestone.reason, dueDate: episode.milestone.dueDate, since: episode.at };
}
