/**
 * Drift of Concord's facts on a CRM record (worker/policies/reconcile/facts-drift.ts): what the
 * record holds against what Concord would write, compared after normalisation, each difference
 * owned by the ERP, the CS system or Concord, and nothing reported for a fact the tenant's
 * matrix gives the CRM.
 */
import { describe, expect, it } from 'vitest';
import { applyOwnershipOverride, DEFAULT_OWNERSHIP } from '../../worker/policies/ownership/index.js';
import { comparable, factsDrift, type FactsTarget } from '../../worker/policies/reconcile/facts-drift.js';
import type { AccountFacts } from '../../worker/ports/facts.js';

const expected: AccountFacts = {
  concordAccountId: 'acc_1',
  erpCustomerId: '4471',
  csAccountId: 'v-1',
  openAr: 12_500.5,
  overdueAr: 0,
  oldestOverdueDays: 0,
  disputedAr: 0,
  lastPaymentDate: '2026-10-01',
  contractEnd: '2027-03-31',
  renewalDate: '2027-03-31',
  arr: 120_000,
  healthScore: 72,
  healthTrend: 'up',
  onboardingStage: 'Completed',
  renewalRisk: 'low',
  financeHold: false,
};
/** The same facts as HubSpot hands them back: text, an empty string for none. */
const asHubSpot: Partial<AccountFacts> = { ...expected };
const systemOf = (role: 'erp' | 'cs') => (role === 'erp' ? 'netsuite' : 'vitally');
const target = (held: Partial<AccountFacts> | undefined, over: Partial<FactsTarget> = {}): FactsTarget => ({ system: 'hubspot', externalId: '101', primary: true, expected, held, ...over });

describe('comparable', () => {
  it('treats wire formats of one value alike: amounts to the cent, dates, booleans, empty and none', () => {
    expect(comparable('arr', '120000.00')).toBe(comparable('arr', 120_000));
    expect(comparable('openAr', 12_500.504)).toBe(comparable('openAr', '12500.5'));
    expect(comparable('openAr', 12_500.51)).not.toBe(comparable('openAr', 12_500.5));
    expect(comparable('contractEnd', '2027-03-31T00:00:00.000Z')).toBe('2027-03-31');
    expect(comparable('contractEnd', String(Date.UTC(2027, 2, 31)))).toBe('2027-03-31');
    expect(comparable('financeHold', 'false')).toBe(comparable('financeHold', false));
    expect(comparable('healthTrend', '')).toBeNull();
    expect(comparable('arr', null)).toBeNull();
    // Text in a number property is not a number: it differs from every amount.
    expect(comparable('arr', 'lots')).not.toBe(comparable('arr', 0));
  });
});

describe('factsDrift', () => {
  it('finds nothing when the record holds what Concord would write, in any wire format', () => {
    const held = { ...asHubSpot, arr: 120_000.0, lastPaymentDate: '2026-10-01T00:00:00Z' };
    expect(factsDrift(target(held), DEFAULT_OWNERSHIP, systemOf)).toEqual([]);
  });

  it('reports an ARR and an overdue amount a person changed, owned by the ERP, with both values, to repair', () => {
    const held = { ...asHubSpot, arr: 99_000, overdueAr: 5 };
    const drift = factsDrift(target(held), DEFAULT_OWNERSHIP, systemOf);
    expect(drift).toHaveLength(2);
    expect(drift.find((d) => d.fact === 'arr')).toMatchObject({ field: 'facts.arr', system: 'hubspot', externalId: '101', value: '99000', owner: 'erp', ownerSystem: 'netsuite', ownerValue: '120000', repairValue: 120_000, action: 'repair' });
    expect(drift.find((d) => d.fact === 'overdueAr')).toMatchObject({ value: '5', ownerValue: '0', repairValue: 0 });
    expect(drift.find((d) => d.fact === 'arr')!.reason).toMatch(/^hubspot has "99000", Concord "120000" from the ERP's receivables and contract: Concord writes its value again$/);
  });

  it('names the CS system for health and Concord for its own verdicts and links', () => {
    const drift = factsDrift(target({ ...asHubSpot, healthScore: 40, financeHold: true, erpCustomerId: null }), DEFAULT_OWNERSHIP, systemOf);
    expect(drift.map((d) => [d.fact, d.owner, d.ownerSystem])).toEqual([
      ['erpCustomerId', 'concord', null],
      ['healthScore', 'cs', 'vitally'],
      ['financeHold', 'concord', null],
    ]);
    expect(drift.find((d) => d.fact === 'erpCustomerId')).toMatchObject({ value: null, ownerValue: '4471' });
  });

  it('compares link ids on the primary record only, skips facts Concord does not know yet or the CRM does not have, and records not found', () => {
    const held = { ...asHubSpot, erpCustomerId: null, csAccountId: null };
    expect(factsDrift(target(held, { primary: false }), DEFAULT_OWNERSHIP, systemOf)).toEqual([]);
    // No CS digest yet: health is not in the expected facts, whatever the record holds.
    const { healthScore: _h, ...noCs } = expected;
    expect(factsDrift(target({ ...asHubSpot, healthScore: 10 }, { expected: noCs }), DEFAULT_OWNERSHIP, systemOf)).toEqual([]);
    // A portal without the ARR property: nothing to compare.
    const { arr: _a, ...noArr } = asHubSpot;
    expect(factsDrift(target(noArr), DEFAULT_OWNERSHIP, systemOf)).toEqual([]);
    expect(factsDrift(target(undefined), DEFAULT_OWNERSHIP, systemOf)).toEqual([]);
  });

  it('leaves a fact alone when the tenant makes the CRM own it: its value there is the CRM’s', () => {
    const crmOwnsHealth = applyOwnershipOverride({ 'health.score': 'crm' });
    expect(factsDrift(target({ ...asHubSpot, healthScore: 40 }), crmOwnsHealth, systemOf)).toEqual([]);
    expect(factsDrift(target({ ...asHubSpot, healthScore: 40, arr: 1 }), crmOwnsHealth, systemOf).map((d) => d.fact)).toEqual(['arr']);
  });
});
