/**
 * The health-drop automation, pure: when an account's health score falls by `dropPoints` or more
 * between two readings, or falls below `below`, an episode opens and the account gets one support
 * review task in the CRM. The episode stays open (no second task, however many changes follow,
 * even further drops) until the score is back at or above the score it fell from.
 */

export interface HealthDropPolicy {
  /** A fall of at least this many points (0-100 scale) between two readings opens an episode. */
  dropPoints: number;
  /** Falling from at or above this score to below it opens an episode. */
  below: number;
}

/** The default policy: a fall of 15 points, or to below 40. */
export const DEFAULT_HEALTH_DROP: HealthDropPolicy = { dropPoints: 15, below: 40 };

/** An open health-drop episode (kept in the account's digest). */
export interface HealthEpisode {
  /** Unique per episode: the task's idempotency key derives from it. */
  key: string;
  from: number;
  to: number;
  /** When it opened (the reading that showed the drop), ISO instant. */
  at: string;
}

/**
 * The episode after a new reading: a new one when the score fell (and none is open), the open one
 * while the score has not recovered, null once it has (or when there is nothing to compare).
 */
export function healthEpisode(
  open: HealthEpisode | null | undefined,
  previous: number | null | undefined,
  next: number | null | undefined,
  at: string,
  accountId: string,
  policy: HealthDropPolicy = DEFAULT_HEALTH_DROP,
): HealthEpisode | null {
  if (next === null || next === undefined) return open ?? null;
  if (open) return next >= open.from ? null : open;
  if (previous === null || previous === undefined) return null;
  const fell = previous - next >= policy.dropPoints || (previous >= policy.below && next < policy.below);
  return fell ? { key: `health-drop:${accountId}:${at}`, from: previous, to: next, at } : null;
}
