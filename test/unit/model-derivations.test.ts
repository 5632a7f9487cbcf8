/** Derivations the broker calls: invoice status, receivables, health trend, renewal risk. */
import { describe, expect, it } from 'vitest';
import {
  assessRenewalRisk,
  deriveInvoiceStatus,
  healthTrend,
  ReceivablesSectionSchema,
  summarizeReceivables,
  summarizeReceivablesByCurrency,
  toContractSection,
  toEscalations,
  toHealthSection,
  deriveOnboardingStatus,
  type Contract,
  type ReceivableInvoice,
  type RenewalRiskInput,
} from '../../worker/model/index.js';

const TODAY = '2026-11-26';

describe('deriveInvoiceStatus', () => {
  const base = { total: 1000, balance: 1000, dueDate: '2026-12-01' };
  it.each([
    ['not yet due, nothing paid', base, 'open'],
    ['due today is not overdue', { ...base, dueDate: TODAY }, 'open'],
    ['past due', { ...base, dueDate: '2026-11-25' }, 'overdue'],
    ['part paid, not due', { ...base, balance: 400 }, 'partially_paid'],
    ['part paid and past due: overdue wins', { ...base, balance: 400, dueDate: '2026-10-01' }, 'overdue'],
    ['disputed and past due: disputed wins', { ...base, dueDate: '2026-10-01', disputed: true }, 'disputed'],
    ['disputed, not due', { ...base, disputed: true }, 'disputed'],
    ['paid in full', { ...base, balance: 0, paidInFull: true }, 'paid'],
    ['balance zero means paid even if the flag is missing', { ...base, balance: 0, dueDate: '2026-01-01' }, 'paid'],
    ['disputed but fully paid is paid', { ...base, balance: 0, disputed: true }, 'paid'],
    ['void wins over everything', { ...base, voided: true, disputed: true, dueDate: '2026-01-01' }, 'void'],
  ] as const)('%s', (_label, facts, status) => {
    expect(deriveInvoiceStatus(facts, TODAY)).toBe(status);
  });
});

function inv(partial: Partial<ReceivableInvoice> & Pick<ReceivableInvoice, 'id' | 'dueDate' | 'balance'>): ReceivableInvoice {
  return {
    number: `INV-${partial.id}`, issueDate: '2026-08-01', total: Math.max(partial.balance, 1000), currency: 'USD', status: 'open',
    disputed: false, ...partial,
  };
}

describe('summarizeReceivables', () => {
  const invoices: ReceivableInvoice[] = [
    inv({ id: '3', dueDate: '2026-12-20', balance: 5000.1, total: 5000.1 }),
    inv({ id: '1', dueDate: '2026-10-01', balance: 4200, total: 5000, status: 'partially_paid' }), // stored status is stale
    inv({ id: '2', dueDate: '2026-11-01', balance: 1000.2, total: 1000.2, disputed: true }),
    inv({ id: '4', dueDate: '2026-12-05', balance: 0.3, total: 0.3, disputed: true }),
    inv({ id: '5', dueDate: '2026-09-01', balance: 0, total: 800, status: 'paid' }),
    inv({ id: '6', dueDate: '2026-09-01', balance: 0, total: 300, status: 'void' }),
  ];

  it('sums balances in cents, re-derives status against today and sorts by due date', () => {
    const r = summarizeReceivables(invoices, TODAY, 'USD');
    expect(ReceivablesSectionSchema.parse(r)).toEqual(r);
    expect(r.openTotal).toBe(10200.6); // 5000.1 + 4200 + 1000.2 + 0.3 with no float drift
    expect(r.overdueTotal).toBe(5200.2); // past due, the disputed one included
    expect(r.disputedTotal).toBe(1000.5);
    expect(r.openInvoiceCount).toBe(4);
    expect(r.openInvoices.map((i) => [i.id, i.status, i.daysOverdue, i.disputed])).toEqual([
      ['1', 'overdue', 56, false],
      ['2', 'disputed', 25, true],
      ['4', 'disputed', 0, true],
      ['3', 'open', 0, false],
    ]);
  });

  it('picks the currency with the largest open balance and leaves other currencies out of its totals', () => {
    const mixed = [...invoices, inv({ id: 'e1', dueDate: '2026-10-01', balance: 99999, total: 99999, currency: 'EUR' })];
    const r = summarizeReceivables(mixed, TODAY);
    expect(r?.currency).toBe('EUR');
    expect(r?.openTotal).toBe(99999);
    expect(summarizeReceivables(mixed, TODAY, 'USD').openTotal).toBe(10200.6);
    expect(summarizeReceivablesByCurrency(mixed, TODAY).map((s) => [s.currency, s.openTotal])).toEqual([
      ['EUR', 99999],
      ['USD', 10200.6],
    ]);
  });

  it('reports zero totals for a customer with nothing open, and null with no invoices and no currency', () => {
    expect(summarizeReceivables([], TODAY, 'USD')).toEqual({
      currency: 'USD', openTotal: 0, overdueTotal: 0, disputedTotal: 0, openInvoiceCount: 0, openInvoices: [],
    });
    expect(summarizeReceivables([], TODAY)).toBeNull();
  });
});

