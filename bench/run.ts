/**
 * `npm run bench`: starts its own estate (sandbox + `wrangler dev`, fresh state, free ports) so
 * figures do not depend on what else is running, runs each scenario and prints the figures.
 * Benchmarks print; they never fail on a number (timed assertions flake on shared machines).
 *   BENCH_ACCOUNTS (default 100), BENCH_WARM_ROUNDS (default 5), BENCH_CARD_ACCOUNTS (default 50),
 *   BENCH_STALE_WAIT_MS (default 61000: how long the card bench lets views go stale),
 *   BENCH_WRITE_RECORDS (default 10000), BENCH_BURST_DEALS (default 1000), BENCH_CYCLE_DEALS
 *   (default 10), BENCH_BURST_WAIT_MS (default 600000), BENCH_BURST_ERP_LATENCY_MS (default 0), BENCH_SYNC_SCALES (e.g. 10,100: sync runs on
 *   estates of that scale), BENCH_FRESHNESS_CHANGES (default 30), BENCH_FRESHNESS_INTERVAL_MS
 *   (default 500), BENCH_FRESHNESS_POLL_CHANGES (default 5), BENCH_FRESHNESS_BURST (default 100), BENCH_FRESHNESS_BURST_WAIT_MS (default 600000)
 *   BENCH_SCENARIOS (or BENCH_ONLY): a comma list of account-view (view), card, write-throughput
 *   (write), freshness, sync-runs, closed-won (default all)
 *   BENCH_SANDBOX=inline runs the sandbox on this process's event loop, the measuring client's
 *   (default: a worker thread of its own, scripts/sandbox-thread.ts)
 *   CONCORD_BROKER_LOG=<file> appends the broker's output there (with CONCORD_WRANGLER_LOG_LEVEL=log
 *   for the Worker's own log lines: `info` shows only wrangler's request lines), for finding where a figure comes from.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEstate } from '../scripts/estate.js';
import { benchAccountView } from './account-view.js';
import { benchCard } from './card.js';
import { benchFreshness } from './freshness.js';
import { benchWriteThroughput } from './write-throughput.js';
import { benchSyncRuns } from './sync-runs.js';
import { benchClosedWonBurst } from './closed-won-burst.js';


/** The machine is shared: every figure is printed with the load it was measured under. */
const load = () => `load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} (1/5/15 min) on ${cpus().length} cores`;

const persistDir = mkdtempSync(join(tmpdir(), 'concord-bench-'));
console.log(`Bench start: ${new Date().toISOString()}, ${load()}`);
console.log('Starting a bench estate (sandbox + wrangler dev)...');
// The sandbox runs in a worker thread, off the measuring client's event loop (BENCH_SANDBOX=inline:
// on it, as before 2026-12-05): vendors run elsewhere in production (docs/performance.md).
const sandboxThread = process.env.BENCH_SANDBOX !== 'inline';
const estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir, log: (l) => console.log(`  ${l}`), sandboxThread });
const ALIASES: Record<string, string> = { view: 'account-view', write: 'write-throughput' };
const picked = process.env.BENCH_SCENARIOS ?? process.env.BENCH_ONLY;
const only = picked ? new Set(picked.split(',').map((x) => ALIASES[x.trim()] ?? x.trim())) : null;
const wanted = (name: string) => only === null || only.has(name);
try {
  if (wanted('account-view')) await benchAccountView(estate, { accounts: Number(process.env.BENCH_ACCOUNTS ?? 100), warmRounds: Number(process.env.BENCH_WARM_ROUNDS ?? 5) });
  if (wanted('card')) {
    if (wanted('account-view')) {
      // The view bench's cold builds spend about 500 of the tenant's Vitally budget (990 / min, a
      // burst of 500) in a few seconds; the card's cold phase would then be paced by the limiter
      // (4 permits every ~240 ms), which no single card pays and the limit does not measure.
      console.log('\n(61 s pause: the tenant\'s Vitally window empties before the card bench)');
      await new Promise((r) => setTimeout(r, 61_000));
    }
    await benchCard(estate, {
      accounts: Number(process.env.BENCH_CARD_ACCOUNTS ?? 50),
      warmRounds: Number(process.env.BENCH_WARM_ROUNDS ?? 5),
      staleWaitMs: Number(process.env.BENCH_STALE_WAIT_MS ?? 61_000),
      skip: Number(process.env.BENCH_ACCOUNTS ?? 100) + 10,
    });
  }
  if (wanted('write-throughput')) await benchWriteThroughput(estate, { records: Number(process.env.BENCH_WRITE_RECORDS ?? 10_000) });
  if (wanted('freshness')) {
    await benchFreshness(estate, {
      changes: Number(process.env.BENCH_FRESHNESS_CHANGES ?? 30),
      intervalMs: Number(process.env.BENCH_FRESHNESS_INTERVAL_MS ?? 500),
      pollChanges: Number(process.env.BENCH_FRESHNESS_POLL_CHANGES ?? 5),
      burst: Number(process.env.BENCH_FRESHNESS_BURST ?? 100),
      burstWaitMs: Number(process.env.BENCH_FRESHNESS_BURST_WAIT_MS ?? 600_000),
    });
  }
  if (wanted('sync-runs')) await benchSyncRuns(estate, Number(process.env.SANDBOX_SCALE ?? 1));
  // Last: it leaves 1,000 won deals and their orders in the estate.
  if (wanted('closed-won')) {
    await benchClosedWonBurst(estate, {
      deals: Number(process.env.BENCH_BURST_DEALS ?? 1000),
      cycleDeals: Number(process.env.BENCH_CYCLE_DEALS ?? 10),
      waitMs: Number(process.env.BENCH_BURST_WAIT_MS ?? 600_000),
      erpLatencyMs: Number(process.env.BENCH_BURST_ERP_LATENCY_MS ?? 0),
    });
  }
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
  // Above scale 10 the estate's one-request identity sync outlasts the client's timeout: the backfill links.
  const big = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir: dir, log: (l) => console.log(`  ${l}`), identitySync: scale <= 10, sandboxThread });
  try {
    await benchSyncRuns(big, scale);
  } finally {
    await big.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
