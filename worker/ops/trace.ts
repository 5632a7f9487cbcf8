/**
 * Where a view or card answer spent its time, measured while it is served: named phases (sent as
 * `Server-Timing`) and every storage and Durable Object round trip (D1, KV, DO RPC), so the answer
 * can say how many round trips ran one after another (`X-Concord-Round-Trips`). In production each
 * of those is a network round trip, so their sequential count is the cost that matters.
 *
 * Round trips are ordered by events, not by the clock: every start and end takes the next tick of
 * a counter, and trip A precedes trip B when A ended before B started. (Workers' clocks only move
 * on I/O and local round trips can take less than their resolution, so equal timestamps could not
 * tell "after" from "alongside".) A Durable Object call that did traced work of its own (the
 * ViewCoordinator's build) returns its trace; that work is spliced into the call's place, the
 * call counting as the hop that got there.
 *
 * Durations come from `performance.now()`. On Cloudflare it only advances on I/O, so a phase that
 * is pure computation (assembly) reads 0 there; wrangler dev's workerd advances it as well.
 */

export type TripKind = 'd1' | 'kv' | 'do';

/** One round trip; `start`/`end` are event ticks. */
export interface Trip {
  kind: TripKind;
  what: string;
  start: number;
  end: number;
  phase: string;
}

/** One phase or upstream call: `start` in ms since the trace began, `dur` in ms. */
export interface Span {
  name: string;
  start: number;
  dur: number;
  desc?: string;
}

/** A finished trace as a Durable Object returns it to its caller. */
export interface TraceExport {
  traceExport: 1;
  spans: Span[];
  trips: Trip[];
  /** Tick at which the first upstream call started, null when none was made. */
  firstUpstream: number | null;
  ticks: number;
}

export interface RoundTripSummary {
  /** Longest chain of round trips, one after another, after authentication. */
  sequential: number;
  /** The same, counting only those that ended before the first upstream call started. */
  beforeUpstream: number;
  /** Round trips made during authentication (API key, tenant lookups; usually cached). */
  auth: number;
  /** All round trips after authentication, by kind (parallel ones included). */
  byKind: Record<TripKind, number>;
  upstream: boolean;
}

const now = () => performance.now();

/** Longest chain in `trips` where each one started after the previous one ended. */
export function longestChain(trips: readonly Pick<Trip, 'start' | 'end'>[]): number {
  const sorted = [...trips].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  let best = 0;
  for (let i = 0; i < sorted.length; i++) {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end < sorted[i]!.start) d = Math.max(d, depth[j]! + 1);
    depth.push(d);
    best = Math.max(best, d);
  }
  return best;
}

export class Trace {
  private readonly t0 = now();
  private tick = 0;
  private readonly spans: Span[] = [];
  private readonly trips: Trip[] = [];
  private firstUpstream: number | null = null;
  /** Which phase round trips are filed under; `auth` until the handler says authentication is done. */
  private phase: string;

  /** `authenticated: true` for work that needs no authentication of its own (a Durable Object's). */
  constructor(opts: { authenticated?: boolean } = {}) {
    this.phase = opts.authenticated ? 'serve' : 'auth';
  }

  /** Milliseconds since the trace began. */
  elapsed(): number {
    return now() - this.t0;
  }

  /** Ends the authentication phase: it is recorded as a span from the start until now. */
  authenticated(): void {
    if (this.phase !== 'auth') return;
    this.spans.push({ name: 'auth', start: 0, dur: this.elapsed() });
    this.phase = 'serve';
  }

  /** Records a phase that has already been measured. */
  add(name: string, start: number, dur: number, desc?: string): void {
    this.spans.push({ name, start, dur, ...(desc ? { desc } : {}) });
  }

  /** Times `fn` as the phase `name`. */
  async span<T>(name: string, fn: () => Promise<T>, desc?: string): Promise<T> {
    const start = this.elapsed();
    try {
      return await fn();
    } finally {
      this.add(name, start, this.elapsed() - start, desc);
    }
  }

