/**
 * A CS digest holding the current health score without its series (a backfill's accounts phase):
 * the score is a fact, what the series implies (the trend, and the renewal risk, which weighs it)
 * is left out, not guessed; once the series is read both are derived again.
 */
import { describe, expect, it } from 'vitest';
import { csDigest, csInputsMissing, deriveFacts, renewalRiskOf, type AccountState, type CsDigest } from '../../worker/policies/account-facts/index.js';

const AT = '2026-12-02T10:00:00.000Z';
const TODAY = '2026-12-02';
const links = { accountId: 'acc_1', erpCustomerId: 'C1', csAccountId: 'V1' };
const erp: AccountState['erp'] = {
  fetchedAt: AT,
  receivables: { currency: 'EUR', openTotal: 100, overdueTotal: 0, disputedTotal: 0, openInvoiceCount: 1, oldestOverdueDays: 0, overdue: [] },
  contract: { status: 'active', endDate: '2027-06-30', renewalDate: '2027-06-30', arr: 12000, currency: 'EUR', autoRenew: true },
  lastPaymentDate: '2026-11-20',
};
const full = csDigest(AT, { score: 41, trend: 'down', asOf: TODAY, signals: [{ name: 'support', score: 30 }], history: [{ date: '2026-11-04', score: 70 }, { date: TODAY, score: 41 }] }, null, []);
/** What the accounts phase stores: the score and its date, nothing of the series. */
const scoreOnly: CsDigest = { ...full, health: { score: 41, asOf: TODAY } };

describe('a CS digest with the current score only', () => {
  it('writes the score and leaves the trend and the renewal risk out', () => {
    const facts = deriveFacts({ v: 1, erp, cs: scoreOnly }, links, TODAY);
    expect(facts.healthScore).toBe(41);
    expect('healthTrend' in facts).toBe(false);
    expect('renewalRisk' in facts).toBe(false);
    expect(renewalRiskOf({ v: 1, erp, cs: scoreOnly }, links, TODAY)).toBeUndefined();
    // The ERP facts do not wait for it.
    expect(facts).toMatchObject({ openAr: 100, arr: 12000, financeHold: false });
  });

  it('is read again by the account\'s next CS reading', () => {
    expect(csInputsMissing(scoreOnly)).toBe(true);
    expect(csInputsMissing(full)).toBe(false);
  });

  it('derives both once the series is known', () => {
    const facts = deriveFacts({ v: 1, erp, cs: full }, links, TODAY);
    expect(facts.healthTrend).toBe('down');
    expect(facts.renewalRisk).toBe(renewalRiskOf({ v: 1, erp, cs: full }, links, TODAY)!.level);
  });

  it('a score of none is known: no score, no trend', () => {
    const facts = deriveFacts({ v: 1, erp, cs: { ...full, health: null } }, links, TODAY);
    expect([facts.healthScore, facts.healthTrend]).toEqual([null, null]);
  });
});
