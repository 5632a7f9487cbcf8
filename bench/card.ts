/**
 * HubSpot card latency: signed `GET /v1/cards/hubspot/view` requests (as `hubspot.fetch` sends
 * them) through `wrangler dev`, with the ERP at normal speed and slowed by the sandbox latency
 * knob, plus the coalescing check: 50 concurrent views of one cold account.
 * Targets: warm p95 <= 15 ms with or without a slow ERP (stale-while-revalidate keeps the slow
 * path off the request); cold p95 <= 350 ms with the ERP at +300 ms; 50 concurrent cold views
 * cause one upstream fetch per source.
 */
import { createHmac } from 'node:crypto';
import { ensureDevVars } from '../scripts/dev-vars.js';
import { ROOT, type Estate } from '../scripts/estate.js';
import { demoAccounts, fullyLinked } from './lib/accounts.js';
import { fmt, summarize, timed } from './lib/stats.js';

/** The escapes HubSpot decodes in the URI before signing (v3 rule). */
const DECODED: [string, string][] = [['%3A', ':'], ['%2F', '/'], ['%3F', '?'], ['%40', '@'], ['%21', '!'], ['%24', '$'], ['%27', "'"], ['%28', '('], ['%29', ')'], ['%2A', '*'], ['%2C', ','], ['%3B', ';']];

/** HubSpot's v3 signature: base64(HMAC-SHA256(secret, METHOD + URI + body + timestamp)). */
function signedHeaders(secret: string, method: string, uri: string): Record<string, string> {
  const timestamp = String(Date.now());
  const signedUri = DECODED.reduce((acc, [from, to]) => acc.split(from).join(to), uri);
  const signature = createHmac('sha256', secret).update(`${method}${signedUri}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

async function sandboxCounters(sandbox: string): Promise<Record<string, number>> {
  const res = (await (await fetch(`${sandbox}/__sandbox/limits`)).json()) as { counters: Record<string, Record<string, { requests: number }>> };
  return Object.fromEntries(Object.entries(res.counters).map(([vendor, byTenant]) => [vendor, byTenant['demo']?.requests ?? 0]));
}

async function faults(sandbox: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandbox}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
}

export async function benchCard(estate: Estate, opts: { accounts: number; warmRounds: number; staleWaitMs: number; skip: number }): Promise<void> {
  const { vars } = ensureDevVars(ROOT);
  const secret = vars.HUBSPOT_CLIENT_SECRET!;
  // hubspot.fetch appends the app's id; the broker refuses another one.
  const appId = vars.HUBSPOT_APP_ID ?? '4242001';
  const portal = ((await (
    await fetch(`${estate.sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo' }) })
  ).json()) as { externalAccount: string }).externalAccount;
  const companies = (await demoAccounts(estate))
    .filter(fullyLinked)
    .map((a) => a.links.find((l) => l.system === 'hubspot')!.externalId)
    // Skip the accounts the account-view bench already warmed.
    .slice(opts.skip);
  // Different accounts for each phase: the bench estate is fresh, so nothing is cached yet.
  const warmSet = companies.slice(0, opts.accounts);
  const coldSlowSet = companies.slice(opts.accounts, opts.accounts * 2);
  const burstCompany = companies[opts.accounts * 2]!;

  const card = (companyId: string) => {
    const uri = `${estate.brokerUrl}/v1/cards/hubspot/view?objectType=companies&objectId=${companyId}&portalId=${portal}&userId=1&userEmail=csm%40example.com&appId=${appId}`;
    return fetch(uri, { headers: signedHeaders(secret, 'GET', uri) }).then(async (r) => {
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`card ${companyId}: ${r.status}`);
    });
  };
  const round = async (set: string[]) => {
    const out: number[] = [];
    for (const id of set) out.push((await timed(() => card(id)))[0]);
    return out;
  };

  await faults(estate.sandboxUrl, {});
  const cold = await round(warmSet);
  const warm: number[] = [];
  for (let r = 0; r < opts.warmRounds; r++) warm.push(...(await round(warmSet)));

  // ERP slowed by 300 ms. Let the cached views go stale, then read them again: each is served
  // from cache at once and revalidated in the background.
  await faults(estate.sandboxUrl, { netsuite: { latencyMs: 300 } });
  await new Promise((r) => setTimeout(r, opts.staleWaitMs));
  const warmSlow = await round(warmSet);
  // Let those background revalidations finish: they hold NetSuite's concurrency slots.
  await new Promise((r) => setTimeout(r, 20_000));
  const coldSlow = await round(coldSlowSet);

  // 50 concurrent views of one cold account: count what reached the sandbox.
  await faults(estate.sandboxUrl, {});
  const before = await sandboxCounters(estate.sandboxUrl);
  await Promise.all(Array.from({ length: 50 }, () => card(burstCompany)));
  const after = await sandboxCounters(estate.sandboxUrl);

  console.log('\nHubSpot card (signed GET /v1/cards/hubspot/view via wrangler dev, sequential, loopback)');
  const w = summarize(warm);
  const ws = summarize(warmSlow);
  const cs = summarize(coldSlow);
  console.log(`  cold, ERP normal        ${fmt(summarize(cold))}`);
  console.log(`  warm, ERP normal        ${fmt(w)}`);
  console.log(`  warm, ERP +300 ms       ${fmt(ws)}   (views ${Math.round(opts.staleWaitMs / 1000)} s old: served stale, revalidated in the background)`);
  console.log(`  cold, ERP +300 ms       ${fmt(cs)}`);
  console.log(`  warm p95 target <= 15 ms: normal ${w.p95.toFixed(1)} ms, slow ERP ${ws.p95.toFixed(1)} ms`);
  console.log(`  cold p95 with ERP +300 ms target <= 350 ms: ${cs.p95.toFixed(1)} ms ${cs.p95 <= 350 ? 'MET' : 'NOT MET'}`);
  const delta = (v: string) => (after[v] ?? 0) - (before[v] ?? 0);
  console.log(`  50 concurrent views of one cold account -> upstream requests: netsuite ${delta('netsuite')}, vitally ${delta('vitally')}, hubspot ${delta('hubspot')} (one view makes 3 + 3)`);
}
