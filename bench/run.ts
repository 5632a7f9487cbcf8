/**
 * `npm run bench`: starts its own estate (sandbox + `wrangler dev`, fresh state, free ports) so
 * figures do not depend on what else is running, runs each scenario and prints the figures.
 * Benchmarks print; they never fail on a number (timed assertions flake on shared machines).
 *   BENCH_ACCOUNTS (default 100), BENCH_WARM_ROUNDS (default 5), BENCH_CARD_ACCOUNTS (default 50),
 *   BENCH_STALE_WAIT_MS (default 61000: how long the card bench lets views go stale),
 *   BENCH_WRITE_RECORDS (default 10000), BENCH_FRESHNESS_CHANGES (default 30),
 *   BENCH_FRESHNESS_INTERVAL_MS (default 500), BENCH_FRESHNESS_POLL_CHANGES (default 5),
 *   BENCH_FRESHNESS_BURST (default 100), BENCH_ONLY (comma-separated: view, card, write, freshness)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEstate } from '../scripts/estate.js';
import { benchAccountView } from './account-view.js';
import { benchCard } from './card.js';
import { benchFreshness } from './freshness.js';
import { benchWriteThroughput } from './write-throughput.js';

const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const wants = (name: string) => !only || only.has(name);

const persistDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
console.log('Starting a bench estate (sandbox + wrangler dev)...');
const estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir, log: (l) => console.log(`  ${l}`) });
try {
  if (wants('view')) await benchAccountView(estate, { accounts: Number(process.env.BENCH_ACCOUNTS ?? 100), warmRounds: Number(process.env.BENCH_WARM_ROUNDS ?? 5) });
  if (wants('card')) await benchCard(estate, {
    accounts: Number(process.env.BENCH_CARD_ACCOUNTS ?? 50),
    warmRounds: Number(process.env.BENCH_WARM_ROUNDS ?? 5),
    staleWaitMs: Number(process.env.BENCH_STALE_WAIT_MS ?? 61_000),
    skip: Number(process.env.BENCH_ACCOUNTS ?? 100) + 10,
  });
  if (wants('write')) await benchWriteThroughput(estate, { records: Number(process.env.BENCH_WRITE_RECORDS ?? 10_000) });
  if (wants('freshness')) {
    await benchFreshness(estate, {
      changes: Number(process.env.BENCH_FRESHNESS_CHANGES ?? 30),
      intervalMs: Number(process.env.BENCH_FRESHNESS_INTERVAL_MS ?? 500),
      pollChanges: Number(process.env.BENCH_FRESHNESS_POLL_CHANGES ?? 5),
      burst: Number(process.env.BENCH_FRESHNESS_BURST ?? 100),
    });
  }
} finally {
  await estate.stop();
  rmSync(persistDir, { recursive: true, force: true });
}
