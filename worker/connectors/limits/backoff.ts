/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base x 2^attempt)).
 * Full jitter spreads retrying callers best (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */

/** Delay before retry number `attempt` (0-based). `random` is injectable for deterministic tests. */
export function fullJitter(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt)));
}

/** Promise-based sleep (setTimeout exists in both workerd and Node). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
