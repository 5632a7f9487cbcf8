/**
 * The cards' "Recent changes" (`GET /v1/cards/hubspot/changes`, `/v1/cards/salesforce/changes`)
 * inside workerd against the sandbox estate: an ERP change and what the finance-hold automation
 * did, recorded for an account by the change pipeline's own storage functions, show on the HubSpot
 * company and deal and the Salesforce Account and Opportunity of that account, each with its
 * source; the CSM panel's history says the same; another tenant's portal or org reads nothing;
 * an unlinked record is the view's 404; a bad query is a 400 naming the field.
 */
import { SELF, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { erpRecordHistory, stateHistory } from '../../worker/flows/account-changes/history.js';
import type { AccountState } from '../../worker/policies/account-facts/index.js';
import { saveStateStatements } from '../../worker/storage/account-changes.js';
import { applyRecordChange } from '../../worker/storage/record-changes.js';
import { ORG, PORTAL, allAccounts, connectWithPortal, hubspotFetch, hubspotViewPath, salesforceFetch, sandboxGet, syncIdentity, testEnv } from './cards-helpers.js';
import { api, connectAll, sandboxToken } from './helpers.js';

interface Item {
  at: string;
  source: string;
  action: string;
  summary: string;
}
interface Page {
  items: Item[];
  next: string | null;
}
interface Problem {
  code: string;
  errors?: { path: string }[];
}
interface Truth {
  hubspotCompanyIds: string[];
  salesforceAccountIds: string[];
}

const INVOICE = { id: '990001', number: 'INV-TEST-0001' };

let key: string;
let sfSecret: string;
let accountId: string;
let companyId: string;
let dealId: string;
let sfAccountId: string;
let opportunityId: string;

const hubspotChanges = (objectType: string, objectId: string, extra = '', portalId: string = PORTAL.demo) =>
  `/v1/cards/hubspot/changes?objectType=${objectType}&objectId=${objectId}${extra}&portalId=${portalId}&userId=101&userEmail=csm%40example.com&appId=42`;
const salesforceChanges = (objectType: string, recordId: string, extra = '') => `/v1/cards/salesforce/changes?objectType=${objectType}&recordId=${recordId}${extra}`;

async function issueSecret(tenant: string, tenantKey: string, orgId: string): Promise<string> {
  const res = await api(`/v1/tenants/${tenant}/inbound-secrets/salesforce`, { method: 'POST', key: tenantKey, body: JSON.stringify({ orgId }) });
  expect([200, 201]).toContain(res.status);
  return ((await res.json()) as { secret: string }).secret;
}

/** An invoice paid in NetSuite, recorded as the change pipeline's intake records it (flows/account-changes/intake.ts). */
async function recordInvoicePaid(): Promise<void> {
  const lastModified = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
  const version = { recordType: 'invoice' as const, id: INVOICE.id, number: INVOICE.number, customerId: '1001', lastModified, currency: 'USD' as const, amount: 1200, balance: 0, status: 'paid', disputed: false, date: '2026-10-01', dueDate: '2026-10-31', applied: [] };
  const previous = { number: INVOICE.number, customerId: '1001', balance: 1200, status: 'open', disputed: false, amount: 1200, dueDate: '2026-10-31' };
  const history = erpRecordHistory(version, previous, { recordType: 'invoice', recordId: INVOICE.id, eventType: 'edit', lastModified: Date.parse(lastModified) }, 'NetSuite');
  const versionKey = `test:netsuite:invoice:${INVOICE.id}:${Date.parse(lastModified)}`;
  const outcome = await applyRecordChange(env.DB, {
    tenantId: 'demo',
    system: 'netsuite',
    externalAccount: 'TSTDRV1234',
    objectType: 'invoice',
    objectId: INVOICE.id,
    versionMs: Date.parse(lastModified),
    versionKey,
    messageKey: versionKey,
    change: 'edit',
    summary: null,
    sourceEventId: `test:${INVOICE.id}`,
    correlationId: crypto.randomUUID(),
    actor: 'netsuite:TSTDRV1234',
    accountId,
    mark: { erp: false, cs: false },
    history,
  });
  expect(outcome).toEqual({ status: 'applied', claimed: true });
}

/** The finance hold set on the account's digest, as the pipeline's effects save it (flows/account-changes/effects.ts). */
async function recordFinanceHold(): Promise<void> {
  const state: AccountState = { v: 1 };
  const history = stateHistory(undefined, state, { from: null, to: null }, 'Vitally', { from: false, to: true, amount: 2500, currency: 'USD', overdueDays: 30 });
  expect(history.map((l) => l.action)).toEqual(['account.finance_hold.set']);
  await env.DB.batch(await saveStateStatements(env.DB, { tenantId: 'demo', accountId, previous: 0, state, history, actor: 'concord', correlationId: crypto.randomUUID() }));
}

beforeAll(async () => {
  key = await connectWithPortal('demo');
  const connected = await api('/v1/tenants/demo/connections/salesforce', {
    method: 'PUT',
    key,
    body: JSON.stringify({ baseUrl: `${testEnv.SANDBOX_URL}/salesforce`, credentials: { type: 'bearer', accessToken: await sandboxToken('salesforce', 'demo') } }),
  });
  expect(connected.status).toBe(200);
  await syncIdentity('demo', key);

  // A customer with a HubSpot company (and a deal) and a Salesforce Account (and an Opportunity), all on one account.
  const truth = (await (await fetch(`${testEnv.SANDBOX_URL}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
  const accounts = await allAccounts('demo', key);
  const deals = await sandboxGet<{ results: { id: string; associations?: { companies?: { results: { id: string }[] } } }[] }>('hubspot', 'demo', '/crm/v3/objects/deals?limit=100&associations=companies');
  for (const d of deals.results) {
    const company = d.associations?.companies?.results[0]?.id;
    const account = company ? accounts.find((a) => a.links.some((l) => l.system === 'hubspot' && l.externalId === company)) : undefined;
    const sf = truth.find((t) => company && t.hubspotCompanyIds.includes(company))?.salesforceAccountIds.find((id) => account?.links.some((l) => l.system === 'salesforce' && l.externalId === id));
    if (!company || !account || !sf) continue;
    const opps = await sandboxGet<{ records: { Id: string }[] }>('salesforce', 'demo', `/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id FROM Opportunity WHERE AccountId = '${sf}'`)}`);
    if (opps.records.length === 0) continue;
    accountId = account.id;
    companyId = company;
    dealId = d.id;
    sfAccountId = sf;
    opportunityId = opps.records[0]!.Id;
    break;
  }
  expect(accountId, 'the sandbox seeds a customer in both CRMs with a deal and an Opportunity').toBeDefined();
  sfSecret = await issueSecret('demo', key, ORG.demo);

  await recordInvoicePaid();
  await recordFinanceHold();
});

describe('HubSpot card changes', () => {
  it("answers the account's latest changes with their source, newest first, for the company and its deal", async () => {
    const res = await hubspotFetch('GET', hubspotChanges('companies', companyId));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = (await res.json()) as Page;
    expect(page.items.length).toBeGreaterThanOrEqual(2);
    expect(page.items.length).toBeLessThanOrEqual(5);
    const paid = page.items.find((i) => i.summary === `Invoice ${INVOICE.number} paid in NetSuite`);
    expect(paid).toMatchObject({ source: 'NetSuite', action: 'erp.record.changed' });
    const hold = page.items.find((i) => i.action === 'account.finance_hold.set');
    expect(hold).toMatchObject({ source: 'Concord automation', summary: expect.stringMatching(/^Finance hold set: 2,500\.00 USD overdue for more than 30 days$/) });
    // Newest first; the card answer names no actor.
    expect([...page.items].map((i) => i.at)).toEqual(page.items.map((i) => i.at).sort().reverse());
    expect(Object.keys(page.items[0]!).sort()).toEqual(['action', 'at', 'source', 'summary']);

    const ofDeal = (await (await hubspotFetch('GET', hubspotChanges('deals', dealId))).json()) as Page;
    expect(ofDeal.items).toEqual(page.items);
  });

  it('pages with limit and next, without skipping or repeating a line', async () => {
    const all = (await (await hubspotFetch('GET', hubspotChanges('companies', companyId, '&limit=50'))).json()) as Page;
    const seen: Item[] = [];
    let next: string | null = null;
    do {
      const res = await hubspotFetch('GET', hubspotChanges('companies', companyId, `&limit=1${next ? `&before=${encodeURIComponent(next)}` : ''}`));
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items);
      next = page.next;
    } while (next && seen.length <= all.items.length);
    expect(seen).toEqual(all.items);
  });

  it("never shows demo's changes to the other tenant's portal", async () => {
    await connectWithPortal('other');
    const res = await hubspotFetch('GET', hubspotChanges('companies', companyId, '', PORTAL.other));
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('account_not_linked');
    expect(text).not.toContain(INVOICE.number);
    expect(text).not.toContain(accountId);
  });

  it('answers 404 account_not_linked for a company no account is linked to', async () => {
    const created = await fetch(`${testEnv.SANDBOX_URL}/hubspot/crm/v3/objects/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sandboxToken('hubspot', 'demo')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: `Changes Prospect ${Date.now()}`, domain: `changes-${Date.now()}.example` } }),
    });
    const fresh = (await created.json()) as { id: string };
    const res = await hubspotFetch('GET', hubspotChanges('companies', fresh.id));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await res.json()) as Problem & { detail?: string };
    expect(problem.code).toBe('account_not_linked');
    // The changes leave the search for a match to the view (the card asks for both at once).
    expect(problem.detail).toMatch(/reading its account view looks for a match/);
    await new Promise((ok) => setTimeout(ok, 1_000));
    expect((await hubspotFetch('GET', hubspotChanges('companies', fresh.id))).status).toBe(404);
    // The view starts it; once linked, the changes answer for the company's account.
    let linked = 0;
    for (const until = Date.now() + 20_000; Date.now() < until && linked !== 200; ) {
      linked = (await hubspotFetch('GET', hubspotViewPath('companies', fresh.id))).status;
      if (linked !== 200) await new Promise((ok) => setTimeout(ok, 100));
    }
    expect(linked).toBe(200);
    const after = await hubspotFetch('GET', hubspotChanges('companies', fresh.id));
    expect(after.status).toBe(200);
    expect(((await after.json()) as Page).items.some((i) => i.action === 'account.create' && i.source === 'Concord')).toBe(true);
  });

  it('answers 400 naming the field for a bad limit, cursor or object type', async () => {
    for (const [extra, path] of [
      ['&limit=0', 'limit'],
      ['&limit=51', 'limit'],
      ['&limit=many', 'limit'],
      ['&before=yesterday', 'before'],
    ] as const) {
      const res = await hubspotFetch('GET', hubspotChanges('companies', companyId, extra));
      expect(res.status, extra).toBe(400);
      expect(((await res.json()) as Problem).errors?.map((e) => e.path), extra).toEqual([path]);
    }
    const badType = await hubspotFetch('GET', hubspotChanges('contacts', companyId));
    expect(badType.status).toBe(400);
    expect(((await badType.json()) as Problem).errors?.map((e) => e.path)).toEqual(['objectType']);
  });
});

describe('CSM panel history', () => {
  it('lists the same lines with the same sources as the cards', async () => {
    const minted = await api('/v1/tenants/demo/embed-tokens', { method: 'POST', key, body: JSON.stringify({ accountId, ttlSeconds: 600 }) });
    expect(minted.status).toBe(201);
    const token = ((await minted.json()) as { token: string }).token;
    const res = await SELF.fetch(`http://broker.test/v1/embed/accounts/${accountId}/audit?limit=5`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const panel = (await res.json()) as { items: (Item & { actor: string })[] };
    const card = (await (await hubspotFetch('GET', hubspotChanges('companies', companyId))).json()) as Page;
    expect(panel.items.map(({ at, source, action, summary }) => ({ at, source, action, summary }))).toEqual(card.items);
    expect(panel.items.find((i) => i.action === 'erp.record.changed')).toMatchObject({ source: 'NetSuite', actor: 'netsuite:TSTDRV1234' });
  });
});

describe('Salesforce component changes', () => {
  it("answers the account's latest changes with their source for the Account and its Opportunity", async () => {
    const res = await salesforceFetch(salesforceChanges('Account', sfAccountId), sfSecret);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = (await res.json()) as Page;
    expect(page.items.find((i) => i.summary === `Invoice ${INVOICE.number} paid in NetSuite`)).toMatchObject({ source: 'NetSuite' });
    expect(page.items.find((i) => i.action === 'account.finance_hold.set')).toMatchObject({ source: 'Concord automation' });
    const ofOpportunity = (await (await salesforceFetch(salesforceChanges('Opportunity', opportunityId, '&limit=5'), sfSecret)).json()) as Page;
    expect(ofOpportunity.items).toEqual(page.items);
  });

  it("never answers for another tenant's org, even with demo's record ids", async () => {
    const otherKey = await connectAll('other');
    const otherSecret = await issueSecret('other', otherKey, ORG.other);
    const res = await salesforceFetch(salesforceChanges('Account', sfAccountId), otherSecret, { orgId: ORG.other });
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe('account_not_linked');
    expect(text).not.toContain(INVOICE.number);
  });

  it('answers 400 naming the field for a bad limit or a record id of the wrong type', async () => {
    const tooMany = await salesforceFetch(salesforceChanges('Account', sfAccountId, '&limit=500'), sfSecret);
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as Problem).errors?.map((e) => e.path)).toEqual(['limit']);
    const wrongType = await salesforceFetch(salesforceChanges('Opportunity', sfAccountId), sfSecret);
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as Problem).errors?.map((e) => e.path)).toContain('recordId');
  });

  it('answers 404 account_not_linked for an Account no account is linked to', async () => {
    const created = await fetch(`${testEnv.SANDBOX_URL}/salesforce/services/data/v62.0/sobjects/Account`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sandboxToken('salesforce', 'demo')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: `Changes Prospect ${Date.now()} Ltd` }),
    });
    expect(created.status).toBe(201);
    const res = await salesforceFetch(salesforceChanges('Account', ((await created.json()) as { id: string }).id), sfSecret);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Problem).code).toBe('account_not_linked');
  });
});
