/**
 * HubSpot card latency: signed `GET /v1/cards/hubspot/view` requests (as `hubspot.fetch` sends
 * them) through `wrangler dev`, with the ERP at normal speed and slowed by the sandbox latency
 * knob, plus the coalescing check: 50 concurrent views of one cold account. Cold scenarios are
 * printed next to the physical limit measured in the same run (bench/lib/limit.ts).
 * Targets (docs/performance.md): warm p95 with the ERP +300 ms <= 1.2 x warm p95 with the ERP
 * normal (a stale view is served as fast as a fresh one); cold p95 <= 1.3 x the limit's p95;
 * 50 concurrent cold views cause one upstream fetch per source.
 */
import type { Estate } from '../scripts/estate.js';
import { demoAccounts, fullyLinked, linkOf, type AccountItem } from './lib/accounts.js';
import { hubspotCard } from './lib/hubspot-card.js';
import { limitPhase } from './lib/limit.js';
import { fmt, summarize, timed, verdict } from './lib/stats.js';
import { TimingLog } from './lib/timing.js';

async function sandboxCounters(sandbox: string): Promise<Record<string, number>> {
  const res = (await (await fetch(`${sandbox}/__sandbox/limits`)).json()) as { counters: Record<string, Record<string, { requests: number }>> };
  return Object.fromEntries(Object.entries(res.counters).map(([vendor, byTenant]) => [vendor, byTenant['demo']?.requests ?? 0]));
}

async function faults(sandbox: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
}

