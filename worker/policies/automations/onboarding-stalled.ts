/**
 * The stalled-onboarding automation, pure: while a milestone of the account's onboarding project
 * is blocked or past its due date, an episode is open about that milestone and the account gets
 * one CRM task for its owner ("Onboarding stalled: Data migration"). The episode closes when the
 * milestone is no longer blocked or late (done, unblocked, moved); another milestone stalling
 * later opens a new episode with a task of its own. The CS digest says which milestone is stalled
 * (policies/account-facts/state.ts `stalled`).
 */

/** The milestone an onboarding is stalled on, as the CS digest keeps it. */
export interface StalledMilestone {
  id: string;
  name: string;
  /**
   * `blocked`: the CS system says so; `past_due`: not done and its due date has passed;
   * `no_progress`: no milestone completed for longer than the tenant's `noProgressDays`.
   */
  reason: 'blocked' | 'past_due' | 'no_progress';
  dueDate: string | null;
  /** `no_progress`: the day the last milestone was completed (YYYY-MM-DD). */
  lastProgress?: string;
}

/** An open stalled-onboarding episode (kept in the account's digest). */
export interface OnboardingEpisode {
  /** Unique per episode: the task's idempotency key derives from it. */
  key: string;
  milestone: StalledMilestone;
  /** When it opened (the reading that showed the stall), ISO instant. */
  at: string;
}

/**
 * The episode after a new reading of the onboarding: the open one while the same milestone is
 * still stalled, a new one when a (different) milestone is, null when none is. `stalled` is
 * undefined when the reading says nothing about onboarding (the CS source was not read): the open
 * episode stays as it is.
 */
export function onboardingEpisode(open: OnboardingEpisode | null | undefined, stalled: StalledMilestone | null | undefined, at: string, accountId: string): OnboardingEpisode | null {
  if (stalled === undefined) return open ?? null;
  if (stalled === null) return null;
  if (open && open.milestone.id === stalled.id) return open;
  return { key: `onboarding-stalled:${accountId}:${stalled.id}:${at}`, milestone: stalled, at };
}
