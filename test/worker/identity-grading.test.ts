/**
 * Grades identity resolution against the sandbox's ground truth (`/__sandbox/truth`), the way
 * a tenant would see it: identity sync over the demo estate (HubSpot, Salesforce, NetSuite,
 * Vitally, hard cases included), then `POST /identity/resolve` for every NetSuite customer as a
 * closed-won flow would ask ("which CRM customer is this?"). Prints precision, recall and the
 * share sent to review; asserts precision >= 0.99, recall >= 0.95, review <= 10 %.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, connectAll, sandboxToken } from './helpers.js';

interface Truth {
  key: string;
  traits: string[];
  hubspotCompanyIds: string[];
  salesforceAccountIds: string[];
  netsuiteCustomerIds: string[];
  vitallyAccountIds: string[];
}
interface Account {
  id: string;
  links: { system: string; externalId: string }[];
}

let key: string;
let truth: Truth[];
let accountOf: Map<string, string>;
let crmRecords: number;

async function allAccounts(): Promise<Account[]> {
  const out: Account[] = [];
  let cursor: string | null = null;
  do {
    const body = (await (await api(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key })).json()) as { items: Account[]; next: string | null };
    out.push(...body.items);
    cursor = body.next;
  } while (cursor);
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

beforeAll(async () => {
  key = await connectAll('demo');
  const res = await api('/v1/tenants/demo/identity/sync', { method: 'POST', key });
  expect(res.status).toBe(200);
  crmRecords = ((await res.json()) as { crmRecords: number }).crmRecords;
  truth = (await (await fetch(`${env.SANDBOX_URL}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
  accountOf = new Map();
  for (const a of await allAccounts()) for (const l of a.links) accountOf.set(`${l.system}:${l.externalId}`, a.id);
}, 240_000);

describe('identity graded against the sandbox truth', () => {
  it('sync links the same legal entity across systems, and only it', async () => {
    // Pairwise over every record of every system: a pair is "linked" when both are in one account.
    let truePairs = 0;
    let linkedRight = 0;
    const byCustomer = truth.map((t) => [
      ...t.hubspotCompanyIds.map((id) => `hubspot:${id}`),
      ...t.salesforceAccountIds.map((id) => `salesforce:${id}`),
      ...t.netsuiteCustomerIds.map((id) => `netsuite:${id}`),
      ...t.vitallyAccountIds.map((id) => `vitally:${id}`),
    ]);
    const customerOf = new Map(byCustomer.flatMap((records, i) => records.map((r) => [r, i] as const)));
    for (const records of byCustomer) {
      for (let i = 0; i < records.length; i++) {
        for (let j = i + 1; j < records.length; j++) {
          truePairs++;
          const a = accountOf.get(records[i]!);
          if (a && a === accountOf.get(records[j]!)) linkedRight++;
        }
      }
    }
    const members = new Map<string, string[]>();
    for (const [record, account] of accountOf) members.set(account, [...(members.get(account) ?? []), record]);
    let linked = 0;
    const wrong: string[] = [];
    for (const records of members.values()) {
      for (let i = 0; i < records.length; i++) {
        for (let j = i + 1; j < records.length; j++) {
          linked++;
          if (customerOf.get(records[i]!) !== customerOf.get(records[j]!)) wrong.push(`${records[i]} ~ ${records[j]}`);
        }
      }
    }
    const open = (await (await api('/v1/tenants/demo/identity/reviews?status=open&limit=200', { key })).json()) as { items: { subject: { system: string; externalId: string } }[] };
    const reviewed = new Set(open.items.map((c) => `${c.subject.system}:${c.subject.externalId}`)).size;
    const precision = (linked - wrong.length) / linked;
    const recall = linkedRight / truePairs;
    const reviewShare = reviewed / crmRecords;
    console.log(
      `identity sync vs truth: precision ${pct(precision)} (${linked - wrong.length}/${linked} linked pairs right), ` +
        `recall ${pct(recall)} (${linkedRight}/${truePairs} true pairs linked), review ${pct(reviewShare)} (${reviewed} of ${crmRecords} CRM records, ${open.items.length} cases)`,
    );
    expect(wrong).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(reviewShare).toBeLessThanOrEqual(0.1);
  });

  it('resolve finds the CRM customer of each ERP customer, or says it is new', { timeout: 240_000 }, async () => {
    // The ERP's own view of each customer, read from NetSuite as a flow would (SuiteQL).
    const token = await sandboxToken('netsuite', 'demo');
    const suiteql = async (q: string) => {
      const items: Record<string, string>[] = [];
      for (let offset = 0; ; offset += 1000) {
        const res = await fetch(`${env.SANDBOX_URL}/netsuite/services/rest/query/v1/suiteql?limit=1000&offset=${offset}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'transient' },
          body: JSON.stringify({ q }),
        });
        const page = (await res.json()) as { items: Record<string, string>[]; hasMore: boolean };
        items.push(...page.items);
        if (!page.hasMore) return items;
      }
    };
    const customers = await suiteql('SELECT id, companyname, url, vatregnumber, email, defaultbillingaddress FROM customer ORDER BY id');
    const addresses = new Map((await suiteql('SELECT nkey, addr1, city, country FROM entityaddress')).map((a) => [a['nkey'], a]));
    const truthOf = new Map(truth.flatMap((t) => t.netsuiteCustomerIds.map((id) => [id, t] as const)));

    const outcomes = await pool(customers, 6, async (c) => {
      const a = c['defaultbillingaddress'] ? addresses.get(c['defaultbillingaddress']) : undefined;
      const candidate = {
        name: c['companyname']!,
        domain: c['url'] ?? null,
        taxId: c['vatregnumber'] ?? null,
        emails: c['email'] ? [c['email']] : [],
        country: a?.['country'] ?? null,
        city: a?.['city'] ?? null,
        address: a?.['addr1'] ?? null,
      };
      const res = await api('/v1/tenants/demo/identity/resolve', { method: 'POST', key, body: JSON.stringify({ candidate, systems: ['hubspot', 'salesforce'] }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { decision: 'match' | 'review' | 'new'; matches: { accountId: string | null }[] };
      const t = truthOf.get(c['id']!)!;
      const crm = [...t.hubspotCompanyIds.map((id) => `hubspot:${id}`), ...t.salesforceAccountIds.map((id) => `salesforce:${id}`)];
      const expected = new Set(crm.map((r) => accountOf.get(r)).filter((x): x is string => !!x));
      return { decision: body.decision, got: body.matches[0]?.accountId ?? null, expected, id: c['id'] };
    });
    const matches = outcomes.filter((o) => o.decision === 'match');
    const wrong = matches.filter((o) => !o.expected.has(o.got ?? ''));
    const withCustomer = outcomes.filter((o) => o.expected.size > 0);
    const found = matches.filter((o) => o.expected.has(o.got ?? '')).length;
    const reviews = outcomes.filter((o) => o.decision === 'review').length;
    const newWhenNew = outcomes.filter((o) => o.decision === 'new' && o.expected.size === 0).length;
    const precision = matches.length ? (matches.length - wrong.length) / matches.length : 1;
    const recall = found / withCustomer.length;
    const reviewShare = reviews / outcomes.length;
    console.log(
      `resolve vs truth (${outcomes.length} NetSuite customers): precision ${pct(precision)} (${matches.length - wrong.length}/${matches.length} matches right), ` +
        `recall ${pct(recall)} (${found}/${withCustomer.length} with a CRM customer found), review ${pct(reviewShare)} (${reviews}), ` +
        `new ${outcomes.length - matches.length - reviews} (${newWhenNew} of ${outcomes.length - withCustomer.length} ERP-only customers)`,
    );
    expect(wrong.map((o) => o.id)).toEqual([]);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(reviewShare).toBeLessThanOrEqual(0.1);
  });
});
