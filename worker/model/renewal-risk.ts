/** Canonical RenewalRisk: a level plus stable reason codes the UI can translate. */
import { z } from 'zod';

/** Risk level. */
export const RiskLevelSchema = z.enum(['low', 'medium', 'high']);
/** Risk level. */
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

/**
 * Stable reason codes (never rename: cards and dashboards key translations on them).
 * Listed in the order `assessRenewalRisk` reports them.
 */
export const RiskReasonSchema = z.enum([
  'overdue_receivables',
  'disputed_invoices',
  'health_low',
  'health_declining',
  'open_escalations',
  'renewal_within_90_days',
  'no_auto_renew',
  'contract_lapsed',
]);
/** A stable renewal-risk reason code. */
export type RiskReason = z.infer<typeof RiskReasonSchema>;

/** Renewal risk of an account. */
export const RenewalRiskSchema = z
  .strictObject({ level: RiskLevelSchema, reasons: z.array(RiskReasonSchema) })
  .describe('Renewal risk: level and the reason codes behind it.');
/** Renewal risk of an account. */
export type RenewalRisk = z.infer<typeof RenewalRiskSchema>;
