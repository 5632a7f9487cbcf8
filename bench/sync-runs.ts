/**
 * Reconciliation and backfill at the estate's scale (`SANDBOX_SCALE`, default 1): starts a
 * backfill, then a reconcile, through `POST /v1/tenants/demo/sync/runs`, follows each at
 * `GET .../sync/runs/:id` until it completes and prints: records and accounts, wall time,
 * accounts/s, vendor calls and 429s per vendor (counted by the sandbox), the HubSpot write
 * calls and records written next to HubSpot's write ceiling (110 calls / 10 s x 100 records),
 * the seconds each phase ran and the Vitally calls made in it, the CPU seconds the broker's workerd
 * and this process spent in each phase (printed as the phase ends), and peak memory of this process
 * (the sandbox runs in it), of the broker (wrangler dev's workerd, from /proc) and of Concord's
 * isolate in it after a full collection (workerd's own inspector, lib/inspector.ts). Prints; never
 * fails on a number. `npm run bench` runs it at the current
 * scale; `BENCH_SYNC_SCALES=10,100 npm run bench` adds estates at those scales.
 */
import { concordHeapMb } from './lib/inspector.js';
import { cpuSeconds, workerdRssMb } from './lib/processes.js';
import type { Estate } from '../scripts/estate.js';

interface Run {
  id: string;
  status: string;
  error: string | null;
  progress: { done: number; total: number; percent: number; ratePerSecond: number | null; phase: string };
  counts: Record<string, number>;
}

type Counters = Record<string, Record<string, { requests: number; rateLimited: number; maxInFlight?: number; slotMs?: number; byRoute?: Record<string, number> }>>;

/** HubSpot batch-update calls and the records they carried so far (the sandbox counts both by route). */
function hubspotBatchWrites(c: Counters): { calls: number; records: number } {
  let calls = 0;
  let records = 0;
  for (const [route, n] of Object.entries(c['hubspot']?.['demo']?.byRoute ?? {})) {
    if (!route.endsWith('/batch/update')) continue;
    if (route.startsWith('records ')) records += n;
    else calls += n;
  }
  return { calls, records };
}

/**
 * A GET that survives a dropped connection: wrangler dev's proxy sometimes closes a connection
 * mid-request under a long run's load ("other side closed"; docs/performance.md), which used to
 * end an hour-long scale-100 bench. A read is asked again (up to 5 times), and every retry is
 * counted in `dropped` and printed with the run's figures, so the hiccups stay visible.
 */
export const dropped = { count: 0 };
async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, init);
      return (await res.json()) as T;
    } catch (err) {
      if (attempt >= 5) throw err;
      dropped.count += 1;
      console.log(`    (GET ${new URL(url).pathname} failed: ${err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err)}; asked again)`);
      await new Promise((ok) => setTimeout(ok, 1_000 * (attempt + 1)));
    }
  }
}

async function counters(estate: Estate): Promise<Counters> {
  return (await getJson<{ counters: Counters }>(`${estate.sandboxUrl}/__sandbox/limits`)).counters;
}

