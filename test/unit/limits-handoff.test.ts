/**
 * The isolate-local slot pool (worker/connectors/limits/handoff.ts): who waits here, who is sent
 * to the limiter object's line, and when a lease goes back to the object.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_HANDOFFS, SlotPool } from '../../worker/connectors/limits/handoff.js';

afterEach(() => vi.useRealTimers());

describe('SlotPool', () => {
  it('lets a caller wait here only while a slot held here is coming back to it', async () => {
    const pool = new SlotPool(30_000);
    expect(pool.wait(0, 1_000)).toBeNull(); // nothing held here: ask the object
    pool.adopt('a', 0);
    const first = pool.wait(0, 1_000);
    expect(first).not.toBeNull();
    expect(pool.wait(0, 1_000)).toBeNull(); // one slot held, one waiter already counting on it
    expect(pool.pass('a', 5, true)).toBe(true);
    expect((await first)?.leaseId).toBe('a');
    expect(pool.owns('a')).toBe(true);
  });

  it('gives a lease back after MAX_HANDOFFS handoffs, and sends the surplus waiter to the object', async () => {
    const pool = new SlotPool(30_000);
    pool.adopt('a', 0);
    for (let i = 0; i < MAX_HANDOFFS; i++) {
      const w = pool.wait(i, 1_000)!;
      expect(pool.pass('a', i, true)).toBe(true);
      expect((await w)?.leaseId).toBe('a');
    }
    const last = pool.wait(100, 1_000)!;
    expect(pool.pass('a', 100, true)).toBe(false);
    expect(await last).toBeNull();
    expect(pool.owns('a')).toBe(false);
  });

  it('never hands on a slot whose call was refused (429) or never answered', async () => {
    const pool = new SlotPool(30_000);
    pool.adopt('a', 0);
    pool.adopt('b', 0);
    const w1 = pool.wait(0, 1_000)!;
    const w2 = pool.wait(0, 1_000)!;
    expect(pool.pass('a', 1, false)).toBe(false);
    // One slot left here and two waiters: the one that came last asks the object.
    expect(await w2).toBeNull();
    expect(pool.pass('b', 2, true)).toBe(true);
    expect((await w1)?.leaseId).toBe('b');
  });

  it('a waiter whose slot never comes back asks the object after its wait; a silent holder is forgotten after the lease', async () => {
    vi.useFakeTimers();
    const pool = new SlotPool(30_000);
    pool.adopt('a', 0);
    const w = pool.wait(0, 2_000)!;
    vi.advanceTimersByTime(2_000);
    expect(await w).toBeNull();
    expect(pool.wait(29_999, 2_000)).not.toBeNull();
    expect(pool.wait(30_000, 2_000)).toBeNull(); // the holder went silent past its lease
  });
});

describe('a slot handed on to a waiter whose caller is gone (issue 10)', () => {
  it('is not offered to a waiter past its own deadline, whose timer never fired (a cancelled request)', async () => {
    vi.useFakeTimers(); // timers never advanced: workerd runs no timer of a cancelled request
    const pool = new SlotPool(30_000);
    pool.adopt('a', 0);
    const gone = pool.wait(0, 2_000)!;
    // Its wait ended at 2,000 ms: the slot answered at 2,500 goes back to the object.
    expect(pool.pass('a', 2_500, true)).toBe(false);
    expect(pool.owns('a')).toBe(false);
    expect(await gone).toBeNull();
  });
});
