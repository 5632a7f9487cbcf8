/**
 * The NetSuite connector inside workerd against a private sandbox estate: SuiteQL and record/v1
 * paging, the account's concurrency pool, M2M token expiry, retries (5xx, timeouts) and what is
 * never retried (validation), idempotent upserts by external id, and token-based authentication
 * (TBA) from the connect route to signed reads.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { limitsFor, type LimiterEnv } from '../../worker/connectors/limits/durable.js';
import { NetSuiteClient, NetSuiteErp } from '../../worker/connectors/netsuite/index.js';
import { CustomerRowSchema } from '../../worker/connectors/netsuite/schemas.js';
import { ConcordError } from '../../worker/errors.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';
import { connectionFor, serviceContext } from '../../worker/services/context.js';
import type { Env } from '../../worker/env.js';
import type { Connection } from '../../worker/storage/connections.js';
import { call, provision, rawStorage } from './connect-flow.js';
import { privateSandbox, recordingLog } from './sandbox-helpers.js';
import { z } from 'zod';

declare module 'vitest' {
  export interface ProvidedContext {
    netsuiteConnectorSandboxUrl: string;
  }
}

const S = inject('netsuiteConnectorSandboxUrl');
/** The broker's env with NetSuite pointed at the private sandbox. */
const e = { ...(env as unknown as OAuthEnv), NETSUITE_API_URL: `${S}/netsuite` } as OAuthEnv;

const { post, counters, faults } = privateSandbox(S, 'netsuite');
async function seedCounts(tenant: 'demo' | 'other' = 'demo'): Promise<{ customers: number; items: number }> {
  return ((await (await fetch(`${S}/__sandbox/health`)).json()) as { tenants: Record<string, { customers: number; items: number }> }).tenants[tenant]!;
}

async function bearerConnection(tenantId = 'ns-conn'): Promise<Connection> {
  const res = await post('/__sandbox/tokens', { vendor: 'netsuite', tenant: 'demo', lifetime: 'static' });
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { tenantId, system: 'netsuite', baseUrl: `${S}/netsuite`, externalAccount: null, status: 'connected', credentials: { type: 'bearer', accessToken } };
}

const Id = z.object({ id: z.string() });

beforeEach(async () => {
  await faults({});
  await post('/__sandbox/clock', { offsetMs: 0 });
  await post('/__sandbox/limits', { reset: true, netsuiteConcurrency: 5 });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await faults({});
  await post('/__sandbox/clock', { offsetMs: 0 });
});

describe('paging', () => {
  it('SuiteQL pages past several pages and returns every customer of the seed exactly once', async () => {
    const client = new NetSuiteClient(await bearerConnection(), { correlationId: 'ns-paging', log: recordingLog() });
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.suiteql('SELECT id, companyname FROM customer ORDER BY id', CustomerRowSchema, 40)) {
      pages += 1;
      ids.push(...page.map((r) => r.id));
    }
    const { customers } = await seedCounts();
    expect(pages).toBe(Math.ceil(customers / 40));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(ids).toHaveLength(customers);
    expect(new Set(ids).size).toBe(customers);
    expect((await counters()).requests).toBe(pages);
  });

  it('record/v1 collections page with limit/offset and follow the next link', async () => {
    const client = new NetSuiteClient(await bearerConnection(), { correlationId: 'ns-collection', log: recordingLog() });
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.recordIds('customer', 50)) ((pages += 1), ids.push(...page));
    const { customers } = await seedCounts();
    expect(pages).toBe(Math.ceil(customers / 50));
    expect(new Set(ids).size).toBe(customers);
  });
});

