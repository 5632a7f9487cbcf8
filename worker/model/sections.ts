/**
 * Builders of AccountView sections from canonical entities, so every surface gets the same
 * derived numbers (days to renewal, onboarding status, which cases count as escalations).
 */
import type { ContractSection, Escalation, HealthSection, MilestoneView, OnboardingSection } from './account-view.js';
import type { Contract } from './contract.js';
import { compareDates, daysBetween } from './dates.js';
import type { HealthPoint, HealthScore } from './health.js';
import type { OnboardingMilestone, OnboardingStatus } from './onboarding.js';
import { isUnresolved, type SupportCase } from './support-case.js';

/** The contract section as of `today`; `daysToRenewal` is negative once the renewal date passed. */
export function toContractSection(contract: Contract, today: string): ContractSection {
  const { id, name, status, startDate, endDate, renewalDate, arr, currency, autoRenew } = contract;
  return { id, name, status, startDate, endDate, renewalDate, daysToRenewal: daysBetween(today, renewalDate), arr, currency, autoRenew };
}

/** The health section: history oldest first, including the current score as its last point. */
export function toHealthSection(health: HealthScore): HealthSection {
  const byDate = new Map<string, HealthPoint>();
  for (const point of health.history ?? []) byDate.set(point.date, point);
  byDate.set(health.asOf, { date: health.asOf, score: health.score }); // the current score wins for its day
  const history = [...byDate.values()].sort((a, b) => compareDates(a.date, b.date));
  return { score: health.score, trend: health.trend, asOf: health.asOf, history, signals: health.signals };
}

/**
 * Onboarding status from its milestones: completed when every milestone is completed or skipped;
 * stalled when one is blocked or an unfinished one is past its due date; not_started when none has
 * started; otherwise active.
 */
export function deriveOnboardingStatus(milestones: readonly Pick<OnboardingMilestone, 'status' | 'dueDate'>[], today: string): OnboardingStatus {
  if (milestones.length === 0) return 'not_started';
  const done = (s: string) => s === 'completed' || s === 'skipped';
  if (milestones.every((m) => done(m.status))) return 'completed';
  const late = (m: Pick<OnboardingMilestone, 'status' | 'dueDate'>) => !done(m.status) && m.dueDate !== null && m.dueDate < today;
  if (milestones.some((m) => m.status === 'blocked' || late(m))) return 'stalled';
  if (milestones.every((m) => m.status === 'not_started')) return 'not_started';
  return 'active';
}

/** The onboarding section: milestones by due date (undated last), status derived as of `today`. */
export function toOnboardingSection(milestones: readonly OnboardingMilestone[], today: string): OnboardingSection {
  const views: MilestoneView[] = milestones.map(({ id, name, status, dueDate, completedAt }) => ({ id, name, status, dueDate, completedAt }));
  views.sort((a, b) => (a.dueDate ?? '9999-12-31').localeCompare(b.dueDate ?? '9999-12-31') || a.name.localeCompare(b.name));
  return { status: deriveOnboardingStatus(milestones, today), milestones: views };
}

const PRIORITY_RANK = { urgent: 0, high: 1, medium: 2, low: 3 } as const;

/**
 * The escalations a CSM must see: unresolved cases that are escalated or of high/urgent priority,
 * most urgent first, then newest first.
 */
export function toEscalations(cases: readonly SupportCase[]): Escalation[] {
  return cases
    .filter((c) => isUnresolved(c.status) && (c.escalated || c.priority === 'high' || c.priority === 'urgent'))
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.openedAt.localeCompare(a.openedAt))
    .map(({ id, subject, priority, status, openedAt }) => ({ id, subject, priority, status, openedAt }));
}
