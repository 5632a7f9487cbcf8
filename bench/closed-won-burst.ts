/**
 * Closed-won burst: deals moved to closed-won at once in the sandbox HubSpot (batch update, 100
 * per call), each becoming an ERP order through the whole path (webhook -> queue -> intake ->
 * ClosedWonToOrder Workflow -> NetSuite) on `wrangler dev`. Prints time to drain (every order in
 * NetSuite), orders/s, NetSuite's most requests in flight and 429s (from `/__sandbox/limits`),
 * duplicates and losses counted in the sandbox (`/__sandbox/netsuite|vitally/demo/stats`), and
 * the ceiling = NetSuite concurrency slots / (ERP calls per order x mean ERP call latency), both
 * measured in this run. Before the burst, the cycle time of single deals (won event to order
 * number on the CRM record) when nothing else is running.
 * Targets (issue 10): 0 duplicates, 0 lost, drain >= 90 % of the ceiling, in-flight never above
 * the limit, cycle p95 <= 5 s. Prints; never fails on a number.
 *   BENCH_BURST_DEALS (default 1000), BENCH_CYCLE_DEALS (default 10),
 *   BENCH_BURST_WAIT_MS (default 600000: how long to wait for the orders and the runs),
 *   BENCH_BURST_ERP_LATENCY_MS (default 0: NetSuite answers this much later during the latency
 *   measurement and the burst, as a production NetSuite does; its slots are then the limit).
 * Also printed: the ceiling at the latency NetSuite had during the burst (the sandbox's own time
 * per request, which grows when the machine is busy), how busy NetSuite's pool was, where the
 * slots' time went (the limiter's `slotUse` from ops/quota: leased, held by callers, in HTTP
 * exchanges; the sandbox's time from a request reaching its HTTP server to the answer), and the
 * CPU the broker and this process (the sandbox) spent during the drain, with the sandbox's event loop lag.
 */
import type { Estate } from '../scripts/estate.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SlotUse } from '../worker/connectors/limits/core.js';
import { cpuSeconds } from './lib/processes.js';
import { summarize } from './lib/stats.js';

const BATCH = 100;
/** HubSpot-defined association types (https://developers.hubspot.com/docs/api/crm/associations). */
const DEAL_TO_COMPANY = 5;
const LINE_ITEM_TO_DEAL = 20;