describe('healthTrend', () => {
  it.each([
    ['too little history', [{ date: '2026-11-23', score: 64 }], 'flat'],
    ['down over the docs example', [{ date: '2026-09-07', score: 78 }, { date: '2026-11-23', score: 64 }], 'down'],
    ['up by the threshold', [{ date: '2026-10-26', score: 60 }, { date: '2026-11-23', score: 65 }], 'up'],
    ['small change is flat', [{ date: '2026-10-26', score: 60 }, { date: '2026-11-23', score: 64.9 }], 'flat'],
    [
      'compares with ~4 weeks ago, not the oldest point',
      [{ date: '2026-11-23', score: 70 }, { date: '2026-06-01', score: 40 }, { date: '2026-10-27', score: 71 }, { date: '2026-11-16', score: 50 }],
      'flat',
    ],
    ['same-day points only', [{ date: '2026-11-23', score: 10 }, { date: '2026-11-23', score: 90 }], 'flat'],
  ] as const)('%s', (_label, history, trend) => {
    expect(healthTrend(history)).toBe(trend);
  });

  it('accepts a custom window and threshold', () => {
    const history = [{ date: '2026-11-16', score: 50 }, { date: '2026-10-26', score: 70 }, { date: '2026-11-23', score: 52 }];
    expect(healthTrend(history, { windowDays: 7, threshold: 2 })).toBe('up');
    expect(healthTrend(history)).toBe('down');
  });
});

describe('assessRenewalRisk', () => {
  const calm: RenewalRiskInput = {
    receivables: { overdueTotal: 0, disputedTotal: 0 },
    health: { score: 80, trend: 'flat' },
    contract: { status: 'active', renewalDate: '2027-06-01', autoRenew: true },
    escalations: [],
  };

  it('is low with no reasons for a healthy account far from renewal', () => {
    expect(assessRenewalRisk(calm, TODAY)).toEqual({ level: 'low', reasons: [] });
  });

  it('flags the docs example as high: overdue, declining, renewal in 50 days', () => {
    const risk = assessRenewalRisk(
      {
        receivables: { overdueTotal: 4200, disputedTotal: 0 },
        health: { score: 64, trend: 'down' },
        contract: { status: 'active', renewalDate: '2027-01-15', autoRenew: true },
        escalations: [{ priority: 'high', status: 'resolved' }],
      },
      TODAY,
    );
    expect(risk).toEqual({ level: 'high', reasons: ['overdue_receivables', 'health_declining', 'renewal_within_90_days'] });
  });

  it.each([
    ['renewal soon alone is low', { contract: { status: 'active', renewalDate: '2027-02-01', autoRenew: true } }, 'low', ['renewal_within_90_days']],
    [
      'renewal soon without auto-renew is medium',
      { contract: { status: 'active', renewalDate: '2027-02-01', autoRenew: false } },
      'medium',
      ['renewal_within_90_days', 'no_auto_renew'],
    ],
    ['low health is medium', { health: { score: 49, trend: 'flat' } }, 'medium', ['health_low']],
    [
      'open urgent escalation and a dispute are medium',
      { escalations: [{ priority: 'urgent', status: 'pending' }], receivables: { overdueTotal: 0, disputedTotal: 10 } },
      'medium',
      ['disputed_invoices', 'open_escalations'],
    ],
    ['a lapsed contract is high', { contract: { status: 'active', renewalDate: '2026-11-01', autoRenew: true } }, 'high', ['contract_lapsed']],
    ['a terminated contract is high', { contract: { status: 'terminated', renewalDate: '2027-06-01', autoRenew: false } }, 'high', ['contract_lapsed']],
  ] as const)('%s', (_label, patch, level, reasons) => {
    expect(assessRenewalRisk({ ...calm, ...patch } as RenewalRiskInput, TODAY)).toEqual({ level, reasons });
  });

  it('adds nothing for sections whose source failed', () => {
    expect(assessRenewalRisk({ receivables: null, health: null, contract: null, escalations: null }, TODAY)).toEqual({ level: 'low', reasons: [] });
  });
});

