/** Percentiles and printing for the benchmarks. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export function fmt(s: Summary): string {
  const f = (v: number) => `${v.toFixed(1)} ms`.padStart(10);
  return `n=${String(s.n).padStart(4)}  p50 ${f(s.p50)}  p95 ${f(s.p95)}  p99 ${f(s.p99)}  max ${f(s.max)}`;
}

export async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await fn();
  return [performance.now() - t, v];
}

/** A timed sample: its duration and when it started and ended (`performance.now()` ms). */
export interface Sample {
  ms: number;
  start: number;
  end: number;
}

export async function sampled<T>(fn: () => Promise<T>): Promise<[Sample, T]> {
  const start = performance.now();
  const v = await fn();
  const end = performance.now();
  return [{ ms: end - start, start, end }, v];
}

/** How many samples ran while one of `runs` (e.g. the estate's cron runs) was running. */
export function overlapping(samples: Sample[], runs: { start: number; end: number | null }[]): number {
  return samples.filter((s) => runs.some((r) => s.end >= r.start && s.start <= (r.end ?? Infinity))).length;
}

export const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');

/** A small seeded generator (mulberry32), so a run's intervals can be reproduced from its samples. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * How far a ratio of two percentiles could move from this run's samples alone: a percentile
 * bootstrap of `p`(a) / `p`(b), each side resampled with replacement `rounds` times; the central
 * `level` share of the ratios. A p95 of 50 samples is the third-slowest of them, so one run's
 * ratio says less than its two decimals suggest; the interval says how much less.
 */
export function ratioInterval(a: number[], b: number[], opts: { p?: number; level?: number; rounds?: number; seed?: number } = {}): [number, number] {
  const { p = 95, level = 0.9, rounds = 2000, seed = 1 } = opts;
  if (a.length === 0 || b.length === 0) return [NaN, NaN];
  const random = seeded(seed);
  const resampled = (xs: number[]) => {
    const out = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(random() * xs.length)]!;
    return percentile(out.sort((x, y) => x - y), p);
  };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) ratios.push(resampled(a) / resampled(b));
  ratios.sort((x, y) => x - y);
  const tail = ((1 - level) / 2) * 100;
  return [percentile(ratios, tail), percentile(ratios, 100 - tail)];
}

/**
 * "met", "not met" or "not decided" by a ratio's interval against a target (at most `target`):
 * decided only when the whole interval is on one side.
 */
export function intervalVerdict([low, high]: [number, number], target: number, what = 'this run'): string {
  const range = `90 % bootstrap interval ${low.toFixed(2)}–${high.toFixed(2)}`;
  if (high <= target) return `${range}: met whatever the resampling`;
  if (low > target) return `${range}: not met whatever the resampling`;
  return `${range}: ${what} does not decide it`;
}
