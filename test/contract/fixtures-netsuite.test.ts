/**
 * The sandbox's NetSuite answers have the shape of the saved vendor payloads in
 * test/fixtures/netsuite/ (same fields, JSON types and nesting; values differ): every operation
 * Concord sends, called with plain fetch the way the connector calls it. Fields a fixture has that
 * a given record leaves out are listed as optional: NetSuite omits empty fields too.
 */
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { createSandbox } from '../../sandbox/server.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { suiteqlQueries } from '../../worker/connectors/netsuite/queries.js';
import { shapeDiff, type ShapeOptions } from '../support/payload-shape.js';

const sandboxUrl = inject('sandboxUrl');
const base = `${sandboxUrl}/netsuite/services/rest`;
let headers: Record<string, string>;

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/netsuite/${name}.json`, import.meta.url), 'utf8'));
const get = async (path: string, status = 200) => {
  const res = await fetch(`${base}${path}`, { headers });
  expect(res.status).toBe(status);
  return res.json() as Promise<unknown>;
};
const suiteql = async (q: string, limit = 1000) => {
  const res = await fetch(`${base}/query/v1/suiteql?limit=${limit}&offset=0`, { method: 'POST', headers: { ...headers, prefer: 'transient' }, body: JSON.stringify({ q }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Record<string, unknown>[] };
};
const firstId = async (q: string) => String((await suiteql(q, 1)).items[0]!.id);
const sameShape = (name: string, answer: unknown, opts: ShapeOptions = {}) => expect(shapeDiff(fixture(name), answer, opts)).toEqual([]);

beforeAll(async () => {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo' }) });
  headers = { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
});

describe('record/v1 answers have the saved payloads\' shape', () => {
  it('customer (expanded address book)', async () => {
    const id = await firstId('SELECT id FROM customer WHERE externalid IS NOT NULL AND url IS NOT NULL AND vatregnumber IS NOT NULL AND email IS NOT NULL');
    // Only subsidiaries of a group have a parent.
    sameShape('customer.get', await get(`/record/v1/customer/${id}?expandSubResources=true`), { optional: ['$.terms', '$.parent'] });
  });

  it('customer collection page', async () => {
    sameShape('customer.list', await get('/record/v1/customer?limit=2&offset=0'));
  });

  it('invoice, sales order and customer payment (expanded sublists)', async () => {
    const optional = ['$.externalId', '$.memo'];
    sameShape('invoice.get', await get(`/record/v1/invoice/${await firstId("SELECT id FROM transaction WHERE type = 'CustInvc' AND status = 'A'")}?expandSubResources=true`), { optional });
    sameShape('salesOrder.get', await get(`/record/v1/salesOrder/${await firstId("SELECT id FROM transaction WHERE type = 'SalesOrd'")}?expandSubResources=true`), { optional });
    sameShape('customerPayment.get', await get(`/record/v1/customerPayment/${await firstId("SELECT id FROM transaction WHERE type = 'CustPymt'")}?expandSubResources=true`), { optional });
  });

  it('inventory and non-inventory items with their price sublist', async () => {
    sameShape('inventoryItem.get', await get(`/record/v1/inventoryItem/${await firstId("SELECT id FROM item WHERE itemtype = 'InvtPart'")}?expandSubResources=true`));
    sameShape('nonInventorySaleItem.get', await get(`/record/v1/nonInventorySaleItem/${await firstId("SELECT id FROM item WHERE itemtype = 'NonInvtPart'")}?expandSubResources=true`));
  });

  it('subscription', async () => {
    // The seed sets no external ids on subscriptions; an integration's upsert does.
    sameShape('subscription.get', await get(`/record/v1/subscription/${await firstId('SELECT id FROM subscription')}`), { optional: ['$.externalId'] });
  });
});

describe('SuiteQL answers have the saved payloads\' shape, query by query', () => {
  it('every query in worker/connectors/netsuite/queries.ts', async () => {
    const customer = await firstId("SELECT entity AS id FROM transaction WHERE type = 'CustInvc' AND foreignamountremaining > 0 AND custbody_concord_disputed = 'F'");
    const cases: [string, string, ShapeOptions?][] = [
      ['suiteql.probe', suiteqlQueries.probe()],
      // NULL columns are left out of a row, so a customer without external id, url, VAT number, e-mail or address has fewer.
      ['suiteql.customers', suiteqlQueries.customers(), { optional: ['$.items[].externalid', '$.items[].url', '$.items[].vatregnumber', '$.items[].email', '$.items[].defaultbillingaddress'] }],
      ['suiteql.open-invoices', suiteqlQueries.openInvoices(customer)],
      ['suiteql.subscriptions', suiteqlQueries.subscriptions(customer)],
      ['suiteql.customer-currency', suiteqlQueries.customerCurrency(customer)],
      ['suiteql.currency-by-symbol', suiteqlQueries.currencyBySymbol('EUR')],
      ['suiteql.currencies', suiteqlQueries.currencies()],
      ['suiteql.items', suiteqlQueries.items()],
      ['suiteql.pricing', suiteqlQueries.pricing()],
    ];
    for (const [name, q, opts] of cases) {
      const answer = await suiteql(q);
      expect(answer.items.length, name).toBeGreaterThan(0);
      expect(shapeDiff(fixture(name), answer, opts), name).toEqual([]);
    }
  });
});

describe('token and error answers have the saved payloads\' shape', () => {
  it('the M2M token answer', async () => {
    const demo = (await (await fetch(`${sandboxUrl}/__sandbox/netsuite/demo-credentials?tenant=demo`)).json()) as { clientId: string; certificateId: string; privateKey: string };
    const key = await importPKCS8(demo.privateKey, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const tokenUrl = `${base}/auth/oauth2/v1/token`;
    const jwt = await new SignJWT({ scope: ['rest_webservices'] }).setProtectedHeader({ alg: 'ES256', kid: demo.certificateId, typ: 'JWT' }).setIssuer(demo.clientId).setAudience(tokenUrl).setIssuedAt(now).setExpirationTime(now + 1800).sign(key);
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt }),
    });
    expect(res.status).toBe(200);
    sameShape('token', await res.json());
  });

  it('errors: bad query, unknown record, unknown field, bad login, concurrency limit', async () => {
    const badQuery = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers, body: JSON.stringify({ q: 'SELECT not_existing_field FROM customer' }) });
    expect(badQuery.status).toBe(400);
    sameShape('error.invalid-query', await badQuery.json());
    sameShape('error.nonexistent-id', await get('/record/v1/customer/99999999', 404));
    const badField = await fetch(`${base}/record/v1/customer`, { method: 'POST', headers, body: JSON.stringify({ companyName: 'X', colour: 'red' }) });
    expect(badField.status).toBe(400);
    sameShape('error.invalid-field', await badField.json());
    const badLogin = await fetch(`${base}/record/v1/customer/1000`, { headers: { authorization: 'Bearer sbx_forged.token' } });
    expect(badLogin.status).toBe(401);
    sameShape('error.invalid-login', await badLogin.json());
    // The concurrency limit on a private sandbox: the pool size is global to a sandbox.
    const own = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
    try {
      await fetch(`${own.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ netsuite: { rateLimitRate: 1 } }) });
      const token = ((await (await fetch(`${own.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
      const limited = await fetch(`${own.url}/netsuite/services/rest/record/v1/customer/1000`, { headers: { authorization: `Bearer ${token}` } });
      expect(limited.status).toBe(429);
      sameShape('error.concurrency-limit', await limited.json());
    } finally {
      await own.close();
    }
  });
});
