/** The finance hold policy: aged, undisputed balances against the tenant's threshold. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FINANCE_HOLD, financeHold } from '../../worker/policies/automations/index.js';

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
