/**
 * `npm run bench`: starts its own estate (sandbox + `wrangler dev`, fresh state, free ports) so
 * figures do not depend on what else is running, runs each scenario and prints the figures.
 * Benchmarks print; they never fail on a number (timed assertions flake on shared machines).
 *   BENCH_ACCOUNTS (default 100), BENCH_WARM_ROUNDS (default 5), BENCH_CARD_ACCOUNTS (default 50),
 *   BENCH_STALE_WAIT_MS (default 61000: how long the card bench lets views go stale),
 *   BENCH_WRITE_RECORDS (default 10000), BENCH_SYNC_SCALES (e.g. 10,100: sync runs on estates of that scale)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEstate } from '../scripts/estate.js';
import { benchAccountView } from './account-view.js';
import { benchCard } from './card.js';
import { benchWriteThroughput } from './write-throughput.js';
import { benchSyncRuns } from './sync-runs.js';

/** The machine is shared: every figure is printed with the load it was measured under. */
const load = () => `load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} (1/5/15 min) on ${cpus().length} cores`;

const persistDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
console.log(`Bench start: ${new Date().toISOString()}, ${load()}`);
console.log('Starting a bench estate (sandbox + wrangler dev)...');
const estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir, log: (l) => console.log(`  ${l}`) });
try {
  await benchAccountView(estate, { accounts: Number(process.env.BENCH_ACCOUNTS ?? 100), warmRounds: Number(process.env.BENCH_WARM_ROUNDS ?? 5) });
  await benchCard(estate, {
    accounts: Number(process.env.BENCH_CARD_ACCOUNTS ?? 50),
    warmRounds: Number(process.env.BENCH_WARM_ROUNDS ?? 5),
    staleWaitMs: Number(process.env.BENCH_STALE_WAIT_MS ?? 61_000),
    skip: Number(process.env.BENCH_ACCOUNTS ?? 100) + 10,
  });
  await benchWriteThroughput(estate, { records: Number(process.env.BENCH_WRITE_RECORDS ?? 10_000) });
  await benchSyncRuns(estate, Number(process.env.SANDBOX_SCALE ?? 1));
  console.log(`\nBench end: ${new Date().toISOString()}, ${load()}`);
} finally {
  await estate.stop();
  rmSync(persistDir, { recursive: true, force: true });
}

// Reconciliation and backfill at larger scales, each on an estate of its own (BENCH_SYNC_SCALES=10,100).
for (const scale of (process.env.BENCH_SYNC_SCALES ?? '').split(',').map(Number).filter((n) => n > 0)) {
  const dir = mkdtempSync(join(tmpdir(), 'concord-bench-scale-'));
  process.env.SANDBOX_SCALE = String(scale);
  console.log(`Starting an estate at SANDBOX_SCALE=${scale}...`);
  const big = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir: dir, log: (l) => console.log(`  ${l}`) });
  try {
    await benchSyncRuns(big, scale);
  } finally {
    await big.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
