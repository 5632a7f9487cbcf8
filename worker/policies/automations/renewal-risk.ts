/**
 * The renewal-at-risk automation, pure: when the renewal risk Concord assesses (model
 * `assessRenewalRisk`, written on the CRM record as `renewalRisk`) reaches `level` and the
 * contract renews within `withinDays`, the account gets one CRM task for its owner before the
 * renewal date. One task per renewal: the episode is keyed by the renewal date and stays until
 * that date changes (renewed, amended) or passes, so a risk that dips and comes back before the
 * same renewal files nothing more.
 */
import { daysBetween } from '../../model/index.js';

export interface RenewalRiskPolicy {
  /** The risk level that asks for a task. */
  level: 'high' | 'medium';
  /** Only renewals this many days away or fewer. */
  withinDays: number;
}

/** The default policy: high risk, renewal within 90 days (the risk assessment's own horizon). */
export const DEFAULT_RENEWAL_RISK: RenewalRiskPolicy = { level: 'high', withinDays: 90 };

/** The renewal a task was filed for (kept in the account's digest). */
export interface RenewalEpisode {
  /** Unique per renewal of the account: the task's idempotency key derives from it. */
  key: string;
  renewalDate: string;
  level: 'high' | 'medium';
  /** The assessment's reasons when it opened (the task says them). */
  reasons: string[];
  /** When it opened, ISO instant. */
  at: string;
}

const RANK = { low: 0, medium: 1, high: 2 } as const;

/**
 * The episode after a new assessment (`risk`: its level and reasons). `risk` or `renewalDate` undefined: not assessed this time
 * (a source not read yet), the open episode stays. `today` is YYYY-MM-DD.
 */
export function renewalEpisode(
  open: RenewalEpisode | null | undefined,
  risk: { level: 'low' | 'medium' | 'high'; reasons: readonly string[] } | undefined,
  renewalDate: string | null | undefined,
  today: string,
  at: string,
  accountId: string,
  policy: RenewalRiskPolicy = DEFAULT_RENEWAL_RISK,
): RenewalEpisode | null {
  if (risk === undefined || renewalDate === undefined) return open ?? null;
  if (renewalDate === null || daysBetween(today, renewalDate) < 0) return null;
  if (open && open.renewalDate === renewalDate) return open;
  const days = daysBetween(today, renewalDate);
  if (RANK[risk.level] < RANK[policy.level] || days > policy.withinDays) return null;
  return { key: `renewal-risk:${accountId}:${renewalDate}`, renewalDate, level: risk.level as RenewalEpisode['level'], reasons: [...risk.reasons], at };
}
