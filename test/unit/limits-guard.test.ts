/**
 * One guarded call: which failures are retried, refreshed or reported, with which waits, and how
 * gates reserve permits and give up. Sleeps are recorded, not slept.
 */
import { describe, expect, it } from 'vitest';
import { ConcordError, type DomainError } from '../../worker/errors.js';
import { fullJitter } from '../../worker/connectors/limits/backoff.js';
import { localGate } from '../../worker/connectors/limits/gate.js';
import { guarded, type AttemptResult } from '../../worker/connectors/limits/guard.js';
import { readLimitHeaders } from '../../worker/connectors/limits/headers.js';
import { policyFor } from '../../worker/connectors/limits/policy.js';
import { classify } from '../../worker/connectors/http.js';
import type { Logger } from '../../worker/ops/log.js';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, with: () => log };

/** A scripted upstream: answers in order, recording how many attempts were made. */
function scripted(answers: (DomainError | 'ok')[]) {
  let calls = 0;
  const attempt = async (): Promise<AttemptResult<string>> => {
    const a = answers[Math.min(calls++, answers.length - 1)]!;
    return a === 'ok' ? { ok: true, value: 'done', status: 200, headers: {} } : { ok: false, error: a, status: 500, headers: {} };
  };
  return { attempt, calls: () => calls };
}

async function kindOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConcordError) return e.error;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('guarded calls', () => {
  const sleeps: number[] = [];
  const deps = { log, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.999 };

  it('retries 5xx and timeouts with growing full-jitter waits, then succeeds', async () => {
    sleeps.length = 0;
    const up = scripted([{ kind: 'upstream', system: 'netsuite', status: 503, detail: '' }, { kind: 'timeout', system: 'netsuite', afterMs: 10 }, { kind: 'upstream', system: 'netsuite', status: 502, detail: '' }, 'ok']);
    await expect(guarded({ system: 'netsuite', op: 'q' }, deps, up.attempt)).resolves.toBe('done');
    expect(up.calls()).toBe(4);
    // Per-kind attempt counters: 503 (1st upstream) < 250 ms, timeout 1st < 250, 502 (2nd upstream) < 500.
    expect(sleeps).toHaveLength(3);
    expect(sleeps[2]!).toBeGreaterThan(sleeps[0]!);
    expect(sleeps.every((ms) => ms < 500)).toBe(true);
  });

  it('gives up after the attempt budget and reports the last failure', async () => {
    const up = scripted([{ kind: 'upstream', system: 'vitally', status: 500, detail: 'boom' }]);
    expect(await kindOf(guarded({ system: 'vitally', op: 'q', maxAttempts: 3 }, deps, up.attempt))).toMatchObject({ kind: 'upstream', status: 500 });
    expect(up.calls()).toBe(3);
  });

  it('reports validation errors at once, without retrying', async () => {
    const up = scripted([{ kind: 'upstream_validation', system: 'hubspot', detail: 'VALIDATION_ERROR: bad property' }]);
    expect(await kindOf(guarded({ system: 'hubspot', op: 'q' }, deps, up.attempt))).toMatchObject({ kind: 'upstream_validation' });
    expect(up.calls()).toBe(1);
  });

  it('refreshes once on 401 and retries; a second 401 stops', async () => {
    let refreshed = 0;
    const refresh = async () => ((refreshed += 1), true);
    const once = scripted([{ kind: 'auth_expired', system: 'hubspot' }, 'ok']);
    await expect(guarded({ system: 'hubspot', op: 'q' }, { ...deps, refresh }, once.attempt)).resolves.toBe('done');
    expect(refreshed).toBe(1);
    const twice = scripted([{ kind: 'auth_expired', system: 'hubspot' }]);
    expect(await kindOf(guarded({ system: 'hubspot', op: 'q' }, { ...deps, refresh }, twice.attempt))).toMatchObject({ kind: 'auth_expired' });
    expect(twice.calls()).toBe(2);
    expect(refreshed).toBe(2);
  });

  it('stops on 401 when no refresh hook is wired (no-op default)', async () => {
    const up = scripted([{ kind: 'auth_expired', system: 'netsuite' }, 'ok']);
    expect(await kindOf(guarded({ system: 'netsuite', op: 'q' }, deps, up.attempt))).toMatchObject({ kind: 'auth_expired' });
    expect(up.calls()).toBe(1);
  });

  it("waits the vendor's Retry-After on a 429, and does not sleep through a wait longer than allowed", async () => {
    sleeps.length = 0;
    const up = scripted([{ kind: 'rate_limited', system: 'vitally', retryAfterMs: 1500 }, 'ok']);
    await expect(guarded({ system: 'vitally', op: 'q' }, deps, up.attempt)).resolves.toBe('done');
    expect(sleeps).toEqual([1500]);
    const long = scripted([{ kind: 'rate_limited', system: 'salesforce', retryAfterMs: 3 * 3600_000 }, 'ok']);
    expect(await kindOf(guarded({ system: 'salesforce', op: 'q' }, deps, long.attempt))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3 * 3600_000 });
    expect(long.calls()).toBe(1);
  });

  it('never repeats a non-idempotent write after a timeout, but does after a 429', async () => {
    const timeout = scripted([{ kind: 'timeout', system: 'netsuite', afterMs: 10 }, 'ok']);
    expect(await kindOf(guarded({ system: 'netsuite', op: 'create', idempotent: false }, deps, timeout.attempt))).toMatchObject({ kind: 'timeout' });
    expect(timeout.calls()).toBe(1);
    const limited = scripted([{ kind: 'rate_limited', system: 'netsuite', retryAfterMs: null }, 'ok']);
    await expect(guarded({ system: 'netsuite', op: 'create', idempotent: false }, deps, limited.attempt)).resolves.toBe('done');
  });

  it('full jitter stays within [0, min(cap, base x 2^n))', () => {
    expect(fullJitter(0, 250, 10_000, () => 0)).toBe(0);
    expect(fullJitter(3, 250, 10_000, () => 0.999)).toBe(1998);
    expect(fullJitter(10, 250, 10_000, () => 0.999)).toBe(9990);
  });
});

