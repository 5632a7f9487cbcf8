/**
 * What the broker says about each answer: `Server-Timing` phases and `X-Concord-Round-Trips`
 * (worker/ops/trace.ts), collected per scenario and summarised for printing.
 */
import { percentile } from './stats.js';

export interface RoundTrips {
  sequential: number;
  beforeUpstream: number | null;
  kv: number;
  d1: number;
  do: number;
  auth: number;
}

export function parseRoundTrips(header: string | null): RoundTrips | null {
  if (!header) return null;
  const f = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const n = (k: string) => Number(f[k] ?? NaN);
  return { sequential: n('sequential'), beforeUpstream: f['before-upstream'] === 'none' ? null : n('before-upstream'), kv: n('kv'), d1: n('d1'), do: n('do'), auth: n('auth') };
}

/** The header's entries: split on the commas outside quoted `desc` values ("memory, fresh"). */
function entries(header: string | null): string[] {
  return (header ?? '').match(/(?:[^,"]|"[^"]*")+/g) ?? [];
}

/** Phase name -> duration (ms); a repeated name (pages) is summed, `-2` suffixes folded. */
export function parseServerTiming(header: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of entries(header)) {
    const [rawName, ...params] = part.trim().split(';');
    if (!rawName) continue;
    const name = rawName.replace(/-\d+$/, '');
    const dur = Number(params.find((p) => p.startsWith('dur='))?.slice(4) ?? NaN);
    if (Number.isFinite(dur)) out.set(name, (out.get(name) ?? 0) + dur);
  }
  return out;
}

/** Phase name -> its `desc` (e.g. `cache` -> `memory, fresh`), for the phases that have one. */
export function serverTimingDescs(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of entries(header)) {
    const [rawName, ...params] = part.trim().split(/;(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    const desc = params.find((p) => p.startsWith('desc='))?.slice(5).replace(/^"|"$/g, '');
    if (rawName && desc !== undefined && !out.has(rawName)) out.set(rawName, desc);
  }
  return out;
}

/**
 * How the broker says it served an answer, from its `Server-Timing`: `fresh` (a cached copy
 * younger than the freshness window, from the isolate or KV, no build on the request path),
 * `stale` (a cached copy served while revalidated in the background), `built` (a build on the
 * request path: the coordinator phase), or `other`.
 */
export type Served = 'fresh' | 'stale' | 'built' | 'other';

export function servedAs(header: string | null): Served {
  const phases = parseServerTiming(header);
  if (phases.has('coordinator')) return 'built';
  const cache = serverTimingDescs(header).get('cache') ?? '';
  if (/\bstale\b/.test(cache)) return 'stale';
  if (/\bfresh\b/.test(cache)) return 'fresh';
  return 'other';
}

/** Where a cached answer came from, per its `cache` entry: this isolate's copy, KV, or neither (a build). */
export function servedFrom(header: string | null): 'memory' | 'kv' | '-' {
  const cache = serverTimingDescs(header).get('cache') ?? '';
  return parseServerTiming(header).has('coordinator') ? '-' : cache.startsWith('memory') ? 'memory' : cache.startsWith('kv') ? 'kv' : '-';
}

/** "48 fresh, 2 built" for a list of answers' kinds. */
export function servedSummary(kinds: Served[]): string {
  const counts = new Map<Served, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

/** Per-answer timings of one scenario. */
export class TimingLog {
  readonly trips: RoundTrips[] = [];
  readonly phases: Map<string, number>[] = [];
  /** How each answer was served (`servedAs`), in order. */
  readonly served: Served[] = [];
  /** Where each answer's cached copy came from (`servedFrom`), in order. */
  readonly from: ('memory' | 'kv' | '-')[] = [];

  record(res: Response): void {
    const trips = parseRoundTrips(res.headers.get('x-concord-round-trips'));
    if (trips) this.trips.push(trips);
    const header = res.headers.get('server-timing');
    this.phases.push(parseServerTiming(header));
    this.served.push(servedAs(header));
    this.from.push(servedFrom(header));
  }

  /** "50 stale (kv 50)": how the answers were served, and from where the cached ones came. */
  servedLine(): string {
    const where = (w: 'memory' | 'kv') => this.from.filter((f) => f === w).length;
    return `${servedSummary(this.served)} (from this isolate's copy ${where('memory')}, from KV ${where('kv')})`;
  }

  /** Largest value of a round-trip count over the scenario (the structure, not a typical case). */
  max(key: keyof RoundTrips): number | null {
    const values = this.trips.map((t) => t[key]).filter((v): v is number => v !== null && Number.isFinite(v));
    return values.length ? Math.max(...values) : null;
  }

  /** "kv 1, d1 1, do 3" over the scenario's answers (most common combination). */
  kinds(): string {
    const counts = new Map<string, number>();
    for (const t of this.trips) {
      const k = `kv ${t.kv}, d1 ${t.d1}, do ${t.do}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';
  }

  /**
   * "auth 0.4 | cache 1.0 | ..." : p50 of each phase over the answers that had it. Upstream calls
   * are folded per vendor (`up-netsuite` = the slowest NetSuite call of the answer).
   */
  phaseSummary(): string {
    const folded = this.phases.map((m) => {
      const f = new Map<string, number>();
      for (const [name, dur] of m) {
        const key = name.startsWith('up-') ? name.split('-').slice(0, 2).join('-') : name;
        f.set(key, name.startsWith('up-') ? Math.max(f.get(key) ?? 0, dur) : (f.get(key) ?? 0) + dur);
      }
      return f;
    });
    const names: string[] = [];
    for (const m of folded) for (const n of m.keys()) if (!names.includes(n)) names.push(n);
    return names
      .map((n) => {
        const values = folded.map((m) => m.get(n)).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
        return `${n} ${percentile(values, 50).toFixed(1)}`;
      })
      .join(' | ');
  }
}
