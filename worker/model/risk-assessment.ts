/**
 * Renewal-risk assessment: a transparent points model over the view's sections, so a CSM can
 * see why an account is flagged (every point comes with a stable reason code).
 *
 * | reason                  | when                                                        | points |
 * |-------------------------|-------------------------------------------------------------|--------|
 * | overdue_receivables     | receivables.overdueTotal > 0                                | 2      |
 * | disputed_invoices       | receivables.disputedTotal > 0                               | 1      |
 * | health_low              | health.score < 50                                           | 2      |
 * | health_declining        | health.trend = down                                         | 1      |
 * | open_escalations        | an open/pending escalation of priority high or urgent       | 1      |
 * | renewal_within_90_days  | renewal date within the next 90 days (today included)       | 1      |
 * | no_auto_renew           | renewal within 90 days and the contract does not auto-renew | 1      |
 * | contract_lapsed         | contract expired/terminated, or its renewal date has passed | 4      |
 *
 * Level: >= 4 points high, >= 2 medium, else low. A section without data (none, unavailable,
 * not linked) is passed as null and adds nothing.
 */
import { daysBetween } from './dates.js';
import { toCents } from './money.js';
import type { ContractSection, Escalation, HealthSection, ReceivablesSection } from './account-view.js';
import type { RenewalRisk, RiskLevel, RiskReason } from './renewal-risk.js';
import { RiskReasonSchema } from './renewal-risk.js';
import { isUnresolved } from './support-case.js';

/** Health score below which an account counts as unhealthy. */
export const HEALTH_LOW_THRESHOLD = 50;
/** Renewal horizon in days. */
export const RENEWAL_HORIZON_DAYS = 90;

const POINTS: Readonly<Record<RiskReason, number>> = {
  overdue_receivables: 2,
  disputed_invoices: 1,
  health_low: 2,
  health_declining: 1,
  open_escalations: 1,
  renewal_within_90_days: 1,
  no_auto_renew: 1,
  contract_lapsed: 4,
};

/** Inputs of `assessRenewalRisk`; each may be null when its source failed or has no data. */
export interface RenewalRiskInput {
  receivables: Pick<ReceivablesSection, 'overdueTotal' | 'disputedTotal'> | null;
  health: Pick<HealthSection, 'score' | 'trend'> | null;
  contract: Pick<ContractSection, 'status' | 'renewalDate' | 'autoRenew'> | null;
  escalations: readonly Pick<Escalation, 'priority' | 'status'>[] | null;
}

/** Maps points to a level. */
export function riskLevel(points: number): RiskLevel {
  return points >= 4 ? 'high' : points >= 2 ? 'medium' : 'low';
}

/** Assesses renewal risk as of `today` (`YYYY-MM-DD`). Reasons come in a stable order. */
export function assessRenewalRisk(input: RenewalRiskInput, today: string): RenewalRisk {
  const found = new Set<RiskReason>();
  const { receivables, health, contract, escalations } = input;
  if (receivables) {
    if (toCents(receivables.overdueTotal) > 0) found.add('overdue_receivables');
    if (toCents(receivables.disputedTotal) > 0) found.add('disputed_invoices');
  }
  if (health) {
    if (health.score < HEALTH_LOW_THRESHOLD) found.add('health_low');
    if (health.trend === 'down') found.add('health_declining');
  }
  if (escalations?.some((e) => isUnresolved(e.status) && (e.priority === 'high' || e.priority === 'urgent'))) {
    found.add('open_escalations');
  }
  if (contract) {
    const daysToRenewal = daysBetween(today, contract.renewalDate);
    if (contract.status === 'expired' || contract.status === 'terminated' || daysToRenewal < 0) {
      found.add('contract_lapsed');
    } else if (daysToRenewal <= RENEWAL_HORIZON_DAYS && contract.status !== 'draft') {
      found.add('renewal_within_90_days');
      if (!contract.autoRenew) found.add('no_auto_renew');
    }
  }
  const reasons = RiskReasonSchema.options.filter((r) => found.has(r));
  const points = reasons.reduce((sum, r) => sum + POINTS[r], 0);
  return { level: riskLevel(points), reasons };
}