/** Accounts of the demo tenant, counted page by page. */
async function accountCount(estate: Estate, key: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const page: { items: unknown[]; next: string | null } = await getJson<{ items: unknown[]; next: string | null }>(`${estate.brokerUrl}/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
    n += page.items.length;
    cursor = page.next;
  } while (cursor);
  return n;
}

/**
 * Follows a run to its end; `phases` gets the seconds each phase was seen running (polled every
 * 500 ms, so each is within about half a second), and `vitallyByPhase` the sandbox's Vitally
 * requests counted while it was.
 */
/** Peak memory over the runs: bytes of this process, MB of the broker's workerd, MB of Concord's isolate after GC. */
interface Peak {
  self: number;
  broker: number;
  heap: number | null;
}

/** CPU seconds spent while a phase ran: by the broker's workerd processes (Concord, miniflare, the local D1) and by the bench process (the sandbox). */
type PhaseCpu = Map<string, { broker: number; sandbox: number }>;

async function follow(estate: Estate, key: string, body: unknown, peak: Peak, phases: Map<string, number>, vitallyByPhase: Map<string, number>, hubspotByPhase: Map<string, { calls: number; records: number }>, cpuByPhase: PhaseCpu): Promise<{ run: Run; seconds: number }> {
  const started = Date.now();
  const c0 = await counters(estate);
  let last = { phase: 'ingest', at: started, vitally: c0['vitally']?.['demo']?.requests ?? 0, hubspot: hubspotBatchWrites(c0), cpu: cpuSeconds() };
  const firstVitally = last.vitally;
  let reported = started;
  const res = await fetch(`${estate.brokerUrl}/v1/tenants/demo/sync/runs`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`start ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as Run;
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 500));
    peak.self = Math.max(peak.self, process.memoryUsage().rss);
    peak.broker = Math.max(peak.broker, workerdRssMb() ?? 0);
    const run = await getJson<Run>(`${estate.brokerUrl}/v1/tenants/demo/sync/runs/${id}?driftLimit=0`, { headers: { authorization: `Bearer ${key}` } });
    const now = Date.now();
    const c = await counters(estate);
    const vitally = c['vitally']?.['demo']?.requests ?? 0;
    const hubspot = hubspotBatchWrites(c);
    const cpu = cpuSeconds();
    const spent = cpuByPhase.get(last.phase) ?? { broker: 0, sandbox: 0 };
    cpuByPhase.set(last.phase, { broker: spent.broker + (cpu.broker ?? 0) - (last.cpu.broker ?? 0), sandbox: spent.sandbox + cpu.sandbox - last.cpu.sandbox });
    phases.set(last.phase, (phases.get(last.phase) ?? 0) + (now - last.at) / 1000);
    vitallyByPhase.set(last.phase, (vitallyByPhase.get(last.phase) ?? 0) + vitally - last.vitally);
    const hs = hubspotByPhase.get(last.phase) ?? { calls: 0, records: 0 };
    hubspotByPhase.set(last.phase, { calls: hs.calls + hubspot.calls - last.hubspot.calls, records: hs.records + hubspot.records - last.hubspot.records });
    // A phase that ends says what it cost at once (a scale-100 backfill's last phase runs for most of an hour).
    if (run.progress.phase !== last.phase) {
      const c = cpuByPhase.get(last.phase)!;
      console.log(`    [${((now - started) / 1000).toFixed(0)} s] ${last.phase} ended after ${(phases.get(last.phase) ?? 0).toFixed(1)} s: CPU broker workerd ${c.broker.toFixed(1)} s, bench process (sandbox) ${c.sandbox.toFixed(1)} s, Vitally calls ${vitallyByPhase.get(last.phase) ?? 0}, HubSpot batch updates ${hubspotByPhase.get(last.phase)?.calls ?? 0} (${hubspotByPhase.get(last.phase)?.records ?? 0} records)`);
    }
    last = { phase: run.progress.phase, at: now, vitally, hubspot, cpu };
    // A long run says where it is every minute (a scale-100 backfill runs for an hour).
    if (now - reported >= 60_000) {
      reported = now;
      const heap = await concordHeapMb();
      if (heap !== null) peak.heap = Math.max(peak.heap ?? 0, heap);
      console.log(`    [${((now - started) / 1000).toFixed(0)} s] ${run.progress.phase} ${run.progress.done}/${run.progress.total}, Vitally calls ${vitally - firstVitally}, broker workerd ${workerdRssMb() ?? 'n/a'} MB (Concord's isolate ${heap ?? 'n/a'} MB after GC), bench process ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
    }
    if (run.status === 'completed' || run.status === 'failed') return { run, seconds: (now - started) / 1000 };
  }
}

const diff = (a: Counters, b: Counters, vendor: string) => ({
  requests: (b[vendor]?.['demo']?.requests ?? 0) - (a[vendor]?.['demo']?.requests ?? 0),
  rateLimited: (b[vendor]?.['demo']?.rateLimited ?? 0) - (a[vendor]?.['demo']?.rateLimited ?? 0),
});

export async function benchSyncRuns(estate: Estate, scale: number): Promise<void> {
  const key = estate.tenants.demo.apiKey;
  const startHeap = await concordHeapMb();
  const peak: Peak = { self: process.memoryUsage().rss, broker: workerdRssMb() ?? 0, heap: startHeap };
  console.log(`\nSync runs at SANDBOX_SCALE=${scale}`);
  for (const body of [{ kind: 'backfill' }, { kind: 'reconcile' }]) {
    const before = await counters(estate);
    const phases = new Map<string, number>();
    const vitallyByPhase = new Map<string, number>();
    const hubspotByPhase = new Map<string, { calls: number; records: number }>();
    const cpuByPhase: PhaseCpu = new Map();
    const { run, seconds } = await follow(estate, key, body, peak, phases, vitallyByPhase, hubspotByPhase, cpuByPhase);
    const after = await counters(estate);
    const endHeap = await concordHeapMb();
    if (endHeap !== null) peak.heap = Math.max(peak.heap ?? 0, endHeap);
    const calls = ['hubspot', 'salesforce', 'netsuite', 'vitally'].map((v) => ({ v, ...diff(before, after, v) }));
    const accounts = await accountCount(estate, key);
    console.log(`  ${body.kind}: ${run.status}${run.error ? ` (${run.error})` : ''} in ${seconds.toFixed(1)} s: ${accounts} accounts, ${(accounts / seconds).toFixed(0)} accounts/s (${run.progress.done} records linked and accounts compared or written)`);
    console.log(`    counts: ${JSON.stringify(run.counts)}`);
    console.log(`    vendor calls (429s): ${calls.map((c) => `${c.v} ${c.requests} (${c.rateLimited})`).join(', ')}`);
    const ns = { requests: calls.find((c) => c.v === 'netsuite')!.requests, slotMs: (after['netsuite']?.['demo']?.slotMs ?? 0) - (before['netsuite']?.['demo']?.slotMs ?? 0) };
    console.log(`    NetSuite at the sandbox: ${ns.requests ? (ns.slotMs / ns.requests).toFixed(1) : '-'} ms a request, ${(ns.slotMs / 1000 / (5 * seconds) * 100).toFixed(0)}% of its 5 slots busy over the run, most in flight since the estate started ${after['netsuite']?.['demo']?.maxInFlight ?? '-'}`);
    console.log(`    phases (s, Vitally calls): ${[...phases].filter(([p]) => p !== 'done').map(([p, t]) => `${p} ${t.toFixed(1)} (${vitallyByPhase.get(p) ?? 0})`).join(', ')}`);
    // Whether a phase is bound by the machine: the CPU seconds each side spent in it (2 cores here
    // hold the broker, the sandbox and this bench), and per account, so scales compare.
    console.log(`    CPU per phase (s: broker workerd / bench process with the sandbox; ms per account): ${[...cpuByPhase].filter(([p]) => p !== 'done').map(([p, c]) => `${p} ${c.broker.toFixed(1)} / ${c.sandbox.toFixed(1)} (${((c.broker / accounts) * 1000).toFixed(2)} / ${((c.sandbox / accounts) * 1000).toFixed(2)})`).join(', ')}`);
    if (body.kind === 'backfill') {
      const written = run.counts['written'] ?? 0;
      const hsCalls = run.counts['calls'] ?? 0;
      const writing = phases.get('accounts') ?? 0;
      console.log(`    CRM writes (HubSpot and Salesforce): ${written} records in ${hsCalls} calls (${hsCalls ? (written / hsCalls).toFixed(0) : '-'} per call), ${(written / seconds).toFixed(0)} records/s over the whole run (ingest and linking included), ${writing ? (written / writing).toFixed(0) : '-'} records/s in the accounts phase (${writing ? (accounts / writing).toFixed(0) : '-'} accounts/s)`);
      // HubSpot's own, as the sandbox counted its batch updates: against its ceiling of 110 calls / 10 s x 100 records.
      const hs = hubspotByPhase.get('accounts') ?? { calls: 0, records: 0 };
      console.log(`    HubSpot in the accounts phase: ${hs.records} records in ${hs.calls} batch updates (${hs.calls ? (hs.records / hs.calls).toFixed(0) : '-'} per call), ${writing ? (hs.records / writing).toFixed(0) : '-'} records/s and ${writing ? (hs.calls / writing).toFixed(1) : '-'} calls/s: ${writing ? ((hs.records / writing / 1100) * 100).toFixed(0) : '-'} % of HubSpot's write ceiling of 1,100 records/s (phase timed to the bench's 0.5 s progress reads)`);
      // The trailing phase: accounts whose health trend waited for their Vitally score series.
      const history = phases.get('cs-history') ?? 0;
      const pending = run.counts['historyPending'] ?? 0;
      if (pending > 0 || history > 0) {
        console.log(`    accounts completed: ${run.counts['accountsCompleted'] ?? 0} in the accounts phase, ${run.counts['historyCompleted'] ?? 0} of ${pending} left for the cs-history phase in ${history.toFixed(1)} s (${history ? ((run.counts['historyCompleted'] ?? 0) / history).toFixed(1) : '-'} accounts/s, ${vitallyByPhase.get('cs-history') ?? 0} Vitally calls); ${run.counts['historyWritten'] ?? 0} CRM records written there in ${run.counts['historyCalls'] ?? 0} calls`);
      }
    }
  }
  console.log(`  peak memory: bench process (sandbox) ${(peak.self / 1048576).toFixed(0)} MB, broker workerd ${peak.broker || 'n/a'} MB`);
  // The workerd figure is the whole process: miniflare's simulators and SQLite's memory for the
  // local D1 database grow with the estate's data. Concord's own isolate (the Worker and its
  // Durable Objects) is read through workerd's inspector after a full collection.
  console.log(`  Concord's isolate heap after GC: ${startHeap ?? 'n/a'} MB before the runs, peak ${peak.heap ?? 'n/a'} MB (read once a minute and after each run)`);
  console.log(`  progress reads dropped by wrangler dev's proxy and asked again: ${dropped.count}`);
}
