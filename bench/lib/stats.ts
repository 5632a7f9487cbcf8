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
