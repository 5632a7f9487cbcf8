/**
 * Issue 13: the card bench classes each answer by its own `Server-Timing` (bench/lib/timing.ts),
 * so its fresh controls count only fresh hits. The broker's `cache` entry carries a quoted `desc`
 * with a comma ("memory, fresh"), which splitting the header on commas broke apart. And the bench
 * runs the sandbox in a worker thread of its own (scripts/sandbox-thread.ts).
 */
import { describe, expect, it } from 'vitest';
import { startSandboxThread } from '../../scripts/sandbox-thread.js';
import { overlapping } from '../../bench/lib/stats.js';
import { parseServerTiming, servedAs, servedFrom, serverTimingDescs, TimingLog } from '../../bench/lib/timing.js';

// As worker/ops/trace.ts writes them.
const FRESH_MEMORY = 'auth;dur=0.0, cache;dur=0.0;desc="memory, fresh", total;dur=0.0';
const FRESH_KV = 'auth;dur=0.0, cache;dur=1.0;desc="kv, fresh", total;dur=1.0';
const STALE_KV = 'auth;dur=0.0, cache;dur=1.0;desc="kv, stale: revalidating in the background", total;dur=1.0';
const BUILT =
  'auth;dur=0.0, link;dur=1.0, cache;dur=0.0;desc="kv, miss", coordinator;dur=9.0, build;dur=8.0, permits-vitally;dur=1.0;desc="4 held", up-netsuite-suiteql;dur=4.0, up-vitally-tasks.list;dur=6.0, cache-write;dur=0.0;desc="KV put after the answer", total;dur=11.0';

describe('Server-Timing as the bench reads it', () => {
  it('keeps a quoted desc with a comma in one entry', () => {
    expect(serverTimingDescs(FRESH_MEMORY).get('cache')).toBe('memory, fresh');
    expect([...parseServerTiming(FRESH_MEMORY).keys()]).toEqual(['auth', 'cache', 'total']);
    expect(parseServerTiming(BUILT).get('coordinator')).toBe(9);
    expect(serverTimingDescs(BUILT).get('permits-vitally')).toBe('4 held');
  });

  it('classes answers as built, stale or fresh, and says where a cached copy came from', () => {
    expect(servedAs(FRESH_MEMORY)).toBe('fresh');
    expect(servedAs(FRESH_KV)).toBe('fresh');
    expect(servedAs(STALE_KV)).toBe('stale');
    expect(servedAs(BUILT)).toBe('built');
    expect(servedFrom(FRESH_MEMORY)).toBe('memory');
    expect(servedFrom(STALE_KV)).toBe('kv');
    expect(servedFrom(BUILT)).toBe('-');
    const log = new TimingLog();
    for (const h of [FRESH_MEMORY, FRESH_KV, STALE_KV, BUILT]) log.record(new Response(null, { headers: { 'server-timing': h } }));
    expect(log.servedLine()).toBe("2 fresh, 1 stale, 1 built (from this isolate's copy 1, from KV 2)");
  });

  it('counts the samples that ran while a cron run did', () => {
    const samples = [
      { ms: 5, start: 0, end: 5 },
      { ms: 5, start: 10, end: 15 },
      { ms: 5, start: 30, end: 35 },
    ];
    expect(overlapping(samples, [{ start: 12, end: 20 }])).toBe(1);
    expect(overlapping(samples, [{ start: 4, end: 11 }])).toBe(2);
    expect(overlapping(samples, [{ start: 33, end: null }])).toBe(1);
    expect(overlapping(samples, [])).toBe(0);
  });
});

describe('the sandbox in a worker thread', () => {
  it('serves the emulators off this event loop and reports its own loop delay', async () => {
    const sandbox = await startSandboxThread(0, { anchorDate: '2026-01-15' });
    try {
      const root = (await (await fetch(`${sandbox.url}/`)).json()) as { sandbox: string; anchorDate: string };
      expect(root).toMatchObject({ sandbox: 'concord', anchorDate: '2026-01-15' });
      expect(sandbox.anchorDate).toBe('2026-01-15');
      // This loop blocks for 150 ms; the sandbox's loop is its own, so it is not held up.
      await sandbox.loopReset();
      const until = Date.now() + 150;
      while (Date.now() < until);
      await new Promise((r) => setTimeout(r, 50));
      const delay = await sandbox.loopDelay();
      expect(delay.p50).toBeGreaterThanOrEqual(0);
      expect(delay.max).toBeLessThan(150);
    } finally {
      await sandbox.close();
    }
  }, 30_000);
});