describe('gates', () => {
  it('reserve permits in batches when the policy asks: 25 calls at 10 per reservation cost 3 round trips', async () => {
    const policy = policyFor('vitally');
    if (policy.kind !== 'window') throw new Error('vitally has a window policy');
    const { gate, limiter } = localGate({ ...policy, reserve: 10, reserveTtlMs: 1000 }, { system: 'vitally' });
    let trips = 0;
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async (req) => ((trips += 1), acquire(req));
    for (let i = 0; i < 25; i++) await gate.acquire();
    expect(trips).toBe(3);
  });

  it('take Vitally permits one at a time by default, so none sit reserved and unused in the window', async () => {
    const { gate, limiter } = localGate(policyFor('vitally'), { system: 'vitally' });
    let trips = 0;
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async (req) => ((trips += 1), acquire(req));
    for (let i = 0; i < 25; i++) await gate.acquire();
    expect(trips).toBe(25);
  });

  it('give up with rate_limited and the wait when it exceeds the caller’s patience', async () => {
    const { gate } = localGate(policyFor('netsuite', { netsuiteSlots: 1 }), { system: 'netsuite', maxWaitMs: 50, sleep: async () => {} });
    await gate.acquire(); // held, never settled
    const err = await kindOf(gate.acquire());
    expect(err).toMatchObject({ kind: 'rate_limited', system: 'netsuite' });
  });
});

describe('classification of vendor answers', () => {
  it('maps each vendor failure to one kind', () => {
    expect(classify('hubspot', 429, new Headers(), '')).toEqual({ kind: 'rate_limited', system: 'hubspot', retryAfterMs: null });
    expect(classify('vitally', 429, new Headers({ 'RateLimit-Reset': '7' }), '')).toMatchObject({ retryAfterMs: 7000 });
    expect(classify('salesforce', 403, new Headers({ 'Sforce-Limit-Info': 'api-usage=15000/15000' }), 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.')).toMatchObject({ kind: 'rate_limited' });
    expect(classify('salesforce', 403, new Headers(), 'INSUFFICIENT_ACCESS: no')).toMatchObject({ kind: 'upstream_validation' });
    expect(classify('netsuite', 401, new Headers(), '')).toEqual({ kind: 'auth_expired', system: 'netsuite' });
    expect(classify('netsuite', 404, new Headers(), '')).toMatchObject({ kind: 'not_found' });
    expect(classify('hubspot', 409, new Headers(), 'exists')).toMatchObject({ kind: 'conflict' });
    expect(classify('hubspot', 502, new Headers(), '')).toMatchObject({ kind: 'upstream', status: 502 });
  });

  it('reads the limit headers of each vendor', () => {
    expect(readLimitHeaders('hubspot', 200, { 'X-HubSpot-RateLimit-Remaining': '42', 'X-HubSpot-RateLimit-Max': '110', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' })).toMatchObject({ remaining: 42, max: 110, intervalMs: 10_000 });
    expect(readLimitHeaders('salesforce', 200, new Headers({ 'Sforce-Limit-Info': 'api-usage=12/15000' }))).toMatchObject({ dailyUsed: 12, dailyMax: 15_000 });
    expect(readLimitHeaders('vitally', 200, new Headers({ 'RateLimit-Limit': '1000', 'RateLimit-Remaining': '998' }))).toMatchObject({ remaining: 998, max: 1000 });
    // Vitally's documented form carries the window: "RateLimit-Limit: 1000, 1000;window=60".
    expect(readLimitHeaders('vitally', 200, new Headers({ 'RateLimit-Limit': '1000, 1000;window=60', 'RateLimit-Remaining': '7' }))).toMatchObject({ remaining: 7, max: 1000, intervalMs: 60_000 });
    expect(readLimitHeaders('vitally', 200, new Headers({ 'RateLimit-Limit': '500, 500;window=30', 'RateLimit-Remaining': '7' }))).toMatchObject({ max: 500, intervalMs: 30_000 });
    // RateLimit-Reset: when the oldest counted call leaves the window (a fresh limiter spreads the vendor's count up to it).
    expect(readLimitHeaders('vitally', 200, new Headers({ 'RateLimit-Limit': '1000, 1000;window=60', 'RateLimit-Remaining': '7', 'RateLimit-Reset': '3' }))).toMatchObject({ remaining: 7, oldestLeavesInMs: 3_000 });
    expect(readLimitHeaders('netsuite', 429, new Headers({ 'Retry-After': '2' }))).toMatchObject({ retryAfterMs: 2000 });
  });
});
