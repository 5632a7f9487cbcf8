/**
 * Canonical HealthScore (customer-success owned) and the trend derivation.
 * Scores are 0-100; Vitally's 0-10 scale is multiplied by 10 in its mapper.
 */
import { z } from 'zod';
import { compareDates, daysBetween } from './dates.js';
import { IdSchema, IsoDateSchema } from './primitives.js';

/** A 0-100 score, integer or decimal. */
export const ScoreSchema = z.number().min(0).max(100).describe('Score from 0 to 100.');

/** Direction of the health score over the last ~4 weeks. */
export const HealthTrendSchema = z.enum(['up', 'down', 'flat']);
/** Direction of the health score. */
export type HealthTrend = z.infer<typeof HealthTrendSchema>;

/** One component of a health score (e.g. productUsage, support). */
export const HealthSignalSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  score: ScoreSchema,
});

/** A dated score, one point of the history. */
export const HealthPointSchema = z.strictObject({ date: IsoDateSchema, score: ScoreSchema });
/** A dated score. */
export type HealthPoint = z.infer<typeof HealthPointSchema>;

/** The customer's health as of a date. */
export const HealthScoreSchema = z
  .strictObject({
    accountId: IdSchema,
    score: ScoreSchema,
    trend: HealthTrendSchema,
    asOf: IsoDateSchema,
    signals: z.array(HealthSignalSchema),
    history: z.array(HealthPointSchema).optional().describe('Earlier scores, any order; used to derive trend.'),
  })
  .describe('Customer health score (customer-success system).');
/** The customer's health as of a date. */
export type HealthScore = z.infer<typeof HealthScoreSchema>;

/** Options of `healthTrend`. */
export interface HealthTrendOptions {
  /** How far back the comparison point should be; default 28 days. */
  windowDays?: number;
  /** Minimum change (in points) that counts as up or down; default 5. */
  threshold?: number;
}

/**
 * Compares the latest score with the one ~`windowDays` earlier (the earlier point closest to
 * that date; if history is shorter, the oldest point). A change smaller than `threshold` is flat,
 * so the weekly noise of a health model does not flip the card's arrow.
 */
export function healthTrend(history: readonly HealthPoint[], options: HealthTrendOptions = {}): HealthTrend {
  const windowDays = options.windowDays ?? 28;
  const threshold = options.threshold ?? 5;
  if (history.length < 2) return 'flat';
  const sorted = [...history].sort((a, b) => compareDates(a.date, b.date));
  const latest = sorted[sorted.length - 1]!;
  const earlier = sorted.filter((p) => p.date < latest.date);
  if (earlier.length === 0) return 'flat';
  let baseline = earlier[0]!;
  let bestDistance = Infinity;
  for (const point of earlier) {
    const distance = Math.abs(daysBetween(point.date, latest.date) - windowDays);
    if (distance < bestDistance) {
      bestDistance = distance;
      baseline = point;
    }
  }
  const delta = latest.score - baseline.score;
  if (delta >= threshold) return 'up';
  if (delta <= -threshold) return 'down';
  return 'flat';
}
