/**
 * The Vitally connector inside workerd against a private sandbox estate: cursor paging past
 * several pages, the 1,000/min sliding window (429 with RateLimit-* honoured), 5xx and timeouts
 * retried (an idempotent note write included), and refusals that retrying cannot fix reported
 * after one request. (test/worker/vitally-writes.test.ts covers trait merging and note upserts.)
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { VitallyCs } from '../../worker/connectors/vitally/index.js';
import { AccountSchema, NoteSchema } from '../../worker/connectors/vitally/schemas.js';
import { ConcordError } from '../../worker/errors.js';
import type { Connection } from '../../worker/storage/connections.js';
import { privateSandbox, recordingLog } from './sandbox-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    vitallyConnectorSandboxUrl: string;
  }
}

const V = inject('vitallyConnectorSandboxUrl');

const { post, counters, faults } = privateSandbox(V, 'vitally');

let apiKey = '';
async function connection(): Promise<Connection> {
  if (!apiKey) apiKey = ((await (await post('/__sandbox/tokens', { vendor: 'vitally', tenant: 'demo' })).json()) as { accessToken: string }).accessToken;
  return { tenantId: 'vitally-conn', system: 'vitally', baseUrl: `${V}/vitally`, externalAccount: null, status: 'connected', credentials: { type: 'api_key', apiKey } };
}

beforeEach(async () => {
  await faults({});
  await post('/__sandbox/limits', { reset: true });
});
afterEach(async () => {
  await faults({});
  await post('/__sandbox/clock', { offsetMs: 0 });
});

describe('cursor paging', () => {
  it('follows `next` past several pages and returns every account once', async () => {
    const cs = new VitallyCs(await connection(), { correlationId: 'vitally-paging', log: recordingLog() });
    const { vitallyAccounts } = ((await (await fetch(`${V}/__sandbox/health`)).json()) as { tenants: { demo: { vitallyAccounts: number } } }).tenants.demo;
    const ids: string[] = [];
    let pages = 0;
    for await (const page of cs.client.pages('accounts.list', '/resources/accounts', AccountSchema, 25)) ((pages += 1), ids.push(...page.map((a) => a.id)));
    expect(pages).toBe(Math.ceil(vitallyAccounts / 25));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(vitallyAccounts);
    expect((await counters()).requests).toBe(pages);
    // The port's own paging (100 per page) sees the same accounts.
    const viaPort: string[] = [];
    for await (const page of cs.accounts()) viaPort.push(...page.map((r) => r.externalId));
    expect(viaPort.sort()).toEqual([...ids].sort());
  });
});

describe('the 1,000/min window', () => {
  it('a 429 is retried after exactly the RateLimit-Reset the vendor sent', async () => {
    const log = recordingLog();
    const cs = new VitallyCs(await connection(), { correlationId: 'vitally-429', log });
    const accounts = (await cs.client.pages('accounts.list', '/resources/accounts', AccountSchema, 6).next()).value!;
    await post('/__sandbox/limits', { reset: true });
    // Vitally's 429 in the sandbox's shape: RateLimit-Remaining 0, RateLimit-Reset 1 (seconds).
    await faults({ vitally: { rateLimitRate: 0.5, seed: 3 } });
    const started = Date.now();
    for (const a of accounts) expect((await cs.client.account(a.id)).id).toBe(a.id);
    const waited = Date.now() - started;
    const retries = log.events.filter((ev) => ev.msg === 'upstream.retry' && ev.fields?.['kind'] === 'rate_limited');
    const c = await counters();
    expect(c.rateLimited).toBeGreaterThan(0);
    expect(retries).toHaveLength(c.rateLimited);
    for (const r of retries) expect(r.fields?.['delayMs']).toBe(1000);
    expect(waited).toBeGreaterThanOrEqual(1000 * retries.length - 50);
    expect(c.requests).toBe(accounts.length + c.rateLimited);
  });

  it('a full sliding window answers 429 with RateLimit-* and the connector still completes its read', async () => {
    const auth = { authorization: `Basic ${btoa(`${apiKey}:`)}` };
    // Fill the tenant's window from outside the connector (another integration using the key).
    let refused: Response | undefined;
    // Until the first 429: the bucket refills one request per 60 ms, so on a busy machine where a
    // round of 100 takes seconds, a fixed number of rounds may never empty it.
    for (let round = 0; round < 60 && !refused; round++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(`${V}/vitally/resources/accounts?limit=1`, { headers: auth })));
      for (const a of answers) await a.body?.cancel();
      refused = answers.find((a) => a.status === 429);
    }
    // Vitally's documented header forms: the quota with its window, and seconds until the
    // earliest request of the sliding window leaves it.
    expect(refused?.headers.get('ratelimit-limit')).toBe('1000, 1000;window=60');
    expect(refused?.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused?.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    // 59 s later on the sandbox clock the burst is about to leave the window: the connector's read
    // either meets a 429 and waits the RateLimit-Reset it is given, or finds room; either way it completes.
    await post('/__sandbox/clock', { offsetMs: 59_000 });
    const cs = new VitallyCs(await connection(), { correlationId: 'vitally-bucket', log: recordingLog() });
    const page = await cs.client.pages('accounts.list', '/resources/accounts', AccountSchema, 10).next();
    expect(page.value).toHaveLength(10);
    // Empty the window (two minutes later on the sandbox clock) so later tests start with room.
    await post('/__sandbox/clock', { offsetMs: 120_000 });
    await (await fetch(`${V}/vitally/resources/accounts?limit=1`, { headers: auth })).body?.cancel();
  });
});

describe('retries', () => {
  it('5xx answers are retried for reads and for the note upsert, which still makes one note', async () => {
    const cs = new VitallyCs(await connection(), { correlationId: 'vitally-5xx', log: recordingLog() });
    const accounts = (await cs.client.pages('accounts.list', '/resources/accounts', AccountSchema, 5).next()).value!;
    await post('/__sandbox/limits', { reset: true });
    await faults({ vitally: { errorRate: 0.4, seed: 3 } });
    for (const a of accounts) expect((await cs.client.account(a.id)).id).toBe(a.id);
    const key = `concord-note-${crypto.randomUUID()}`;
    const first = await cs.addNote(accounts[0]!.id, { subject: 'Renewal', body: 'Open invoices reviewed', idempotencyKey: key });
    const again = await cs.addNote(accounts[0]!.id, { subject: 'Renewal', body: 'Open invoices reviewed', idempotencyKey: key });
    expect(again.id).toBe(first.id);
    const c = await counters();
    expect(c.serverErrors).toBeGreaterThan(0);
    expect(c.requests).toBe(accounts.length + 2 + c.serverErrors + c.rateLimited);
    await faults({});
    const notes = await cs.client.all('notes.list', `/resources/accounts/${accounts[0]!.id}/notes`, NoteSchema);
    expect(notes.filter((n) => n.externalId === key)).toHaveLength(1);
  });

  it('a request that times out is abandoned and sent again', async () => {
    const log = recordingLog();
    const cs = new VitallyCs(await connection(), { correlationId: 'vitally-timeout', log }, { timeoutMs: 300 });
    const accounts = (await cs.client.pages('accounts.list', '/resources/accounts', AccountSchema, 5).next()).value!;
    await faults({ vitally: { timeoutRate: 0.35, hangMs: 5_000, seed: 5 } });
    for (const a of accounts) expect((await cs.client.account(a.id)).id).toBe(a.id);
    const timeouts = log.events.filter((ev) => ev.msg === 'upstream.failed' && ev.fields?.['reason'] === 'timeout');
    expect(timeouts.length).toBeGreaterThan(0);
    expect(log.events.filter((ev) => ev.msg === 'upstream.retry' && ev.fields?.['kind'] === 'timeout')).toHaveLength(timeouts.length);
  });
});

describe('refusals are reported after one request', () => {
  it('a 400 (limit above 100) is upstream_validation with the vendor message; a 404 is not_found', async () => {
    const cs = new VitallyCs(await connection(), { correlationId: 'vitally-400', log: recordingLog() });
    const bad = await cs.client.pages('accounts.list', '/resources/accounts', AccountSchema, 101).next().catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(ConcordError);
    expect((bad as ConcordError).error).toMatchObject({ kind: 'upstream_validation', system: 'vitally', detail: expect.stringContaining('limit must be an integer from 1 to 100') });
    expect((await counters()).requests).toBe(1);
    const missing = await cs.client.account('no-such-account').catch((x: unknown) => x);
    expect((missing as ConcordError).error).toMatchObject({ kind: 'not_found' });
    expect((await counters()).requests).toBe(2);
  });
});