export async function benchCard(estate: Estate, opts: { accounts: number; warmRounds: number; staleWaitMs: number; skip: number }): Promise<void> {
  const readCard = await hubspotCard(estate);
  const accounts = (await demoAccounts(estate))
    .filter((a) => fullyLinked(a) && a.links.some((l) => l.system === 'hubspot'))
    // Skip the accounts the account-view bench already warmed.
    .slice(opts.skip);
  // Different accounts for each phase: the bench estate is fresh, so nothing is cached yet.
  const warmSet = accounts.slice(0, opts.accounts);
  const coldSlowSet = accounts.slice(opts.accounts, opts.accounts * 2);
  const burst = accounts[opts.accounts * 2]!;
  // Kept fresh for the stale phase: one of them is read after each stale read, so both kinds of
  // read are measured on the same machine in the same seconds (a shared machine's load moves a lot
  // between phases a minute apart).
  const controls = accounts.slice(opts.accounts * 2 + 1, opts.accounts * 2 + 11);
  if (controls.length === 0) throw new Error('not enough linked accounts for the fresh controls of the stale phase');

  const card = async (a: AccountItem, log?: TimingLog) => {
    log?.record(await readCard(a));
  };
  const round = async (set: AccountItem[], log?: TimingLog) => {
    const out: number[] = [];
    for (const a of set) out.push((await timed(() => card(a, log)))[0]);
    return out;
  };
  const limitOf = (set: AccountItem[]) => limitPhase(estate.brokerUrl, estate.sandboxUrl, set.map((a) => ({ netsuite: linkOf(a, 'netsuite'), vitally: linkOf(a, 'vitally') })));

  await faults(estate.sandboxUrl, {});
  const coldLog = new TimingLog();
  const cold = await round(warmSet, coldLog);
  const coldLimit = await limitOf(warmSet);
  const warm: number[] = [];
  const warmLog = new TimingLog();
  for (let r = 0; r < opts.warmRounds; r++) warm.push(...(await round(warmSet, warmLog)));

  // ERP slowed by 300 ms. Let the cached views go stale, then read them again: each is served
  // from cache at once and revalidated in the background.
  await faults(estate.sandboxUrl, { netsuite: { latencyMs: 300 } });
  const controlLead = Math.min(10_000, opts.staleWaitMs / 2);
  await new Promise((r) => setTimeout(r, opts.staleWaitMs - controlLead));
  // The controls' views built now (ERP normal for that moment), so they are fresh, not stale, below.
  await faults(estate.sandboxUrl, {});
  await round(controls);
  await faults(estate.sandboxUrl, { netsuite: { latencyMs: 300 } });
  await new Promise((r) => setTimeout(r, controlLead));
  const warmSlowLog = new TimingLog();
  const controlLog = new TimingLog();
  const warmSlow: number[] = [];
  const control: number[] = [];
  for (const [i, a] of warmSet.entries()) {
    warmSlow.push((await timed(() => card(a, warmSlowLog)))[0]);
    control.push((await timed(() => card(controls[i % controls.length]!, controlLog)))[0]);
  }
  // Let those background revalidations finish: they hold NetSuite's concurrency slots.
  await new Promise((r) => setTimeout(r, 20_000));
  const coldSlowLog = new TimingLog();
  const coldSlow = await round(coldSlowSet, coldSlowLog);
  const coldSlowLimit = await limitOf(coldSlowSet);

  // 50 concurrent views of one cold account: count what reached the sandbox.
  await faults(estate.sandboxUrl, {});
  const before = await sandboxCounters(estate.sandboxUrl);
  await Promise.all(Array.from({ length: 50 }, () => card(burst)));
  const after = await sandboxCounters(estate.sandboxUrl);

  console.log('\nHubSpot card (signed GET /v1/cards/hubspot/view via wrangler dev, sequential, loopback)');
  const c = summarize(cold);
  const cl = summarize(coldLimit);
  const w = summarize(warm);
  const ws = summarize(warmSlow);
  const cs = summarize(coldSlow);
  const csl = summarize(coldSlowLimit);
  console.log(`  cold, ERP normal        ${fmt(c)}`);
  console.log(`  physical limit          ${fmt(cl)}   (floor + the same upstream calls at once, ERP normal)`);
  console.log(`  warm, ERP normal        ${fmt(w)}`);
  console.log(`  warm, ERP +300 ms       ${fmt(ws)}   (views ${Math.round(opts.staleWaitMs / 1000)} s old: served stale, revalidated in the background)`);
  console.log(`  cold, ERP +300 ms       ${fmt(cs)}`);
  console.log(`  physical limit          ${fmt(csl)}   (floor + the same upstream calls at once, ERP +300 ms)`);
  const ctl = summarize(control);
  console.log(`  fresh, read in turn with the stale ones ${fmt(ctl)}`);
  const stale = ws.p95 / w.p95;
  console.log(`  warm p95, ERP +300 ms / ERP normal = ${ws.p95.toFixed(1)} / ${w.p95.toFixed(1)} ms = ${stale.toFixed(2)} (target <= 1.2: ${verdict(stale <= 1.2)})`);
  const inTurn = ws.p95 / ctl.p95;
  console.log(`  stale p95 / fresh p95, read in turn = ${ws.p95.toFixed(1)} / ${ctl.p95.toFixed(1)} ms = ${inTurn.toFixed(2)} (p50 ${ws.p50.toFixed(1)} / ${ctl.p50.toFixed(1)} ms; the same comparison without the minutes between the two phases)`);
  console.log(`  cold p95 / limit p95, ERP normal  = ${c.p95.toFixed(1)} / ${cl.p95.toFixed(1)} ms = ${(c.p95 / cl.p95).toFixed(2)} (target <= 1.3: ${verdict(c.p95 / cl.p95 <= 1.3)})`);
  console.log(`  cold p95 / limit p95, ERP +300 ms = ${cs.p95.toFixed(1)} / ${csl.p95.toFixed(1)} ms = ${(cs.p95 / csl.p95).toFixed(2)} (target <= 1.3: ${verdict(cs.p95 / csl.p95 <= 1.3)})`);
  const beforeUp = Math.max(coldLog.max('beforeUpstream') ?? Infinity, coldSlowLog.max('beforeUpstream') ?? 0);
  const warmTrips = Math.max(warmLog.max('sequential') ?? Infinity, warmSlowLog.max('sequential') ?? 0);
  console.log(`  round trips, cold: at most ${beforeUp} sequential before the first upstream call (target <= 4: ${verdict(beforeUp <= 4)}), ${Math.max(coldLog.max('sequential') ?? 0, coldSlowLog.max('sequential') ?? 0)} in all; ${coldLog.kinds()}`);
  console.log(`  round trips, warm: at most ${warmTrips} after authentication, fresh or stale (target <= 1: ${verdict(warmTrips <= 1)}); fresh: ${warmLog.kinds()}; stale: ${warmSlowLog.kinds()}`);
  console.log(`  cold phases (ERP normal), p50 ms:  ${coldLog.phaseSummary()}`);
  console.log(`  cold phases (ERP +300 ms), p50 ms: ${coldSlowLog.phaseSummary()}`);
  console.log(`  warm phases (ERP normal), p50 ms:  ${warmLog.phaseSummary()}`);
  console.log(`  warm phases (ERP +300 ms, stale), p50 ms: ${warmSlowLog.phaseSummary()}`);
  console.log(`  warm phases (fresh, in turn with stale), p50 ms: ${controlLog.phaseSummary()}; round trips ${controlLog.kinds()}`);
  const delta = (v: string) => (after[v] ?? 0) - (before[v] ?? 0);
  console.log(`  50 concurrent views of one cold account -> upstream requests: netsuite ${delta('netsuite')}, vitally ${delta('vitally')}, hubspot ${delta('hubspot')} (one view makes 1 + 4, or 1 + 5 without a health score history)`);
}
