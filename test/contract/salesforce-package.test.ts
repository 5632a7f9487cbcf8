/**
 * The sandbox org runs the Concord package (extensions/salesforce): winning an Opportunity
 * through the REST API — single update, sObject Collections, Composite — sends the package's
 * signed closed-won callout to the broker URL, received here by a plain Node HTTP server. The
 * body and signature are checked against ConcordClosedWonCallout.payload and
 * ConcordSignature.stringToSign (base64 HMAC-SHA256 of METHOD\npathWithQuery\ntimestamp\nbody,
 * computed here with node:crypto); retries follow the package's rules; the duplicate and reorder
 * knobs act, repeatably with a seed; the sweep re-sends what the broker never acknowledged.
 * REST: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';
import { concordStringToSign, verifyHmacBase64 } from '../../worker/http/middleware/signature-verify.js';

const SECRET = 'package-signing-secret-0123456789';
const ORG_ID = '00D5g00000DEMO1EAP';
let sandbox: SandboxListener;
let receiver: Server;
let brokerUrl: string;
let conn: Connection;
let accountId: string;
let received: { url: string; headers: IncomingMessage['headers']; body: string; json: Record<string, unknown> }[] = [];
/** Statuses to answer, in order, then 202; 'hang' never answers. */
let script: (number | 'hang')[] = [];

