/**
 * What the closed-won flow writes to NetSuite, over HTTP with plain fetch in SuiteTalk REST's
 * shape: customers with subsidiary, terms, currency and address book, sales orders with item
 * lines, terms, contract dates and order status, both upserted by external id
 * (`PUT …/eid:<key>` → 204 + Location), NetSuite's own errors for an unknown item or customer and
 * a missing required field, the reference records they point at, and the duplicate counts and
 * concurrency peak the sandbox keeps for the bench. Own sandbox: it creates records and sets faults.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141395.html (record/v1, upsert)
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html (errors)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

let sandbox: SandboxListener;
let base: string;
let auth: Record<string, string>;

type NsError = { type: string; title: string; status: number; 'o:errorDetails': { detail: string; 'o:errorCode': string; 'o:errorPath'?: string }[] };
async function nsError(res: Response, status: number, code: string, path?: string): Promise<NsError['o:errorDetails'][number]> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/vnd.oracle.resource+json');
  const body = (await res.json()) as NsError;
  expect(body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  const detail = body['o:errorDetails'][0]!;
  expect(detail['o:errorCode']).toBe(code);
  if (path !== undefined) expect(detail['o:errorPath']).toBe(path);
  return detail;
}

const call = (method: string, path: string, body?: unknown) => fetch(`${base}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
const read = async <T = Record<string, unknown>>(path: string) => {
  const res = await call('GET', path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};
const stats = async () => (await (await fetch(`${sandbox.url}/__sandbox/netsuite/demo/stats`)).json()) as {
  concurrency: { limit: number; inFlight: number; maxInFlight: number };
  customers: { total: number; createdThroughApi: number; duplicates: number; duplicateGroups: { customerIds: string[]; createdThroughApi: string[] }[] };
  salesOrders: { total: number; createdThroughApi: number; maxPerExternalId: number; duplicates: number; createdWithoutExternalId: number };
};

const customerBody = {
  companyName: 'Fjordline Analytics GmbH',
  isPerson: false,
  email: 'billing@fjordline.example',
  subsidiary: { id: '2' },
  terms: { id: '5' },
  currency: { id: '2' },
  vatRegNumber: 'DE123456789',
  addressBook: { items: [{ defaultBilling: true, defaultShipping: true, addressBookAddress: { addr1: 'Hauptstraße 5', city: 'Berlin', zip: '10115', state: 'BE', country: 'DE' } }] },
};

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  base = `${sandbox.url}/netsuite/services/rest`;
  const token = ((await (await fetch(`${sandbox.url}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo', lifetime: 'static' }) })).json()) as { accessToken: string }).accessToken;
  auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
});

afterAll(() => sandbox.close());

describe('NetSuite customers and sales orders for the closed-won flow', () => {
  it('serves the terms, subsidiaries and currencies an order points at', async () => {
    const terms = await read<{ items: { id: string }[]; totalResults: number }>('/record/v1/term');
    expect(terms.items.map((t) => t.id)).toEqual(['4', '5', '6']);
    expect(await read('/record/v1/term/5')).toMatchObject({ id: '5', name: 'Net 30', daysUntilNetDue: 30, isInactive: false });
    expect(await read('/record/v1/subsidiary/2')).toMatchObject({ id: '2', name: 'Concord Demo GmbH', country: { id: 'DE' }, currency: { id: '2', refName: 'Euro' } });
    expect(await read('/record/v1/currency/3')).toMatchObject({ id: '3', symbol: 'GBP', isBaseCurrency: false });
    await nsError(await call('DELETE', '/record/v1/term/5'), 405, 'METHOD_NOT_ALLOWED');
  });

  it('upserts a customer by external id with subsidiary, terms, currency and address book; the repeat changes nothing', async () => {
    const first = await call('PUT', '/record/v1/customer/eid:hubspot-company-9001', customerBody);
    expect(first.status).toBe(204);
    const location = first.headers.get('location')!;
    expect(location).toMatch(/\/record\/v1\/customer\/\d+$/);
    const again = await call('PUT', '/record/v1/customer/eid:hubspot-company-9001', customerBody);
    expect(again.headers.get('location')).toBe(location);
    const id = location.split('/').pop()!;
    const c = await read<Record<string, any>>(`/record/v1/customer/${id}?expandSubResources=true`);
    expect(c).toMatchObject({
      companyName: 'Fjordline Analytics GmbH', externalId: 'hubspot-company-9001', isPerson: false, vatRegNumber: 'DE123456789',
      subsidiary: { id: '2', refName: 'Concord Demo GmbH' }, terms: { id: '5', refName: 'Net 30' }, currency: { id: '2', refName: 'Euro' },
    });
    expect(c.addressBook.items[0]).toMatchObject({ defaultBilling: true, defaultShipping: true, addressBookAddress: { addr1: 'Hauptstraße 5', city: 'Berlin', zip: '10115', state: 'BE', country: { id: 'DE', refName: 'Germany' } } });
    const s = await stats();
    expect(s.customers.createdThroughApi).toBe(1);
    expect(s.customers.duplicates).toBe(0);
  });

  it("answers a customer's missing or unknown values in NetSuite's error shape", async () => {
    const { companyName: _name, ...noName } = customerBody;
    expect((await nsError(await call('POST', '/record/v1/customer', noName), 400, 'USER_ERROR', 'companyName')).detail).toBe('Please enter value(s) for: Company Name.');
    const person = await nsError(await call('POST', '/record/v1/customer', { isPerson: true, firstName: 'Ada', subsidiary: { id: '1' } }), 400, 'USER_ERROR', 'lastName');
    expect(person.detail).toContain('Last Name');
    const country = { ...customerBody, addressBook: { items: [{ addressBookAddress: { addr1: '1 Nowhere', city: 'Atlantis', zip: '0', country: 'XX' } }] } };
    await nsError(await call('POST', '/record/v1/customer', country), 400, 'USER_ERROR', 'addressBook.items[0].addressBookAddress.country');
    await nsError(await call('POST', '/record/v1/customer', { ...customerBody, subsidiary: { id: '99' } }), 400, 'INVALID_KEY_OR_REF', 'subsidiary');
    await nsError(await call('POST', '/record/v1/customer', { ...customerBody, terms: { id: '99' } }), 400, 'INVALID_KEY_OR_REF', 'terms');
    await nsError(await call('POST', '/record/v1/customer', { ...customerBody, taxNumber: 'x' }), 400, 'INVALID_FIELD', 'taxNumber');
  });

  it('upserts a sales order with item lines, terms, currency and contract dates; approval by PATCH; the repeat is the same order', async () => {
    const customer = (await call('PUT', '/record/v1/customer/eid:hubspot-company-9002', { ...customerBody, companyName: 'Order Test GmbH', vatRegNumber: 'DE987654321' })).headers.get('location')!.split('/').pop()!;
    const order = {
      entity: { id: customer },
      tranDate: '2026-11-26',
      currency: { id: '2' },
      terms: { id: '6' },
      startDate: '2026-12-01',
      endDate: '2027-11-30',
      otherRefNum: 'PO-4711',
      memo: 'hubspot deal 3001088',
      orderStatus: { id: 'A' },
      item: { items: [
        { item: { id: '201' }, quantity: 1, rate: 22080, amount: 22080, description: 'Concord Platform Growth (annual)' },
        { item: { id: '203' }, quantity: 10, rate: 441.6 },
      ] },
    };
    const put = await call('PUT', '/record/v1/salesOrder/eid:hubspot-deal-3001088', order);
    expect(put.status).toBe(204);
    const location = put.headers.get('location')!;
    expect(location).toMatch(/\/record\/v1\/salesOrder\/\d+$/);
    const id = location.split('/').pop()!;
    const so = await read<Record<string, any>>(`/record/v1/salesOrder/${id}?expandSubResources=true`);
    expect(so).toMatchObject({
      externalId: 'hubspot-deal-3001088', entity: { id: customer }, currency: { id: '2' }, terms: { id: '6', refName: 'Net 60' }, startDate: '2026-12-01', endDate: '2027-11-30',
      otherRefNum: 'PO-4711', orderStatus: { id: 'A', refName: 'Pending Approval' }, status: { id: 'A' }, subsidiary: { id: '2' }, total: 26496,
    });
    expect(so.tranId).toMatch(/^SO-/);
    expect(so.item.items.map((l: { item: { id: string }; quantity: number; rate: number; amount: number }) => [l.item.id, l.quantity, l.rate, l.amount])).toEqual([
      ['201', 1, 22080, 22080],
      ['203', 10, 441.6, 4416],
    ]);
    expect((await call('PATCH', `/record/v1/salesOrder/${id}`, { orderStatus: { id: 'B' } })).status).toBe(204);
    expect((await read<Record<string, any>>(`/record/v1/salesOrder/${id}`)).orderStatus).toEqual({ id: 'B', refName: 'Pending Fulfillment' });
    // A retried upsert (outcome unknown the first time) finds the same order instead of adding one.
    const { orderStatus: _status, ...retry } = order;
    expect((await call('PUT', '/record/v1/salesOrder/eid:hubspot-deal-3001088', retry)).headers.get('location')).toBe(location);
    const s = await stats();
    expect(s.salesOrders).toMatchObject({ createdThroughApi: 1, maxPerExternalId: 1, duplicates: 0, createdWithoutExternalId: 0 });
    const suiteql = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers: { ...auth, Prefer: 'transient' }, body: JSON.stringify({ q: "SELECT id, status FROM transaction WHERE type = 'SalesOrd' AND externalid = 'hubspot-deal-3001088'" }) });
    expect(((await suiteql.json()) as { items: { id: string; status: string }[] }).items).toEqual([expect.objectContaining({ id, status: 'B' })]);
  });

  it("answers a sales order's unknown item or customer, missing customer or lines, and bad dates in NetSuite's error shape", async () => {
    const ok = { entity: { id: '1000' }, item: { items: [{ item: { id: '201' }, quantity: 1 }] } };
    const unknownItem = await nsError(await call('POST', '/record/v1/salesOrder', { ...ok, item: { items: [{ item: { id: '201' }, quantity: 1 }, { item: { id: '99999' }, quantity: 2 }] } }), 400, 'INVALID_KEY_OR_REF', 'item.items[1].item');
    expect(unknownItem.detail).toContain('99999');
    await nsError(await call('POST', '/record/v1/salesOrder', { ...ok, entity: { id: '424242' } }), 400, 'INVALID_KEY_OR_REF', 'entity');
    const { entity: _entity, ...noEntity } = ok;
    expect((await nsError(await call('POST', '/record/v1/salesOrder', noEntity), 400, 'USER_ERROR', 'entity')).detail).toBe('Please enter value(s) for: Customer.');
    await nsError(await call('POST', '/record/v1/salesOrder', { ...ok, item: { items: [] } }), 400, 'USER_ERROR', 'item.items');
    await nsError(await call('POST', '/record/v1/salesOrder', { ...ok, startDate: '2027-01-01', endDate: '2026-01-01' }), 400, 'USER_ERROR', 'endDate');
    await nsError(await call('POST', '/record/v1/salesOrder', { ...ok, terms: { id: '77' } }), 400, 'INVALID_KEY_OR_REF', 'terms');
    await nsError(await call('POST', '/record/v1/salesOrder', { ...ok, orderStatus: { id: 'G' } }), 400, 'USER_ERROR', 'orderStatus.id');
    // Nothing was written by any of them.
    expect((await stats()).salesOrders.createdThroughApi).toBe(1);
  });

  it('counts a second customer for the same company as a duplicate, and the account concurrency peak', async () => {
    const seeded = await read<{ companyName: string; url?: string }>('/record/v1/customer/1000');
    const created = await call('POST', '/record/v1/customer', { companyName: seeded.companyName.toUpperCase(), subsidiary: { id: '1' } });
    expect(created.status).toBe(204);
    const id = created.headers.get('location')!.split('/').pop()!;
    const s = await stats();
    expect(s.customers.duplicates).toBe(1);
    expect(s.customers.duplicateGroups).toEqual([expect.objectContaining({ customerIds: expect.arrayContaining(['1000', id]), createdThroughApi: [id] })]);

    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ netsuite: { latencyMs: 150 } }) });
    const answers = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/record/v1/term/4')));
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: '{}' });
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    const limits = (await (await fetch(`${sandbox.url}/__sandbox/limits`)).json()) as { netsuiteConcurrency: number; netsuiteInFlight: Record<string, number>; counters: { netsuite: { demo: { maxInFlight: number } } } };
    expect(limits.counters.netsuite.demo.maxInFlight).toBe(5);
    expect(limits.netsuiteInFlight.demo).toBe(0);
    expect((await stats()).concurrency).toEqual({ limit: 5, inFlight: 0, maxInFlight: 5 });
  });
});