describe("any account date format", () => {
  const prefs = (body: unknown) => fetch(`${S}/__sandbox/netsuite/preferences`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  afterEach(async () => {
    expect((await prefs({ tenant: 'demo', dateFormat: 'M/D/YYYY', timeFormat: 'h:mm a' })).status).toBe(200);
  });

  for (const dateFormat of ['DD.MM.YYYY', 'M/D/YYYY', 'DD-Mon-YYYY'] as const) {
    it(`reads invoice and contract dates right when the account writes dates as ${dateFormat}`, async () => {
      expect((await prefs({ tenant: 'demo', dateFormat, timeFormat: 'H:mm' })).status).toBe(200);
      const conn = await bearerConnection();
      const client = new NetSuiteClient(conn, { correlationId: 'ns-dates', log: recordingLog() });
      // The customer with an active subscription and the most open invoices, as SuiteQL counts them.
      const [top] = await client.suiteqlAll(
        `SELECT t.entity, COUNT(DISTINCT t.id) AS n FROM transaction t JOIN subscription s ON s.customer = t.entity
          WHERE t.type = 'CustInvc' AND t.foreignamountremaining > 0 AND s.status = 'ACTIVE'
          GROUP BY t.entity ORDER BY COUNT(DISTINCT t.id) DESC, t.entity FETCH FIRST 1 ROWS ONLY`,
        z.object({ entity: z.string(), n: z.number() }),
      );
      const customerId = top!.entity;
      // Raw SuiteQL really is in the account's format (so the connector cannot rely on ISO).
      const raw = await client.suiteqlAll(`SELECT id, trandate FROM transaction WHERE type = 'CustInvc' AND entity = ${customerId}`, z.object({ id: z.string(), trandate: z.string() }));
      expect(raw.every((r) => !/^\d{4}-\d{2}-\d{2}$/.test(r.trandate))).toBe(true);

      const erp = new NetSuiteErp(conn, { correlationId: 'ns-dates', log: recordingLog() }, async (id) => ({ '1': 'USD', '2': 'EUR', '3': 'GBP', '4': 'CAD' })[id] ?? null);
      const invoices = await erp.openInvoices(customerId);
      expect(invoices.length).toBe(top!.n);
      // Every date matches record/v1, which answers ISO whatever the preference says.
      const Rec = z.object({ id: z.string(), tranDate: z.string(), dueDate: z.string().optional() });
      for (const inv of invoices.slice(0, 3)) {
        const rec = await client.record('invoice', inv.id, Rec);
        expect({ issueDate: inv.issueDate, dueDate: inv.dueDate }).toEqual({ issueDate: rec.tranDate, dueDate: rec.dueDate ?? rec.tranDate });
      }
      const contract = await erp.currentContract(customerId, '2026-11-26');
      const Sub = z.object({ id: z.string(), endDate: z.string() });
      const sub = await client.record('subscription', contract!.id, Sub);
      expect(contract!.endDate).toBe(sub.endDate);
      expect(Date.parse(contract!.renewalDate) - Date.parse(contract!.endDate)).toBe(86_400_000);
    });
  }
});

describe("the account's concurrency pool", () => {
  const limiterEnv = env as unknown as LimiterTestEnv;
  type LimiterTestEnv = typeof env & LimiterEnv;

  it('with the limiter, never more requests in flight than the pool and no 429 at all', async () => {
    const ctx = { correlationId: 'ns-pool', log: recordingLog(), limits: limitsFor(limiterEnv, `ns-pool-${crypto.randomUUID()}`) };
    const client = new NetSuiteClient(await bearerConnection(), ctx);
    const ids = (await client.suiteqlAll('SELECT id FROM customer ORDER BY id', Id)).slice(0, 15).map((r) => r.id);
    await post('/__sandbox/limits', { reset: true });
    await faults({ netsuite: { latencyMs: 40 } });
    const got = await Promise.all(ids.map((id) => client.customer(id)));
    expect(got.map((c) => c.id)).toEqual(ids);
    const c = await counters();
    expect(c.rateLimited).toBe(0);
    expect(c.maxInFlight).toBeGreaterThan(1);
    expect(c.maxInFlight).toBeLessThanOrEqual(5);
  });

  it('a 429 CONCURRENCY_LIMIT_EXCEEDED storm (slots taken by another integration) loses nothing', async () => {
    const log = recordingLog();
    const ctx = { correlationId: 'ns-storm', log, limits: limitsFor(limiterEnv, `ns-storm-${crypto.randomUUID()}`) };
    const client = new NetSuiteClient(await bearerConnection(), ctx);
    const ids = (await client.suiteqlAll('SELECT id FROM customer ORDER BY id', Id)).slice(0, 8).map((r) => r.id);
    // The broker believes in 5 slots; the account has only 2 free.
    await post('/__sandbox/limits', { reset: true, netsuiteConcurrency: 2 });
    await faults({ netsuite: { latencyMs: 40 } });
    const got = await Promise.all(ids.map((id) => client.customer(id)));
    expect(got.map((r) => r.id)).toEqual(ids);
    const c = await counters();
    expect(c.rateLimited).toBeGreaterThan(0);
    expect(c.maxInFlight).toBeLessThanOrEqual(2);
    // Every refused request was sent again: answered = reads + refusals.
    expect(c.requests).toBe(ids.length + c.rateLimited);
    expect(log.events.filter((ev) => ev.msg === 'upstream.retry' && ev.fields?.['kind'] === 'rate_limited')).toHaveLength(c.rateLimited);
  });
});

describe('M2M token expiry', () => {
  it('an access token past its hour is refreshed once, and the read completes', async () => {
    const key = await provision(e, 'ns-m2m');
    const creds = await (await fetch(`${S}/__sandbox/netsuite/demo-credentials?tenant=demo`)).json();
    const res = await call(e, '/v1/tenants/ns-m2m/connections/netsuite', { method: 'POST', key, body: JSON.stringify(creds) });
    expect(res.status).toBe(201);
    const grants = async () => ((await (await fetch(`${S}/__sandbox/oauth/stats?clientId=${(creds as { clientId: string }).clientId}`)).json()) as { grants: { client_credentials: number } }).grants.client_credentials;
    expect(await grants()).toBe(1);

    await post('/__sandbox/clock', { offsetMs: 61 * 60_000 });
    const ctx = serviceContext(e as unknown as Env, { tenantId: 'ns-m2m', correlationId: 'ns-m2m-1', log: recordingLog() });
    const erp = new NetSuiteErp(await connectionFor(e as unknown as Env, ctx, 'netsuite'), ctx, async () => 'USD');
    let customers = 0;
    for await (const page of erp.customers()) customers += page.length;
    expect(customers).toBe((await seedCounts()).customers);
    expect(await grants()).toBe(2);
    expect((await counters()).expired).toBe(1);
  });
});

describe('retries', () => {
  it('5xx answers are retried for reads and for the idempotent upsert', async () => {
    const log = recordingLog();
    const client = new NetSuiteClient(await bearerConnection(), { correlationId: 'ns-5xx', log });
    const ids = (await client.suiteqlAll('SELECT id FROM customer ORDER BY id', Id)).slice(0, 6).map((r) => r.id);
    await post('/__sandbox/limits', { reset: true });
    await faults({ netsuite: { errorRate: 0.4, seed: 7 } });
    const got = [];
    for (const id of ids) got.push(await client.customer(id));
    expect(got.map((c) => c.id)).toEqual(ids);
    const eid = `concord-5xx-${crypto.randomUUID()}`;
    const first = await client.upsert('customer', eid, { companyName: 'Retry Works Ltd' });
    const again = await client.upsert('customer', eid, { companyName: 'Retry Works Ltd' });
    expect(again.id).toBe(first.id);
    const c = await counters();
    expect(c.serverErrors).toBeGreaterThan(0);
    expect(c.requests).toBe(ids.length + 2 + c.serverErrors);
    await faults({});
    expect(await client.suiteqlAll(`SELECT id FROM customer WHERE externalid = '${eid}'`, Id)).toHaveLength(1);
  });

  it('a request that times out is abandoned and sent again', async () => {
    const log = recordingLog();
    const client = new NetSuiteClient(await bearerConnection(), { correlationId: 'ns-timeout', log }, { timeoutMs: 300 });
    const ids = (await client.suiteqlAll('SELECT id FROM customer ORDER BY id', Id)).slice(0, 5).map((r) => r.id);
    await faults({ netsuite: { timeoutRate: 0.35, hangMs: 5_000, seed: 11 } });
    const got = [];
    for (const id of ids) got.push(await client.customer(id));
    expect(got.map((c) => c.id)).toEqual(ids);
    const timeouts = log.events.filter((ev) => ev.msg === 'upstream.failed' && ev.fields?.['reason'] === 'timeout');
    expect(timeouts.length).toBeGreaterThan(0);
    expect(log.events.filter((ev) => ev.msg === 'upstream.retry' && ev.fields?.['kind'] === 'timeout')).toHaveLength(timeouts.length);
  });
});

describe('validation errors are reported, never retried', () => {
  it('a 400 with o:errorDetails comes back with its detail after exactly one request', async () => {
    const conn = await bearerConnection();
    const erp = new NetSuiteErp(conn, { correlationId: 'ns-400', log: recordingLog() }, async () => 'USD');
    const customerId = (await erp.client.suiteqlAll('SELECT id FROM customer ORDER BY id', Id))[0]!.id;
    await post('/__sandbox/limits', { reset: true });
    const err = await erp.upsertSalesOrder({ externalId: `concord-so-${crypto.randomUUID()}`, customerId, lines: [{ itemId: '999999', quantity: 1 }] }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).error).toMatchObject({ kind: 'upstream_validation', system: 'netsuite', detail: expect.stringContaining('INVALID_KEY_OR_REF: Invalid item reference key 999999') });
    expect((await counters()).requests).toBe(1);
  });

  it('a bad canonical input is refused with field paths before any request', async () => {
    const erp = new NetSuiteErp(await bearerConnection(), { correlationId: 'ns-422', log: recordingLog() }, async () => 'USD');
    await post('/__sandbox/limits', { reset: true });
    const err = await erp.upsertSalesOrder({ externalId: 'has space', customerId: 'abc', lines: [{ itemId: '1', quantity: 0 }] }).catch((x: unknown) => x);
    expect((err as ConcordError).error).toMatchObject({ kind: 'validation' });
    const paths = ((err as ConcordError).error as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['externalId', 'customerId', 'lines.0.quantity']));
    expect((await counters()).requests).toBe(0);
  });
});