async function admin(path: string, body?: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function install(extra: Record<string, unknown> = {}): Promise<void> {
  const res = await admin('/salesforce/package', { tenant: 'demo', url: brokerUrl, secret: SECRET, retryBaseMs: 20, maxRetryDelayMs: 100, timeoutMs: 500, batchDelayMs: 60_000, ...extra }, 'PUT');
  expect(res.status, await res.clone().text()).toBe(200);
}

async function flush(): Promise<void> {
  const res = await admin('/salesforce/package/flush', { tenant: 'demo', timeoutMs: 20_000 });
  expect(await res.json()).toEqual({ idle: true });
}

/** Open scratch opportunities (the seeded ones stay as they are). */
async function openOpps(n: number, tag: string): Promise<string[]> {
  const res = await conn.sobject('Opportunity').create(
    Array.from({ length: n }, (_, i) => ({ Name: `${tag} ${i}`, StageName: 'Negotiation/Review', CloseDate: '2026-12-15', AccountId: accountId, Amount: 1000 + i, CurrencyIsoCode: 'EUR' })),
    { allOrNone: true },
  );
  return res.map((r) => r.id!);
}

async function win(ids: string[]): Promise<void> {
  const res = await conn.sobject('Opportunity').update(ids.map((Id) => ({ Id, StageName: 'Closed Won' })), { allOrNone: true });
  expect(res.every((r) => r.success)).toBe(true);
}

beforeAll(async () => {
  sandbox = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown> });
      const next = script.shift() ?? 202;
      if (next === 'hang') return;
      res.writeHead(next, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  brokerUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const token = ((await (await admin('/tokens', { vendor: 'salesforce', tenant: 'demo', lifetime: 'static' })).json()) as { accessToken: string }).accessToken;
  conn = new Connection({ instanceUrl: `${sandbox.url}/salesforce`, accessToken: token, version: '62.0' });
  accountId = (await conn.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records[0]!.Id;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await sandbox.close();
});

beforeEach(async () => {
  received = [];
  script = [];
  await admin('/faults', {});
  await install();
});

describe('the Concord package in the sandbox org', () => {
  it('sends one signed callout per won opportunity, with the package payload, whatever API won it', async () => {
    const [single, col1, col2, comp, already] = await openOpps(5, 'Package');
    await conn.sobject('Opportunity').update({ Id: single!, StageName: 'Closed Won' });
    await win([col1!, col2!]);
    const composite = await conn.requestPost<{ compositeResponse: { httpStatusCode: number }[] }>('/services/data/v62.0/composite', {
      compositeRequest: [{ method: 'PATCH', url: `/services/data/v62.0/sobjects/Opportunity/${comp}`, referenceId: 'won', body: { StageName: 'Closed Won' } }],
    });
    expect(composite.compositeResponse[0]!.httpStatusCode).toBe(204);
    // Changes that do not make an opportunity won call nobody: an edit of a won one, an insert already won.
    await conn.sobject('Opportunity').update({ Id: col1!, Amount: 5000 });
    await conn.sobject('Opportunity').create({ Name: 'Inserted won', StageName: 'Closed Won', CloseDate: '2026-11-20', AccountId: accountId });
    await conn.sobject('Opportunity').update({ Id: already!, Amount: 42 });
    await flush();

    expect(received.map((r) => r.json.opportunityId).sort()).toEqual([single, col1, col2, comp].sort());
    for (const r of received) {
      expect(r.url).toBe('/v1/webhooks/salesforce/closed-won');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-concord-org-id']).toBe(ORG_ID);
      const timestamp = r.headers['x-concord-timestamp'] as string;
      expect(Math.abs(Date.now() - Number(timestamp))).toBeLessThan(60_000);
      const expected = createHmac('sha256', SECRET).update(`POST\n/v1/webhooks/salesforce/closed-won\n${timestamp}\n${r.body}`).digest('base64');
      expect(r.headers['x-concord-signature']).toBe(expected);
      // And the broker's own verifier accepts it.
      expect(await verifyHmacBase64([SECRET], concordStringToSign('POST', r.url, timestamp, r.body), r.headers['x-concord-signature'] as string)).toBe(true);
      expect(Object.keys(r.json)).toEqual(['opportunityId', 'accountId', 'amount', 'closeDate', 'currency', 'idempotencyKey']);
      expect(r.json).toMatchObject({ accountId, closeDate: '2026-12-15', currency: 'EUR', idempotencyKey: `sf:${ORG_ID}:opp:${String(r.json.opportunityId)}:closedwon` });
    }
    // The job reads the opportunity when it runs: col1's amount is the edited one, written as the currency field's decimals.
    expect(received.find((r) => r.json.opportunityId === col1)!.body).toContain('"amount":5000.00,');
  });

  it('retries timeouts, 5xx and 404 (a broker that does not serve the route yet) with backoff, not a permanent refusal', async () => {
    await install({ maxAttempts: 5 });
    script = [503, 404, 'hang'];
    const [retried] = await openOpps(1, 'Retry');
    await win([retried!]);
    await flush();
    expect(received.map((r) => r.json.opportunityId)).toEqual([retried, retried, retried, retried]);
    expect(new Set(received.map((r) => r.headers['x-concord-timestamp'])).size).toBe(4);
    const view = (await (await admin('/salesforce/package?tenant=demo', undefined, 'GET')).json()) as { config: Record<string, unknown>; callouts: { opportunityId: string; attempt: number; status: number | null; ok: boolean; error?: string }[] };
    expect(view.callouts.filter((c) => c.opportunityId === retried).map((c) => [c.attempt, c.status, c.ok])).toEqual([
      [1, 503, false],
      [2, 404, false],
      [3, null, false],
      [4, 202, true],
    ]);
    expect(JSON.stringify(view)).not.toContain(SECRET);

    received = [];
    script = [422];
    const [refused] = await openOpps(1, 'Refused');
    await win([refused!]);
    await flush();
    expect(received).toHaveLength(1);

    received = [];
    await install({ maxAttempts: 2 });
    script = [500, 500, 500];
    const [givenUp] = await openOpps(1, 'Give up');
    await win([givenUp!]);
    await flush();
    expect(received).toHaveLength(2);
  });

  it('skips an opportunity that is no longer won when the job runs', async () => {
    const [flip] = await openOpps(1, 'Flip');
    await win([flip!]);
    await conn.sobject('Opportunity').update({ Id: flip!, StageName: 'Negotiation/Review' });
    await flush();
    expect(received).toHaveLength(0);
    const view = (await (await admin('/salesforce/package?tenant=demo', undefined, 'GET')).json()) as { callouts: { opportunityId: string; skipped?: string }[] };
    expect(view.callouts.find((c) => c.opportunityId === flip)!.skipped).toMatch(/no longer won/);
  });

  it('sends a callout again later with the same idempotency key at salesforceCalloutDuplicateRate', async () => {
    await admin('/faults', { salesforce: { salesforceCalloutDuplicateRate: 1, seed: 3 } });
    const ids = await openOpps(6, 'Dup');
    await win(ids);
    await flush();
    expect(received).toHaveLength(12);
    const keys = received.map((r) => r.json.idempotencyKey as string);
    expect(new Set(keys).size).toBe(6);
    // The copies come after the originals.
    expect(new Set(keys.slice(0, 6)).size).toBe(6);
  });

  it('reorders callouts with salesforceCalloutReorder, repeatably with a seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      received = [];
      await admin('/faults', { salesforce: { salesforceCalloutReorder: true, seed } });
      const ids = await openOpps(12, `Reorder ${seed} ${Math.random()}`);
      await win(ids);
      await flush();
      return received.map((r) => ids.indexOf(r.json.opportunityId as string));
    };
    await install({ concurrency: 1 });
    const first = await run(21);
    expect([...first].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(first).not.toEqual([...Array(12).keys()]);
    expect(await run(21)).toEqual(first);
    expect(await run(22)).not.toEqual(first);
  });

  it('the sweep re-sends won opportunities the broker never acknowledged, and only those', async () => {
    script = [422, 422];
    const [lost, acknowledged] = await openOpps(2, 'Sweep');
    await win([lost!, acknowledged!]);
    await flush();
    expect(received).toHaveLength(2);
    // The broker's write-back is the acknowledgement.
    await conn.sobject('Opportunity').update({ Id: acknowledged!, Concord_Order_Status__c: 'created' });
    received = [];
    const swept = (await (await admin('/salesforce/package/sweep', { tenant: 'demo', lookbackDays: 1 })).json()) as { queued: string[] };
    expect(swept.queued).toContain(lost);
    expect(swept.queued).not.toContain(acknowledged);
    await flush();
    expect(received.map((r) => r.json.opportunityId)).toContain(lost);
    expect(received.map((r) => r.json.opportunityId)).not.toContain(acknowledged);
  });

  it('refuses a bad installation with a 400 naming the field', async () => {
    const res = await admin('/salesforce/package', { tenant: 'demo', url: 'not a url', secret: 'short' }, 'PUT');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('invalid_package');
    expect(body.detail).toContain('url');
    expect(body.detail).toContain('secret');
  });
});
