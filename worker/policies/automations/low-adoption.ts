/**
 * The low-adoption automation, pure: the health-drop automation's third trigger. Vitally's health
 * score is made of the workspace's own categories (the sandbox's: productUsage, support,
 * engagement), kept with each score (`GET /accounts/:id/healthScores`, `categories`) and carried
 * by the account view as the health section's `signals`. The tenant names the category that
 * measures adoption (`adoptionSignal`, `productUsage` by default) and the score it must stay at
 * (`adoptionBelow`, 0-100; 0, the default: off, since category names and what a good score is
 * differ per workspace). While that category's latest score is under the threshold an episode is
 * open and the account gets one support review task; it closes once the score is back at or
 * above it. A reading without that category says nothing: the open episode stays as it is.
 */

export interface AdoptionPolicy {
  /** The health score category that measures adoption (as the CS system names it). */
  adoptionSignal: string;
  /** A category score (0-100) under this opens an episode; 0: off. */
  adoptionBelow: number;
}

/** The default policy: off (0), watching the category named `productUsage` once a threshold is set. */
export const DEFAULT_ADOPTION: AdoptionPolicy = { adoptionSignal: 'productUsage', adoptionBelow: 0 };

/** An open low-adoption episode (kept in the account's digest). */
export interface AdoptionEpisode {
  /** Unique per episode: the task's idempotency key derives from it. */
  key: string;
  signal: string;
  /** The category score when it opened (0-100). */
  score: number;
  /** The threshold it fell under. */
  below: number;
  /** When it opened, ISO instant. */
  at: string;
}

/**
 * The episode after a new reading of the health categories (`signals`: name -> 0-100 score;
 * undefined when the CS source was not read): a new one when the adoption category is under the
 * threshold (and none is open), the open one while it still is, null once it is back.
 */
export function adoptionEpisode(
  open: AdoptionEpisode | null | undefined,
  signals: Readonly<Record<string, number>> | undefined,
  at: string,
  accountId: string,
  policy: AdoptionPolicy = DEFAULT_ADOPTION,
): AdoptionEpisode | null {
  const score = signals?.[policy.adoptionSignal];
  if (score === undefined) return open ?? null;
  if (policy.adoptionBelow <= 0) return null;
  if (open) return score >= open.below ? null : open;
  return score < policy.adoptionBelow ? { key: `low-adoption:${accountId}:${at}`, signal: policy.adoptionSignal, score, below: policy.adoptionBelow, at } : null;
}
