/**
 * What the change pipeline keeps of an account between changes (D1 `account_states`): a small
 * digest of the ERP and CS sections it last read, each with its fetch time. Concord's facts on
 * the CRM record are derived from it (derive.ts) and its changes become history lines
 * (worker/flows/account-changes/history.ts). Pure: built from canonical view sections.
 */
import { agedBalances, type AgedBalance } from '../automations/finance-hold.js';
import type { HealthEpisode } from '../automations/health-drop.js';
import type { AdoptionEpisode } from '../automations/low-adoption.js';
import type { OnboardingEpisode, StalledMilestone } from '../automations/onboarding-stalled.js';
import type { RenewalEpisode } from '../automations/renewal-risk.js';
import { addDays, toCents, type ContractSection, type Escalation, type HealthPoint, type HealthSection, type MilestoneView, type OnboardingSection, type ReceivablesSection } from '../../model/index.js';

export interface ErpDigest {
  fetchedAt: string;
  receivables: {
    currency: string;
    openTotal: number;
    overdueTotal: number;
    disputedTotal: number;
    openInvoiceCount: number;
    /** Days past due of the oldest overdue invoice; 0 when nothing is overdue. */
    oldestOverdueDays: number;
    /** Each overdue invoice's age and balance (the finance hold policy weighs them); absent in digests stored before it. */
    overdue?: AgedBalance[];
  } | null;
  contract: Pick<ContractSection, 'status' | 'endDate' | 'renewalDate' | 'arr' | 'currency' | 'autoRenew'> | null;
  /** YYYY-MM-DD, or null when the ERP records no payment. */
  lastPaymentDate: string | null;
}

export interface CsDigest {
  fetchedAt: string;
  /**
   * `signals`: the latest score's categories (name -> 0-100), what the low-adoption rule reads;
   * `history`: the CS system's score series over the last {@link HEALTH_SERIES_DAYS} days up to
   * `asOf` (oldest first, the latest score its last point), what the health-drop rule is judged
   * again from when its thresholds change (policies/automations/health-drop.ts `seriesEpisode`).
   * Each absent in digests stored before it.
   * `trend` is absent (with `signals` and `history`) when the reading had the current score only
   * (a backfill's accounts phase, services/sync-runs/backfill-facts.ts): what the series implies is
   * not known yet, so nothing derived from it is written ({@link healthSeriesPending}); the
   * backfill's `cs-history` phase, or the account's next CS reading, completes it.
   */
  health: (Pick<HealthSection, 'score' | 'asOf'> & { trend?: HealthSection['trend']; signals?: Record<string, number>; history?: HealthPoint[] }) | null;
  onboarding: {
    status: OnboardingSection['status'];
    /** The milestone being worked on (first not completed, in order), null when none is left. */
    current: string | null;
    /** Names of the completed milestones. */
    completed: string[];
    /**
     * Every milestone as read (id, name, status, due date, completion time): the inputs the
     * stalled rule is judged from on every run under the tenant's current policy, as of that day
     * (`judgeOnboarding`), so a changed grace or `noProgressDays` applies without a CS read.
     * Absent in digests stored before it (the CS source is then read once).
     */
    milestones?: MilestoneView[];
    /**
     * The milestone onboarding is stalled on (blocked first, else the earliest past due, else the
     * current one after `noProgressDays` without progress), null when none, as last judged; absent
     * in digests stored before it.
     */
    stalled?: StalledMilestone | null;
    /**
     * The first day (YYYY-MM-DD) on which the stalled rule would find this onboarding stalled if
     * nothing changed (a milestone's due date plus the grace has passed, or no milestone was
     * completed for longer than `noProgressDays`), null when none: on that day the CS system
     * reports no change, so the poll's due-date sweep reads the account again
     * (flows/account-changes/due-sweep.ts). Absent in digests stored before it.
     */
    checkBy?: string | null;
  } | null;
  /** Open escalations (id, subject, priority). */
  escalations: Pick<Escalation, 'id' | 'subject' | 'priority' | 'status'>[];
}