interface Fixture {
  dealId: string;
  companyId: string;
  skus: string[];
  currency: string;
}
interface Counters {
  requests: number;
  rateLimited: number;
  serverErrors: number;
  maxInFlight: number;
  /** NetSuite: milliseconds its requests held a concurrency slot, summed. */
  slotMs?: number;
  /** NetSuite: milliseconds from each request reaching the sandbox's HTTP server to its answer, summed. */
  servedMs?: number;
  /** Requests per route (`GET /resources/accounts/:id`), as the sandbox counts them. */
  byRoute?: Record<string, number>;
}
interface NsStats {
  concurrency: { limit: number; maxInFlight: number };
  customers: { createdThroughApi: number; duplicates: number };
  salesOrders: { createdThroughApi: number; duplicates: number; maxPerExternalId: number; createdWithoutExternalId: number };
}
interface ViStats {
  accounts: { createdThroughApi: number; duplicates: number };
  projects: { createdThroughApi: number; duplicates: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchClosedWonBurst(estate: Estate, opts: { deals: number; cycleDeals: number; waitMs: number; erpLatencyMs?: number }): Promise<Record<string, unknown>> {
  const key = estate.tenants.demo.apiKey;
  const sb = estate.sandboxUrl;
  const json = async <T>(res: Response): Promise<T> => {
    if (!res.ok) throw new Error(`${res.url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  const token = async (vendor: string) =>
    (await json<{ accessToken: string }>(await fetch(`${sb}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) }))).accessToken;
  const hsToken = await token('hubspot');
  const nsToken = await token('netsuite');
  // The bench's own HubSpot calls share HubSpot's 110 calls / 10 s with the broker's reads of the
  // creation webhooks: on a 429 it waits for the window to move, as a HubSpot client would.
  const hs = async (method: string, path: string, body?: unknown): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${sb}/hubspot${path}`, { method, headers: { authorization: `Bearer ${hsToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      if (res.status !== 429 || attempt >= 10) return res;
      await res.arrayBuffer();
      await sleep(2_000);
    }
  };
  const broker = (path: string) => fetch(`${estate.brokerUrl}/v1/tenants/demo${path}`, { headers: { authorization: `Bearer ${key}` } });
  const counters = async () => (await json<{ netsuiteConcurrency: number; counters: { netsuite?: { demo?: Counters }; hubspot?: { demo?: Counters }; vitally?: { demo?: Counters } } }>(await fetch(`${sb}/__sandbox/limits`)));
  const nsStats = async () => json<NsStats>(await fetch(`${sb}/__sandbox/netsuite/demo/stats`));
  const viStats = async () => json<ViStats>(await fetch(`${sb}/__sandbox/vitally/demo/stats`));
  const slotUse = async (): Promise<SlotUse> => {
    const q = await json<{ vendors: { system: string; usage: { slotUse?: SlotUse } | null }[] }>(await broker('/ops/quota'));
    return q.vendors.find((v) => v.system === 'netsuite')?.usage?.slotUse ?? { leases: 0, objectMs: 0, calls: 0, callerMs: 0, callMs: 0, heldLeases: 0, heldMs: 0 };
  };

  // Templates: the seed's valid demo deals (picked by what they are, from the sandbox's truth).
  const fixtures = await json<{ hubspot: { valid: Fixture[] } }>(await fetch(`${sb}/__sandbox/truth/closed-won?tenant=demo`));
  const templates: { fixture: Fixture; properties: Record<string, string | null> }[] = [];
  const props = ['dealname', 'amount', 'deal_currency_code', 'closedate', 'hubspot_owner_id', 'concord_contract_start', 'concord_contract_end', 'concord_payment_terms'];
  for (const f of fixtures.hubspot.valid) {
    templates.push({ fixture: f, properties: (await json<{ properties: Record<string, string | null> }>(await hs('GET', `/crm/v3/objects/deals/${f.dealId}?properties=${props.join(',')}`))).properties });
  }
  const products = await json<{ results: { id: string; properties: { hs_sku: string | null } }[] }>(await hs('GET', '/crm/v3/objects/products?limit=100&properties=hs_sku'));
  const productOf = new Map(products.results.map((p) => [p.properties.hs_sku, p.id]));

  // N + M new open deals in the default pipeline, each a copy of a template (company, lines).
  const total = opts.deals + opts.cycleDeals;
  console.log(`\nClosed-won burst: creating ${total} open deals with line items in the sandbox HubSpot...`);
  const plan = Array.from({ length: total }, (_, i) => templates[i % templates.length]!);
  const dealIds: string[] = [];
  for (let i = 0; i < total; i += BATCH) {
    const inputs = plan.slice(i, i + BATCH).map((t, j) => ({
      properties: { ...Object.fromEntries(Object.entries(t.properties).filter(([k, v]) => v !== null && props.includes(k))), dealname: `Bench order ${i + j + 1}`, pipeline: 'default', dealstage: 'contractsent' },
      associations: [{ to: { id: t.fixture.companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: DEAL_TO_COMPANY }] }],
    }));
    const created = await json<{ results: { id: string; properties: { dealname: string } }[] }>(await hs('POST', '/crm/v3/objects/deals/batch/create', { inputs }));
    // Batch answers are not ordered: map back by the name given.
    const byName = new Map(created.results.map((r) => [r.properties.dealname, r.id]));
    inputs.forEach((input) => dealIds.push(byName.get(input.properties.dealname)!));
  }
  const lines = dealIds.flatMap((dealId, i) =>
    plan[i]!.fixture.skus.map((sku) => ({
      properties: { hs_product_id: productOf.get(sku)!, quantity: '1', hs_line_item_currency_code: plan[i]!.fixture.currency },
      associations: [{ to: { id: dealId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: LINE_ITEM_TO_DEAL }] }],
    })),
  );
  for (let i = 0; i < lines.length; i += BATCH) {
    await json(await hs('POST', '/crm/v3/objects/line_items/batch/create', { inputs: lines.slice(i, i + BATCH) }));
    // Stay inside HubSpot's 110 requests / 10 s with the broker's own reads of the creation webhooks.
    await sleep(150);
  }
  const cycleDeals = dealIds.slice(0, opts.cycleDeals);
  const burstDeals = dealIds.slice(opts.cycleDeals);
  // Let the creation webhooks drain and HubSpot's 10 s window roll off.
  await sleep(12_000);

  // 1. Cycle time when nothing else runs: won -> order number on the deal, one deal at a time.
  // Also what one NetSuite call costs the broker beyond NetSuite's own time when nothing else runs.
  const nsNow = async () => (await counters()).counters.netsuite?.demo;
  const [idleSu0, idleNs0] = [await slotUse(), await nsNow()];
  const cycles: number[] = [];
  for (const dealId of cycleDeals) {
    const t0 = Date.now();
    await json(await hs('PATCH', `/crm/v3/objects/deals/${dealId}`, { properties: { dealstage: 'closedwon' } }));
    let runId: string | null = null;
    for (const end = Date.now() + 60_000; Date.now() < end; await sleep(50)) {
      if (!runId) {
        const { items } = await json<{ items: { id: string }[] }>(await broker(`/flows/runs?source=hubspot&record=${dealId}`));
        runId = items[0]?.id ?? null;
        continue;
      }
      const run = await json<{ status: string; steps: { step: string; status: string; finishedAt: string | null }[] }>(await broker(`/flows/runs/${runId}`));
      // The order number reached the CRM record: the write-back's batched CRM write recorded.
      const wrote = run.steps.find((s) => s.step === 'write-back-order:crm' && s.status === 'done');
      if (run.status === 'completed' || run.status === 'failed' || run.status === 'blocked') {
        if (wrote?.finishedAt) cycles.push(Date.parse(wrote.finishedAt) - t0);
        break;
      }
    }
  }
  const cycle = summarize(cycles);
  const [idleSu1, idleNs1] = [await slotUse(), await nsNow()];
  const idleCalls = idleSu1.calls - idleSu0.calls;
  const idleNsCalls = (idleNs1?.requests ?? 0) - (idleNs0?.requests ?? 0);
  const idle = {
    exchangeMs: idleCalls > 0 ? (idleSu1.callMs - idleSu0.callMs) / idleCalls : NaN,
    servedMs: idleNsCalls > 0 ? ((idleNs1?.servedMs ?? 0) - (idleNs0?.servedMs ?? 0)) / idleNsCalls : NaN,
  };

  // With BENCH_BURST_ERP_LATENCY_MS, NetSuite answers that much later (holding its slot), for the
  // idle measurement and the burst: a production-like latency, where NetSuite's pool is the limit.
  const erpLatency = opts.erpLatencyMs ?? 0;
  if (erpLatency > 0) await fetch(`${sb}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ netsuite: { latencyMs: erpLatency } }) });

  // 2. Mean ERP call latency, idle: the calls an order makes (a SuiteQL query, a record read).
  const anyOrder = await json<{ items: { id: string }[] }>(
    await fetch(`${sb}/netsuite/services/rest/query/v1/suiteql?limit=1`, { method: 'POST', headers: { authorization: `Bearer ${nsToken}`, 'content-type': 'application/json', prefer: 'transient' }, body: JSON.stringify({ q: "SELECT id FROM transaction WHERE type = 'SalesOrd'" }) }),
  );
  const latencies: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const res =
      i % 2 === 0
        ? await fetch(`${sb}/netsuite/services/rest/query/v1/suiteql?limit=5`, { method: 'POST', headers: { authorization: `Bearer ${nsToken}`, 'content-type': 'application/json', prefer: 'transient' }, body: JSON.stringify({ q: 'SELECT id, companyname FROM customer ORDER BY id' }) })
        : await fetch(`${sb}/netsuite/services/rest/record/v1/salesOrder/${anyOrder.items[0]!.id}`, { headers: { authorization: `Bearer ${nsToken}` } });
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
  }
  const meanLatencyMs = latencies.reduce((s, v) => s + v, 0) / latencies.length;

  // 3. The burst.
  await fetch(`${sb}/__sandbox/limits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reset: true }) });
  const [ns0, vi0, su0] = [await nsStats(), await viStats(), await slotUse()];
  // How busy the machine's two sides were: CPU of the broker (workerd) and of this process (the
  // sandbox, in its thread or on this loop), and how late the sandbox's event loop ran (a late
  // loop answers NetSuite late): its thread's when it has one, else this process's.
  const cpu0 = cpuSeconds();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  await estate.sandboxLoop?.reset();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.ceil(burstDeals.length / BATCH) }, (_, b) =>
      hs('POST', '/crm/v3/objects/deals/batch/update', { inputs: burstDeals.slice(b * BATCH, (b + 1) * BATCH).map((id) => ({ id, properties: { dealstage: 'closedwon' } })) }).then(json),
    ),
  );
  let drainedAt: number | null = null;
  let orders = 0;
  let lastProgress = performance.now();
  while (performance.now() - started < opts.waitMs) {
    const made = (await nsStats()).salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi;
    if (made > orders) lastProgress = performance.now();
    orders = made;
    if (orders >= burstDeals.length) {
      drainedAt = performance.now();
      break;
    }
    if (performance.now() - lastProgress > 120_000) break;
    await sleep(250);
  }
  const drainS = ((drainedAt ?? performance.now()) - started) / 1000;
  if (erpLatency > 0) await fetch(`${sb}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const none: Counters = { requests: 0, rateLimited: 0, serverErrors: 0, maxInFlight: 0 };
  const drained = (await counters()).counters;
  const atDrain = drained.netsuite?.demo ?? none;
  const su1 = await slotUse();
  const cpu1 = cpuSeconds();
  loopDelay.disable();
  const sandboxLoop = await estate.sandboxLoop?.delay();

  // Runs to their end (write-backs and CS provisioning follow the order).
  let completed = 0;
  let blockedOrFailed = 0;
  /** The runs not completed, by status, step and reason (what held them). */
  let held = new Map<string, number>();
  for (;;) {
    completed = 0;
    blockedOrFailed = 0;
    held = new Map();
    for (const status of ['completed', 'blocked', 'failed', 'running', 'queued'] as const) {
      let before: string | null = null;
      for (;;) {
        type Item = { step: string | null; exceptions: { code?: string; reason?: string; message?: string }[] | null };
        const page: { items: Item[]; next: string | null } = await json(await broker(`/flows/runs?source=hubspot&status=${status}&limit=200${before ? `&before=${encodeURIComponent(before)}` : ''}`));
        const n = page.items.length;
        if (status === 'completed') completed += n;
        else if (status === 'blocked' || status === 'failed') blockedOrFailed += n;
        if (status !== 'completed') {
          for (const item of page.items) {
            const x = item.exceptions?.[0];
            const text = x?.reason ?? x?.message;
            const why = x ? `${x.code ?? ''}${text ? `: ${text.slice(0, 90)}` : ''}` : '';
            const k = `${status} at ${item.step ?? '-'}${why ? ` (${why})` : ''}`;
            held.set(k, (held.get(k) ?? 0) + 1);
          }
        }
        if (!page.next) break;
        before = page.next;
      }
    }
    if (completed + blockedOrFailed >= dealIds.length || performance.now() - started > opts.waitMs) break;
    await sleep(5_000);
  }
  const runsS = (performance.now() - started) / 1000;

  // Where a burst run's time goes: from the burst to the run's claim (webhook, queue, intake),
  // then per step the wait before it (engine, permits, queue) and its own time; from the runs'
  // recorded steps, a sample spread over the burst.
  const startedIso = Date.now() - (performance.now() - started);
  const burstSet = new Set(burstDeals);
  const sample: string[] = [];
  for (const [i, dealId] of burstDeals.entries()) if (i % Math.max(1, Math.floor(burstDeals.length / 60)) === 0) sample.push(dealId);
  const phases = new Map<string, { wait: number[]; took: number[] }>();
  const claim: number[] = [];
  for (const dealId of sample) {
    if (!burstSet.has(dealId)) continue;
    const { items } = await json<{ items: { id: string }[] }>(await broker(`/flows/runs?source=hubspot&record=${dealId}`));
    if (!items[0]) continue;
    const run = await json<{ createdAt: string; steps: { step: string; startedAt: string; finishedAt: string }[] }>(await broker(`/flows/runs/${items[0].id}`));
    claim.push(Date.parse(run.createdAt) - startedIso);
    let last = Date.parse(run.createdAt);
    for (const st of [...run.steps].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))) {
      const name = st.step.replace(/#\d+/, '');
      const ph = phases.get(name) ?? { wait: [], took: [] };
      ph.wait.push(Math.max(0, Date.parse(st.startedAt) - last));
      ph.took.push(Date.parse(st.finishedAt) - Date.parse(st.startedAt));
      phases.set(name, ph);
      last = Math.max(last, Date.parse(st.finishedAt));
    }
  }
  const [ns, vi, lim] = [await nsStats(), await viStats(), await counters()];
  // The CRM and CS calls of the whole burst (intake, write-backs, provisioning), against their limits.
  const hsCalls = lim.counters.hubspot?.demo ?? none;
  const viCalls = lim.counters.vitally?.demo ?? none;

  const slots = lim.netsuiteConcurrency;
  const callsPerOrder = orders > 0 ? atDrain.requests / orders : NaN;
  const ceiling = slots / (callsPerOrder * (meanLatencyMs / 1000));
  // The latency NetSuite had during the burst (time its requests held a slot, per request), the
  // ceiling at that latency, and how busy its pool was while the burst drained.
  const burstLatencyMs = atDrain.requests > 0 ? (atDrain.slotMs ?? 0) / atDrain.requests : NaN;
  const burstCeiling = slots / (callsPerOrder * (burstLatencyMs / 1000));
  const poolBusy = (atDrain.slotMs ?? 0) / (slots * drainS * 1000);
  const rate = orders / drainS;
  const lost = burstDeals.length - orders;
  const duplicates = ns.salesOrders.duplicates + ns.customers.duplicates + vi.accounts.duplicates + vi.projects.duplicates;

  console.log(`\nClosed-won burst (${burstDeals.length} HubSpot deals won in ${Math.ceil(burstDeals.length / BATCH)} batch updates; webhook -> queue -> Workflow -> NetSuite on wrangler dev${erpLatency > 0 ? `; NetSuite +${erpLatency} ms per call` : ''})`);
  console.log(`  orders in NetSuite  ${orders} of ${burstDeals.length}   lost ${lost}`);
  console.log(`  time to drain       ${drainS.toFixed(1)} s${drainedAt === null ? ' (not drained: stopped waiting)' : ''}`);
  console.log(`  orders/s            ${rate.toFixed(2)}`);
  console.log(`  ceiling             ${ceiling.toFixed(2)} orders/s = ${slots} NetSuite slots / (${callsPerOrder.toFixed(2)} ERP calls per order x ${meanLatencyMs.toFixed(1)} ms mean ERP call latency, idle)   drain at ${((rate / ceiling) * 100).toFixed(1)} % of it`);
  console.log(`  in-burst ceiling    ${burstCeiling.toFixed(2)} orders/s at the ${burstLatencyMs.toFixed(1)} ms NetSuite took per call during the burst   drain at ${((rate / burstCeiling) * 100).toFixed(1)} % of it   NetSuite's pool busy ${(poolBusy * 100).toFixed(0)} % of the drain`);
  // Where the slots' time went during the drain (slot-seconds; the pool had slots x drain of them).
  const slotS = (ms: number) => (ms / 1000).toFixed(1);
  const d = { objectMs: su1.objectMs - su0.objectMs, callerMs: su1.callerMs - su0.callerMs, callMs: su1.callMs - su0.callMs, calls: su1.calls - su0.calls, leases: su1.leases - su0.leases, heldMs: su1.heldMs - su0.heldMs };
  const pool = slots * drainS * 1000;
  const pct = (ms: number) => `${((ms / pool) * 100).toFixed(0)} %`;
  console.log(
    `  slot time           pool ${slotS(pool)} slot-s: limiter counted leases ${slotS(d.objectMs)} (${pct(d.objectMs)}, ${d.leases} leases for ${d.calls} calls) + account-view holds ${slotS(d.heldMs)} (${pct(d.heldMs)}); callers held ${slotS(d.callerMs)} (${pct(d.callerMs)}), of which HTTP exchanges ${slotS(d.callMs)} (${pct(d.callMs)}); NetSuite busy ${slotS(atDrain.slotMs ?? 0)} (${pct(atDrain.slotMs ?? 0)})`,
  );
  console.log(
    `                      per call, ms: in the limiter's lease ${(d.objectMs / Math.max(1, d.calls)).toFixed(1)}, held by the caller ${(d.callerMs / Math.max(1, d.calls)).toFixed(1)}, HTTP exchange ${(d.callMs / Math.max(1, d.calls)).toFixed(1)}, at NetSuite ${atDrain.requests > 0 ? ((atDrain.slotMs ?? 0) / atDrain.requests).toFixed(1) : '-'} (from reaching the sandbox's HTTP server to the answer ${atDrain.requests > 0 ? ((atDrain.servedMs ?? 0) / atDrain.requests).toFixed(1) : '-'})`,
  );
  const core = (a: number | null, b: number | null) => (a === null || b === null ? 'n/a' : `${(((b - a) / drainS) * 100).toFixed(0)} % of a core`);
  console.log(
    `  machine             broker (workerd) ${core(cpu0.broker, cpu1.broker)}, sandbox + bench (this process) ${core(cpu0.sandbox, cpu1.sandbox)} during the drain; ${
      sandboxLoop
        ? `the sandbox thread's event loop late p50 ${sandboxLoop.p50.toFixed(1)} ms, p99 ${sandboxLoop.p99.toFixed(1)} ms, max ${sandboxLoop.max.toFixed(1)} ms (beyond its 2 ms timer)`
        : `this process's event loop late p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms (the sandbox's; its 10 ms timer included)`
    }`,
  );
  console.log(`  NetSuite in flight  max ${atDrain.maxInFlight} (limit ${slots})   429s ${atDrain.rateLimited}   5xx ${atDrain.serverErrors}`);
  console.log(
    `  other vendors       HubSpot ${(hsCalls.requests / burstDeals.length).toFixed(2)} calls per order (${hsCalls.requests} in all, 429s ${hsCalls.rateLimited}; 110 calls / 10 s allow ${(11 / (hsCalls.requests / burstDeals.length)).toFixed(1)} orders/s)   Vitally ${(viCalls.requests / burstDeals.length).toFixed(2)} calls per order (${viCalls.requests} in all, 429s ${viCalls.rateLimited}; 1,000 / min allow ${(1000 / 60 / (viCalls.requests / burstDeals.length)).toFixed(1)} orders/s)`,
  );
  console.log(`  duplicates          sales orders ${ns.salesOrders.duplicates} (max ${ns.salesOrders.maxPerExternalId} per externalId, ${ns.salesOrders.createdWithoutExternalId} without one)   customers ${ns.customers.duplicates} (created ${ns.customers.createdThroughApi - ns0.customers.createdThroughApi})   Vitally accounts ${vi.accounts.duplicates} (created ${vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi})   projects ${vi.projects.duplicates}`);
  console.log(`  runs                ${completed} completed, ${blockedOrFailed} blocked or failed, of ${dealIds.length} (burst + cycle deals), after ${runsS.toFixed(1)} s`);
  for (const [k, n] of [...held].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`                      not completed: ${n} ${k}`);
  const routes = Object.entries(viCalls.byRoute ?? {}).sort((a, b) => b[1] - a[1]);
  console.log(`  Vitally by route    ${routes.slice(0, 10).map(([r, n]) => `${r} ${(n / burstDeals.length).toFixed(2)}/order`).join('; ')}`);
  const c = summarize(claim);
  console.log(`  where the time goes (${claim.length} burst runs sampled; ms, p50 / p95):`);
  console.log(`    burst -> run claimed (webhook, queue, intake)   ${c.p50.toFixed(0)} / ${c.p95.toFixed(0)}`);
  for (const [name, ph] of phases) {
    const [w, t] = [summarize(ph.wait), summarize(ph.took)];
    console.log(`    ${name.padEnd(26)} waited ${w.p50.toFixed(0).padStart(6)} / ${w.p95.toFixed(0).padStart(6)}   took ${t.p50.toFixed(0).padStart(6)} / ${t.p95.toFixed(0).padStart(6)}`);
  }
  console.log(`  cycle time (idle)   won -> order number on the deal: n=${cycle.n} p50 ${cycle.p50.toFixed(0)} ms  p95 ${cycle.p95.toFixed(0)} ms  max ${cycle.max.toFixed(0)} ms`);
  console.log(`                      per NetSuite call of those runs, ms: HTTP exchange ${idle.exchangeMs.toFixed(1)}, at NetSuite ${idle.servedMs.toFixed(1)} (the exchange's cost beyond NetSuite with nothing else running)`);
  console.log(
    `  targets             0 duplicates: ${duplicates === 0 ? 'MET' : 'NOT MET'}; 0 lost: ${lost === 0 ? 'MET' : 'NOT MET'}; drain >= 90 % of ceiling: ${rate / ceiling >= 0.9 ? 'MET' : 'NOT MET'}; in flight <= limit: ${atDrain.maxInFlight <= slots ? 'MET' : 'NOT MET'}; cycle p95 <= 5 s: ${cycle.p95 <= 5000 ? 'MET' : 'NOT MET'}`,
  );
  return { orders, lost, drainS, rate, ceiling, callsPerOrder, meanLatencyMs, maxInFlight: atDrain.maxInFlight, rateLimited: atDrain.rateLimited, duplicates, completed, cycleP95: cycle.p95, burstLatencyMs, burstCeiling, poolBusy, erpLatency, hubspotCallsPerOrder: hsCalls.requests / burstDeals.length, vitallyCallsPerOrder: viCalls.requests / burstDeals.length };
}
