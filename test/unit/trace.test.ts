/**
 * The round-trip counting behind X-Concord-Round-Trips (worker/ops/trace.ts): trips are ordered by
 * events, parallel ones count once in the sequential chain, a Durable Object's own trace is
 * spliced in at the call's place, and authentication's trips are kept apart.
 */
import { describe, expect, it } from 'vitest';
import { longestChain, Trace } from '../../worker/ops/trace.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe('round trips', () => {
  it('count parallel trips once in the sequential chain and every trip by kind', async () => {
    const t = new Trace();
    await t.trip('d1', 'api key', tick);
    t.authenticated();
    await t.trip('kv', 'get', tick);
    await Promise.all([t.trip('d1', 'batch', tick), t.trip('do', 'limiter', tick), t.trip('do', 'limiter', tick)]);
    const r = t.roundTrips();
    expect(r).toMatchObject({ sequential: 2, auth: 1, byKind: { kv: 1, d1: 1, do: 2 }, upstream: false });
  });

  it('count only what ended before the first upstream call as before-upstream', async () => {
    const t = new Trace({ authenticated: true });
    await t.trip('kv', 'get', tick);
    await t.trip('d1', 'batch', tick);
    const done = t.upstream('up-netsuite-suiteql');
    await t.trip('kv', 'put', tick);
    done();
    expect(t.roundTrips()).toMatchObject({ sequential: 3, beforeUpstream: 2, upstream: true });
    expect(t.roundTripHeader()).toBe('sequential=3, before-upstream=2, kv=2, d1=1, do=0, auth=0');
  });

  it("splice a Durable Object's trace into the call: the hop, then the object's own trips", async () => {
    const inner = new Trace({ authenticated: true });
    await inner.trip('d1', 'batch', tick);
    await Promise.all([inner.trip('do', 'limiter', tick), inner.trip('do', 'limiter', tick)]);
    inner.upstream('up-vitally');
    const outer = new Trace({ authenticated: true });
    await outer.trip('kv', 'get', tick);
    await outer.trip('do', 'VIEWS.build', async () => ({ ok: true, timing: inner.export() }));
    // kv -> the hop to the coordinator -> d1 -> limiter (two at once): 4 before the first upstream call.
    expect(outer.roundTrips()).toMatchObject({ sequential: 4, beforeUpstream: 4, byKind: { kv: 1, d1: 1, do: 3 } });
  });

  it('longest chain: a trip follows another only when it starts after that one ended', () => {
    expect(longestChain([])).toBe(0);
    expect(longestChain([{ start: 0, end: 3 }, { start: 1, end: 2 }, { start: 4, end: 5 }])).toBe(2);
    expect(longestChain([{ start: 0, end: 1 }, { start: 2, end: 3 }, { start: 4, end: 5 }])).toBe(3);
  });

  it('name every phase in Server-Timing, repeated names numbered, with total', async () => {
    const t = new Trace();
    t.authenticated();
    t.add('up-vitally', 1, 2);
    t.add('up-vitally', 1.5, 2);
    t.add('cache', 0.5, 0.2, 'kv, "miss"');
    const header = t.serverTiming();
    expect(header).toMatch(/^auth;dur=[\d.]+, cache;dur=0\.2;desc="kv, miss", up-vitally;dur=2\.0, up-vitally-2;dur=2\.0, total;dur=[\d.]+$/);
  });
});