describe('idempotent writes by external id', () => {
  it('upserting a customer, a sales order and a payment twice makes one of each', async () => {
    const erp = new NetSuiteErp(await bearerConnection(), { correlationId: 'ns-upsert', log: recordingLog() }, async (id) => (id === '1' ? 'USD' : id === '2' ? 'EUR' : null));
    const before = (await seedCounts()).customers;
    const eid = `concord-cust-${crypto.randomUUID()}`;
    const a = await erp.upsertCustomer({ externalId: eid, name: 'Idempotent GmbH', email: 'ap@idempotent.example' });
    const b = await erp.upsertCustomer({ externalId: eid, name: 'Idempotent GmbH', email: 'billing@idempotent.example' });
    expect(b.id).toBe(a.id);
    expect((await seedCounts()).customers).toBe(before + 1);
    const facts = await erp.client.customer(a.id);
    expect(facts.email).toBe('billing@idempotent.example');

    const priced = await erp.client.suiteqlAll(`SELECT item, pricelevel, currency, unitprice FROM pricing WHERE currency = 1 AND pricelevel = 1`, z.object({ item: z.string() }));
    const soEid = `concord-so-${crypto.randomUUID()}`;
    const order = { externalId: soEid, customerId: a.id, date: '2026-11-01', lines: [{ itemId: priced[0]!.item, quantity: 3 }] };
    const so1 = await erp.upsertSalesOrder(order);
    const so2 = await erp.upsertSalesOrder(order);
    expect(so2.id).toBe(so1.id);
    expect(await erp.client.suiteqlAll(`SELECT id FROM transaction WHERE type = 'SalesOrd' AND externalid = '${soEid}'`, Id)).toHaveLength(1);
    const doc = await erp.document('sales_order', so1.id);
    expect(doc).toMatchObject({ kind: 'sales_order', id: so1.id, externalId: soEid, customerId: a.id, date: '2026-11-01', currency: 'USD', balance: null });
    expect(doc.lines).toHaveLength(1);
    expect(doc.lines[0]).toMatchObject({ itemId: priced[0]!.item, quantity: 3 });

    const Open = z.object({ id: z.string(), entity: z.string(), foreignamountremaining: z.coerce.number() });
    const open = (await erp.client.suiteqlAll(`SELECT id, entity, foreignamountremaining FROM transaction WHERE type = 'CustInvc' AND foreignamountremaining > 5 ORDER BY id`, Open))[0]!;
    const pay = { externalId: `concord-pay-${crypto.randomUUID()}`, customerId: open.entity, amount: 5, applyTo: [{ invoiceId: open.id, amount: 5 }] };
    const p1 = await erp.recordPayment(pay);
    const p2 = await erp.recordPayment(pay);
    expect(p2.id).toBe(p1.id);
    const after = await erp.document('invoice', open.id);
    expect(after.balance).toBeCloseTo(open.foreignamountremaining - 5, 2);
    expect(await erp.payment(p1.id)).toMatchObject({ id: p1.id, customerId: open.entity, amount: 5, applied: [{ invoiceId: open.id, amount: 5 }] });
  });

  it('lists inventory and non-inventory items through record/v1 with their base prices', async () => {
    const erp = new NetSuiteErp(await bearerConnection(), { correlationId: 'ns-items', log: recordingLog() }, async (id) => ({ '1': 'USD', '2': 'EUR', '3': 'GBP' })[id] ?? null);
    const expected = await erp.client.suiteqlAll(`SELECT id FROM item WHERE itemtype IN ('InvtPart', 'NonInvtPart')`, Id);
    const products = [];
    for await (const page of erp.products()) products.push(...page);
    expect(products.map((p) => p.id).sort()).toEqual(expected.map((r) => r.id).sort());
    expect(products.some((p) => p.kind === 'inventory')).toBe(true);
    expect(products.every((p) => p.sku.length > 0)).toBe(true);
    expect(products.some((p) => p.prices.some((x) => x.currency === 'USD' && x.amount > 0))).toBe(true);
  });
});

