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

/** Phase name -> duration (ms); a repeated name (pages) is summed, `-2` suffixes folded. */
export function parseServerTiming(header: string | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [rawName, ...params] = part.trim().split(';');
    if (!rawName) continue;
    const name = rawName.replace(/-\d+$/, '');
    const dur = Number(params.find((p) => p.startsWith('dur='))?.slice(4) ?? NaN);
    if (Number.isFinite(dur)) out.set(name, (out.get(name) ?? 0) + dur);
  }
  return out;
}

/** Per-answer timings of one scenario. */
export class TimingLog {
  readonly trips: RoundTrips[] = [];
  readonly phases: Map<string, number>[] = [];

  record(res: Response): void {
    const trips = parseRoundTrips(res.headers.get('x-concord-round-trips'));
    if (trips) this.trips.push(trips);
    this.phases.push(parseServerTiming(res.headers.get('server-timing')));
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
