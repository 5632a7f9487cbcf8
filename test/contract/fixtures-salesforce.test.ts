/**
 * The sandbox Salesforce answers every saved Salesforce operation (test/fixtures/salesforce) in
 * the saved payload's shape: same fields, JSON types and nesting (test/support/payload-shape.ts),
 * over plain HTTP at the version Concord pins. Queries run the connector's own SOQL, so their
 * records must carry exactly the saved fields. Answers whose elements differ by outcome
 * (Collections results, Composite subrequests) are compared element by element.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOQL } from '../../worker/connectors/salesforce/map.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { shapeDiff, type ShapeOptions } from '../support/payload-shape.js';
import { fixture, fixtureNames } from '../support/vendor-fixture.js';
import { authorize, form, pkce, redirectUri, registerClient } from './oauth-support.js';
import { VERSION, connect, rest, salesforceToken, seededOrg } from './salesforce-support.js';

let token: string;
let seed: TenantDataset;
beforeAll(async () => {
  token = await salesforceToken('demo');
  seed = await seededOrg('demo');
});

const base = `/services/data/v${VERSION}`;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await rest(token, `${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}
const query = (soql: string, headers: Record<string, string> = {}) => call('GET', `/query?q=${encodeURIComponent(soql)}`, undefined, headers);

const covered = new Set<string>();
function check(operation: string, answer: unknown, opts: ShapeOptions = {}): void {
  covered.add(operation);
  expect(shapeDiff(fixture('salesforce', operation), answer, opts), operation).toEqual([]);
}
/** Element by element: answer[i] against saved[i] (arrays whose elements differ by outcome). */
function checkEach(operation: string, answer: unknown[], pick: (saved: unknown[]) => unknown[] = (s) => s, opts: ShapeOptions = {}): void {
  covered.add(operation);
  const saved = pick(fixture<unknown[]>('salesforce', operation));
  expect(answer.length, operation).toBe(saved.length);
  saved.forEach((s, i) => expect(shapeDiff(s, answer[i], opts), `${operation}[${i}]`).toEqual([]));
}

