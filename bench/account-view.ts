/**
 * Account-view latency through `wrangler dev` over loopback, cold (first build of a view: every
 * source fetched) and warm (served from cache), next to the physical limit measured in the same
 * run for the same accounts (bench/lib/limit.ts), with the round trips each answer reports.
 * Targets (docs/performance.md): warm p95 <= 15 ms; cold p95 <= 1.3 x the limit's p95; the warm
 * path at most 1 storage round trip after authentication; the cold path at most 4 sequential
 * round trips before its first upstream call.
 */
import type { Estate } from '../scripts/estate.js';
import { demoAccounts, fullyLinked, linkOf } from './lib/accounts.js';
import { limitPhase } from './lib/limit.js';
import { fmtLoops, phaseLoops } from './lib/loop.js';
import { fmt, intervalVerdict, overlapping, ratioInterval, sampled, summarize, timed, verdict, type Sample } from './lib/stats.js';
import { saveSamples } from './lib/samples-out.js';
import { TimingLog } from './lib/timing.js';

export async function benchAccountView(estate: Estate, opts: { accounts: number; warmRounds: number }): Promise<Record<string, unknown>> {
  const key = estate.tenants.demo.apiKey;
  const headers = { authorization: `Bearer ${key}` };
  const items = await demoAccounts(estate);
  const linked = items.filter(fullyLinked).slice(0, opts.accounts);

  const view = (id: string, log?: TimingLog) =>
    fetch(`${estate.brokerUrl}/v1/tenants/demo/accounts/${id}/view`, { headers }).then(async (r) => {
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`view ${id}: ${r.status}`);
      log?.record(r);
    });

  // Warm up the isolate (connections, reference data) with accounts not measured.
  for (const a of items.slice(-5)) await view(a.id);

  const { loops, watched } = phaseLoops(estate);
  const coldSamples: Sample[] = [];
  const coldLog = new TimingLog();
  await watched('cold', async () => {
    for (const a of linked) coldSamples.push((await sampled(() => view(a.id, coldLog)))[0]);
  });
  const cold = coldSamples.map((x) => x.ms);
  const limit = await watched('limit', () => limitPhase(estate.brokerUrl, estate.sandboxUrl, linked.map((a) => ({ netsuite: linkOf(a, 'netsuite'), vitally: linkOf(a, 'vitally') }))));
  const warmSamples: Sample[] = [];
  const warmLog = new TimingLog();
  await watched('warm', async () => {
    for (let round = 0; round < opts.warmRounds; round++) for (const a of linked) warmSamples.push((await sampled(() => view(a.id, warmLog)))[0]);
  });
  const warm = warmSamples.map((x) => x.ms);

  // The floor: what any request costs through wrangler dev's local proxy on this machine.
  const floor: number[] = [];
  for (let i = 0; i < 200; i++) floor.push((await timed(() => fetch(`${estate.brokerUrl}/health`).then((r) => r.arrayBuffer())))[0]);

  saveSamples('account-view', { cold, limit, warm, floor });
  const c = summarize(cold);
  const w = summarize(warm);
  const l = summarize(limit);
  const ratio = c.p95 / l.p95;
  const coldBefore = coldLog.max('beforeUpstream');
  const warmAfterAuth = warmLog.max('sequential');
  const cron = estate.cronRuns();
  const cronNote = (samples: Sample[]) => {
    const n = overlapping(samples, cron);
    return n > 0 ? `   (${n} overlapped a run of the estate's cron)` : '';
  };
  console.log('\nAccount view (GET /v1/tenants/demo/accounts/:id/view via wrangler dev, sequential, loopback)');
  console.log(`  the sandbox runs ${estate.sandboxRuns}${estate.sandboxRuns === 'in a worker thread' ? ", off the measuring client's event loop (vendors are elsewhere in production)" : ", the measuring client's: its vendor answers delay the client's reads"}`);
  console.log(`  cold, ERP normal     ${fmt(c)}${cronNote(coldSamples)}`);
  console.log(`  warm                 ${fmt(w)}${cronNote(warmSamples)}`);
  console.log(`  GET /health (floor)  ${fmt(summarize(floor))}   (wrangler dev's own per-request cost here)`);
  console.log(`  physical limit       ${fmt(l)}   (floor + the same upstream calls issued all at once against the sandbox, per account)`);
  console.log(`  warm p95 target <= 15 ms: ${w.p95.toFixed(1)} ms ${verdict(w.p95 <= 15)}`);
  console.log(`  cold p95 / limit p95 = ${ratio.toFixed(2)} (target <= 1.3: ${verdict(ratio <= 1.3)}; ${intervalVerdict(ratioInterval(cold, limit), 1.3)})`);
  console.log(`  round trips, cold: at most ${coldBefore} sequential before the first upstream call (target <= 4: ${verdict(coldBefore !== null && coldBefore <= 4)}), ${coldLog.max('sequential')} in all; ${coldLog.kinds()}`);
  console.log(`  round trips, warm: at most ${warmAfterAuth} after authentication (target <= 1: ${verdict(warmAfterAuth !== null && warmAfterAuth <= 1)}); ${warmLog.kinds()}`);
  console.log(`  cold phases, p50 ms: ${coldLog.phaseSummary()}`);
  console.log(`  warm phases, p50 ms: ${warmLog.phaseSummary()}`);
  for (const [name, l] of Object.entries(loops)) console.log(`  event loops, ${`${name}:`.padEnd(6)} ${fmtLoops(l)}`);
  return { cold: c, warm: w, floor: summarize(floor), limit: l, coldRatio: ratio };
}