describe('token-based authentication (TBA)', () => {
  async function tbaCredentials(tenant: 'demo' | 'other' = 'demo'): Promise<{ accountId: string; consumerKey: string; consumerSecret: string; tokenId: string; tokenSecret: string }> {
    const res = await post('/__sandbox/netsuite/tba-credentials', { tenant });
    expect(res.status).toBe(201);
    return res.json();
  }

  it('connects with TBA after one signed read, stores no secret in the clear, and reads', async () => {
    // The sandbox's `other` account: `demo`'s is already connected to the M2M test's tenant.
    const key = await provision(e, 'ns-tba');
    const creds = await tbaCredentials('other');
    const res = await call(e, '/v1/tenants/ns-tba/connections/netsuite', { method: 'POST', key, body: JSON.stringify(creds) });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ system: 'netsuite', baseUrl: `${S}/netsuite`, externalAccount: creds.accountId, status: 'connected', auth: 'tba' });
    for (const secret of [creds.consumerSecret, creds.tokenSecret, creds.tokenId]) expect(text).not.toContain(secret);
    const raw = await rawStorage(e);
    for (const secret of [creds.consumerSecret, creds.tokenSecret, creds.tokenId, creds.consumerKey]) expect(raw).not.toContain(secret);
    expect((await call(e, '/v1/tenants/ns-tba/connect/netsuite/check', { method: 'POST', key })).status).toBe(200);

    const ctx = serviceContext(e as unknown as Env, { tenantId: 'ns-tba', correlationId: 'ns-tba-1', log: recordingLog() });
    const erp = new NetSuiteErp(await connectionFor(e as unknown as Env, ctx, 'netsuite'), ctx, async () => 'USD');
    let customers = 0;
    for await (const page of erp.customers()) customers += page.length;
    expect(customers).toBe((await seedCounts('other')).customers);
  });

  it('refuses a tampered secret (422 credentials_refused) and bad input with field paths', async () => {
    const key = await provision(e, 'ns-tba-bad');
    const creds = await tbaCredentials();
    const tampered = await call(e, '/v1/tenants/ns-tba-bad/connections/netsuite', { method: 'POST', key, body: JSON.stringify({ ...creds, tokenSecret: `${creds.tokenSecret.slice(0, -1)}0` === creds.tokenSecret ? `${creds.tokenSecret.slice(0, -1)}1` : `${creds.tokenSecret.slice(0, -1)}0` }) });
    expect(tampered.status).toBe(422);
    const body = await tampered.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'validation_failed', errors: [{ code: 'credentials_refused' }] });
    expect(body).not.toContain(creds.consumerSecret);
    const missing = await call(e, '/v1/tenants/ns-tba-bad/connections/netsuite', { method: 'POST', key, body: JSON.stringify({ accountId: creds.accountId, consumerKey: creds.consumerKey, tokenId: 'short' }) });
    expect(missing.status).toBe(422);
    const paths = ((await missing.json()) as { errors: { path: string }[] }).errors.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['consumerSecret', 'tokenSecret', 'tokenId']));
    expect((await call(e, '/v1/tenants/ns-tba-bad/connections', { key })).status).toBe(200);
    const listed = (await (await call(e, '/v1/tenants/ns-tba-bad/connections', { key })).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });

  it('signs every attempt afresh: retried requests carry new nonces and are accepted', async () => {
    const creds = await tbaCredentials();
    const conn: Connection = { tenantId: 'ns-tba-retry', system: 'netsuite', baseUrl: `${S}/netsuite`, externalAccount: creds.accountId, status: 'connected', credentials: { type: 'netsuite_tba', ...creds } };
    const client = new NetSuiteClient(conn, { correlationId: 'ns-tba-retry', log: recordingLog() });
    const ids = (await client.suiteqlAll('SELECT id FROM customer ORDER BY id', Id)).slice(0, 6).map((r) => r.id);
    const sent: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (auth) sent.push(auth);
      return realFetch(input, init);
    });
    await post('/__sandbox/limits', { reset: true });
    await faults({ netsuite: { errorRate: 0.4, seed: 7 } });
    const got = [];
    for (const id of ids) got.push(await client.customer(id));
    expect(got.map((c) => c.id)).toEqual(ids);
    const c = await counters();
    expect(c.serverErrors).toBeGreaterThan(0);
    expect(sent).toHaveLength(ids.length + c.serverErrors);
    const nonces = sent.map((h) => /oauth_nonce="([^"]+)"/.exec(h)?.[1]);
    expect(nonces.every(Boolean)).toBe(true);
    expect(new Set(nonces).size).toBe(sent.length);
    expect(sent.every((h) => h.startsWith(`OAuth realm="${creds.accountId}"`) && h.includes('oauth_signature_method="HMAC-SHA256"'))).toBe(true);
  });
});
