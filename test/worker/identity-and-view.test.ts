/**
 * Identity sync and the account view inside workerd, against the real sandbox estate: links
 * checked against the sandbox's ground truth (every pair linked or asked about, never wrong;
 * test/worker/identity-grading.test.ts prints the figures), idempotent re-runs, secrets sealed.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, connectAll } from './helpers.js';

interface Truth {
  key: string;
  hubspotCompanyIds: string[];
  salesforceAccountIds: string[];
  netsuiteCustomerIds: string[];
  vitallyAccountIds: string[];
}
interface Item {
  id: string;
  name: string;
  links: { system: string; externalId: string }[];
}

let key: string;
let stats: { accountsCreated: number; crmRecords: number; linksCreated: Record<string, number>; duplicatesFolded: number };

async function allAccounts(): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  do {
    const res = await api(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key });
    const body = (await res.json()) as { items: Item[]; next: string | null };
    out.push(...body.items);
    cursor = body.next;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  key = await connectAll('demo');
  const res = await api('/v1/tenants/demo/identity/sync', { method: 'POST', key });
  expect(res.status).toBe(200);
  stats = (await res.json()) as typeof stats;
}, 180_000);

/** Records a person is asked about (open review cases), as `system:id`. */
async function underReview(): Promise<Set<string>> {
  const body = (await (await api('/v1/tenants/demo/identity/reviews?status=open&limit=200', { key })).json()) as {
    items: { subject: { system: string; externalId: string }; candidate: { system: string; externalId: string } }[];
  };
  return new Set(body.items.flatMap((c) => [`${c.subject.system}:${c.subject.externalId}`, `${c.candidate.system}:${c.candidate.externalId}`]));
}

