/** AccountView v3: the documented example is valid; section states are explicit; the finance hold is the policy's verdict; broken views fail with field paths. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as m from '../../worker/model/index.js';
import { AccountViewSchema, FreshnessEntrySchema, type AccountView } from '../../worker/model/index.js';
import { financeHoldOf } from '../../worker/policies/automations/index.js';

/** The JSON example in docs/account-view.md: the wire contract the UI surfaces are built on. */
function documentedExample(): AccountView {
  const doc = readFileSync(new URL('../../docs/account-view.md', import.meta.url), 'utf8');
  const block = /```json\n([\s\S]*?)\n```/.exec(doc);
  if (!block?.[1]) throw new Error('docs/account-view.md has no ```json example');
  return JSON.parse(block[1]) as AccountView;
}

function paths(value: unknown): string[] {
  const r = AccountViewSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('AccountViewSchema', () => {
  it('accepts the example documented in docs/account-view.md unchanged', () => {
    const example = documentedExample();
    expect(AccountViewSchema.parse(example)).toEqual(example);
  });

  it('accepts a view whose sources all failed or are not linked (states say which, freshness says why)', () => {
    const example = documentedExample();
    const degraded = {
      ...example,
      receivables: { state: 'unavailable', error: 'auth_expired' },
      contract: { state: 'unavailable', error: 'auth_expired' },
      health: { state: 'not_linked' }, onboarding: { state: 'not_linked' }, escalations: { state: 'not_linked' },
      risk: null,
      financeHold: null,
      account: { ...example.account, legalName: null, taxId: null, currency: null, billTo: null, domain: null },
      freshness: { netsuite: { status: 'error', fetchedAt: null, ageSeconds: null, error: 'auth_expired' } },
      sourceLinks: {},
    };
    expect(AccountViewSchema.safeParse(degraded).error?.issues ?? []).toEqual([]);
  });

  it('reports each broken field by its path', () => {
    const example = documentedExample();
    const receivables = example.receivables as Extract<AccountView['receivables'], { state: 'ok' }>;
    const health = example.health as Extract<AccountView['health'], { state: 'stale' }>;
    const broken = {
      ...example,
      schemaVersion: 1,
      receivables: { state: 'ok', data: { ...receivables.data, openTotal: -1 } },
      health: { ...health, data: { ...health.data, score: 640 } },
      freshness: { ...example.freshness, gainsight: { status: 'fresh', fetchedAt: null, ageSeconds: null } },
    };
    expect(paths(broken).sort()).toEqual(['freshness', 'health.data.score', 'receivables.data.openTotal', 'schemaVersion']);
  });

  it('refuses v1 sections (bare data or null) and states without what they need', () => {
    const example = documentedExample();
    const v1Data = (example.contract as Extract<AccountView['contract'], { state: 'ok' }>).data;
    expect(paths({ ...example, contract: v1Data })).toEqual(['contract.state']);
    expect(paths({ ...example, onboarding: null })).toEqual(['onboarding']);
    expect(paths({ ...example, health: { state: 'unavailable' } })).toEqual(['health.error']);
    expect(paths({ ...example, health: { state: 'stale', data: (example.health as { data: unknown }).data } })).toEqual(['health.ageSeconds']);
    expect(paths({ ...example, onboarding: { state: 'none', data: null } })).toEqual(['onboarding']);
    expect(paths({ ...example, escalations: { state: 'ok', data: [] } })).toEqual(['escalations.data']);
    expect(paths({ ...example, health: { state: 'missing' } })).toEqual(['health.state']);
  });

  it('takes source links only as plain https URLs', () => {
    const example = documentedExample();
    expect(paths({ ...example, sourceLinks: { vitally: 'https://acme.vitally.io/' } })).toEqual([]);
    for (const bad of ['http://acme.vitally.io/', 'javascript:alert(1)', 'https://u:p@acme.vitally.io/', 'https://acme.vitally.io/?next=//evil', 'https://acme.vitally.io/#x']) {
      expect([...new Set(paths({ ...example, sourceLinks: { vitally: bad } }))]).toEqual(['sourceLinks.vitally']);
    }
    expect(paths({ ...example, sourceLinks: { gainsight: 'https://acme.gainsight.com/' } })).toEqual(['sourceLinks']);
  });

  it('rejects undocumented fields and unknown risk reasons', () => {
    const example = documentedExample();
    expect(paths({ ...example, extra: true })).toEqual(['']);
    expect(paths({ ...example, risk: { level: 'high', reasons: ['vibes'] } })).toEqual(['risk.reasons.0']);
  });

  it('requires the finance hold (null when there are no receivables) and refuses a partial or negative one', () => {
    const example = documentedExample();
    const { financeHold, ...without } = example;
    expect(financeHold).toEqual({ onHold: false, amount: 0, currency: 'USD', overdueDays: 60, minAmount: 1000 });
    expect(paths(without)).toEqual(['financeHold']);
    expect(paths({ ...example, financeHold: null })).toEqual([]);
    expect(paths({ ...example, financeHold: { onHold: true, amount: 12480 } }).sort()).toEqual(['financeHold.currency', 'financeHold.minAmount', 'financeHold.overdueDays']);
    expect(paths({ ...example, financeHold: { ...financeHold, amount: -1 } })).toEqual(['financeHold.amount']);
    expect(paths({ ...example, financeHold: { ...financeHold, hold: true } })).toEqual(['financeHold']);
  });

  it('requires an error code on failed sources', () => {
    expect(FreshnessEntrySchema.safeParse({ status: 'error', fetchedAt: null, ageSeconds: null }).success).toBe(false);
    expect(FreshnessEntrySchema.safeParse({ status: 'fresh', fetchedAt: '2026-11-26T06:00:00Z', ageSeconds: null }).success).toBe(false);
  });
});

describe('building a view from canonical entities', () => {
  it('produces a valid view whose risk follows from its sections', () => {
    const today = '2026-11-26';
    const invoices = [
      { id: '901', number: 'INV-000901', issueDate: '2026-09-01', dueDate: '2026-10-01', total: 5000, balance: 4200, currency: 'USD', status: 'partially_paid', disputed: false },
    ] as const;
    const receivables = m.summarizeReceivables(invoices, today, 'USD');
    const contract = m.toContractSection(
      { id: '77', accountId: 'a', name: 'Enterprise', status: 'active', startDate: '2026-01-15', endDate: '2027-01-14', renewalDate: m.renewalDate('2027-01-14'), arr: 48000, currency: 'USD', autoRenew: true, refs: [] },
      today,
    );
    const health = m.toHealthSection({ accountId: 'a', score: 64, trend: 'down', asOf: '2026-11-23', signals: [{ name: 'support', score: 40 }] });
    const onboarding = m.toOnboardingSection([], today);
    const escalations = m.toEscalations([]);
    const view = {
      schemaVersion: m.SCHEMA_VERSION, tenant: 'demo',
      account: { id: 'a', name: 'Acme Analytics', legalName: null, domain: 'acme.io', taxId: null, currency: 'USD', billTo: null, shipTo: null },
      links: [{ system: 'hubspot', externalId: '1000123' }],
      receivables: m.answered(receivables), contract: m.answered(contract), health: m.answered(health),
      onboarding: m.answered(onboarding), escalations: m.answered(escalations.length > 0 ? escalations : null),
      risk: m.assessRenewalRisk({ receivables, health, contract, escalations }, today),
      financeHold: financeHoldOf(receivables),
      owners: { receivables: 'netsuite', contract: 'netsuite', health: 'vitally', onboarding: 'vitally', escalations: 'vitally' },
      freshness: { netsuite: { status: 'fresh', fetchedAt: '2026-11-26T06:00:00Z', ageSeconds: 12 } },
      sourceLinks: {},
    };
    expect(AccountViewSchema.safeParse(view).error?.issues ?? []).toEqual([]);
    expect(view.escalations).toEqual({ state: 'none' });
    expect(receivables.openInvoices[0]).toMatchObject({ status: 'overdue', daysOverdue: 56 });
    expect(view.risk).toEqual({ level: 'high', reasons: ['overdue_receivables', 'health_declining', 'renewal_within_90_days'] });
    // 4,200 overdue for 56 days: past due, but not yet aged into a finance hold.
    expect(view.financeHold).toEqual({ onHold: false, amount: 0, currency: 'USD', overdueDays: 60, minAmount: 1000 });
  });
});

describe('section states', () => {
  it('answered: the data, or none when the source has none', () => {
    expect(m.answered({ score: 1 })).toEqual({ state: 'ok', data: { score: 1 } });
    expect(m.answered(null)).toEqual({ state: 'none' });
  });

  it('aged: ok turns stale once the copy is no longer fresh; stale keeps its error; the others stay', () => {
    expect(m.aged({ state: 'ok', data: 1 }, 30, true)).toEqual({ state: 'ok', data: 1 });
    expect(m.aged({ state: 'ok', data: 1 }, 90, false)).toEqual({ state: 'stale', data: 1, ageSeconds: 90 });
    expect(m.aged({ state: 'stale', data: 1, ageSeconds: 10, error: 'upstream_timeout' }, 70, true)).toEqual({ state: 'stale', data: 1, ageSeconds: 70, error: 'upstream_timeout' });
    for (const s of [{ state: 'none' }, { state: 'not_linked' }, { state: 'unavailable', error: 'x' }] as const) expect(m.aged(s, 900, false)).toEqual(s);
  });

  it('sectionData: data of ok and stale only', () => {
    expect(m.sectionData({ state: 'stale', data: 2, ageSeconds: 5 })).toBe(2);
    expect(m.sectionData({ state: 'unavailable', error: 'x' })).toBeNull();
  });
});
