/**
 * The health-drop automation, pure: when an account's health score falls by `dropPoints` or more
 * between two readings, or falls below `below`, an episode opens and the account gets one support
 * review task in the CRM. The episode stays open (no second task, however many changes follow,
 * even further drops) until the score is back at or above the score it fell from.
 *
 * Between two of Concord's readings the rule compares the two scores (`healthEpisode`). When the
 * thresholds change, the rule is judged again over the CS system's score series kept in the
 * digest (`seriesFall`): the fall the rule would have found, and not seen recovered, had the new
 * thresholds always applied (docs/decisions.md 53).
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

/** A point of the CS system's health score series. */
export interface ScorePoint {
  date: string;
  score: number;
}

/**
 * The fall still open at the end of `series` (oldest first) had the rule judged each point after
 * the one before it under `policy`: `from` the score it fell from, `to` the series' last score;
 * null when no fall opened or the score came back to where it fell from.
 */
export function seriesFall(series: readonly ScorePoint[], policy: HealthDropPolicy = DEFAULT_HEALTH_DROP): { from: number; to: number } | null {
  let open: number | null = null;
  for (let i = 1; i < series.length; i++) {
    const previous = series[i - 1]!.score;
    const next = series[i]!.score;
    if (open !== null) {
      if (next >= open) open = null;
      continue;
    }
    if (previous - next >= policy.dropPoints || (previous >= policy.below && next < policy.below)) open = previous;
  }
  return open === null ? null : { from: open, to: series.at(-1)!.score };
}

/**
 * The episode after a run under `policy`, when the digest was last judged under `judgedUnder`
 * (undefined: under none): with other thresholds and no episode open, the fall `seriesFall`
 * finds in the stored series opens one as of `at`; otherwise `open` as it is. An open episode is
 * never closed here: it closes when the score recovers, as on any reading.
 */
export function rejudgedEpisode(
  open: HealthEpisode | null,
  judgedUnder: HealthDropPolicy | undefined,
  policy: HealthDropPolicy,
  series: readonly ScorePoint[] | undefined,
  at: string,
  accountId: string,
): HealthEpisode | null {
  if (open || !series) return open;
  if (judgedUnder && judgedUnder.dropPoints === policy.dropPoints && judgedUnder.below === policy.below) return open;
  const fall = seriesFall(series, policy);
  return fall ? { key: `health-drop:${accountId}:${at}`, ...fall, at } : null;
}
