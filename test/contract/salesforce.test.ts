/**
 * `jsforce` against the sandbox's Salesforce emulator: SOQL with autoFetch across
 * nextRecordsUrl pages, sObject CRUD, upsert by external id, collections, composite, limits,
 * Salesforce error codes and tenant isolation, checked against the seeded org.
 */
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';

// A private estate: this file counts every seeded Opportunity, and other files create some in the shared one.
let sandbox: SandboxListener;
let sandboxUrl: string;
const VERSION = '62.0';

async function token(tenant: 'demo' | 'other'): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'salesforce', tenant }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** The errorCode of a jsforce failure (jsforce copies Salesforce's errorCode onto the Error). */
async function errorCodeOf(p: PromiseLike<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as { errorCode?: string }).errorCode ?? (err as Error).name);
  }
  throw new Error('expected the call to fail');
}

let demo: Connection;
let other: Connection;
let demoToken: string;
/** The seed the sandbox serves, regenerated here (deterministic per anchor date). */
let seed: Record<'demo' | 'other', TenantDataset>;

beforeAll(async () => {
  sandbox = await createSandbox().listen(0);
  sandboxUrl = sandbox.url;
  const { anchorDate } = (await (await fetch(`${sandboxUrl}/__sandbox/health`)).json()) as { anchorDate: string };
  seed = { demo: generateTenant('demo', anchorDate), other: generateTenant('other', anchorDate) };
  demoToken = await token('demo');
  demo = new Connection({ instanceUrl: `${sandboxUrl}/salesforce`, accessToken: demoToken, version: VERSION });
  other = new Connection({ instanceUrl: `${sandboxUrl}/salesforce`, accessToken: await token('other'), version: VERSION });
});

afterAll(() => sandbox?.close());

