/**
 * The finance hold on expansion quoting, pure: an account is on hold while the balance it has had
 * overdue for more than `overdueDays` days reaches `minAmount` (in the account's invoice
 * currency). Disputed invoices do not count: they are being worked with the customer, and a
 * hold would punish the dispute itself. The verdict is a Concord fact (`financeHold`) written on
 * the HubSpot company and the Salesforce Account, where a HubSpot workflow or a Salesforce
 * validation rule can stop an expansion quote; a payment that brings the aged balance under the
 * amount lifts it with the next change. The account view carries the same verdict on its
 * receivables section (`financeHoldOf`), so the card, the LWC and the panel show what the CRM
 * property says.
 */
import { toCents, type FinanceHold, type OpenInvoice, type ReceivablesSection } from '../../model/index.js';

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

/** What the policy weighs of a receivables section's open invoices: each overdue one's age, balance and dispute. */
export function agedBalances(invoices: readonly Pick<OpenInvoice, 'daysOverdue' | 'balance' | 'disputed'>[]): AgedBalance[] {
  return invoices.filter((i) => i.daysOverdue > 0 && toCents(i.balance) > 0).map((i) => ({ days: i.daysOverdue, balance: i.balance, disputed: i.disputed }));
}

/**
 * The finance hold of an account view: the policy's verdict on its receivables with the
 * thresholds it applied; null when there are no receivables to judge (the section has no data).
 */
export function financeHoldOf(receivables: ReceivablesSection | null, policy: FinanceHoldPolicy = DEFAULT_FINANCE_HOLD): FinanceHold | null {
  if (!receivables) return null;
  const verdict = financeHold(agedBalances(receivables.openInvoices), policy);
  return { onHold: verdict.hold, amount: verdict.amount, currency: receivables.currency, overdueDays: policy.overdueDays, minAmount: policy.minAmount };
}
