/**
 * The limiter's decisions with a fake clock: HubSpot's rolling window and search bucket, learning
 * from the vendor's headers and 429s, Salesforce's daily allocation, NetSuite's slot leases.
 */
import { describe, expect, it } from 'vitest';
import { LimiterCore, msToNextUtcMidnight } from '../../worker/connectors/limits/core.js';
import { policyFor } from '../../worker/connectors/limits/policy.js';

/**
 * Take `n` permits one by one, advancing the fake clock by each wait; each call is answered
 * `latencyMs` after its grant. Returns grant times.
 */
function drain(core: LimiterCore, n: number, start = 0, bucket?: string, latencyMs = 0): number[] {
  const times: number[] = [];
  let now = start;
  while (times.length < n) {
    const g = core.acquire(bucket ? { bucket } : {}, now);
    if (g.ok) {
      times.push(now);
      core.observe({ status: 200, ...(g.leaseId ? { leaseId: g.leaseId } : {}) }, now + latencyMs);
    } else now += g.waitMs;
  }
  return times;
}

/** Most grants inside any window of `intervalMs`. */
function busiestWindow(times: number[], intervalMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= intervalMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('HubSpot window (110 / 10 s rolling, search 5 / s)', () => {
  it('never grants more than the limit in any 10 s, and paces at ~98 % of it', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    const times = drain(core, 500);
    expect(busiestWindow(times, 10_000)).toBeLessThanOrEqual(110);
    const ratePerSec = (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
    expect(ratePerSec).toBeGreaterThan(10.45); // 95 % of 11/s
    expect(ratePerSec).toBeLessThanOrEqual(11);
  });

  it('counts a call until 10 s after its answer, so slow answers cannot squeeze the vendor window', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    // Every call takes 2 s to answer: the vendor may count it as late as 2 s after our grant.
    const times = drain(core, 300, 0, undefined, 2000);
    for (let i = 108; i < times.length; i++) expect(times[i]! - times[i - 108]!).toBeGreaterThanOrEqual(12_000);
  });

  it('lets a short burst through at once (a card reading in parallel is not serialised)', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    const granted = Array.from({ length: 10 }, () => core.acquire({}, 0)).filter((g) => g.ok).length;
    expect(granted).toBe(10);
    expect(core.acquire({}, 0)).toMatchObject({ ok: false });
  });

  it('keeps search calls to 5 per second on top of the main window', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    const times = drain(core, 30, 0, 'search');
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(5);
  });

  it('slows down when the vendor says someone else used the window', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    core.observe({ status: 200, remaining: 3, max: 110, intervalMs: 10_000 }, 0);
    const times = drain(core, 10, 0);
    // Only the 1 permit below our 108 cap is left in this window; the rest wait for it to roll.
    expect(times.filter((t) => t < 10_000).length).toBeLessThanOrEqual(1);
    expect(core.snapshot(0)).toMatchObject({ remaining: 3, max: 110, calls: 11 });
  });

  it('after a 429 without Retry-After waits out the whole window', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    core.observe({ status: 429, rateLimited: true, retryAfterMs: null }, 1000);
    const g = core.acquire({}, 1000);
    expect(g.ok).toBe(false);
    if (!g.ok) expect(g.waitMs).toBeGreaterThanOrEqual(9_900);
    expect(core.snapshot(1000).rateLimited).toBe(1);
  });

  it('after a search 429 (SECONDLY) waits a second, not the 10 s window', () => {
    const core = new LimiterCore(policyFor('hubspot'));
    core.observe({ status: 429, rateLimited: true, retryAfterMs: null, bucket: 'search', remaining: 90, max: 110 }, 0);
    const search = core.acquire({ bucket: 'search' }, 0);
    expect(search.ok).toBe(false);
    if (!search.ok) expect(search.waitMs).toBeLessThanOrEqual(1000);
    expect(core.acquire({}, 0).ok).toBe(true); // other calls go on
  });

  it("Vitally's 429 with RateLimit-Reset waits the reset, not a whole minute for \"0 remaining\"", () => {
    const core = new LimiterCore(policyFor('vitally'));
    core.observe({ status: 429, rateLimited: true, retryAfterMs: 1000, remaining: 0, max: 1000, intervalMs: 60_000 }, 0);
    expect(core.acquire({}, 500)).toMatchObject({ ok: false, waitMs: 500 });
    expect(core.acquire({}, 1000)).toMatchObject({ ok: true });
  });

  it("a fresh object (after an eviction) learns Vitally's full window from its headers as calls leaving it one by one, not all a minute from now", () => {
    const now = 600_000;
    // The vendor counts 1,000 calls in its minute, its oldest leaving in 1 s (RateLimit-Reset: 1).
    const spread = new LimiterCore(policyFor('vitally'));
    spread.observe({ status: 200, remaining: 0, max: 1000, intervalMs: 60_000, oldestLeavesInMs: 1000 }, now);
    const g = spread.acquire({}, now);
    expect(g.ok).toBe(false);
    // The 10 kept back and the first places free within a few seconds, as the vendor's calls leave.
    expect(!g.ok && g.waitMs).toBeLessThan(3_000);
    let granted = 0;
    for (let t = now; t <= now + 30_000; t += 10) {
      const r = spread.acquire({}, t);
      if (!r.ok) continue;
      granted++;
      spread.observe({ status: 200, ...(r.leaseId ? { leaseId: r.leaseId } : {}) }, t);
    }
    // Half the minute later, about half the vendor's calls have left: hundreds of places, not none.
    expect(granted).toBeGreaterThan(400);
    expect(granted).toBeLessThanOrEqual(500);
    // Without the reset, the calls are counted as made now: a whole window to wait.
    const blind = new LimiterCore(policyFor('vitally'));
    blind.observe({ status: 200, remaining: 0, max: 1000, intervalMs: 60_000 }, now);
    const b = blind.acquire({}, now);
    expect(!b.ok && b.waitMs).toBeGreaterThan(59_000);
  });

  it('honours Retry-After when the vendor sends one', () => {
    const core = new LimiterCore(policyFor('vitally'));
    core.observe({ status: 429, rateLimited: true, retryAfterMs: 4000 }, 0);
    expect(core.acquire({}, 3999)).toMatchObject({ ok: false, waitMs: 1 });
    expect(core.acquire({}, 4000)).toMatchObject({ ok: true });
  });
});