describe('identity sync', () => {
  it('creates one account per real customer and folds CRM duplicates into it', async () => {
    const truth = (await (await fetch(`${env.SANDBOX_URL}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
    const accounts = await allAccounts();
    const accountOfCompany = new Map<string, string>();
    for (const a of accounts) for (const l of a.links) if (l.system === 'hubspot') accountOfCompany.set(l.externalId, a.id);

    const asked = await underReview();
    let wrongErp = 0;
    let missedErp = 0;
    let wrongCs = 0;
    for (const t of truth) {
      if (t.hubspotCompanyIds.length === 0) continue;
      const ids = new Set(t.hubspotCompanyIds.map((c) => accountOfCompany.get(c)));
      // Every HubSpot copy of one real customer lands in the same canonical account.
      expect(ids.size, `duplicates of ${t.key} split`).toBe(1);
      const account = accounts.find((a) => a.id === [...ids][0])!;
      const erp = account.links.filter((l) => l.system === 'netsuite').map((l) => l.externalId);
      if (erp.some((e) => !t.netsuiteCustomerIds.includes(e))) wrongErp++;
      const cs = account.links.filter((l) => l.system === 'vitally').map((l) => l.externalId);
      if (cs.some((e) => !t.vitallyAccountIds.includes(e))) wrongCs++;
      // A pair not linked must be one a person is asked about.
      if (t.netsuiteCustomerIds.length > 0 && erp.length === 0 && !t.hubspotCompanyIds.some((h) => asked.has(`hubspot:${h}`))) missedErp++;
    }
    // Precision matters most: a wrong link shows another customer's money.
    expect(wrongErp).toBe(0);
    expect(wrongCs).toBe(0);
    // Every CRM/ERP pair is linked or in the review queue: nothing is silently missed.
    expect(missedErp).toBe(0);
    expect(stats.duplicatesFolded).toBeGreaterThan(0);
  });

  it('joins Salesforce accounts to the account of the same customer', async () => {
    const truth = (await (await fetch(`${env.SANDBOX_URL}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
    const accounts = await allAccounts();
    const accountOf = new Map<string, string>();
    for (const a of accounts) for (const l of a.links) accountOf.set(`${l.system}:${l.externalId}`, a.id);
    const asked = await underReview();
    let both = 0;
    for (const t of truth) {
      if (t.salesforceAccountIds.length === 0 || t.hubspotCompanyIds.length === 0) continue;
      both++;
      for (const sf of t.salesforceAccountIds) {
        if (asked.has(`salesforce:${sf}`)) continue; // a person decides this one
        expect(accountOf.get(`salesforce:${sf}`), `${t.key}`).toBe(accountOf.get(`hubspot:${t.hubspotCompanyIds[0]}`));
      }
    }
    expect(both).toBeGreaterThan(50);
  });

  it('is idempotent: a second run creates nothing', { timeout: 180_000 }, async () => {
    const before = (await allAccounts()).length;
    const again = (await (await api('/v1/tenants/demo/identity/sync', { method: 'POST', key })).json()) as typeof stats;
    expect(again.accountsCreated).toBe(0);
    expect(Object.values(again.linksCreated).reduce((a, b) => a + b, 0)).toBe(0);
    expect((await allAccounts()).length).toBe(before);
  });

  it('keeps sandbox tokens out of D1 and KV in plain text', async () => {
    const { results } = await env.DB.prepare('SELECT * FROM connections').all();
    const dump = JSON.stringify(results) + JSON.stringify(await env.DB.prepare('SELECT * FROM audit_log').all());
    expect(results.length).toBe(4);
    expect(dump).not.toMatch(/sbx_/);
    const keys = await env.KV.list();
    for (const k of keys.keys) expect((await env.KV.get(k.name)) ?? '').not.toMatch(/sbx_/);
  });

  it('records links in the audit log with the correlation id of the sync', async () => {
    const res = await api('/v1/tenants/demo/audit?entityType=account&limit=5', { key });
    const body = (await res.json()) as { items: { action: string; correlationId: string; actor: string }[] };
    expect(body.items.length).toBe(5);
    expect(body.items.every((i) => i.actor === 'system:identity-sync')).toBe(true);
  });
});

describe('account view', () => {
  it('serves the 360 view with sections from NetSuite and Vitally, the second time from cache', async () => {
    const account = (await allAccounts())
      .filter((a) => a.links.some((l) => l.system === 'netsuite') && a.links.some((l) => l.system === 'vitally'))
      .sort((a, b) => a.id.localeCompare(b.id))[0]!;
    const res = await api(`/v1/tenants/demo/accounts/${account.id}/view`, { key, headers: { 'x-correlation-id': 'view-test-0001' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-correlation-id')).toBe('view-test-0001');
    const view = (await res.json()) as Record<string, any>;
    expect(view.account.id).toBe(account.id);
    expect(view.receivables.state).toBe('ok');
    expect(view.freshness.netsuite.status).toBe('fresh');
    expect(view.owners.receivables).toBe('netsuite');
    // The second call is served from cache: same figures, same fetch instant.
    const again = (await (await api(`/v1/tenants/demo/accounts/${account.id}/view`, { key })).json()) as Record<string, any>;
    expect(again.receivables).toEqual(view.receivables);
    expect(again.freshness.netsuite.fetchedAt).toBe(view.freshness.netsuite.fetchedAt);
  });
});

describe('account view under load', () => {
  it('coalesces concurrent cold views of one account into one build', async () => {
    // The last NetSuite-linked account in id order: the test above viewed the first, so this one is cold.
    const account = (await allAccounts())
      .filter((a) => a.links.some((l) => l.system === 'netsuite'))
      .sort((a, b) => b.id.localeCompare(a.id))[0]!;
    const views = await Promise.all(
      Array.from({ length: 20 }, () => api(`/v1/tenants/demo/accounts/${account.id}/view`, { key }).then((r) => r.json() as Promise<Record<string, any>>)),
    );
    // One build: every response carries the same fetch instant for the ERP.
    const stamps = new Set(views.map((v) => v.freshness.netsuite.fetchedAt));
    expect(stamps.size).toBe(1);
    expect(views.every((v) => JSON.stringify(v.receivables) === JSON.stringify(views[0]!.receivables))).toBe(true);
  });
});

describe('HubSpot install setup', () => {
  it("creates Concord's property group and properties in the portal once", async () => {
    const token = await (await fetch(`${env.SANDBOX_URL}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo' }) })).json() as { accessToken: string };
    const props = (await (await fetch(`${env.SANDBOX_URL}/hubspot/crm/v3/properties/companies`, { headers: { authorization: `Bearer ${token.accessToken}` } })).json()) as { results: { name: string; groupName: string }[] };
    const own = props.results.filter((p) => p.groupName === 'concord').map((p) => p.name);
    expect(own).toEqual(expect.arrayContaining(['concord_health_score', 'concord_renewal_risk', 'concord_open_ar']));
    // Connecting again finds them and creates nothing.
    const again = await api('/v1/tenants/demo/connections/hubspot', {
      method: 'PUT',
      key,
      body: JSON.stringify({ baseUrl: `${env.SANDBOX_URL}/hubspot`, credentials: { type: 'bearer', accessToken: token.accessToken } }),
    });
    expect(((await again.json()) as { setup: { status: string; created: string[] } }).setup).toEqual({ status: 'ready', created: [] });
  });
});
