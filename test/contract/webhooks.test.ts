/**
 * The sandbox's outgoing HubSpot webhooks, received by a plain Node HTTP server as an app's
 * endpoint would: the v3 signature checks out with the documented algorithm (computed here with
 * node:crypto), events carry HubSpot's fields, batches hold at most 100 events, failed deliveries
 * are retried with attemptNumber + 1 (bounded), and the duplicate / reorder fault knobs act,
 * repeatably with a seed. Own sandbox: fault knobs are global to a sandbox.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  events: { eventId: number; subscriptionId: number; portalId: number; appId: number; occurredAt: number; subscriptionType: string; attemptNumber: number; objectId: number; propertyName?: string; propertyValue?: string; changeSource: string }[];
}

const SECRET = 'contract-webhook-secret-0123456789';
let sandbox: SandboxListener;
let sb: string;
let receiver: Server;
let target: string;
let received: Received[] = [];
/** Status codes to answer, in order; then 204. 'hang' never answers (the sender times out). */
let script: (number | 'hang')[] = [];

async function post(path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${sb}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function token(): Promise<string> {
  const res = await post('/__sandbox/tokens', { vendor: 'hubspot', tenant: 'demo', lifetime: 'static' });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function subscribe(extra: Record<string, unknown> = {}): Promise<void> {
  const res = await post('/__sandbox/webhooks', {
    vendor: 'hubspot',
    tenant: 'demo',
    targetUrl: target,
    clientSecret: SECRET,
    subscriptions: ['company.propertyChange', { subscriptionType: 'deal.propertyChange', propertyName: 'dealstage' }, 'company.creation'],
    batchDelayMs: 60_000, // nothing leaves before the test flushes, so batches are exactly what it made
    retryBaseMs: 20,
    timeoutMs: 500,
    ...extra,
  }, 'PUT');
  expect(res.status).toBe(200);
}

async function flush(): Promise<void> {
  const res = await post('/__sandbox/webhooks/flush', { tenant: 'demo' });
  expect(await res.json()).toEqual({ idle: true });
}

let companyIds: string[] = [];

/** Renames companies through the emulated CRM API (one batch update call per 100). */
async function rename(ids: string[], suffix: string): Promise<void> {
  const auth = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
  for (let i = 0; i < ids.length; i += 100) {
    const inputs = ids.slice(i, i + 100).map((id, j) => ({ id, properties: { name: `Co ${i + j} ${suffix}` } }));
    const res = await fetch(`${sb}/hubspot/crm/v3/objects/companies/batch/update`, { method: 'POST', headers: auth, body: JSON.stringify({ inputs }) });
    expect(res.status).toBe(200);
  }
}

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  sb = sandbox.url;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body, events: JSON.parse(body) as Received['events'] });
      const next = script.shift() ?? 204;
      if (next === 'hang') return; // the sender's timeout fires; the socket is closed at teardown
      res.writeHead(next).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks/hubspot?app=concord%2Fsandbox`;
  const list = await fetch(`${sb}/hubspot/crm/v3/objects/companies?limit=100`, { headers: { authorization: `Bearer ${await token()}` } });
  companyIds = ((await list.json()) as { results: { id: string }[] }).results.map((r) => r.id);
  expect(companyIds.length).toBeGreaterThanOrEqual(30);
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await sandbox.close();
});

beforeEach(async () => {
  received = [];
  script = [];
  await post('/__sandbox/faults', {});
  await subscribe();
});

describe('HubSpot webhooks from the sandbox', () => {
  it('signs each request with v3 over POST + target URL + body + timestamp, with HubSpot event fields', async () => {
    await rename(companyIds.slice(0, 3), 'signed');
    await flush();
    expect(received).toHaveLength(1);
    const [r] = received;
    const timestamp = r!.headers['x-hubspot-request-timestamp'] as string;
    expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
    // The documented rule: %2F (and the other listed escapes) are decoded in the signed URI.
    const uri = target.replace('%2F', '/');
    const expected = createHmac('sha256', SECRET).update(`POST${uri}${r!.body}${timestamp}`).digest('base64');
    expect(r!.headers['x-hubspot-signature-v3']).toBe(expected);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.events).toHaveLength(3);
    const e = r!.events[0]!;
    expect(Object.keys(e).sort()).toEqual(
      ['appId', 'attemptNumber', 'changeSource', 'eventId', 'objectId', 'occurredAt', 'portalId', 'propertyName', 'propertyValue', 'subscriptionId', 'subscriptionType'].sort(),
    );
    expect(e).toMatchObject({ portalId: 24_300_001, subscriptionType: 'company.propertyChange', attemptNumber: 0, propertyName: 'name', propertyValue: 'Co 0 signed' });
    expect(new Set(r!.events.map((x) => x.eventId)).size).toBe(3);
    // Nothing is sent for a property update that changes nothing.
    await rename(companyIds.slice(0, 1), 'signed');
    await flush();
    expect(received).toHaveLength(1);
  });

  it('sends creations and filters property subscriptions by name', async () => {
    const auth = { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' };
    const created = await fetch(`${sb}/hubspot/crm/v3/objects/companies`, { method: 'POST', headers: auth, body: JSON.stringify({ properties: { name: 'Newco', domain: 'newco.example' } }) });
    const id = Number(((await created.json()) as { id: string }).id);
    const deals = (await (await fetch(`${sb}/hubspot/crm/v3/objects/deals?limit=1&properties=dealstage`, { headers: auth })).json()) as { results: { id: string; properties: { dealstage: string } }[] };
    const stage = deals.results[0]!.properties.dealstage === 'closedwon' ? 'closedlost' : 'closedwon';
    const patched = await fetch(`${sb}/hubspot/crm/v3/objects/deals/${deals.results[0]!.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ properties: { dealname: 'Renamed', dealstage: stage } }) });
    expect(patched.status, await patched.clone().text()).toBe(200);
    await flush();
    const events = received.flatMap((r) => r.events);
    expect(events.filter((e) => e.objectId === id).map((e) => `${e.subscriptionType}:${e.propertyName ?? ''}`).sort()).toEqual([
      'company.creation:',
      'company.propertyChange:domain',
      'company.propertyChange:name',
    ]);
    expect(events.filter((e) => e.subscriptionType === 'deal.propertyChange').map((e) => [e.propertyName, e.propertyValue])).toEqual([['dealstage', stage]]);
  });

  it('puts at most 100 events in one request', async () => {
    await rename(companyIds.slice(0, 30), 'a');
    await rename(companyIds.slice(0, 30), 'b');
    await rename(companyIds.slice(0, 30), 'c');
    await rename(companyIds.slice(0, 30), 'd');
    await flush();
    expect(received.map((r) => r.events.length)).toEqual([100, 20]);
    // In order of change when no fault reorders them.
    const occurred = received.flatMap((r) => r.events.map((e) => e.occurredAt));
    expect(occurred).toEqual([...occurred].sort((a, b) => a - b));
  });

  it('retries a failed or timed-out delivery with attemptNumber + 1, and gives up after maxAttempts', async () => {
    script = [500, 'hang'];
    await rename(companyIds.slice(0, 2), 'retry');
    await flush();
    expect(received.map((r) => r.events[0]!.attemptNumber)).toEqual([0, 1, 2]);
    expect(received.map((r) => r.events.map((e) => e.eventId))).toEqual([received[0]!.events.map((e) => e.eventId), received[0]!.events.map((e) => e.eventId), received[0]!.events.map((e) => e.eventId)]);
    const log = (await (await fetch(`${sb}/__sandbox/webhooks?tenant=demo`)).json()) as { deliveries: { attemptNumber: number; status: number | null; ok: boolean; error?: string }[]; config: Record<string, unknown> };
    expect(log.deliveries.slice(-3).map((d) => [d.attemptNumber, d.status, d.ok])).toEqual([
      [0, 500, false],
      [1, null, false],
      [2, 204, true],
    ]);
    expect(log.deliveries.at(-2)!.error).toMatch(/timeout/);
    expect(JSON.stringify(log.config)).not.toContain(SECRET);

    received = [];
    await subscribe({ maxAttempts: 3 });
    script = [503, 503, 503, 503];
    await rename(companyIds.slice(0, 1), 'give-up');
    await flush();
    expect(received.map((r) => r.events[0]!.attemptNumber)).toEqual([0, 1, 2]);
  });

  it('re-sends events later with the same eventId at webhookDuplicateRate', async () => {
    await post('/__sandbox/faults', { hubspot: { webhookDuplicateRate: 1, seed: 7 } });
    await rename(companyIds.slice(0, 10), 'dup');
    await flush();
    const ids = received.flatMap((r) => r.events.map((e) => e.eventId));
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(10);
    // The copies come in a later request than the originals.
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(received[0]!.events.map((e) => e.eventId)).size).toBe(received[0]!.events.length);

    received = [];
    await post('/__sandbox/faults', { hubspot: { webhookDuplicateRate: 0.3, seed: 7 } });
    await rename(companyIds.slice(0, 40), 'some');
    await flush();
    const some = received.flatMap((r) => r.events.map((e) => e.eventId));
    expect(some.length).toBeGreaterThan(40);
    expect(some.length).toBeLessThan(80);
  });

  it('reorders events within and across batches with webhookReorder, repeatably with a seed', async () => {
    const run = async (seed: number): Promise<string[][]> => {
      received = [];
      await post('/__sandbox/faults', { hubspot: { webhookReorder: true, seed } });
      await rename(companyIds.slice(0, 30), `r${seed}-${Math.random()}`);
      await flush();
      // Company positions per request: the shape of the reordering, independent of values.
      return received.map((r) => r.events.map((e) => String(companyIds.indexOf(String(e.objectId)))));
    };
    const first = await run(11);
    const flat = first.flat().map(Number);
    expect(flat).toHaveLength(30);
    expect(new Set(flat).size).toBe(30);
    expect(flat).not.toEqual([...flat].sort((a, b) => a - b));
    expect(first.length).toBeGreaterThanOrEqual(2); // some were held back for a later batch
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('refuses a bad subscription body with a 400 naming the field', async () => {
    const res = await post('/__sandbox/webhooks', { vendor: 'hubspot', tenant: 'demo', targetUrl: 'not a url', clientSecret: SECRET, subscriptions: ['company.exploded'] }, 'PUT');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('invalid_webhooks');
    expect(body.detail).toContain('targetUrl');
    expect(body.detail).toContain('subscriptions.0');
  });
});
