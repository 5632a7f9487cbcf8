/**
 * `BENCH_SAMPLES_OUT=<file>`: each scenario appends its raw samples (ms) there as one JSON line,
 * so several runs can be pooled (`npx tsx bench/pool.ts <file>`). One run's p95 of 50 reads is
 * their third-slowest, and its ratio's bootstrap interval usually spans the target on this
 * machine (docs/performance.md); a pool of runs narrows it.
 */
import { appendFileSync } from 'node:fs';

export interface SampleRecord {
  scenario: 'account-view' | 'card';
  at: string;
  /** Phase name -> its samples in ms, in the order they were taken. */
  phases: Record<string, number[]>;
}

export function saveSamples(scenario: SampleRecord['scenario'], phases: Record<string, number[]>): void {
  const file = process.env.BENCH_SAMPLES_OUT;
  if (!file) return;
  const record: SampleRecord = { scenario, at: new Date().toISOString(), phases };
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}
