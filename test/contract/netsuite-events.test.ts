/**
 * The sandbox NetSuite with Concord's event script installed (sandbox/netsuite/events/), received
 * by a plain Node HTTP server as the broker's endpoint would: a payment, dispute, credit or
 * contract amendment through the admin routes, and writes through SuiteTalk REST, each post one
 * event signed exactly as the SuiteScript signs it (checked with the broker's own verifier and
 * with node:crypto); failed posts are retried within the script's bound; the duplicate, reorder
 * and loss knobs act, repeatably with a seed. Own sandbox: fault knobs are global to a sandbox.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyNetSuiteEvent } from '../../worker/connectors/netsuite/events.js';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

interface Event {
  accountId: string;
  recordType: string;
  recordId: string;
  eventType: string;
  lastModified: string;
  eventId: string;
}
interface Received {
  headers: IncomingMessage['headers'];
  path: string;
  body: string;
  event: Event;
}

const SECRET = 'contract-netsuite-event-secret-0123456789';
const ACCOUNT = 'TSTDRV1234567';
let sandbox: SandboxListener;
let sb: string;
let rest: string;
let auth: Record<string, string>;
let receiver: Server;
let target: string;
let received: Received[] = [];
/** Status codes to answer, in order; then 204. */
let script: number[] = [];

