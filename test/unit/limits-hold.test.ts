/**
 * Held permits (LimitGate.hold / release): an account-view build takes the permits for all its
 * reads of one vendor in one limiter round trip and reports their answers in one more, instead of
 * two round trips per call; what it held and never used leaves the window.
 */
import { describe, expect, it } from 'vitest';
import { LimiterCore } from '../../worker/connectors/limits/core.js';
import { localGate } from '../../worker/connectors/limits/gate.js';
import { policyFor } from '../../worker/connectors/limits/policy.js';

/** A local gate whose limiter round trips are counted. */
function counted(system: 'netsuite' | 'vitally', slots?: number) {
  const { gate, limiter } = localGate(policyFor(system, slots ? { netsuiteSlots: slots } : {}), { system, sleep: async () => {} });
  const trips = { acquire: 0, observe: 0 };
  const acquire = limiter.acquire.bind(limiter);
  const observe = limiter.observe.bind(limiter);
  limiter.acquire = async (req) => ((trips.acquire += 1), acquire(req));
  limiter.observe = async (o) => ((trips.observe += 1), observe(o));
  return { gate, limiter, trips };
}

describe('held permits', () => {
  it('serve four Vitally calls from one limiter round trip and report them in one more', async () => {
    const { gate, limiter, trips } = counted('vitally');
    expect(await gate.hold!(4)).toBe(4);
    const permits = await Promise.all([gate.acquire(), gate.acquire(), gate.acquire(), gate.acquire()]);
    for (const p of permits) await p.settle({ status: 200 });
    await gate.release!();
    expect(trips).toEqual({ acquire: 1, observe: 1 });
    expect(limiter.snapshot().calls).toBe(4);
  });

  it('ask the limiter again for a call beyond what was held', async () => {
    const { gate, trips } = counted('vitally');
    await gate.hold!(2);
    for (let i = 0; i < 3; i++) await (await gate.acquire()).settle({ status: 200 });
    expect(trips.acquire).toBe(2);
  });

  it('give held Vitally permits that were never used back to the window', () => {
    const core = new LimiterCore(policyFor('vitally'));
    const before = core.acquire({ permits: 50, hold: true }, 0);
    if (!before.ok) throw new Error('granted');
    expect(before.permits).toBe(20); // at most 20 in one hold
    core.observe({ status: 0, calls: 0, unused: 20, leaseId: before.leaseId! }, 10);
    // The window is as if nothing was held: a burst of 500 is there again in full.
    let granted = 0;
    for (let i = 0; i < 600; i++) if (core.acquire({}, 20).ok) granted += 1;
    const fresh = new LimiterCore(policyFor('vitally'));
    let freshGranted = 0;
    for (let i = 0; i < 600; i++) if (fresh.acquire({}, 20).ok) freshGranted += 1;
    expect(granted).toBe(freshGranted);
  });

  it('hold NetSuite slots as one lease: one slot serves sequential calls, and the pool counts it until released', async () => {
    const { gate, limiter, trips } = counted('netsuite', 2);
    expect(await gate.hold!(1)).toBe(1);
    for (let i = 0; i < 3; i++) await (await gate.acquire()).settle({ status: 200 });
    expect(trips.acquire).toBe(1);
    expect(limiter.snapshot().inFlight).toBe(1);
    await gate.release!();
    expect(limiter.snapshot().inFlight).toBe(0);
    expect(limiter.snapshot().calls).toBe(3);
  });

  it('grant fewer slots than asked when the pool has fewer free', () => {
    const core = new LimiterCore(policyFor('netsuite', { netsuiteSlots: 3 }));
    const a = core.acquire({ permits: 2, hold: true }, 0);
    const b = core.acquire({ permits: 2, hold: true }, 0);
    expect(a.ok && a.permits).toBe(2);
    expect(b.ok && b.permits).toBe(1);
    expect(core.acquire({}, 0).ok).toBe(false);
  });
});
