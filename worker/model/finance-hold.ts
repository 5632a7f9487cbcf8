/**
 * The finance hold as the account view shows it: the verdict of the finance hold policy
 * (worker/policies/automations/finance-hold.ts) on the view's receivables, with the policy's
 * thresholds, so a surface can say why without knowing the rule. The same verdict is the
 * `financeHold` property Concord writes on the CRM records.
 */
import { z } from 'zod';
import { CurrencyCodeSchema, NonNegativeAmountSchema } from './money.js';

/** The finance hold on expansion quoting of an account. */
export const FinanceHoldSchema = z
  .strictObject({
    onHold: z.boolean().describe('Expansion quotes wait until the aged balance is paid (or under minAmount).'),
    amount: NonNegativeAmountSchema.describe('The undisputed balance overdue for more than overdueDays days: what the verdict weighs.'),
    currency: CurrencyCodeSchema.describe('The receivables currency (the amounts are in it).'),
    overdueDays: z.number().int().min(0).describe("Balances overdue for more than this many days count (the tenant's automation policy)."),
    minAmount: NonNegativeAmountSchema.describe("The hold starts at this aged, undisputed balance (the tenant's automation policy)."),
  })
  .describe('Finance hold on expansion quoting: the policy verdict on the receivables section.');
/** The finance hold on expansion quoting of an account. */
export type FinanceHold = z.infer<typeof FinanceHoldSchema>;