async function call(path: string, body?: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${sb}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function install(extra: Record<string, unknown> = {}): Promise<void> {
  const res = await call('/__sandbox/netsuite/events', { tenant: 'demo', url: target, secret: SECRET, delayMs: 60_000, ...extra }, 'PUT');
  expect(res.status, await res.clone().text()).toBe(200);
}

async function flush(): Promise<void> {
  const res = await call('/__sandbox/netsuite/events/flush', { tenant: 'demo' });
  expect(await res.json()).toEqual({ idle: true });
}

async function suiteql<T>(q: string): Promise<T[]> {
  const res = await fetch(`${rest}/query/v1/suiteql?limit=1000`, { method: 'POST', headers: { ...auth, Prefer: 'transient' }, body: JSON.stringify({ q }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: T[] }).items;
}

/** Open, undisputed invoices with something due, by id; each test takes its own. */
let openInvoices: { id: string; foreignamountremaining: number }[] = [];
function takeInvoice(): { id: string; foreignamountremaining: number } {
  const inv = openInvoices.shift();
  if (!inv) throw new Error('no open invoice left');
  return inv;
}

/** The script's signature, recomputed independently. */
const signature = (path: string, timestamp: string, body: string) => createHmac('sha256', SECRET).update(`POST\n${path}\n${timestamp}\n${body}`).digest('base64');

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  sb = sandbox.url;
  rest = `${sb}/netsuite/services/rest`;
  const token = (await (await call('/__sandbox/tokens', { vendor: 'netsuite', tenant: 'demo', lifetime: 'static' })).json()) as { accessToken: string };
  auth = { authorization: `Bearer ${token.accessToken}`, 'content-type': 'application/json' };
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, path: req.url ?? '', body, event: JSON.parse(body) as Event });
      res.writeHead(script.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks/netsuite`;
  openInvoices = await suiteql(
    "SELECT id, foreignamountremaining FROM transaction WHERE type = 'CustInvc' AND status = 'A' AND custbody_concord_disputed = 'F' AND foreignamountremaining > 10 ORDER BY id",
  );
  expect(openInvoices.length).toBeGreaterThan(60);
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await sandbox.close();
});

beforeEach(async () => {
  received = [];
  script = [];
  await call('/__sandbox/faults', {});
  await install();
});

describe('the emulated event script', () => {
  it('posts one signed customerpayment event for a payment through the admin route, and the invoice is paid', async () => {
    const inv = takeInvoice();
    const res = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/pay`, {});
    expect(res.status).toBe(201);
    const paid = (await res.json()) as { payment: { id: string; amount: number; lastModified: string }; invoice: { status: string; amountRemaining: number }; events: Event[] };
    expect(paid.payment.amount).toBe(inv.foreignamountremaining);
    expect(paid.invoice).toMatchObject({ status: 'B', amountRemaining: 0 });
    await flush();

    expect(received).toHaveLength(1);
    const [r] = received;
    expect(r!.path).toBe('/v1/webhooks/netsuite');
    expect(r!.event).toEqual({
      accountId: ACCOUNT,
      recordType: 'customerpayment',
      recordId: paid.payment.id,
      eventType: 'create',
      lastModified: paid.payment.lastModified,
      eventId: paid.events[0]!.eventId,
    });
    expect(Object.keys(r!.event)).toEqual(['accountId', 'recordType', 'recordId', 'eventType', 'lastModified', 'eventId']);
    const timestamp = r!.headers['x-concord-timestamp'] as string;
    expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
    expect(r!.headers['x-concord-account-id']).toBe(ACCOUNT);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['x-concord-signature']).toBe(signature('/v1/webhooks/netsuite', timestamp, r!.body));
    // The broker's verifier accepts it as is.
    const verdict = await verifyNetSuiteEvent(
      { method: 'POST', pathWithQuery: r!.path, accountId: r!.headers['x-concord-account-id'] as string, timestamp, signature: r!.headers['x-concord-signature'] as string, body: r!.body },
      [SECRET],
      Date.now(),
    );
    expect(verdict).toEqual({ ok: true, event: r!.event });

    // The records changed as NetSuite's would: payment applied, invoice paid in full.
    const payment = (await (await fetch(`${rest}/record/v1/customerPayment/${paid.payment.id}?expandSubResources=true`, { headers: auth })).json()) as { apply: { items: { doc: { id: string }; amount: number }[] } };
    expect(payment.apply.items.map((a) => [a.doc.id, a.amount])).toEqual([[inv.id, inv.foreignamountremaining]]);
    expect(await suiteql(`SELECT status, foreignamountremaining FROM transaction WHERE id = ${inv.id}`)).toEqual([{ links: [], status: 'B', foreignamountremaining: 0 }]);

    // The secret is write-only.
    const view = await (await fetch(`${sb}/__sandbox/netsuite/events?tenant=demo`)).text();
    expect(view).not.toContain(SECRET);
  });

  it('replays a payment with the same externalId without a second payment or event', async () => {
    const inv = takeInvoice();
    const first = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/pay`, { amount: 10, externalId: 'bank-ref-77' });
    expect(first.status).toBe(201);
    const again = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/pay`, { amount: 10, externalId: 'bank-ref-77' });
    expect(again.status).toBe(200);
    const replay = (await again.json()) as { changed: boolean; events: Event[]; payment: { id: string }; invoice: { amountRemaining: number; status: string } };
    expect(replay).toMatchObject({ changed: false, events: [], payment: { id: ((await first.json()) as { payment: { id: string } }).payment.id } });
    expect(replay.invoice).toMatchObject({ status: 'A', amountRemaining: Math.round((inv.foreignamountremaining - 10) * 100) / 100 });
    const conflict = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/pay`, { amount: 5, externalId: 'bank-ref-77' });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { code: string }).code).toBe('external_id_conflict');
    await flush();
    expect(received.map((r) => r.event.recordType)).toEqual(['customerpayment']);
  });

  it('reports a dispute as an invoice edit with a newer lastModified, once', async () => {
    const inv = takeInvoice();
    const [before] = await suiteql<{ lastmodifieddate: string }>(`SELECT lastmodifieddate FROM transaction WHERE id = ${inv.id}`);
    const res = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/dispute`, {});
    expect(res.status).toBe(200);
    expect(((await res.json()) as { invoice: { disputed: boolean } }).invoice.disputed).toBe(true);
    const same = (await (await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/dispute`, { disputed: true })).json()) as { changed: boolean; events: Event[] };
    expect(same).toMatchObject({ changed: false, events: [] });
    await flush();
    expect(received.map((r) => [r.event.recordType, r.event.recordId, r.event.eventType])).toEqual([['invoice', inv.id, 'edit']]);
    expect(Date.parse(received[0]!.event.lastModified)).toBeGreaterThan(Date.parse(before!.lastmodifieddate));
    const [flag] = await suiteql<{ custbody_concord_disputed: string }>(`SELECT custbody_concord_disputed FROM transaction WHERE id = ${inv.id}`);
    expect(flag!.custbody_concord_disputed).toBe('T');
  });

  it('issues a credit memo applied to the invoice and reports the credit memo', async () => {
    const inv = takeInvoice();
    const res = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/credit`, { amount: 10, memo: 'Goodwill' });
    expect(res.status).toBe(201);
    const credited = (await res.json()) as { creditMemo: { id: string; amount: number }; invoice: { amountRemaining: number; status: string } };
    expect(credited.invoice).toMatchObject({ status: 'A', amountRemaining: Math.round((inv.foreignamountremaining - 10) * 100) / 100 });
    const memo = (await (await fetch(`${rest}/record/v1/creditMemo/${credited.creditMemo.id}?expandSubResources=true`, { headers: auth })).json()) as Record<string, unknown>;
    expect(memo).toMatchObject({ id: credited.creditMemo.id, total: 10, memo: 'Goodwill', status: { id: 'B', refName: 'Fully Applied' }, apply: { items: [{ doc: { id: inv.id }, amount: 10 }] } });
    await flush();
    expect(received.map((r) => [r.event.recordType, r.event.recordId, r.event.eventType])).toEqual([['creditmemo', credited.creditMemo.id, 'create']]);
  });

  it('amends a contract: new end date and ARR, lastmodifieddate bumped, one subscription edit', async () => {
    const [sub] = await suiteql<{ id: string }>("SELECT id FROM subscription WHERE status = 'ACTIVE' ORDER BY id");
    // record/v1 answers datetimes in UTC ISO (SuiteQL would answer in the account's date format).
    const before = (await (await fetch(`${rest}/record/v1/subscription/${sub!.id}`, { headers: auth })).json()) as { lastModifiedDate: string };
    const res = await call(`/__sandbox/netsuite/demo/subscriptions/${sub!.id}/amend`, { endDate: '2028-12-31', arr: 120000 });
    expect(res.status).toBe(200);
    const amended = (await res.json()) as { subscription: { endDate: string; arr: number; lastModified: string } };
    expect(amended.subscription).toMatchObject({ endDate: '2028-12-31', arr: 120000 });
    expect(Date.parse(amended.subscription.lastModified)).toBeGreaterThan(Date.parse(before.lastModifiedDate));
    const record = (await (await fetch(`${rest}/record/v1/subscription/${sub!.id}`, { headers: auth })).json()) as { endDate: string; custrecord_concord_arr: number };
    expect(record).toMatchObject({ endDate: '2028-12-31', custrecord_concord_arr: 120000 });
    await flush();
    expect(received.map((r) => [r.event.recordType, r.event.recordId, r.event.eventType, r.event.lastModified])).toEqual([['subscription', sub!.id, 'edit', amended.subscription.lastModified]]);
  });

  it('reports writes through SuiteTalk REST: create, upsert, edit and delete of subscribed records, nothing for items', async () => {
    const created = await fetch(`${rest}/record/v1/customer`, { method: 'POST', headers: auth, body: JSON.stringify({ companyName: 'Evented Co' }) });
    expect(created.status).toBe(204);
    const customerId = created.headers.get('location')!.split('/').pop()!;
    const upserted = await fetch(`${rest}/record/v1/customer/eid:evt-1`, { method: 'PUT', headers: auth, body: JSON.stringify({ companyName: 'Upserted Co' }) });
    const upsertedId = upserted.headers.get('location')!.split('/').pop()!;
    await fetch(`${rest}/record/v1/customer/eid:evt-1`, { method: 'PUT', headers: auth, body: JSON.stringify({ companyName: 'Upserted Co Ltd' }) });
    const inv = takeInvoice();
    expect((await fetch(`${rest}/record/v1/invoice/${inv.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ memo: 'PO 4411' }) })).status).toBe(204);
    expect((await fetch(`${rest}/record/v1/customer/${customerId}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    // Refused writes and record types the script is not deployed on report nothing.
    expect((await fetch(`${rest}/record/v1/invoice/${inv.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ nope: 1 }) })).status).toBe(400);
    expect((await fetch(`${rest}/record/v1/inventoryItem/1`, { method: 'DELETE', headers: auth })).status).not.toBe(500);
    await flush();
    expect(received.map((r) => [r.event.recordType, r.event.recordId, r.event.eventType])).toEqual([
      ['customer', customerId, 'create'],
      ['customer', upsertedId, 'create'],
      ['customer', upsertedId, 'edit'],
      ['invoice', inv.id, 'edit'],
      ['customer', customerId, 'delete'],
    ]);
  });

  it('sends nothing for a tenant without the script, and refuses bad input with a problem naming the field', async () => {
    await call('/__sandbox/netsuite/events?tenant=demo', undefined, 'DELETE');
    const inv = takeInvoice();
    const res = await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/dispute`, {});
    expect(((await res.json()) as { events: Event[] }).events).toEqual([]);
    expect((await fetch(`${sb}/__sandbox/netsuite/events?tenant=demo`)).status).toBe(404);

    const problem = async (r: Response, status: number, code: string, detail?: string) => {
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const body = (await r.json()) as { code: string; detail?: string };
      expect(body.code).toBe(code);
      if (detail) expect(body.detail).toContain(detail);
    };
    await problem(await call('/__sandbox/netsuite/events', { tenant: 'demo', url: 'not a url', secret: SECRET }, 'PUT'), 400, 'invalid_event_target', 'url');
    await problem(await call('/__sandbox/netsuite/events', { tenant: 'demo', url: target, secret: 'short' }, 'PUT'), 400, 'invalid_event_target', 'secret');
    const open = takeInvoice();
    await problem(await call(`/__sandbox/netsuite/demo/invoices/${open.id}/pay`, { amount: open.foreignamountremaining + 1 }), 422, 'amount_exceeds_due', 'amount');
    await problem(await call(`/__sandbox/netsuite/demo/invoices/${open.id}/pay`, { amount: 'all' }), 422, 'invalid_action', 'amount');
    await problem(await call(`/__sandbox/netsuite/demo/invoices/${open.id}/pay`, { tip: 1 }), 422, 'invalid_action');
    await problem(await fetch(`${sb}/__sandbox/netsuite/demo/invoices/${open.id}/pay`, { method: 'POST', body: '{' }), 400, 'bad_json');
    await problem(await call('/__sandbox/netsuite/demo/invoices/99999999/pay', {}), 404, 'invoice_not_found');
    await problem(await call(`/__sandbox/netsuite/nobody/invoices/${open.id}/pay`, {}), 404, 'unknown_tenant');
    await problem(await call(`/__sandbox/netsuite/demo/subscriptions/701/amend`, {}), 422, 'invalid_action');
    const [sub] = await suiteql<{ id: string; startdate: string }>("SELECT id, startdate FROM subscription WHERE status = 'ACTIVE' ORDER BY id");
    await problem(await call(`/__sandbox/netsuite/demo/subscriptions/${sub!.id}/amend`, { endDate: '2001-01-01' }), 422, 'end_before_start', 'endDate');
    const paid = takeInvoice();
    await call(`/__sandbox/netsuite/demo/invoices/${paid.id}/pay`, {});
    await problem(await call(`/__sandbox/netsuite/demo/invoices/${paid.id}/credit`, {}), 409, 'invoice_not_open');
  });
});

describe('delivery', () => {
  it('retries a 5xx with the same event and a fresh signature, and gives up after maxAttempts', async () => {
    script = [503, 204];
    await call(`/__sandbox/netsuite/demo/invoices/${takeInvoice().id}/dispute`, {});
    await flush();
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
    for (const r of received) expect(r.headers['x-concord-signature']).toBe(signature(r.path, r.headers['x-concord-timestamp'] as string, r.body));

    received = [];
    script = [500, 502, 503, 504];
    await install({ maxAttempts: 3 });
    await call(`/__sandbox/netsuite/demo/invoices/${takeInvoice().id}/dispute`, {});
    await flush();
    expect(received).toHaveLength(3);
    const view = (await (await fetch(`${sb}/__sandbox/netsuite/events?tenant=demo`)).json()) as { deliveries: { attempt: number; status: number; ok: boolean }[] };
    expect(view.deliveries.slice(-3).map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 502, false],
      [3, 503, false],
    ]);
  });

  it('does not retry a refusal (401)', async () => {
    script = [401];
    await call(`/__sandbox/netsuite/demo/invoices/${takeInvoice().id}/dispute`, {});
    await flush();
    expect(received).toHaveLength(1);
  });
});

describe('fault knobs', () => {
  /** Disputes `n` invoices (one invoice edit event each) and flushes; the invoice ids in order of change. */
  async function disputes(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const inv = takeInvoice();
      ids.push(inv.id);
      expect((await call(`/__sandbox/netsuite/demo/invoices/${inv.id}/dispute`, {})).status).toBe(200);
    }
    await flush();
    return ids;
  }

  it('in order and exactly once without knobs', async () => {
    const ids = await disputes(5);
    expect(received.map((r) => r.event.recordId)).toEqual(ids);
  });

  it('netsuiteEventDuplicateRate posts events again later with the same eventId', async () => {
    await call('/__sandbox/faults', { netsuite: { netsuiteEventDuplicateRate: 1, seed: 3 } });
    const ids = await disputes(4);
    const eventIds = received.map((r) => r.event.eventId);
    expect(eventIds).toHaveLength(8);
    expect(new Set(eventIds).size).toBe(4);
    // The originals first, in order; the copies after them, each body identical to its original.
    expect(received.slice(0, 4).map((r) => r.event.recordId)).toEqual(ids);
    for (const copy of received.slice(4)) expect(copy.body).toBe(received.find((r) => r.event.eventId === copy.event.eventId)!.body);
  });

  it('netsuiteEventLossRate drops events; the sandbox lists them as lost', async () => {
    await call('/__sandbox/faults', { netsuite: { netsuiteEventLossRate: 1 } });
    const ids = await disputes(3);
    expect(received).toEqual([]);
    const view = (await (await fetch(`${sb}/__sandbox/netsuite/events?tenant=demo`)).json()) as { lost: Event[] };
    expect(view.lost.slice(-3).map((e) => e.recordId)).toEqual(ids);

    received = [];
    await call('/__sandbox/faults', { netsuite: { netsuiteEventLossRate: 0.5, seed: 21 } });
    const some = await disputes(20);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(20);
    expect(received.every((r) => some.includes(r.event.recordId))).toBe(true);
  });

  it('netsuiteEventReorder changes the order, never the set, repeatably with a seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      received = [];
      await call('/__sandbox/faults', { netsuite: { netsuiteEventReorder: true, seed } });
      const ids = await disputes(12);
      // Positions in order of change: the shape of the reordering, independent of the ids.
      return received.map((r) => ids.indexOf(r.event.recordId));
    };
    const first = await run(11);
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(first).not.toEqual([...Array(12).keys()]);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });
});