  /** Marks an upstream call as started; the returned function records its span when it ends. */
  upstream(name: string): () => void {
    this.firstUpstream ??= this.tick++;
    const start = this.elapsed();
    return () => this.add(name, start, this.elapsed() - start);
  }

  /**
   * Runs one round trip. When the answer carries a trace of its own (a Durable Object that traced
   * its work), that work is spliced in at the call's place.
   */
  async trip<T>(kind: TripKind, what: string, fn: () => Promise<T>): Promise<T> {
    const trip: Trip = { kind, what, start: this.tick++, end: Number.NaN, phase: this.phase };
    const started = this.elapsed();
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      trip.end = this.tick++;
      this.trips.push(trip);
      throw err;
    }
    const nested = nestedExport(value);
    if (nested) this.splice(trip, nested, started);
    else trip.end = this.tick++;
    this.trips.push(trip);
    return value;
  }

  /** The child's events happened while the call was out: they get ticks between its start and end. */
  private splice(trip: Trip, child: TraceExport, startedMs: number): void {
    const base = this.tick;
    const scale = 1 / (child.ticks + 2);
    const at = (t: number) => base + (t + 1) * scale;
    // The call itself is the hop to the object: it "ends" when the object starts its work.
    trip.end = base + scale / 2;
    for (const t of child.trips) this.trips.push({ ...t, start: at(t.start), end: at(t.end), phase: trip.phase });
    if (child.firstUpstream !== null && this.firstUpstream === null) this.firstUpstream = at(child.firstUpstream);
    for (const s of child.spans) this.spans.push({ ...s, start: startedMs + s.start });
    this.tick = base + 1;
  }

  /** The trace for a caller (a Durable Object returns this with its answer). */
  export(): TraceExport {
    return { traceExport: 1, spans: [...this.spans], trips: [...this.trips], firstUpstream: this.firstUpstream, ticks: this.tick };
  }

  roundTrips(): RoundTripSummary {
    const served = this.trips.filter((t) => t.phase !== 'auth' && Number.isFinite(t.end));
    const before = this.firstUpstream === null ? served : served.filter((t) => t.end < this.firstUpstream!);
    const byKind: Record<TripKind, number> = { d1: 0, kv: 0, do: 0 };
    for (const t of served) byKind[t.kind] += 1;
    return {
      sequential: longestChain(served),
      beforeUpstream: longestChain(before),
      auth: this.trips.filter((t) => t.phase === 'auth').length,
      byKind,
      upstream: this.firstUpstream !== null,
    };
  }

  /** `Server-Timing` value: every phase in the order it started, plus `total`. */
  serverTiming(): string {
    const seen = new Map<string, number>();
    const parts = [...this.spans]
      .sort((a, b) => a.start - b.start)
      .map((s) => {
        const n = (seen.get(s.name) ?? 0) + 1;
        seen.set(s.name, n);
        const name = n === 1 ? s.name : `${s.name}-${n}`;
        return `${name};dur=${s.dur.toFixed(1)}${s.desc ? `;desc="${s.desc.replace(/["\\]/g, '')}"` : ''}`;
      });
    parts.push(`total;dur=${this.elapsed().toFixed(1)}`);
    return parts.join(', ');
  }

  /** `X-Concord-Round-Trips` value, e.g. `sequential=4, before-upstream=4, kv=1, d1=1, do=2, auth=0`. */
  roundTripHeader(): string {
    const r = this.roundTrips();
    return `sequential=${r.sequential}, before-upstream=${r.upstream ? r.beforeUpstream : 'none'}, kv=${r.byKind.kv}, d1=${r.byKind.d1}, do=${r.byKind.do}, auth=${r.auth}`;
  }
}

function nestedExport(value: unknown): TraceExport | null {
  if (!value || typeof value !== 'object' || !('timing' in value)) return null;
  const timing = (value as { timing: unknown }).timing;
  return timing && typeof timing === 'object' && (timing as TraceExport).traceExport === 1 ? (timing as TraceExport) : null;
}