describe('the sandbox answers each saved Salesforce operation in its shape', () => {
  it("the connector's SOQL: pages, rows of each object, keyed ids, COUNT()", async () => {
    // Past 200 accounts (the smallest batch) the account query takes two pages.
    const more = Array.from({ length: 60 }, (_, i) => ({ attributes: { type: 'Account' }, Name: `Fixture paging ${i}` }));
    expect((await call('POST', '/composite/sobjects', { allOrNone: true, records: more })).status).toBe(200);
    const first = await query(SOQL.accounts(), { 'Sforce-Query-Options': 'batchSize=200' });
    expect(first.status).toBe(200);
    check('query-accounts', first.json);
    const next = (first.json as { nextRecordsUrl: string }).nextRecordsUrl;
    let page = (await call('GET', next.replace(base, ''))).json as { done: boolean; nextRecordsUrl?: string };
    while (!page.done) page = (await call('GET', page.nextRecordsUrl!.replace(base, ''))).json as { done: boolean; nextRecordsUrl?: string };
    check('query-accounts-more', page);

    const account = seed.salesforce.Account.find((a) => seed.salesforce.Contact.some((c) => c.AccountId === a.Id) && seed.salesforce.Opportunity.some((o) => o.AccountId === a.Id))!;
    check('query-contacts', (await query(SOQL.contactsOfAccounts([account.Id]))).json);
    check('query-opportunities', (await query(SOQL.dealsOfAccounts([account.Id]))).json);

    const conn = connect(token);
    const opp = seed.salesforce.Opportunity.find((o) => o.AccountId === account.Id)!;
    const lines = await conn.sobject('OpportunityLineItem').create([{ OpportunityId: opp.Id, Quantity: 2, UnitPrice: 100, ProductCode: 'FX-1' }, { OpportunityId: opp.Id, Quantity: 1, UnitPrice: 35 }]);
    expect(lines.every((l) => l.success)).toBe(true);
    check('query-line-items', (await query(SOQL.linesOfDeals([opp.Id]))).json);

    const key = `fixture-task-${Date.now()}`;
    await conn.sobject('Task').create({ WhatId: account.Id, Subject: 'Fixture', Concord_Id__c: key });
    check('query-keyed-ids', (await query(SOQL.tasksByKeys([key, 'not-on-the-org']))).json);
    check('query-count', (await query(SOQL.countTasksWithKey(key))).json);
    check('sobject-retrieve', (await call('GET', `/sobjects/Opportunity/${opp.Id}?fields=AccountId`)).json);
  });

  it('writes: Collections create, update and upsert, upsert by external id, Composite', async () => {
    const account = seed.salesforce.Account[45]!;
    const created = await call('POST', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Contact' }, LastName: 'Fixture', AccountId: account.Id }, { attributes: { type: 'Contact' }, FirstName: 'No last name' }] });
    expect(created.status).toBe(200);
    checkEach('collections-create', created.json as unknown[]);
    const contactId = (created.json as { id: string }[])[0]!.id;

    const deleted = (await call('POST', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Contact' }, LastName: 'Gone' }] })).json as { id: string }[];
    await call('DELETE', `/sobjects/Contact/${deleted[0]!.id}`);
    const updated = await call('PATCH', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Contact' }, id: contactId, Title: 'Buyer' }, { attributes: { type: 'Contact' }, id: deleted[0]!.id, Title: 'Ghost' }] });
    checkEach('collections-update', updated.json as unknown[]);

    const key = `fx-${Date.now()}`;
    await call('PATCH', `/sobjects/Contact/Concord_Id__c/${key}-b`, { LastName: 'Existing' });
    const upserted = await call('PATCH', '/composite/sobjects/Contact/Concord_Id__c', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Contact' }, Concord_Id__c: `${key}-a`, LastName: 'New' },
        { attributes: { type: 'Contact' }, Concord_Id__c: `${key}-b`, LastName: 'Existing (renamed)' },
        { attributes: { type: 'Contact' }, Concord_Id__c: `${key}-c`, LastName: 'Bad', Email: 'not-an-email' },
      ],
    });
    checkEach('collections-upsert', upserted.json as unknown[]);

    const one = await call('PATCH', `/sobjects/Opportunity/Concord_Id__c/${key}-opp`, { Name: 'Fixture deal', StageName: 'Prospecting', CloseDate: '2026-12-31', AccountId: account.Id });
    expect(one.status).toBe(201);
    check('sobject-upsert', one.json);

    const composite = await call('POST', '/composite', {
      allOrNone: false,
      compositeRequest: [
        { method: 'GET', url: `${base}/sobjects/Account/${account.Id}?fields=Id`, referenceId: 't0_company' },
        { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 't0', body: { WhatId: '@{t0_company.Id}', Subject: 'Fixture task', Concord_Id__c: `${key}-task` } },
        { method: 'GET', url: `${base}/sobjects/Account/0015g0000000099AAA?fields=Id`, referenceId: 't1_company' },
        { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 't1', body: { WhatId: '@{t1_company.Id}', Subject: 'Fixture task 2' } },
      ],
    });
    expect(composite.status).toBe(200);
    const subs = (composite.json as { compositeResponse: unknown[] }).compositeResponse;
    checkEach('composite', subs, (saved) => (saved as unknown as { compositeResponse: unknown[] }).compositeResponse);
    expect(Object.keys(composite.json as object)).toEqual(Object.keys(fixture<object>('salesforce', 'composite')));
  });

  it('an error answer', async () => {
    const res = await call('POST', '/sobjects/Account', { Website: 'https://no-name.example' });
    expect(res.status).toBe(400);
    check('error-required-field', res.json);
  });

  it('OAuth: the token answer, the identity URL it names and UserInfo', async () => {
    const client = await registerClient();
    const { verifier, challenge } = pkce();
    const code = await authorize('/salesforce/services/oauth2/authorize', { response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, state: 'fx', code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await form('/salesforce/services/oauth2/token', { grant_type: 'authorization_code', code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code_verifier: verifier });
    const tokens = (await res.json()) as { id: string; access_token: string; instance_url: string };
    check('oauth-token', tokens);
    const auth = { authorization: `Bearer ${tokens.access_token}` };
    check('identity', await (await fetch(tokens.id, { headers: auth })).json());
    check('userinfo', await (await fetch(`${tokens.instance_url}/services/oauth2/userinfo`, { headers: auth })).json());
  });

  afterAll(() => {
    // Every saved operation is checked here; a new fixture needs its request above.
    expect([...covered].sort()).toEqual(fixtureNames('salesforce'));
  });
});