describe('Salesforce daily allocation', () => {
  it('allows calls until it knows the allocation, then stops before the cap until midnight UTC', () => {
    const core = new LimiterCore(policyFor('salesforce'));
    const now = Date.UTC(2026, 10, 26, 20, 0, 0);
    expect(core.acquire({}, now).ok).toBe(true);
    core.observe({ status: 200, dailyUsed: 14_000, dailyMax: 15_000 }, now);
    expect(core.acquire({}, now).ok).toBe(true);
    core.observe({ status: 200, dailyUsed: 14_851, dailyMax: 15_000 }, now); // 149 left < 1 % (150)
    const g = core.acquire({}, now);
    expect(g).toEqual({ ok: false, exhausted: true, waitMs: 4 * 3600_000 });
    expect(core.snapshot(now)).toMatchObject({ remaining: 149, max: 15_000 });
  });

  it('computes the wait to the next UTC midnight', () => {
    expect(msToNextUtcMidnight(Date.UTC(2026, 0, 31, 23, 59, 0))).toBe(60_000);
  });
});

describe('NetSuite concurrency slots', () => {
  it('grants 5 slots, makes the 6th wait, and frees a slot on release', () => {
    const core = new LimiterCore(policyFor('netsuite'));
    const leases = Array.from({ length: 5 }, () => core.acquire({}, 0));
    expect(leases.every((g) => g.ok)).toBe(true);
    expect(core.acquire({}, 0)).toMatchObject({ ok: false });
    expect(core.snapshot(0).inFlight).toBe(5);
    const first = leases[0]!;
    core.observe({ status: 200, ...(first.ok && first.leaseId ? { leaseId: first.leaseId } : {}) }, 5);
    expect(core.acquire({}, 5)).toMatchObject({ ok: true });
  });

  it('reclaims a slot whose holder never released it once the lease ends', () => {
    const core = new LimiterCore(policyFor('netsuite', { netsuiteSlots: 1 }));
    expect(core.acquire({}, 0).ok).toBe(true); // this caller crashes
    expect(core.acquire({}, 1000).ok).toBe(false);
    expect(core.acquire({}, 30_000).ok).toBe(true);
  });

  it('accounts for slot time: the object\'s leases, what callers report holding and calling, held leases apart', () => {
    const policy = policyFor('netsuite', { netsuiteSlots: 3 });
    if (policy.kind !== 'concurrency') throw new Error('NetSuite is a concurrency limit');
    const core = new LimiterCore(policy);
    const leaseOf = (g: ReturnType<LimiterCore['acquire']>) => (g.ok && g.leaseId ? g.leaseId : expect.unreachable('granted with a lease'));
    expect(core.snapshot(0).slotUse).toBeUndefined();
    // A single call: granted at 0, the caller had it from 10, called for 250 ms, reported at 300.
    const a = leaseOf(core.acquire({}, 0));
    core.observe({ status: 200, leaseId: a, heldMs: 290, callMs: 250 }, 300);
    // A lease handed on once (renewed at 400), given back at 700: one lease of 700 ms, two calls.
    const b = leaseOf(core.acquire({}, 0));
    core.observe({ status: 200, renewLeaseId: b, heldMs: 380, callMs: 300 }, 400);
    core.observe({ status: 200, leaseId: b, heldMs: 290, callMs: 280 }, 700);
    // An account-view build holding two slots for 100 ms.
    const h = leaseOf(core.acquire({ permits: 2, hold: true }, 1000));
    core.observe({ status: 200, calls: 2, leaseId: h }, 1100);
    // A holder that never reports: its lease counts until it lapses.
    core.acquire({}, 2000);
    expect(core.snapshot(2000).slotUse).toMatchObject({ leases: 2, objectMs: 1000 });
    core.acquire({}, 2000 + policy.leaseMs + 1); // finds the lapsed lease
    expect(core.snapshot(40_000).slotUse).toEqual({
      leases: 3,
      objectMs: 1000 + policy.leaseMs,
      calls: 3,
      callerMs: 960,
      callMs: 830,
      heldLeases: 1,
      heldMs: 200,
    });
  });
});