/** The account as the pipeline last knew it; a part is absent until it was first read. */
export interface AccountState {
  v: 1;
  erp?: ErpDigest;
  cs?: CsDigest;
  /** An open health-drop episode (policies/automations/health-drop.ts): its CRM task is ensured until it closes. */
  healthEpisode?: HealthEpisode;
  /**
   * The health-drop thresholds the health episode was last judged under (absent: not judged
   * under any yet, or the automation was off): a run under other thresholds judges the rule
   * again over the stored score series (policies/automations/health-drop.ts `seriesFall`).
   */
  healthRule?: { dropPoints: number; below: number };
  /** An open low-adoption episode (policies/automations/low-adoption.ts): its support review task is ensured until it closes. */
  adoptionEpisode?: AdoptionEpisode;
  /** An open stalled-onboarding episode (policies/automations/onboarding-stalled.ts). */
  onboardingEpisode?: OnboardingEpisode;
  /** The renewal a renewal-at-risk task was filed for (policies/automations/renewal-risk.ts). */
  renewalEpisode?: RenewalEpisode;
  /**
   * The finance hold verdict last judged (with the tenant's thresholds of that time): a "set" or
   * "lifted" history line compares with it, so a threshold change is not mistaken for no change.
   * Absent in digests stored before it (the previous digest is judged again then).
   */
  financeHold?: boolean;
  /** The renewal hold last written (like `financeHold`: its "set" and "lifted" history lines compare with it). */
  renewalHold?: boolean;
  /** When the pipeline first saw the onboarding's go-live milestone completed (billing is released then). */
  goLive?: { milestone: string; at: string };
}

/** How far back the digest keeps the CS system's health score series (Vitally's is weekly: about 13 points). */
export const HEALTH_SERIES_DAYS = 90;

/** The ERP digest of freshly read sections. */
export function erpDigest(fetchedAt: string, receivables: ReceivablesSection | null, contract: ContractSection | null, lastPaymentDate: string | null): ErpDigest {
  const overdue = (receivables?.openInvoices ?? []).filter((i) => i.daysOverdue > 0 && toCents(i.balance) > 0);
  return {
    fetchedAt,
    receivables: receivables
      ? {
          currency: receivables.currency,
          openTotal: receivables.openTotal,
          overdueTotal: receivables.overdueTotal,
          disputedTotal: receivables.disputedTotal,
          openInvoiceCount: receivables.openInvoiceCount,
          oldestOverdueDays: overdue.reduce((max, i) => Math.max(max, i.daysOverdue), 0),
          overdue: agedBalances(overdue),
        }
      : null,
    contract: contract ? { status: contract.status, endDate: contract.endDate, renewalDate: contract.renewalDate, arr: contract.arr, currency: contract.currency, autoRenew: contract.autoRenew } : null,
    lastPaymentDate,
  };
}

/** How the tenant's policy judges a stall: the grace after a due date, and the days without progress (0: not judged). */
export interface StallRule {
  pastDueGraceDays?: number;
  noProgressDays?: number;
}

const openMilestones = (onboarding: Pick<OnboardingSection, 'milestones'>) => onboarding.milestones.filter((m) => m.status !== 'completed' && m.status !== 'skipped');

/** The day the last milestone was completed (YYYY-MM-DD), null when none was. */
function lastProgress(onboarding: Pick<OnboardingSection, 'milestones'>): string | null {
  const done = onboarding.milestones.flatMap((m) => (m.status === 'completed' && m.completedAt ? [m.completedAt.slice(0, 10)] : []));
  return done.length > 0 ? done.reduce((a, b) => (b > a ? b : a)) : null;
}

/**
 * The milestone an onboarding is stalled on as of `today`: the first blocked one (in the
 * section's order, by due date), else the first not done whose due date has passed by more than
 * `pastDueGraceDays` days (the tenant's automation policy; 0: any day after the due date), else,
 * when the policy sets `noProgressDays`, the current milestone once no milestone has been
 * completed for longer than that (judged only after a first milestone is completed: the CS
 * system gives no project start to count from).
 */
export function stalledMilestone(onboarding: Pick<OnboardingSection, 'milestones'>, today: string, rule: StallRule | number = {}): StalledMilestone | null {
  const { pastDueGraceDays = 0, noProgressDays = 0 } = typeof rule === 'number' ? { pastDueGraceDays: rule } : rule;
  const open = openMilestones(onboarding);
  const blocked = open.find((m) => m.status === 'blocked');
  if (blocked) return { id: blocked.id, name: blocked.name, reason: 'blocked', dueDate: blocked.dueDate };
  // Late only once the tenant's grace after the due date has passed (0: the day after it).
  const lastOnTime = addDays(today, -pastDueGraceDays);
  const late = open.find((m) => m.dueDate !== null && m.dueDate < lastOnTime);
  if (late) return { id: late.id, name: late.name, reason: 'past_due', dueDate: late.dueDate };
  const last = lastProgress(onboarding);
  const current = open[0];
  if (noProgressDays > 0 && current && last && addDays(last, noProgressDays) < today) {
    return { id: current.id, name: current.name, reason: 'no_progress', dueDate: current.dueDate, lastProgress: last };
  }
  return null;
}

