/**
 * DurableLimiter's handoffs inside one isolate (worker/connectors/limits/durable.ts, handoff.ts)
 * against a stand-in for the `RateLimiter` object: a slot handed to a waiter that never takes it
 * (its request was cancelled) goes on to the next waiter or back to the object.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Observation } from '../../worker/connectors/limits/core.js';
import { DurableLimiter } from '../../worker/connectors/limits/durable.js';
import { SlotPool } from '../../worker/connectors/limits/handoff.js';

/** A stand-in for the `RateLimiter` object's stub: grants the leases given, records every report. */
function fakeObject(leases: string[]) {
  const observed: Observation[] = [];
  const stub = {
    acquire: vi.fn(async () => ({ ok: true as const, permits: 1, leaseId: leases.shift()! })),
    observe: vi.fn(async (_key: unknown, o: Observation) => {
      observed.push(o);
    }),
  };
  return { stub, observed };
}

describe('DurableLimiter: a slot handed on to a waiter whose caller is gone (issue 10)', () => {
  it('goes back to the object when the waiter never takes it, instead of staying leased for leaseMs', async () => {
    const pool = new SlotPool(30_000);
    const { stub, observed } = fakeObject(['l1']);
    const limiter = new DurableLimiter(stub as never, { system: 'netsuite' }, pool);
    const grant = await limiter.acquire({ waitUpToMs: 5_000 });
    expect(grant).toMatchObject({ ok: true, leaseId: 'l1' });
    // A caller of this isolate waits for the slot, then its request is cancelled: it never takes it.
    const gone = pool.wait(Date.now(), 2_000)!;
    await limiter.observe({ status: 200, leaseId: 'l1', heldMs: 300, callMs: 290 });
    expect((await gone)?.leaseId).toBe('l1');
    expect(observed.map((o) => ({ leaseId: o.leaseId, renewLeaseId: o.renewLeaseId, calls: o.calls }))).toEqual([
      { leaseId: undefined, renewLeaseId: 'l1', calls: undefined }, // the call's report, handing it on
      { leaseId: 'l1', renewLeaseId: undefined, calls: 0 }, // untaken: given back, no call counted
    ]);
    expect(pool.owns('l1')).toBe(false);
  });

  it('a waiter that is alive takes it and calls on it; the object only renews', async () => {
    const pool = new SlotPool(30_000);
    const { stub, observed } = fakeObject(['l1']);
    const limiter = new DurableLimiter(stub as never, { system: 'netsuite' }, pool);
    await limiter.acquire({ waitUpToMs: 5_000 });
    const next = limiter.acquire({ waitUpToMs: 5_000 });
    await limiter.observe({ status: 200, leaseId: 'l1', heldMs: 300, callMs: 290 });
    expect(await next).toEqual({ ok: true, permits: 1, leaseId: 'l1' });
    expect(stub.acquire).toHaveBeenCalledTimes(1);
    expect(observed.filter((o) => o.leaseId === 'l1')).toEqual([]);
    expect(pool.owns('l1')).toBe(true);
    // A waiter that took its offer too late (handed on meanwhile) does not call on it.
    expect(pool.take({ leaseId: 'l1', waiter: {} })).toBe(false);
  });
});