describe('Salesforce emulator with jsforce', () => {
  it('autoFetch follows nextRecordsUrl across pages and returns every seeded record once', async () => {
    let fetches = 0;
    const query = demo.query<{ Id: string; Name: string }>('SELECT Id, Name FROM Opportunity ORDER BY Name', { autoFetch: true, maxFetch: 10_000, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    query.on('fetch', () => fetches++);
    const result = await query;
    expect(fetches).toBe(Math.ceil(seed.demo.salesforce.Opportunity.length / 200));
    expect(fetches).toBeGreaterThan(1);
    expect(result.totalSize).toBe(seed.demo.salesforce.Opportunity.length);
    expect(result.records.map((r) => r.Id).sort()).toEqual(seed.demo.salesforce.Opportunity.map((o) => o.Id).sort());
    const names = result.records.map((r) => r.Name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('collections in 200-record chunks feed a query that pages several times', async () => {
    const whatId = seed.demo.salesforce.Account[0]!.Id;
    const tasks = Array.from({ length: 500 }, (_, i) => ({ Subject: `Paging task ${i}`, WhatId: whatId, ActivityDate: '2026-12-01' }));
    const created = await demo.sobject('Task').create(tasks, { allowRecursive: true });
    expect(created.filter((r) => r.success)).toHaveLength(500);
    let fetches = 0;
    const query = demo.query<{ Id: string; What: { Name: string } }>("SELECT Id, What.Name FROM Task WHERE Subject LIKE 'Paging task %'", { autoFetch: true, maxFetch: 10_000, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    query.on('fetch', () => fetches++);
    const result = await query;
    expect(fetches).toBe(3);
    expect(new Set(result.records.map((r) => r.Id)).size).toBe(500);
    expect(result.records[0]!.What.Name).toBe(seed.demo.salesforce.Account[0]!.Name);
    const removed = await demo.sobject('Task').destroy(created.map((r) => r.id!), { allowRecursive: true });
    expect(removed.every((r) => r.success)).toBe(true);
    expect((await demo.query("SELECT COUNT() FROM Task WHERE Subject LIKE 'Paging task %'")).totalSize).toBe(0);
  });

  it('maxFetch stops early; COUNT() and relationship fields work', async () => {
    const limited = await demo.query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 250, headers: { 'Sforce-Query-Options': 'batchSize=200' } });
    expect(limited.records).toHaveLength(250);
    const won = seed.demo.salesforce.Opportunity.filter((o) => o.IsWon === true).length;
    expect((await demo.query('SELECT COUNT() FROM Opportunity WHERE IsWon = true')).totalSize).toBe(won);
    const contacts = await demo.query<{ Account: { Name: string } | null; AccountId: string | null }>('SELECT Id, AccountId, Account.Name FROM Contact WHERE AccountId != null LIMIT 5');
    const accountNames = new Map(seed.demo.salesforce.Account.map((a) => [a.Id, a.Name]));
    for (const c of contacts.records) expect(c.Account?.Name).toBe(accountNames.get(c.AccountId!));
  });

  it("the other tenant's session sees only its own org", async () => {
    const res = await other.query<{ Name: string }>('SELECT Name FROM Account', { autoFetch: true });
    expect(res.records.map((r) => r.Name).sort()).toEqual(seed.other.salesforce.Account.map((a) => String(a.Name)).sort());
    expect(res.totalSize).toBeLessThan(seed.demo.salesforce.Account.length);
  });

  it('creates, retrieves, updates and deletes an Account', async () => {
    const created = await demo.sobject('Account').create({ Name: 'Jsforce Contract Ltd', Website: 'https://jsforce.example', AnnualRevenue: 1234 });
    expect(created.success).toBe(true);
    expect(created.id).toMatch(/^001[A-Za-z0-9]{15}$/);
    const got = await demo.sobject('Account').retrieve(created.id!);
    expect(got).toMatchObject({ Name: 'Jsforce Contract Ltd', AnnualRevenue: 1234, attributes: { type: 'Account' } });
    await demo.sobject('Account').update({ Id: created.id!, BillingCity: 'Lisbon' });
    const found = await demo.query<{ BillingCity: string }>(`SELECT BillingCity FROM Account WHERE Id = '${created.id}'`);
    expect(found.records[0]!.BillingCity).toBe('Lisbon');
    await demo.sobject('Account').destroy(created.id!);
    expect(await errorCodeOf(demo.sobject('Account').retrieve(created.id!))).toBe('NOT_FOUND');
    const all = await demo.query<{ IsDeleted: boolean }>(`SELECT IsDeleted FROM Account WHERE Id = '${created.id}'`, { scanAll: true });
    expect(all.records[0]!.IsDeleted).toBe(true);
  });

  it('upserts by external id: 201 created, then 200 updated on the same record', async () => {
    const first = await demo.sobject('Account').upsert({ Name: 'Upsert Org', Concord_Id__c: 'CC-42' }, 'Concord_Id__c');
    expect(first).toMatchObject({ success: true, created: true });
    const second = await demo.sobject('Account').upsert({ Name: 'Upsert Org (renamed)', Concord_Id__c: 'CC-42' }, 'Concord_Id__c');
    expect(second).toMatchObject({ success: true, created: false, id: first.id });
    const rows = await demo.query<{ Name: string }>("SELECT Name FROM Account WHERE Concord_Id__c = 'CC-42'");
    expect(rows.records.map((r) => r.Name)).toEqual(['Upsert Org (renamed)']);
  });

  it('collections: create and update many, allOrNone rollback, delete', async () => {
    const accountId = seed.demo.salesforce.Account[0]!.Id;
    const inputs = Array.from({ length: 3 }, (_, i) => ({ LastName: `Bulk${i}`, AccountId: accountId }));
    const created = await demo.sobject('Contact').create(inputs);
    expect(created.every((r) => r.success)).toBe(true);
    const ids = created.map((r) => r.id!);
    const updated = await demo.sobject('Contact').update(ids.map((Id) => ({ Id, Title: 'Buyer' })));
    expect(updated.every((r) => r.success)).toBe(true);
    const titles = await demo.query<{ Title: string }>(`SELECT Title FROM Contact WHERE Id IN ('${ids.join("','")}')`);
    expect(titles.records.map((r) => r.Title)).toEqual(['Buyer', 'Buyer', 'Buyer']);
    // One bad record with allOrNone: nothing is written, every result fails.
    const rolled = await demo.sobject('Contact').create([{ LastName: 'Kept?' }, { FirstName: 'No last name' }], { allOrNone: true });
    expect(rolled.map((r) => r.success)).toEqual([false, false]);
    expect((rolled[1] as { errors: { statusCode?: string; errorCode?: string }[] }).errors[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING' });
    expect((await demo.query("SELECT COUNT() FROM Contact WHERE LastName = 'Kept?'")).totalSize).toBe(0);
    const deleted = await demo.sobject('Contact').destroy(ids);
    expect(deleted.every((r) => r.success)).toBe(true);
  });

  it('answers with Salesforce error codes', async () => {
    expect(await errorCodeOf(demo.sobject('Account').create({ Website: 'https://no-name.example' }))).toBe('REQUIRED_FIELD_MISSING');
    expect(await errorCodeOf(demo.sobject('Account').create({ Name: 'X', Colour__c: 'teal' }))).toBe('INVALID_FIELD');
    expect(await errorCodeOf(demo.query('SELECT Id FROM Account WHERE'))).toBe('MALFORMED_QUERY');
    expect(await errorCodeOf(demo.query('SELECT Colour FROM Account'))).toBe('INVALID_FIELD');
    const tooMany = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `N${i}` }));
    expect(await errorCodeOf(demo.request({ method: 'POST', url: `/services/data/v${VERSION}/composite/sobjects`, body: JSON.stringify({ allOrNone: false, records: tooMany }), headers: { 'content-type': 'application/json' } }))).toBe('EXCEEDED_ID_LIMIT');
    expect(await errorCodeOf(demo.sobject('Opportunity').create({ Name: 'Bad stage', StageName: 'Won-ish', CloseDate: '2026-12-31' }))).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    expect(await errorCodeOf(demo.sobject('Opportunity').create({ Name: 'Read-only', StageName: 'Prospecting', CloseDate: '2026-12-31', IsWon: true }))).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    expect(await errorCodeOf(demo.sobject('Contact').create({ LastName: 'Lost', AccountId: '0065g0000000001AAA' }))).toBe('FIELD_INTEGRITY_EXCEPTION');
    expect(await errorCodeOf(demo.sobject('Account').retrieve('001notanid'))).toBe('MALFORMED_ID');
    expect(await errorCodeOf(demo.sobject('Account').upsert({ Name: 'Plain name' }, 'Name'))).toBe('INVALID_FIELD');
    expect(await errorCodeOf(demo.sobject('Invoice__c').retrieve('a005g0000000001AAA'))).toBe('NOT_FOUND');
    const forged = new Connection({ instanceUrl: `${sandboxUrl}/salesforce`, accessToken: 'sbx_forged.token', version: VERSION });
    expect(await errorCodeOf(forged.query('SELECT Id FROM Account'))).toBe('INVALID_SESSION_ID');
  });

  it('describe, limits and the api-usage header', async () => {
    const d = await demo.sobject('Account').describe();
    expect(d.keyPrefix).toBe('001');
    expect(d.fields.find((f) => f.name === 'Concord_Id__c')).toMatchObject({ externalId: true, custom: true });
    const limits = (await demo.limits()) as unknown as { DailyApiRequests: { Max: number; Remaining: number } };
    expect(limits.DailyApiRequests.Max).toBe(15000);
    const res1 = await fetch(`${sandboxUrl}/salesforce/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${demoToken}` } });
    const res2 = await fetch(`${sandboxUrl}/salesforce/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${demoToken}` } });
    const used = (r: Response) => Number(/api-usage=(\d+)\/15000/.exec(r.headers.get('sforce-limit-info') ?? '')?.[1]);
    expect(used(res2)).toBeGreaterThan(used(res1));
  });

  it('composite runs subrequests with @{ref} references', async () => {
    const res = await demo.request<{ compositeResponse: { httpStatusCode: number; body: unknown; referenceId: string }[] }>({
      method: 'POST',
      url: `/services/data/v${VERSION}/composite`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        allOrNone: true,
        compositeRequest: [
          { method: 'POST', url: `/services/data/v${VERSION}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Composite Co' } },
          { method: 'POST', url: `/services/data/v${VERSION}/sobjects/Contact`, referenceId: 'ct', body: { LastName: 'Ref', AccountId: '@{acct.id}' } },
          { method: 'GET', url: `/services/data/v${VERSION}/sobjects/Contact/@{ct.id}?fields=AccountId`, referenceId: 'read' },
        ],
      }),
    });
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 201, 200]);
    const acctId = (res.compositeResponse[0]!.body as { id: string }).id;
    expect((res.compositeResponse[2]!.body as { AccountId: string }).AccountId).toBe(acctId);
  });
  it('composite refuses more than 25 subrequests without running any of them', async () => {
    const name = `Over the limit ${Date.now()}`;
    const subs = Array.from({ length: 26 }, (_, i) => ({ method: 'POST', url: `/services/data/v${VERSION}/sobjects/Account`, referenceId: `a${i}`, body: { Name: name } }));
    const res = await fetch(`${sandboxUrl}/salesforce/services/data/v${VERSION}/composite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allOrNone: false, compositeRequest: subs }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { compositeResponse: { body: { errorCode: string; message: string }[]; httpStatusCode: number; referenceId: null }[] };
    expect(body.compositeResponse).toHaveLength(1);
    expect(body.compositeResponse[0]).toMatchObject({ httpStatusCode: 400, referenceId: null, body: [{ errorCode: 'LIMIT_EXCEEDED' }] });
    expect((await demo.query(`SELECT Id FROM Account WHERE Name = '${name}'`)).totalSize).toBe(0);
    const ok = await demo.request<{ compositeResponse: { httpStatusCode: number }[] }>({
      method: 'POST',
      url: `/services/data/v${VERSION}/composite`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ allOrNone: false, compositeRequest: subs.slice(0, 25).map((s) => ({ ...s, method: 'GET', url: `/services/data/v${VERSION}/limits`, body: undefined })) }),
    });
    expect(ok.compositeResponse).toHaveLength(25);
  });

  it('Task carries Concord_Id__c as plain text: Activities cannot have External ID fields', async () => {
    const d = await demo.sobject('Task').describe();
    expect(d.fields.find((f) => f.name === 'Concord_Id__c')).toMatchObject({ custom: true, externalId: false });
    expect(await errorCodeOf(demo.sobject('Task').upsert({ Concord_Id__c: 'k1', Subject: 'x' }, 'Concord_Id__c'))).toBe('INVALID_FIELD');
  });

  it('a scripted session answers REQUEST_LIMIT_EXCEEDED with Sforce-Limit-Info, then its cap', async () => {
    const t = await token('other');
    const admin = (method: string, body?: unknown) =>
      fetch(`${sandboxUrl}/salesforce/__sandbox/session`, { method, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await admin('PUT', { faults: ['limit', 'ok'], apiUsage: { used: 9, max: 10 } })).status).toBe(200);
    const get = () => fetch(`${sandboxUrl}/salesforce/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${t}` } });
    const first = await get();
    expect(first.status).toBe(403);
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=9/10');
    expect(await first.json()).toEqual([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    const second = await get();
    expect(second.status).toBe(200);
    expect(second.headers.get('sforce-limit-info')).toBe('api-usage=10/10');
    const third = await get();
    expect(third.status).toBe(403);
    expect(((await third.json()) as { errorCode: string }[])[0]!.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(await (await admin('GET')).json()).toMatchObject({ requests: 3, served: 1, refused: 2 });
    expect((await admin('PUT', { faults: ['sometimes'] })).status).toBe(400);
  });
});