describe('section builders', () => {
  it('computes days to renewal from today', () => {
    const contract: Contract = {
      id: '77', accountId: 'acc_1', name: 'Enterprise 2026', status: 'active', startDate: '2026-01-15', endDate: '2027-01-14',
      renewalDate: '2027-01-15', arr: 48000, currency: 'USD', autoRenew: true, refs: [],
    };
    expect(toContractSection(contract, TODAY)).toMatchObject({ daysToRenewal: 50, renewalDate: '2027-01-15' });
    expect(toContractSection(contract, '2027-01-20').daysToRenewal).toBe(-5);
  });

  it('lists health history oldest first, ending with the current score', () => {
    const section = toHealthSection({
      accountId: 'acc_1', score: 64, trend: 'down', asOf: '2026-11-23', signals: [],
      history: [{ date: '2026-11-23', score: 60 }, { date: '2026-09-07', score: 78 }],
    });
    expect(section.history).toEqual([{ date: '2026-09-07', score: 78 }, { date: '2026-11-23', score: 64 }]);
  });

  it.each([
    ['nothing planned', [], 'not_started'],
    ['nothing started', [['not_started', '2026-12-01']], 'not_started'],
    ['under way', [['completed', '2026-02-01'], ['in_progress', '2026-12-01']], 'active'],
    ['a milestone is late', [['completed', '2026-02-01'], ['in_progress', '2026-11-01']], 'stalled'],
    ['a milestone is blocked', [['blocked', null]], 'stalled'],
    ['all done or skipped', [['completed', '2026-02-01'], ['skipped', '2026-03-01']], 'completed'],
  ] as const)('onboarding is %s', (_label, rows, status) => {
    const milestones = rows.map(([s, dueDate]) => ({ status: s, dueDate }));
    expect(deriveOnboardingStatus(milestones, TODAY)).toBe(status);
  });

  it('shows unresolved escalations, most urgent then newest first', () => {
    const base = { accountId: 'acc_1', subject: 's', escalated: false, closedAt: null };
    const cases = [
      { ...base, id: 'low', priority: 'low', status: 'open', openedAt: '2026-11-25T00:00:00Z' },
      { ...base, id: 'esc', priority: 'medium', status: 'pending', escalated: true, openedAt: '2026-11-24T00:00:00Z' },
      { ...base, id: 'old-high', priority: 'high', status: 'open', openedAt: '2026-11-01T00:00:00Z' },
      { ...base, id: 'new-high', priority: 'high', status: 'open', openedAt: '2026-11-20T00:00:00Z' },
      { ...base, id: 'closed', priority: 'urgent', status: 'closed', openedAt: '2026-11-21T00:00:00Z', closedAt: '2026-11-22T00:00:00Z' },
    ] as const;
    expect(toEscalations(cases).map((e) => e.id)).toEqual(['new-high', 'old-high', 'esc']);
    expect(Object.keys(toEscalations(cases)[0]!).sort()).toEqual(['id', 'openedAt', 'priority', 'status', 'subject']);
  });
});
