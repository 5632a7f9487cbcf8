/**
 * Pools the raw samples several bench runs saved (`BENCH_SAMPLES_OUT=<file> npm run bench`, once
 * per run) and prints each judged ratio over the pool, with its 90 % bootstrap interval and
 * whether the pool decides the target. `npx tsx bench/pool.ts <file>`. The bootstrap resamples the
 * pooled reads as if independent; reads of one run share its machine's mood, so the interval is
 * somewhat narrower than the truth, which the per-run ratios printed beside it show.
 */
import { readFileSync } from 'node:fs';
import type { SampleRecord } from './lib/samples-out.js';
import { intervalVerdict, ratioInterval, summarize } from './lib/stats.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx bench/pool.ts <file written by BENCH_SAMPLES_OUT>');
  process.exit(2);
}
const records = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as SampleRecord);

/** The ratios the benches judge: [label, numerator phase, denominator phase, target]. */
const RATIOS: Record<SampleRecord['scenario'], [string, string, string, number][]> = {
  'account-view': [['view cold / limit p95', 'cold', 'limit', 1.3]],
  card: [
    ['card cold / limit p95, ERP normal', 'cold', 'limit', 1.3],
    ['card cold / limit p95, ERP +300 ms', 'coldSlow', 'limitSlow', 1.3],
    ['card warm p95, ERP +300 ms / ERP normal', 'stale', 'warm', 1.2],
    ['the same, both one KV read', 'stale', 'warmKv', 1.2],
    ['stale / fresh read in turn', 'stale', 'freshInTurn', 1.2],
  ],
};

const p95 = (xs: number[]) => summarize(xs).p95;
for (const scenario of ['account-view', 'card'] as const) {
  const runs = records.filter((r) => r.scenario === scenario);
  if (runs.length === 0) continue;
  console.log(`\n${scenario}: ${runs.length} runs (${runs[0]!.at} to ${runs[runs.length - 1]!.at})`);
  for (const [label, num, den, target] of RATIOS[scenario]) {
    const a = runs.flatMap((r) => r.phases[num] ?? []);
    const b = runs.flatMap((r) => r.phases[den] ?? []);
    if (a.length === 0 || b.length === 0) continue;
    const perRun = runs.map((r) => (r.phases[num] && r.phases[den] ? (p95(r.phases[num]!) / p95(r.phases[den]!)).toFixed(2) : '-')).join(', ');
    const ratio = p95(a) / p95(b);
    console.log(`  ${label} = ${p95(a).toFixed(1)} / ${p95(b).toFixed(1)} ms = ${ratio.toFixed(2)} over ${a.length} / ${b.length} reads (target <= ${target}; ${intervalVerdict(ratioInterval(a, b), target, 'the pool')}); per run: ${perRun}`);
  }
}
