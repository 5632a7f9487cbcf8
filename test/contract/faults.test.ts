/**
 * The sandbox behaves like the vendors under limits and faults: each vendor's own "slow down",
 * 5xx and expired-token answers (bodies and headers), NetSuite's concurrency pool, Vitally's
 * bucket headers, hanging requests, `{}` clearing every knob, and seeded, repeatable fault draws.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../../sandbox/core/tokens.js';
import { resetLimitSandbox, startLimitSandbox, type LimitSandbox } from './limits-support.js';

let sb: LimitSandbox;
beforeAll(async () => {
  sb = await startLimitSandbox();
});
afterAll(() => sb.listener.close());
beforeEach(() => resetLimitSandbox(sb));

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const suiteql = (token: string, q = 'SELECT id FROM customer ORDER BY id') =>
  fetch(`${sb.url}/netsuite/services/rest/query/v1/suiteql?limit=5&offset=0`, {
    method: 'POST',
    headers: { ...auth(token), 'content-type': 'application/json', prefer: 'transient' },
    body: JSON.stringify({ q }),
  });

describe('vendor-shaped answers to injected faults', () => {
  it('HubSpot: 429 TEN_SECONDLY_ROLLING with the rate-limit headers, and a 5xx envelope', async () => {
    const token = await sb.token('hubspot');
    await sb.faults({ hubspot: { rateLimitRate: 1 } });
    const res = await fetch(`${sb.url}/hubspot/crm/v3/objects/companies?limit=1`, { headers: auth(token) });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(typeof body.correlationId).toBe('string');
    expect(typeof body.requestId).toBe('string');
    await sb.faults({ hubspot: { errorRate: 1 } });
    const err = await fetch(`${sb.url}/hubspot/crm/v3/objects/companies?limit=1`, { headers: auth(token) });
    expect(err.status).toBeGreaterThanOrEqual(500);
    expect(await err.json()).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
    expect(await sb.counters('hubspot')).toMatchObject({ requests: 2, rateLimited: 1, serverErrors: 1 });
  });

  it('Salesforce: 403 REQUEST_LIMIT_EXCEEDED as an error array, with the org usage in Sforce-Limit-Info', async () => {
    const token = await sb.token('salesforce');
    const before = await fetch(`${sb.url}/salesforce/services/data/v62.0/limits`, { headers: auth(token) });
    const used = /api-usage=(\d+)\/15000/.exec(before.headers.get('sforce-limit-info') ?? '');
    expect(used).not.toBeNull();
    await sb.faults({ salesforce: { rateLimitRate: 1 } });
    const res = await fetch(`${sb.url}/salesforce/services/data/v62.0/limits`, { headers: auth(token) });
    expect(res.status).toBe(403);
    // A refused request is not counted against the allocation; the header still reports it.
    expect(res.headers.get('sforce-limit-info')).toBe(`api-usage=${used![1]}/15000`);
    expect(await res.json()).toEqual([{ message: expect.any(String), errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
  });

  it('NetSuite: 429 CONCURRENCY_LIMIT_EXCEEDED in o:errorDetails, without Retry-After', async () => {
    const token = await sb.token('netsuite');
    await sb.faults({ netsuite: { rateLimitRate: 1 } });
    const res = await suiteql(token);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toMatchObject({ status: 429, 'o:errorDetails': [{ 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }] });
  });

  it('`{}` clears every knob', async () => {
    const token = await sb.token('netsuite');
    await sb.faults({ netsuite: { errorRate: 1 } });
    expect((await suiteql(token)).status).toBe(500);
    await sb.faults({});
    expect((await suiteql(token)).status).toBe(200);
    expect(await (await fetch(`${sb.url}/__sandbox/faults`)).json()).toEqual({});
  });

  it('rejects unknown knobs and out-of-range values with a problem', async () => {
    const res = await sb.post('/__sandbox/faults', { hubspot: { errorRat: 0.5 } });
    expect(res.status).toBe(400);
    expect((await sb.post('/__sandbox/faults', { netsuite: { errorRate: 2 } })).status).toBe(400);
    expect((await sb.post('/__sandbox/clock', { offsetMs: 'soon' })).status).toBe(400);
  });

  it('with a seed, the same request sequence meets the same faults', async () => {
    const token = await sb.token('netsuite');
    const run = async () => {
      await sb.faults({ netsuite: { errorRate: 0.3, rateLimitRate: 0.3, seed: 42 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await suiteql(token)).status);
      return statuses;
    };
    const first = await run();
    expect(new Set(first).size).toBeGreaterThan(1); // a mix of 200, 429 and 500
    expect(await run()).toEqual(first);
  });

  it('a timeout fault hangs until the client gives up (bounded by hangMs)', async () => {
    const token = await sb.token('netsuite');
    await sb.faults({ netsuite: { timeoutRate: 1, hangMs: 5000 } });
    const started = Date.now();
    await expect(fetch(`${sb.url}/netsuite/services/rest/record/v1/customer/1`, { headers: auth(token), signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    await sb.faults({ netsuite: { timeoutRate: 1, hangMs: 200 } });
    expect((await fetch(`${sb.url}/netsuite/services/rest/record/v1/customer/1`, { headers: auth(token) })).status).toBe(504);
  });
});

describe('vendor limits enforced by the sandbox', () => {
  it('NetSuite answers 429 to the request beyond the account’s concurrency pool', async () => {
    const token = await sb.token('netsuite');
    await sb.post('/__sandbox/limits', { netsuiteConcurrency: 2 });
    await sb.faults({ netsuite: { latencyMs: 300 } });
    const statuses = await Promise.all(Array.from({ length: 4 }, () => suiteql(token).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const seen = await sb.counters('netsuite');
    expect(seen).toMatchObject({ rateLimited: 2, maxInFlight: 2 });
    // The two answered requests each held a slot through their 300 ms; the refused ones none.
    expect(seen.slotMs).toBeGreaterThanOrEqual(2 * 290);
    expect(seen.slotMs).toBeLessThan(2 * 300 + 1_000);
  });

  it('Vitally reports its 1,000/min window in RateLimit-* headers', async () => {
    const token = await sb.token('vitally');
    const res = await fetch(`${sb.url}/vitally/resources/accounts?limit=1`, { headers: { authorization: `Basic ${Buffer.from(`${token}:`).toString('base64')}` } });
    expect(res.headers.get('ratelimit-limit')).toBe('1000, 1000;window=60');
    expect(Number(res.headers.get('ratelimit-remaining'))).toBe(999);
    expect(res.headers.get('ratelimit-reset')).toBe('60');
  });

  it('HubSpot answers its own 429 past 110 requests in 10 s', async () => {
    const token = await sb.token('hubspot', 'other');
    const statuses = await Promise.all(Array.from({ length: 115 }, () => fetch(`${sb.url}/hubspot/crm/v3/objects/companies?limit=1`, { headers: auth(token) }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(await sb.counters('hubspot', 'other')).toMatchObject({ requests: 115, rateLimited: 5 });
  });
});

describe('token lifetimes', () => {
  it('HubSpot refuses a token 30 minutes after issue with EXPIRED_AUTHENTICATION', async () => {
    const old = issueToken('hubspot', 'demo', 'access', Date.now() - 31 * 60_000);
    const res = await fetch(`${sb.url}/hubspot/crm/v3/objects/companies?limit=1`, { headers: auth(old) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });
    const fresh = issueToken('hubspot', 'demo', 'access', Date.now() - 29 * 60_000);
    expect((await fetch(`${sb.url}/hubspot/crm/v3/objects/companies?limit=1`, { headers: auth(fresh) })).status).toBe(200);
  });

  it('NetSuite tokens expire after an hour on the sandbox clock', async () => {
    const token = await sb.token('netsuite');
    expect((await suiteql(token)).status).toBe(200);
    const clock = await sb.post('/__sandbox/clock', { offsetMs: 61 * 60_000 });
    expect(await clock.json()).toMatchObject({ offsetMs: 61 * 60_000 });
    const res = await suiteql(token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ 'o:errorDetails': [{ 'o:errorCode': 'INVALID_LOGIN' }] });
    expect(await sb.counters('netsuite')).toMatchObject({ expired: 1 });
  });
});
