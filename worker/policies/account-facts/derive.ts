/**
 * Concord's facts about an account (ports/facts.ts), derived from what the change pipeline knows
 * of it (state.ts): what is written on the HubSpot company and the Salesforce Account. A fact is
 * left out (undefined: not written) when its source was never read, so a source that is down or
 * not yet read never clears a CRM property; it is null when the source says there is none. The
 * health trend and the renewal risk are left out likewise while the CS digest holds the current
 * score without its series (state.ts `healthSeriesPending`).
 * The finance hold is the finance hold policy's verdict (policies/automations) on the receivables;
 * the renewal hold is the stalled-onboarding policy's (an open episode while `hold` is `renewal`).
 */
import { assessRenewalRisk, type RenewalRisk } from '../../model/index.js';
import type { AccountFacts } from '../../ports/facts.js';
import { DEFAULT_FINANCE_HOLD, financeHold, type FinanceHoldPolicy } from '../automations/finance-hold.js';
import { stallHoldOf, type AutomationPolicy } from '../automations/policy.js';
import { healthSeriesPending, type AccountState } from './state.js';

/** Which records of other systems the account is linked to (null: not linked). */
export interface AccountLinks {
  accountId: string;
  erpCustomerId: string | null;
  csAccountId: string | null;
}

/** The onboarding stage as the CRM property shows it: the current milestone, or where onboarding stands. */
export function onboardingStage(onboarding: NonNullable<NonNullable<AccountState['cs']>['onboarding']>): string {
  if (onboarding.status === 'completed') return 'Completed';
  if (onboarding.status === 'not_started' || onboarding.current === null) return 'Not started';
  return onboarding.status === 'stalled' ? `${onboarding.current} (stalled)` : onboarding.current;
}

/**
 * The facts of an account as of `today` (YYYY-MM-DD), the finance hold judged with the tenant's
 * thresholds (`hold`); with the finance hold switched off (`enabled: false`) Concord holds no
 * account, so the fact is false (a hold it had set is lifted). With the stalled-onboarding policy
 * (`stall`), the renewal hold is judged once the CS source was read: true while a stall episode is
 * open and the policy holds renewals for it; without `stall` the fact is left out.
 */
export function deriveFacts(
  state: AccountState,
  links: AccountLinks,
  today: string,
  hold: FinanceHoldPolicy & { enabled?: boolean } = DEFAULT_FINANCE_HOLD,
  stall?: Pick<AutomationPolicy['onboardingStalled'], 'enabled' | 'hold'>,
): AccountFacts {
  const facts: AccountFacts = { concordAccountId: links.accountId, erpCustomerId: links.erpCustomerId, csAccountId: links.csAccountId };
  const erp = links.erpCustomerId ? state.erp : undefined;
  const cs = links.csAccountId ? state.cs : undefined;
  if (erp) {
    const r = erp.receivables;
    Object.assign(facts, {
      openAr: r ? r.openTotal : 0,
      overdueAr: r ? r.overdueTotal : 0,
      oldestOverdueDays: r ? r.oldestOverdueDays : 0,
      disputedAr: r ? r.disputedTotal : 0,
      lastPaymentDate: erp.lastPaymentDate,
      contractEnd: erp.contract?.endDate ?? null,
      renewalDate: erp.contract?.renewalDate ?? null,
      arr: erp.contract?.arr ?? null,
    } satisfies AccountFacts);
    // A digest stored before invoice ages were kept says nothing about the hold: leave it unwritten.
    if (hold.enabled === false) facts.financeHold = false;
    else if (!r || r.overdue) facts.financeHold = financeHold(r?.overdue ?? [], hold).hold;
  }
  if (cs) {
    Object.assign(facts, {
      healthScore: cs.health ? Math.round(cs.health.score) : null,
      onboardingStage: cs.onboarding ? onboardingStage(cs.onboarding) : null,
    } satisfies AccountFacts);
    // A score read without its series has no known trend yet: left out, not guessed.
    if (!healthSeriesPending(cs)) facts.healthTrend = cs.health?.trend ?? null;
  }
  const risk = renewalRiskOf(state, links, today);
  if (risk) facts.renewalRisk = risk.level;
  if (cs && stall) facts.renewalHold = stallHoldOf(stall, state.onboardingEpisode) === 'renewal';
  return facts;
}

/**
 * The renewal risk of the account (level and reasons), undefined until it can be assessed: it
 * weighs both sources, so only once each linked source has been read.
 */
export function renewalRiskOf(state: AccountState, links: AccountLinks, today: string): RenewalRisk | undefined {
  const erp = links.erpCustomerId ? state.erp : undefined;
  const cs = links.csAccountId ? state.cs : undefined;
  const complete = (!links.erpCustomerId || erp) && (!links.csAccountId || cs);
  if (!complete || (!erp && !cs)) return undefined;
  // The risk weighs the health trend: unknown while the score series is not read.
  if (healthSeriesPending(cs)) return undefined;
  return assessRenewalRisk(
    {
      receivables: erp?.receivables ?? null,
      contract: erp?.contract ?? null,
      health: cs?.health ? { score: cs.health.score, trend: cs.health.trend! } : null,
      escalations: cs?.escalations ?? [],
    },
    today,
  );
}

/** The facts of `next` that differ from `previous` (a fact absent from `next` is never a change). */
export function changedFacts(previous: Readonly<Record<string, unknown>>, next: AccountFacts): AccountFacts {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(next)) {
    if (value === undefined) continue;
    if (!(name in previous) || previous[name] !== value) out[name] = value;
  }
  return out as AccountFacts;
}
