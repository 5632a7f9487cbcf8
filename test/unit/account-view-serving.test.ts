/**
 * Serving a cached account view (worker/services/account-view-cache.ts) and the source links the
 * broker may build: pure parts of the view's path, checked without a Worker.
 */
import { describe, expect, it } from 'vitest';
import { vitallyWebAppUrl } from '../../worker/connectors/vitally/descriptor.js';
import { AccountViewSchema, type AccountView } from '../../worker/model/index.js';
import { cacheKey, servedFromCache } from '../../worker/services/account-view-cache.js';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

function cachedView(nsFetchedAt: string, vtFetchedAt: string): AccountView {
  return {
    schemaVersion: 3, tenant: 'demo',
    account: { id: 'acc_1', name: 'Ember Foods', legalName: null, domain: null, taxId: null, currency: 'USD', billTo: null, shipTo: null },
    links: [{ system: 'netsuite', externalId: '42' }, { system: 'vitally', externalId: 'v-1' }],
    receivables: { state: 'ok', data: { currency: 'USD', openTotal: 0, overdueTotal: 0, disputedTotal: 0, openInvoiceCount: 0, openInvoices: [] } },
    contract: { state: 'none' },
    health: { state: 'stale', data: { score: 70, trend: 'flat', asOf: '2026-11-23', history: [], signals: [] }, ageSeconds: 5, error: 'upstream_timeout' },
    onboarding: { state: 'none' },
    escalations: { state: 'none' },
    risk: { level: 'low', reasons: [] },
    financeHold: { onHold: false, amount: 0, currency: 'USD', overdueDays: 60, minAmount: 1000 },
    owners: { receivables: 'netsuite', contract: 'netsuite', health: 'vitally', onboarding: 'vitally', escalations: 'vitally' },
    freshness: {
      netsuite: { status: 'fresh', fetchedAt: nsFetchedAt, ageSeconds: 0 },
      vitally: { status: 'stale', fetchedAt: vtFetchedAt, ageSeconds: 5, error: 'upstream_timeout' },
    },
    sourceLinks: {},
  };
}

describe('servedFromCache', () => {
  it('within the freshness window: ok stays ok, a stale section gets its current age and keeps its error', () => {
    const ns = ago(20);
    const vt = ago(400);
    const served = servedFromCache({ view: cachedView(ns, vt), sources: { netsuite: { fetchedAt: ns }, vitally: { fetchedAt: vt } } }, 'fresh');
    expect(served.receivables.state).toBe('ok');
    expect(served.health).toMatchObject({ state: 'stale', error: 'upstream_timeout' });
    expect(served.health.state === 'stale' && served.health.ageSeconds).toBeGreaterThanOrEqual(400);
    expect(served.freshness.netsuite).toMatchObject({ status: 'fresh', fetchedAt: ns });
    expect(served.freshness.vitally).toMatchObject({ status: 'stale', error: 'upstream_timeout' });
    // The finance hold is the verdict on the receivables it was built with, served as built.
    expect(served.financeHold).toEqual({ onHold: false, amount: 0, currency: 'USD', overdueDays: 60, minAmount: 1000 });
    expect(AccountViewSchema.safeParse(served).error?.issues ?? []).toEqual([]);
  });

  it('served stale while it is rebuilt: ok sections become stale with their age and no error; none stays none', () => {
    const ns = ago(120);
    const served = servedFromCache({ view: cachedView(ns, ns), sources: { netsuite: { fetchedAt: ns }, vitally: { fetchedAt: ns } } }, 'stale');
    expect(served.receivables).toMatchObject({ state: 'stale', ageSeconds: expect.any(Number) });
    expect(served.receivables.state === 'stale' && served.receivables.error).toBeUndefined();
    expect(served.receivables.state === 'stale' && served.receivables.ageSeconds).toBeGreaterThanOrEqual(120);
    expect(served.contract).toEqual({ state: 'none' });
    expect(served.onboarding).toEqual({ state: 'none' });
    expect(served.freshness.netsuite?.status).toBe('stale');
    expect(AccountViewSchema.safeParse(served).error?.issues ?? []).toEqual([]);
  });

  it('keeps views under a versioned key, so a view of an older version is never read as v3', () => {
    expect(cacheKey('demo', 'acc_1')).toBe('view:v3:demo:acc_1');
  });
});

describe('vitallyWebAppUrl', () => {
  it("links to the workspace's web app only for Vitally's own https REST host", () => {
    expect(vitallyWebAppUrl('https://acme.rest.vitally.io')).toBe('https://acme.vitally.io/');
    expect(vitallyWebAppUrl('https://acme-eu.rest.vitally.io/')).toBe('https://acme-eu.vitally.io/');
  });

  it('gives no link for the sandbox, other hosts, plain http, credentials or odd ports', () => {
    for (const base of [
      'http://127.0.0.1:8788/vitally',
      'http://acme.rest.vitally.io',
      'https://acme.rest.vitally.io.evil.example',
      'https://evil.example/acme.rest.vitally.io',
      'https://user:pw@acme.rest.vitally.io',
      'https://acme.rest.vitally.io:8443',
      'https://a.b.rest.vitally.io',
      'https://-x.rest.vitally.io',
      'not a url',
    ]) {
      expect(vitallyWebAppUrl(base), base).toBeNull();
    }
  });
});
