/**
 * The finance hold on expansion quoting, pure: an account is on hold while the balance it has had
 * overdue for more than `overdueDays` days reaches `minAmount` (in the account's invoice
 * currency). Disputed invoices do not count: they are being worked with the customer, and a
 * hold would punish the dispute itself. The verdict is a Concord fact (`financeHold`) written on
 * the HubSpot company and the Salesforce Account, where a HubSpot workflow or a Salesforce
 * validation rule can stop an expansion quote; a payment that brings the aged balance under the
 * amount lifts it with the next change.
 */
import { toCents } from '../../model/index.js';

export interface FinanceHoldPolicy {
  /** Balances overdue for more than this many days count. */
  overdueDays: number;
  /** The hold starts at this aged, undisputed balance. */
  minAmount: number;
}

/** The default policy: more than 1,000 overdue for over 60 days. */
export const DEFAULT_FINANCE_HOLD: FinanceHoldPolicy = { overdueDays: 60, minAmount: 1000 };

/** One overdue invoice as the change pipeline keeps it. */
export interface AgedBalance {
  days: number;
  balance: number;
  disputed: boolean;
}

export interface FinanceHoldVerdict {
  hold: boolean;
  /** The aged, undisputed balance the verdict is about. */
  amount: number;
}

export function financeHold(overdue: readonly AgedBalance[], policy: FinanceHoldPolicy = DEFAULT_FINANCE_HOLD): FinanceHoldVerdict {
  const cents = overdue.filter((o) => !o.disputed && o.days > policy.overdueDays).reduce((sum, o) => sum + toCents(o.balance), 0);
  return { hold: cents > 0 && cents >= toCents(policy.minAmount), amount: cents / 100 };
}