/**
 * The first day on which `stalledMilestone` would find the onboarding stalled if nothing changed
 * (null: never, as it stands): a due date plus the grace plus one day, or the last completion
 * plus `noProgressDays` plus one day, whichever comes first.
 */
export function stallCheckDate(onboarding: Pick<OnboardingSection, 'milestones'>, rule: StallRule = {}): string | null {
  const { pastDueGraceDays = 0, noProgressDays = 0 } = rule;
  const open = openMilestones(onboarding);
  const days = open.flatMap((m) => (m.dueDate ? [addDays(m.dueDate, pastDueGraceDays + 1)] : []));
  const last = lastProgress(onboarding);
  if (noProgressDays > 0 && open.length > 0 && last) days.push(addDays(last, noProgressDays + 1));
  return days.length > 0 ? days.reduce((a, b) => (b < a ? b : a)) : null;
}

/** The CS digest of freshly read sections (`fetchedAt`'s date is the day a milestone is late by). */
export function csDigest(fetchedAt: string, health: HealthSection | null, onboarding: OnboardingSection | null, escalations: readonly Escalation[] | null, rule: StallRule | number = {}): CsDigest {
  const stall: StallRule = typeof rule === 'number' ? { pastDueGraceDays: rule } : rule;
  return {
    fetchedAt,
    health: health
      ? {
          score: health.score,
          trend: health.trend,
          asOf: health.asOf,
          signals: Object.fromEntries(health.signals.map((s) => [s.name, s.score])),
          history: health.history.filter((p) => p.date >= addDays(health.asOf, -HEALTH_SERIES_DAYS) && p.date <= health.asOf).map((p) => ({ date: p.date, score: p.score })),
        }
      : null,
    onboarding: onboarding
      ? {
          status: onboarding.status,
          current: onboarding.milestones.find((m) => m.status !== 'completed' && m.status !== 'skipped')?.name ?? null,
          completed: onboarding.milestones.filter((m) => m.status === 'completed').map((m) => m.name),
          milestones: onboarding.milestones.map((m) => ({ id: m.id, name: m.name, status: m.status, dueDate: m.dueDate, completedAt: m.completedAt })),
          stalled: stalledMilestone(onboarding, fetchedAt.slice(0, 10), stall),
          checkBy: stallCheckDate(onboarding, stall),
        }
      : null,
    escalations: (escalations ?? []).map((e) => ({ id: e.id, subject: e.subject, priority: e.priority, status: e.status })),
  };
}

/**
 * The CS digest's onboarding judged again from its stored milestones as of `today` under `rule`
 * (the tenant's policy now): which milestone it is stalled on, and the day the sweep should look
 * again. Unchanged when the digest predates stored milestones (it has nothing to judge from).
 */
export function judgeOnboarding(onboarding: NonNullable<CsDigest['onboarding']>, today: string, rule: StallRule): NonNullable<CsDigest['onboarding']> {
  if (!onboarding.milestones) return onboarding;
  const source = { milestones: onboarding.milestones };
  return { ...onboarding, stalled: stalledMilestone(source, today, rule), checkBy: stallCheckDate(source, rule) };
}

/** Whether a CS digest lacks an input the rules are judged from (stored before it was kept): read the source once. */
export function csInputsMissing(cs: CsDigest): boolean {
  return (cs.onboarding !== null && !cs.onboarding.milestones) || (cs.health !== null && !cs.health.history);
}

/**
 * Whether the CS digest holds the current health score only (its series not read yet): the trend,
 * the renewal risk that weighs it and the score's categories are unknown, so they are not derived
 * (derive.ts leaves them out). `csInputsMissing` is true for such a digest too: the account's next
 * CS reading completes it.
 */
export function healthSeriesPending(cs: CsDigest | undefined): boolean {
  return !!cs?.health && cs.health.trend === undefined;
}

/** The digest's health as a reading of the current score only (see {@link healthSeriesPending}). */
export function scoreOnly(health: CsDigest['health']): CsDigest['health'] {
  return health ? { score: health.score, asOf: health.asOf } : null;
}
