/**
 * Account-view latency through `wrangler dev` over loopback, cold (first build of a view: every
 * source fetched) and warm (served from the KV cache), next to the slowest single upstream call
 * the cold path makes, measured against the same sandbox for the same accounts.
 * Targets (2-core machine): warm p95 <= 15 ms; cold p95 <= 1.15 x the slowest single call's p95.
 */
import type { Estate } from '../scripts/estate.js';
import { suiteqlQueries } from '../worker/connectors/netsuite/queries.js';
import { demoAccounts, fullyLinked } from './lib/accounts.js';
import { fmt, summarize, timed } from './lib/stats.js';

async function token(sandbox: string, vendor: string): Promise<string> {
  const res = await fetch(`${sandbox}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** The upstream calls one cold view makes, issued one at a time; returns the slowest. */
async function slowestSingleCall(sandbox: string, ns: string, vt: string, customerId: string, vitallyId: string): Promise<number> {
  const suiteql = (q: string) =>
    fetch(`${sandbox}/netsuite/services/rest/query/v1/suiteql?limit=1000&offset=0`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ns}`, 'content-type': 'application/json', prefer: 'transient' },
      body: JSON.stringify({ q }),
    }).then((r) => r.text());
  const vitally = (path: string) => fetch(`${sandbox}/vitally${path}`, { headers: { authorization: `Basic ${Buffer.from(`${vt}:`).toString('base64')}` } }).then((r) => r.text());
  const calls = [
    () => suiteql(suiteqlQueries.openInvoices(customerId)),
    () => suiteql(suiteqlQueries.subscriptions(customerId)),
    () => fetch(`${sandbox}/netsuite/services/rest/record/v1/customer/${customerId}?expandSubResources=true`, { headers: { authorization: `Bearer ${ns}` } }).then((r) => r.text()),
    () => vitally(`/resources/accounts/${vitallyId}/healthScores?limit=100`),
    () => vitally(`/resources/accounts/${vitallyId}/projects?limit=100`),
    () => vitally(`/resources/accounts/${vitallyId}/tasks?limit=100`),
    () => vitally(`/resources/accounts/${vitallyId}/conversations?limit=100`),
  ];
  let slowest = 0;
  for (const call of calls) slowest = Math.max(slowest, (await timed(call))[0]);
  return slowest;
}

export async function benchAccountView(estate: Estate, opts: { accounts: number; warmRounds: number }): Promise<Record<string, unknown>> {
  const key = estate.tenants.demo.apiKey;
  const headers = { authorization: `Bearer ${key}` };
  const items = await demoAccounts(estate);
  const linked = items.filter(fullyLinked).slice(0, opts.accounts);

  const view = (id: string, refresh = false) =>
    fetch(`${estate.brokerUrl}/v1/tenants/demo/accounts/${id}/view${refresh ? '?refresh=1' : ''}`, { headers }).then(async (r) => {
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`view ${id}: ${r.status}`);
    });

  // Warm up the isolate (connections, reference data) with accounts not measured.
  for (const a of items.slice(-5)) await view(a.id);

  const cold: number[] = [];
  for (const a of linked) cold.push((await timed(() => view(a.id)))[0]);
  const warm: number[] = [];
  for (let round = 0; round < opts.warmRounds; round++) for (const a of linked) warm.push((await timed(() => view(a.id)))[0]);

  const ns = await token(estate.sandboxUrl, 'netsuite');
  const vt = await token(estate.sandboxUrl, 'vitally');
  const single: number[] = [];
  for (const a of linked) {
    single.push(await slowestSingleCall(estate.sandboxUrl, ns, vt, a.links.find((l) => l.system === 'netsuite')!.externalId, a.links.find((l) => l.system === 'vitally')!.externalId));
  }
  // The floor: what any request costs through wrangler dev's local proxy on this machine.
  const floor: number[] = [];
  for (let i = 0; i < 200; i++) floor.push((await timed(() => fetch(`${estate.brokerUrl}/health`).then((r) => r.arrayBuffer())))[0]);

  const c = summarize(cold);
  const w = summarize(warm);
  const s = summarize(single);
  console.log('\nAccount view (GET /v1/tenants/demo/accounts/:id/view via wrangler dev, sequential, loopback)');
  console.log(`  cold                 ${fmt(c)}`);
  console.log(`  warm                 ${fmt(w)}`);
  console.log(`  GET /health (floor)  ${fmt(summarize(floor))}   (wrangler dev's own per-request cost here)`);
  console.log(`  slowest single call  ${fmt(s)}   (the slowest of the 6 upstream calls a cold view makes, each alone)`);
  console.log(`  warm p95 target <= 15 ms: ${w.p95.toFixed(1)} ms ${w.p95 <= 15 ? 'MET' : 'NOT MET'}`);
  const ratio = c.p95 / s.p95;
  console.log(`  cold p95 / slowest-call p95 = ${ratio.toFixed(2)} (target <= 1.15: ${ratio <= 1.15 ? 'MET' : 'NOT MET'})`);
  return { cold: c, warm: w, floor: summarize(floor), slowestSingleCall: s, coldRatio: ratio };
}
