/**
 * The first vertical slice as a user meets it: `wrangler dev` on workerd in front of the seeded
 * sandbox. Figures are checked against the sandbox's own SuiteQL, not against Concord's code.
 */
import { describe, expect, inject, it } from 'vitest';

const broker = inject('brokerUrl');
const sandbox = inject('estateSandboxUrl');
const demoKey = inject('demoKey');
const otherKey = inject('otherKey');

interface AccountItem {
  id: string;
  name: string;
  links: { system: string; externalId: string }[];
}

async function get(path: string, key = demoKey) {
  const res = await fetch(`${broker}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { res, body: (await res.json()) as Record<string, unknown> };
}

async function allAccounts(): Promise<AccountItem[]> {
  const out: AccountItem[] = [];
  let cursor: string | null = null;
  do {
    const { res, body } = await get(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    out.push(...(body.items as AccountItem[]));
    cursor = body.next as string | null;
  } while (cursor);
  return out;
}

async function suiteqlSum(customerId: string): Promise<number> {
  const token = ((await (await fetch(`${sandbox}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
  let cents = 0;
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(`${sandbox}/netsuite/services/rest/query/v1/suiteql?limit=1000&offset=${offset}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'transient' },
      body: JSON.stringify({ q: `SELECT id, foreignamountremaining FROM transaction WHERE type = 'CustInvc' AND entity = ${customerId}` }),
    });
    const page = (await res.json()) as { items: { foreignamountremaining: number | string }[]; hasMore: boolean };
    for (const row of page.items) cents += Math.round(Number(row.foreignamountremaining) * 100);
    if (!page.hasMore) return cents / 100;
  }
}

describe('accounts', () => {
  it('lists every linked demo account across pages, each with its links', async () => {
    const accounts = await allAccounts();
    expect(accounts.length).toBeGreaterThanOrEqual(500);
    expect(new Set(accounts.map((a) => a.id)).size).toBe(accounts.length);
    const linked = accounts.filter((a) => a.links.some((l) => l.system === 'netsuite'));
    expect(linked.length).toBeGreaterThan(400);
    // No ERP customer is linked to two accounts: identity matching never doubles a customer.
    const erpIds = linked.flatMap((a) => a.links.filter((l) => l.system === 'netsuite').map((l) => l.externalId));
    expect(new Set(erpIds).size).toBe(erpIds.length);
  });

  it('refuses a bad cursor with 400 naming the field', async () => {
    const { res, body } = await get('/v1/tenants/demo/accounts?cursor=not-a-cursor');
    expect(res.status).toBe(400);
    expect((body.errors as { path: string }[])[0]!.path).toBe('cursor');
  });
});

describe('account 360 view', () => {
  it('shows open receivables equal to the sum NetSuite itself reports', async () => {
    const accounts = (await allAccounts()).filter((a) => a.links.some((l) => l.system === 'netsuite'));
    // A spread of accounts across the list, not just the first few.
    const sample = accounts.filter((_, i) => i % Math.ceil(accounts.length / 12) === 0);
    for (const account of sample) {
      const customerId = account.links.find((l) => l.system === 'netsuite')!.externalId;
      const { res, body } = await get(`/v1/tenants/demo/accounts/${account.id}/view`);
      expect(res.status).toBe(200);
      const receivables = body.receivables as { openTotal: number; openInvoices: { balance: number }[]; currency: string };
      expect(receivables.openTotal).toBeCloseTo(await suiteqlSum(customerId), 2);
      expect(receivables.currency).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('assembles contract, health and freshness per source', async () => {
    const accounts = (await allAccounts()).filter((a) => ['netsuite', 'vitally'].every((s) => a.links.some((l) => l.system === s)));
    const { res, body } = await get(`/v1/tenants/demo/accounts/${accounts[3]!.id}/view`);
    expect(res.status).toBe(200);
    expect(body.schemaVersion).toBe(1);
    const freshness = body.freshness as Record<string, { status: string; fetchedAt: string }>;
    expect(freshness.netsuite!.status).toBe('fresh');
    expect(freshness.vitally!.status).toBe('fresh');
    const health = body.health as { score: number; trend: string; asOf: string };
    expect(health.score).toBeGreaterThanOrEqual(0);
    expect(health.score).toBeLessThanOrEqual(100);
    expect(['up', 'down', 'flat']).toContain(health.trend);
    expect(body).toHaveProperty('contract');
  });

  it("refuses a demo account to the other tenant's key", async () => {
    const [account] = await allAccounts();
    const cross = await get(`/v1/tenants/demo/accounts/${account!.id}/view`, otherKey);
    expect(cross.res.status).toBe(403);
    // And the other tenant does not have it under its own name either.
    const own = await get(`/v1/tenants/other/accounts/${account!.id}/view`, otherKey);
    expect(own.res.status).toBe(404);
  });

  it('answers an unknown account with 404 and a malformed id with 400', async () => {
    expect((await get('/v1/tenants/demo/accounts/acc_00000000000000000000000000000000/view')).res.status).toBe(404);
    expect((await get('/v1/tenants/demo/accounts/..%2F..%2Fetc/view')).res.status).toBe(400);
  });
});
