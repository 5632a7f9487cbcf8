/**
 * The NetSuite emulator over HTTP with plain fetch, as the broker's connector calls it: record
 * collections and SuiteQL paged to the end, external-id upsert, writes visible to SuiteQL,
 * tenant isolation and NetSuite's error shape.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';

const base = `${inject('sandboxUrl')}/netsuite/services/rest`;
let demo: Record<string, string>;
let other: Record<string, string>;

async function token(vendor: string, tenant: string): Promise<string> {
  const res = await fetch(`${inject('sandboxUrl')}/__sandbox/tokens`, { method: 'POST', body: JSON.stringify({ vendor, tenant }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface Page<T> {
  links: { rel: string; href: string }[];
  count: number;
  hasMore: boolean;
  items: T[];
  offset: number;
  totalResults: number;
}

async function suiteql<T = Record<string, unknown>>(q: string, headers = demo, limit = 1000, offset = 0): Promise<Page<T>> {
  const res = await fetch(`${base}/query/v1/suiteql?limit=${limit}&offset=${offset}`, { method: 'POST', headers: { ...headers, Prefer: 'transient' }, body: JSON.stringify({ q }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Page<T>;
}

type NsError = { type: string; title: string; status: number; 'o:errorDetails': { detail: string; 'o:errorCode': string; 'o:errorPath'?: string }[] };
async function expectNsError(res: Response, status: number, code: string): Promise<NsError> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as NsError;
  expect(body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(body['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': code, detail: expect.any(String) });
  return body;
}

beforeAll(async () => {
  demo = { authorization: `Bearer ${await token('netsuite', 'demo')}`, 'content-type': 'application/json' };
  other = { authorization: `Bearer ${await token('netsuite', 'other')}`, 'content-type': 'application/json' };
});

describe('record collections', () => {
  it('pages through every customer with limit/offset until hasMore is false', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${base}/record/v1/customer?limit=100`;
    let pages = 0;
    let total = -1;
    while (url) {
      const page = (await (await fetch(url, { headers: demo })).json()) as Page<{ id: string; links: { rel: string; href: string }[] }>;
      pages++;
      total = page.totalResults;
      expect(page.count).toBe(page.items.length);
      expect(page.items[0]!.links[0]!.href).toMatch(/\/record\/v1\/customer\/\d+$/);
      seen.push(...page.items.map((i) => i.id));
      url = page.hasMore ? page.links.find((l) => l.rel === 'next')!.href : undefined;
    }
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('returns a customer record in REST field names', async () => {
    const res = await fetch(`${base}/record/v1/customer/1000`, { headers: demo });
    expect(res.status).toBe(200);
    const c = (await res.json()) as Record<string, unknown>;
    expect(c).toMatchObject({ id: '1000', companyName: expect.any(String), entityId: expect.stringMatching(/^CUST-\d{5} /), currency: { id: expect.any(String), refName: expect.any(String) }, subsidiary: { id: '1' } });
    // Sublists are a link unless expandSubResources=true, as NetSuite answers.
    expect(c.addressBook).toEqual({ links: [{ rel: 'self', href: expect.stringMatching(/\/record\/v1\/customer\/1000\/addressBook$/) }] });
    const expanded = (await (await fetch(`${base}/record/v1/customer/1000?expandSubResources=true`, { headers: demo })).json()) as { addressBook: { items: unknown[] } };
    expect(expanded.addressBook.items.length).toBeGreaterThan(0);
  });

  it('answers limit out of range with a NetSuite 400', async () => {
    await expectNsError(await fetch(`${base}/record/v1/invoice?limit=5000`, { headers: demo }), 400, 'INVALID_PARAMETER');
  });
});

describe('SuiteQL', () => {
  it('pages invoices to the end and the totals agree with COUNT(*)', async () => {
    const count = await suiteql<{ n: number }>("SELECT COUNT(*) AS n FROM transaction WHERE type = 'CustInvc'");
    const n = count.items[0]!.n;
    expect(n).toBeGreaterThanOrEqual(5000);
    const ids = new Set<string>();
    let offset = 0;
    let hasMore = true;
    let pages = 0;
    while (hasMore) {
      const page = await suiteql<{ id: string; foreigntotal: number }>("SELECT id, foreigntotal FROM transaction WHERE type = 'CustInvc' ORDER BY id", demo, 1000, offset);
      expect(page.totalResults).toBe(n);
      expect(page.offset).toBe(offset);
      page.items.forEach((i) => ids.add(i.id));
      expect(typeof page.items[0]!.foreigntotal).toBe('number');
      hasMore = page.hasMore;
      offset += page.count;
      pages++;
    }
    expect(pages).toBe(Math.ceil(n / 1000));
    expect(ids.size).toBe(n);
  });

  it('filters open AR past due per customer like a connector would', async () => {
    const page = await suiteql<{ entity: string; foreignamountremaining: number; duedate: string }>(
      "SELECT entity, foreignamountremaining, TO_CHAR(duedate, 'YYYY-MM-DD') AS duedate FROM transaction WHERE type = 'CustInvc' AND status = 'A' AND duedate < TO_DATE('2026-11-26', 'YYYY-MM-DD') ORDER BY duedate",
    );
    expect(page.totalResults).toBeGreaterThan(50);
    expect(page.items.every((i) => i.foreignamountremaining > 0 && i.duedate < '2026-11-26')).toBe(true);
  });

  it('rejects a bad query with NetSuite error details', async () => {
    const res = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers: demo, body: JSON.stringify({ q: 'SELECT nope FROM customer' }) });
    const body = await expectNsError(res, 400, 'INVALID_PARAMETER');
    expect(body['o:errorDetails'][0]).toEqual({
      detail: "Invalid search query. Detailed unprocessed description follows. Search error occurred: Unknown identifier 'nope'. Available identifiers are: {customer=customer}.",
      'o:errorQueryParam': 'q',
      'o:errorCode': 'INVALID_PARAMETER',
    });
    await expectNsError(await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers: demo, body: '{"q":' }), 400, 'INVALID_CONTENT');
    await expectNsError(await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers: demo, body: '{"query":"SELECT id FROM customer"}' }), 400, 'INVALID_PARAMETER');
  });
});

describe('hostile SuiteQL over HTTP', () => {
  it('answers deep nesting, huge queries and huge bodies with a NetSuite 4xx, and keeps serving', async () => {
    const deep = `SELECT id FROM customer WHERE ${'('.repeat(20_000)}id = 1${')'.repeat(20_000)}`;
    const nested = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers: demo, body: JSON.stringify({ q: deep }) });
    expect((await expectNsError(nested, 400, 'INVALID_PARAMETER'))['o:errorDetails'][0]!.detail).toMatch(/too long|nested too deeply/);
    const big = await fetch(`${base}/query/v1/suiteql`, { method: 'POST', headers: demo, body: JSON.stringify({ q: `SELECT id FROM customer WHERE companyname = '${'x'.repeat(6_000_000)}'` }) });
    await expectNsError(big, 413, 'INVALID_CONTENT');
    const unicode = await suiteql(`SELECT id FROM customer WHERE companyname LIKE '%Ünïcødé 🚀 '' OR 1=1 --%'`);
    expect(unicode.totalResults).toBe(0);
    expect((await suiteql('SELECT COUNT(*) AS n FROM customer')).items[0]).toMatchObject({ n: expect.any(Number) });
  });
});

describe('writes', () => {
  it('upserts by external id idempotently (PUT eid: twice -> one record)', async () => {
    const eid = `contract-${Date.now()}`;
    const put = (name: string) => fetch(`${base}/record/v1/customer/eid:${eid}`, { method: 'PUT', headers: demo, body: JSON.stringify({ companyName: name, email: 'ap@upsert.example' }) });
    const first = await put('Upsert Test Inc.');
    expect(first.status).toBe(204);
    const location = first.headers.get('location');
    expect(location).toMatch(/\/record\/v1\/customer\/\d+$/);
    const second = await put('Upsert Test, Inc.');
    expect(second.status).toBe(204);
    expect(second.headers.get('location')).toBe(location);
    const rows = await suiteql<{ id: string; companyname: string }>(`SELECT id, companyname FROM customer WHERE externalid = '${eid}'`);
    expect(rows.items).toEqual([{ links: [], id: location!.split('/').pop(), companyname: 'Upsert Test, Inc.' }]);
    const byEid = (await (await fetch(`${base}/record/v1/customer/eid:${eid}`, { headers: demo })).json()) as { id: string; externalId: string };
    expect(byEid).toMatchObject({ id: rows.items[0]!.id, externalId: eid });
  });

  it('creates an invoice and a payment that SuiteQL then shows as paid', async () => {
    const eid = `contract-inv-${Date.now()}`;
    const cust = await fetch(`${base}/record/v1/customer/eid:${eid}`, { method: 'PUT', headers: demo, body: JSON.stringify({ companyName: 'Invoice Flow GmbH', currency: { id: '2' } }) });
    const customerId = cust.headers.get('location')!.split('/').pop()!;
    const inv = await fetch(`${base}/record/v1/invoice`, { method: 'POST', headers: demo, body: JSON.stringify({ entity: { id: customerId }, tranDate: '2026-11-01', item: { items: [{ item: { id: '201' }, quantity: 2, rate: 100.25 }] } }) });
    expect(inv.status).toBe(204);
    const invoiceId = inv.headers.get('location')!.split('/').pop()!;
    const open = await suiteql<{ foreigntotal: number; foreignamountremaining: number; status: string; currency: string }>(`SELECT foreigntotal, foreignamountremaining, status, currency FROM transaction WHERE id = ${invoiceId}`);
    expect(open.items[0]).toMatchObject({ foreigntotal: 200.5, foreignamountremaining: 200.5, status: 'A', currency: '2' });
    const pay = await fetch(`${base}/record/v1/customerPayment`, { method: 'POST', headers: demo, body: JSON.stringify({ customer: { id: customerId }, payment: 200.5, apply: { items: [{ doc: { id: invoiceId }, amount: 200.5 }] } }) });
    expect(pay.status).toBe(204);
    const paid = await suiteql<{ status: string }>(`SELECT status, foreignamountremaining FROM transaction WHERE id = ${invoiceId}`);
    expect(paid.items[0]).toEqual({ links: [], status: 'B', foreignamountremaining: 0 });
  });

  it('refuses a transaction in a currency the customer does not use', async () => {
    const eid = `contract-ccy-${Date.now()}`;
    const cust = await fetch(`${base}/record/v1/customer/eid:${eid}`, { method: 'PUT', headers: demo, body: JSON.stringify({ companyName: 'Sterling Only plc', currency: { id: '3' } }) });
    const customerId = cust.headers.get('location')!.split('/').pop()!;
    const line = { item: { items: [{ item: { id: '201' }, quantity: 1 }] } };
    const wrong = await fetch(`${base}/record/v1/invoice`, { method: 'POST', headers: demo, body: JSON.stringify({ entity: { id: customerId }, currency: { id: '1' }, ...line }) });
    expect((await expectNsError(wrong, 400, 'USER_ERROR'))['o:errorDetails'][0]!['o:errorPath']).toBe('currency');
    const unknown = await fetch(`${base}/record/v1/invoice`, { method: 'POST', headers: demo, body: JSON.stringify({ entity: { id: customerId }, currency: { id: '99' }, ...line }) });
    await expectNsError(unknown, 400, 'INVALID_KEY_OR_REF');
  });

  it('names an unknown field and a bad reference in the error path', async () => {
    const unknown = await expectNsError(await fetch(`${base}/record/v1/customer`, { method: 'POST', headers: demo, body: JSON.stringify({ companyName: 'X', colour: 'red' }) }), 400, 'INVALID_FIELD');
    expect(unknown['o:errorDetails'][0]!['o:errorPath']).toBe('colour');
    const badRef = await expectNsError(await fetch(`${base}/record/v1/salesOrder`, { method: 'POST', headers: demo, body: JSON.stringify({ entity: { id: '999999' }, item: { items: [{ item: { id: '201' } }] } }) }), 400, 'INVALID_KEY_OR_REF');
    expect(badRef['o:errorDetails'][0]!['o:errorPath']).toBe('entity');
  });

  it('deletes a record without dependents and 404s afterwards', async () => {
    const created = await fetch(`${base}/record/v1/customer`, { method: 'POST', headers: demo, body: JSON.stringify({ companyName: 'Short Lived LLC' }) });
    const url = created.headers.get('location')!;
    expect((await fetch(url, { method: 'DELETE', headers: demo })).status).toBe(204);
    await expectNsError(await fetch(url, { headers: demo }), 404, 'NONEXISTENT_ID');
    await expectNsError(await fetch(`${base}/record/v1/customer/1000`, { method: 'DELETE', headers: demo }), 400, 'RECORD_HAS_DEPENDENTS');
  });
});

describe('auth and tenants', () => {
  it('answers a missing, forged or other-vendor token with 401 INVALID_LOGIN', async () => {
    await expectNsError(await fetch(`${base}/record/v1/customer/1000`), 401, 'INVALID_LOGIN');
    await expectNsError(await fetch(`${base}/record/v1/customer/1000`, { headers: { authorization: 'Bearer sbx_forged.token' } }), 401, 'INVALID_LOGIN');
    const hubspot = await token('hubspot', 'demo');
    await expectNsError(await fetch(`${base}/record/v1/customer/1000`, { headers: { authorization: `Bearer ${hubspot}` } }), 401, 'INVALID_LOGIN');
  });

  it('serves each tenant its own data even where ids coincide', async () => {
    const a = (await (await fetch(`${base}/record/v1/customer/1000`, { headers: demo })).json()) as { companyName: string };
    const b = (await (await fetch(`${base}/record/v1/customer/1000`, { headers: other })).json()) as { companyName: string };
    expect(a.companyName).not.toBe(b.companyName);
    const eid = `iso-${Date.now()}`;
    await fetch(`${base}/record/v1/customer/eid:${eid}`, { method: 'PUT', headers: demo, body: JSON.stringify({ companyName: 'Only In Demo' }) });
    expect((await suiteql(`SELECT id FROM customer WHERE externalid = '${eid}'`, other)).totalResults).toBe(0);
    expect((await suiteql(`SELECT id FROM customer WHERE externalid = '${eid}'`, demo)).totalResults).toBe(1);
  });
});
