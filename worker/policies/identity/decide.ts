/**
 * From scores to a decision. `match` only when the best candidate's evidence is strong, nothing
 * conflicts, its score reaches the tenant's `matchAt` and no other candidate comes close;
 * `review` when the best reaches `reviewAt` but not all of that holds (a person decides);
 * `new` otherwise. Candidates are grouped by account: two records of one account are one answer.
 */
import { z } from 'zod';
import type { PairScore, Reason } from './score.js';

/** A tenant's decision thresholds (scores are 0..1). */
export const IdentityThresholdsSchema = z
  .strictObject({
    matchAt: z.number().min(0.5).max(1).describe('Lowest score linked automatically (with strong, conflict-free evidence).'),
    reviewAt: z.number().min(0.05).max(1).describe('Lowest score shown to a person for review.'),
  })
  .refine((t) => t.reviewAt < t.matchAt, { path: ['reviewAt'], message: 'reviewAt must be below matchAt' })
  .describe('Identity decision thresholds of a tenant.');
/** A tenant's decision thresholds. */
export type IdentityThresholds = z.infer<typeof IdentityThresholdsSchema>;

/** The defaults: a same name in the same city and country (0.8) links; a bare same name (0.5) is reviewed. */
export const DEFAULT_THRESHOLDS: IdentityThresholds = Object.freeze({ matchAt: 0.8, reviewAt: 0.45 });

/** How far (raw score) the runner-up must stay behind the best for an automatic match. */
export const MATCH_MARGIN = 0.2;

/** A candidate record with its score against the subject. */
export interface ScoredCandidate<R> {
  record: R;
  /** The account the record belongs to; null when it is not linked yet. */
  accountId: string | null;
  score: PairScore;
}

/** One answer: an account (or an unlinked record) with the best score among its records. */
export interface MatchOption<R> {
  accountId: string | null;
  record: R;
  score: number;
  raw: number;
  reasons: Reason[];
  conflict: boolean;
  strong: boolean;
}

/** The decision on one subject. */
export interface Resolution<R> {
  decision: 'match' | 'review' | 'new';
  /** Options scoring at least `reviewAt`, best first (at most `limit`); for `match` the first is the match. */
  matches: MatchOption<R>[];
}

/** Options of {@link decide}. */
export interface DecideOptions<R> {
  /** Which records may be the answer (e.g. only NetSuite customers); all by default. Other records of an account still speak for it. */
  eligible?: (record: R) => boolean;
  /** How a record is named in a reason borrowed from another record of the same account. */
  label?: (record: R) => string;
  /** Most options listed (default 5). */
  limit?: number;
}

/**
 * Groups candidates by account (unlinked records stand alone), takes each group's best eligible
 * record as its answer, and decides. The account is the unit: a conflict with any record of an
 * account (its ERP customer's other tax id, say) is a conflict of the whole account.
 */
export function decide<R>(candidates: readonly ScoredCandidate<R>[], thresholds: IdentityThresholds, opts: DecideOptions<R> = {}): Resolution<R> {
  const eligible = opts.eligible ?? (() => true);
  const groups = new Map<string, ScoredCandidate<R>[]>();
  candidates.forEach((c, i) => {
    const key = c.accountId ?? `record:${i}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  });
  const options: MatchOption<R>[] = [];
  for (const group of groups.values()) {
    const best = group.filter((c) => eligible(c.record)).sort((x, y) => y.score.raw - x.score.raw)[0];
    if (!best) continue;
    const borrowed = group
      .filter((c) => c !== best && c.score.conflict)
      .flatMap((c) => c.score.reasons.filter((r) => r.conflict).map((r) => ({ ...r, text: opts.label ? `${opts.label(c.record)}: ${r.text}` : r.text })));
    options.push({
      accountId: best.accountId,
      record: best.record,
      score: best.score.score,
      raw: best.score.raw,
      reasons: [...best.score.reasons, ...borrowed],
      conflict: best.score.conflict || borrowed.length > 0,
      strong: best.score.strong,
    });
  }
  const ranked = options.sort((x, y) => y.raw - x.raw || Number(x.conflict) - Number(y.conflict));
  const shown = ranked.filter((o) => o.score >= thresholds.reviewAt).slice(0, opts.limit ?? 5);
  const top = ranked[0];
  if (!top || top.score < thresholds.reviewAt) return { decision: 'new', matches: [] };
  const runnerUp = ranked[1];
  // Raw scores carry three decimals: compare in thousandths so 0.8 - 0.6 is a margin of 0.2.
  const clear = !runnerUp || Math.round((top.raw - runnerUp.raw) * 1000) >= MATCH_MARGIN * 1000 || (runnerUp.conflict && runnerUp.score < thresholds.matchAt);
  const decision = top.score >= thresholds.matchAt && top.strong && !top.conflict && clear ? 'match' : 'review';
  return { decision, matches: shown };
}
