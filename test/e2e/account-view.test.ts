/**
 * The first vertical slice as a user meets it: `wrangler dev` on workerd in front of the seeded
 * sandbox. Figures are checked against the sandbox's own SuiteQL, not against Concord's code.
 */
import { describe, expect, inject, it } from 'vitest';
import { daysBetween, todayUtc } from '../../worker/model/index.js';
import { findByVitallyFacts } from '../support/vitally-facts.js';

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

/** Every row of a SuiteQL query against the sandbox's NetSuite, as any client would page it. */
async function suiteql<T>(q: string): Promise<T[]> {
  const token = ((await (await fetch(`${sandbox}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
  const rows: T[] = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(`${sandbox}/netsuite/services/rest/query/v1/suiteql?limit=1000&offset=${offset}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'transient' },
      body: JSON.stringify({ q }),
    });
    const page = (await res.json()) as { items: T[]; hasMore: boolean };
    rows.push(...page.items);
    if (!page.hasMore) return rows;
  }
}

async function suiteqlSum(customerId: string): Promise<number> {
  const rows = await suiteql<{ foreignamountremaining: number | string }>(`SELECT id, foreignamountremaining FROM transaction WHERE type = 'CustInvc' AND entity = ${customerId}`);
  return rows.reduce((cents, row) => cents + Math.round(Number(row.foreignamountremaining) * 100), 0) / 100;
}

const netsuiteId = (a: AccountItem) => a.links.find((l) => l.system === 'netsuite')!.externalId;

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
    // A spread of twelve customers across NetSuite's (seeded, stable) ids, not whichever accounts
    // come first in a list ordered by random account ids.
    const accounts = (await allAccounts()).filter((a) => a.links.some((l) => l.system === 'netsuite')).sort((a, b) => Number(netsuiteId(a)) - Number(netsuiteId(b)));
    const sample = accounts.filter((_, i) => i % Math.ceil(accounts.length / 12) === 0);
    expect(sample.length).toBeGreaterThanOrEqual(12);
    for (const account of sample) {
      // Built now: an earlier file may have cached this view more than 60 s ago (served `stale`)
      // or changed its invoices since.
      const { res, body } = await get(`/v1/tenants/demo/accounts/${account.id}/view?refresh=1`);
      expect(res.status).toBe(200);
      const receivables = body.receivables as { state: string; data: { openTotal: number } };
      expect(receivables.state).toBe('ok');
      expect(receivables.data.openTotal).toBeCloseTo(await suiteqlSum(netsuiteId(account)), 2);
    }
  });

  it('assembles contract, health and freshness per source', async () => {
    // The first account (by id) whose Vitally record has health scores: picked by what the
    // sandbox holds, never by position in a list ordered by random account ids.
    const { account, facts } = await findByVitallyFacts(sandbox, 'demo', await allAccounts(), (f) => f.healthScores > 0);
    // Built now (refresh=1): earlier tests may have viewed this account more than 60 s ago.
    const { res, body } = await get(`/v1/tenants/demo/accounts/${account.id}/view?refresh=1`);
    expect(res.status).toBe(200);
    expect(body.schemaVersion).toBe(3);
    const freshness = body.freshness as Record<string, { status: string; fetchedAt: string }>;
    expect(freshness.netsuite!.status).toBe('fresh');
    expect(freshness.vitally!.status).toBe('fresh');
    const health = body.health as { state: string; data: { score: number; asOf: string; history: { date: string; score: number }[] } };
    expect(health.state).toBe('ok');
    // The score shown is Vitally's newest score, from its 0-10 scale to 0-100, and ends the history.
    expect(health.data.score).toBeCloseTo(facts.latestScore! * 10, 5);
    expect(health.data.history.at(-1)).toEqual({ date: health.data.asOf, score: health.data.score });
    // The contract is either one of the customer's NetSuite subscriptions, with its countdown
    // computed for today, or explicitly none.
    const contract = body.contract as { state: string; data?: { id: string; renewalDate: string; daysToRenewal: number } };
    const subscriptions = await suiteql<{ id: string | number }>(`SELECT id FROM subscription WHERE customer = ${netsuiteId(account)}`);
    if (contract.state === 'ok') {
      expect(subscriptions.map((s) => String(s.id))).toContain(contract.data!.id);
      // Counted from the day the view was built: a view built just before 00:00 UTC and read just
      // after counts from the day before, so either day is right.
      const today = daysBetween(todayUtc(), contract.data!.renewalDate);
      expect([today, today + 1]).toContain(contract.data!.daysToRenewal);
    } else {
      expect(contract).toEqual({ state: 'none' });
    }
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
