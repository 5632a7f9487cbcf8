/** AccountView: the documented example is valid; broken views fail with field paths. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as m from '../../worker/model/index.js';
import { AccountViewSchema, FreshnessEntrySchema, type AccountView } from '../../worker/model/index.js';

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

  it('accepts a view whose sources all failed (sections null, freshness says why)', () => {
    const example = documentedExample();
    const degraded = {
      ...example,
      receivables: null, contract: null, health: null, onboarding: null, escalations: null, risk: null,
      account: { ...example.account, legalName: null, taxId: null, currency: null, billTo: null, domain: null },
      freshness: { netsuite: { status: 'error', fetchedAt: null, ageSeconds: null, error: 'auth_expired' } },
    };
    expect(AccountViewSchema.safeParse(degraded).success).toBe(true);
  });

  it('reports each broken field by its path', () => {
    const example = documentedExample();
    const broken = {
      ...example,
      schemaVersion: 2,
      receivables: { ...example.receivables!, openTotal: -1 },
      health: { ...example.health!, score: 640 },
      freshness: { ...example.freshness, gainsight: { status: 'fresh', fetchedAt: null, ageSeconds: null } },
    };
    expect(paths(broken).sort()).toEqual(['freshness', 'health.score', 'receivables.openTotal', 'schemaVersion']);
  });

  it('rejects undocumented fields and unknown risk reasons', () => {
    const example = documentedExample();
    expect(paths({ ...example, extra: true })).toEqual(['']);
    expect(paths({ ...example, risk: { level: 'high', reasons: ['vibes'] } })).toEqual(['risk.reasons.0']);
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
      receivables, contract, health, onboarding, escalations,
      risk: m.assessRenewalRisk({ receivables, health, contract, escalations }, today),
      owners: { receivables: 'netsuite', contract: 'netsuite', health: 'vitally', onboarding: 'vitally', escalations: 'vitally' },
      freshness: { netsuite: { status: 'fresh', fetchedAt: '2026-11-26T06:00:00Z', ageSeconds: 12 } },
    };
    expect(AccountViewSchema.safeParse(view).error?.issues ?? []).toEqual([]);
    expect(view.receivables.openInvoices[0]).toMatchObject({ status: 'overdue', daysOverdue: 56 });
    expect(view.risk).toEqual({ level: 'high', reasons: ['overdue_receivables', 'health_declining', 'renewal_within_90_days'] });
  });
});
