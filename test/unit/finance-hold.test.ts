/** The finance hold policy: aged, undisputed balances against the tenant's threshold, and the account view's verdict. */
import { describe, expect, it } from 'vitest';
import { addDays, summarizeReceivables } from '../../worker/model/index.js';
import { deriveFacts, erpDigest } from '../../worker/policies/account-facts/index.js';
import { DEFAULT_FINANCE_HOLD, financeHold, financeHoldOf } from '../../worker/policies/automations/index.js';

describe('finance hold', () => {
  it('holds when the balance overdue for more than N days reaches the amount', () => {
    expect(financeHold([{ days: 61, balance: 600, disputed: false }, { days: 90, balance: 400, disputed: false }])).toEqual({ hold: true, amount: 1000 });
    expect(financeHold([{ days: 61, balance: 999.99, disputed: false }])).toEqual({ hold: false, amount: 999.99 });
  });

  it('counts neither invoices at exactly N days nor disputed ones', () => {
    expect(financeHold([{ days: DEFAULT_FINANCE_HOLD.overdueDays, balance: 5000, disputed: false }]).hold).toBe(false);
    expect(financeHold([{ days: 120, balance: 5000, disputed: true }, { days: 10, balance: 5000, disputed: false }])).toEqual({ hold: false, amount: 0 });
  });

  it('follows a tenant policy', () => {
    const aged = [{ days: 31, balance: 200, disputed: false }];
    expect(financeHold(aged, { overdueDays: 30, minAmount: 100 }).hold).toBe(true);
    expect(financeHold(aged).hold).toBe(false);
    expect(financeHold([], { overdueDays: 0, minAmount: 0 }).hold).toBe(false);
  });
});

/**
 * The account view's finance hold (`financeHoldOf`, what the view build puts next to the risk):
 * the same policy on the receivables section as the view shows it, so the card, the LWC and the
 * panel say what the CRM property says.
 */
describe("the account view's finance hold", () => {
  const today = '2026-11-26';
  let n = 0;
  /** An unpaid invoice that is `daysOverdue` days past its due date today. */
  const invoice = (daysOverdue: number, balance: number, extra: { disputed?: boolean; currency?: string } = {}) => {
    n += 1;
    return {
      id: String(n), number: `INV-${String(n).padStart(6, '0')}`, issueDate: addDays(today, -daysOverdue - 30), dueDate: addDays(today, -daysOverdue),
      total: balance, balance, currency: extra.currency ?? 'USD', status: 'open', disputed: extra.disputed ?? false,
    } as const;
  };
  const section = (...invoices: ReturnType<typeof invoice>[]) => summarizeReceivables(invoices, today, 'USD');

  it('is on hold with the aged undisputed balance when it reaches the amount', () => {
    expect(financeHoldOf(section(invoice(75, 12_000), invoice(61, 480), invoice(20, 9_000)))).toEqual({
      onHold: true, amount: 12_480, currency: 'USD', overdueDays: 60, minAmount: 1000,
    });
  });

  it('is not on hold under the amount, nor for a balance overdue exactly 60 days', () => {
    expect(financeHoldOf(section(invoice(61, 999.99)))).toEqual({ onHold: false, amount: 999.99, currency: 'USD', overdueDays: 60, minAmount: 1000 });
    expect(financeHoldOf(section(invoice(60, 50_000)))).toMatchObject({ onHold: false, amount: 0 });
    expect(financeHoldOf(section())).toMatchObject({ onHold: false, amount: 0 });
  });

  it('leaves disputed invoices and invoices in another currency out', () => {
    const r = section(invoice(120, 5000, { disputed: true }), invoice(90, 800), invoice(90, 7000, { currency: 'EUR' }));
    expect(r.overdueTotal).toBe(5800);
    expect(financeHoldOf(r)).toMatchObject({ onHold: false, amount: 800, currency: 'USD' });
  });

  it('is null when the receivables section has no data (none, unavailable, not linked)', () => {
    expect(financeHoldOf(null)).toBeNull();
  });

  it('follows the policy it is given and says its thresholds', () => {
    expect(financeHoldOf(section(invoice(31, 200)), { overdueDays: 30, minAmount: 100 })).toEqual({ onHold: true, amount: 200, currency: 'USD', overdueDays: 30, minAmount: 100 });
  });

  it('agrees with the financeHold property the change pipeline writes to the CRM', () => {
    const links = { accountId: 'acc_1', erpCustomerId: '42', csAccountId: null };
    for (const r of [section(invoice(75, 12_000)), section(invoice(61, 999.99)), section(invoice(120, 5000, { disputed: true })), section()]) {
      const facts = deriveFacts({ v: 1, erp: erpDigest('2026-11-26T06:00:00Z', r, null, null) }, links, today);
      expect(facts.financeHold).toBe(financeHoldOf(r)!.onHold);
    }
  });
});
