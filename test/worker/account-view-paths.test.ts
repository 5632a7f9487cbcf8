/**
 * The structure of the account view's paths (docs/performance.md), proved without timing anything,
 * against a private sandbox whose faults hold vendor answers open:
 * - a stale view is answered while its background rebuild's NetSuite call is still held open by
 *   the sandbox, and a second stale read neither waits nor starts a second rebuild;
 * - a cold build starts its NetSuite and Vitally calls before either has answered;
 * - every view and card answer says where its time went (Server-Timing) and how many storage and
 *   Durable Object round trips it made (X-Concord-Round-Trips), within the budgets.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import type { AccountView } from '../../worker/model/index.js';
import { buildAccountView } from '../../worker/services/account-view-build.js';
import { cacheKey } from '../../worker/services/account-view-cache.js';
import { createLogger } from '../../worker/ops/log.js';
import { coordinatorFor, viewShard } from '../../worker/storage/objects/view-shards.js';
import { linkedAccountFor } from '../../worker/storage/identity.js';
import { hubspotFetch, hubspotViewPath, type AccountItem } from './cards-helpers.js';
import { api, provision } from './helpers.js';
import { privateSandbox } from './sandbox-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    accountViewSandboxUrl: string;
  }
}

const S = inject('accountViewSandboxUrl');
const TENANT = 'demo';
const brokerEnv = env as unknown as Env;
const netsuite = privateSandbox(S, 'netsuite');
const vitally = privateSandbox(S, 'vitally');

let key = '';
let accounts: AccountItem[] = [];
const used = new Set<string>();

/** A fully linked account (HubSpot, NetSuite, Vitally) no other test here has touched (of `shard`, when given). */
function fresh(shard?: number): AccountItem {
  const systems = ['hubspot', 'netsuite', 'vitally'];
  const a = accounts
    .filter((x) => !used.has(x.id) && systems.every((s) => x.links.some((l) => l.system === s)) && (shard === undefined || viewShard(x.id) === shard))
    .sort((x, y) => x.id.localeCompare(y.id))[0];
  if (!a) throw new Error('no fully linked account left');
  used.add(a.id);
  return a;
}

async function view(id: string): Promise<{ res: Response; body: AccountView }> {
  const res = await api(`/v1/tenants/${TENANT}/accounts/${id}/view`, { key });
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as AccountView };
}

async function limits(): Promise<{ netsuiteInFlight: Record<string, number> }> {
  return (await (await fetch(`${S}/__sandbox/limits`)).json()) as { netsuiteInFlight: Record<string, number> };
}

async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  key = await provision(TENANT);
  for (const system of ['hubspot', 'netsuite', 'vitally'] as const) {
    const token = ((await (await netsuite.post('/__sandbox/tokens', { vendor: system, tenant: 'demo' })).json()) as { accessToken: string }).accessToken;
    const credentials = system === 'vitally' ? { type: 'api_key', apiKey: token } : { type: 'bearer', accessToken: token };
    const res = await api(`/v1/tenants/${TENANT}/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${S}/${system}`, credentials }) });
    expect(res.ok, `connect ${system}`).toBe(true);
  }
  expect((await api(`/v1/tenants/${TENANT}/identity/sync`, { method: 'POST', key })).ok).toBe(true);
  const res = await api(`/v1/tenants/${TENANT}/accounts?limit=200`, { key });
  accounts = ((await res.json()) as { items: AccountItem[] }).items;
});

afterEach(async () => {
  await netsuite.faults({});
});

/** Caches a real view of `account` in KV as if built two minutes ago (never in this isolate's memory). */
async function staleInKv(account: AccountItem): Promise<void> {
  const pending: Promise<unknown>[] = [];
  await buildAccountView(brokerEnv, { tenantId: TENANT, correlationId: 'perf-stale-seed', log: createLogger('error') }, account.id, { waitUntil: (p) => pending.push(p) });
  await Promise.all(pending);
  const k = cacheKey(TENANT, account.id);
  const record = (await brokerEnv.KV.get(k, 'json')) as { sources: Record<string, { fetchedAt: string }>; view: AccountView };
  const old = new Date(Date.now() - 120_000).toISOString();
  for (const s of Object.values(record.sources)) s.fetchedAt = old;
  for (const f of Object.values(record.view.freshness)) if (f) f.fetchedAt = old;
  await brokerEnv.KV.put(k, JSON.stringify(record));
}

describe('a stale view never waits for its rebuild', () => {
  it('answers while the rebuild is held open by the ERP, and a second stale read starts no second rebuild', async () => {
    const account = fresh();
    await staleInKv(account);

    // NetSuite now holds every request open (then answers 504).
    await netsuite.post('/__sandbox/limits', { reset: true });
    // (Held 9 s: longer than the checks below take on a slow machine, shorter than the connector's 10 s timeout.)
    await netsuite.faults({ netsuite: { timeoutRate: 1, hangMs: 9_000 } });

    const first = await view(account.id);
    expect(first.body.receivables.state).toBe('stale');
    expect(first.body.freshness.netsuite?.status).toBe('stale');
    // The background rebuild reaches NetSuite and is held there...
    await until('the rebuild to reach NetSuite', async () => ((await limits()).netsuiteInFlight['demo'] ?? 0) >= 1);

    // ...and meanwhile a stale read is answered at once, from this isolate's copy (or, when more
    // than its 2 s have passed on a slow machine, from KV: one read, still no waiting).
    const second = await view(account.id);
    expect(second.body.receivables.state).toBe('stale');
    expect(second.res.headers.get('server-timing')).toMatch(/cache;dur=[\d.]+;desc="(memory|kv), stale: revalidating in the background"/);
    expect(second.res.headers.get('x-concord-round-trips')).toMatch(/^sequential=[01],/);
    expect((await limits()).netsuiteInFlight['demo'] ?? 0).toBeGreaterThanOrEqual(1);
    // One rebuild of the account, not one per stale read.
    expect((await netsuite.counters()).requests).toBe(1);

    // Once NetSuite answers again the rebuild completes and the view is fresh.
    await netsuite.faults({});
    await until('the view to be revalidated', async () => (await view(account.id)).body.receivables.state === 'ok');
  });
});

describe('background revalidations that wait their turn', () => {
  // One runs at a time per isolate; the others wait. Each runs in the waitUntil of the request that
  // found its view stale, and workerd cancels a continuation woken from another request's context,
  // so a revalidation woken by the one before it never ran, and its account stayed marked running.
  it('a second stale account, read while the first one\'s rebuild is held by the ERP, is revalidated once that rebuild ends', async () => {
    const [a, b] = [fresh(), fresh()];
    await staleInKv(a);
    await staleInKv(b);
    await netsuite.post('/__sandbox/limits', { reset: true });
    // NetSuite answers after 1.5 s: A's rebuild holds the turn while B is read.
    await netsuite.faults({ netsuite: { latencyMs: 1_500 } });
    expect((await view(a.id)).body.receivables.state).toBe('stale');
    await until("A's rebuild to reach NetSuite", async () => ((await limits()).netsuiteInFlight['demo'] ?? 0) >= 1);
    expect((await view(b.id)).body.receivables.state).toBe('stale');
    await netsuite.faults({});
    // Both rebuilt in the background (and kept in KV), B after A, without another read asking for it.
    const fetchedAt = async (id: string) => Date.parse(((await brokerEnv.KV.get(cacheKey(TENANT, id), 'json')) as { view: AccountView }).view.freshness.netsuite?.fetchedAt ?? '');
    await until('both views to be rebuilt', async () => (await fetchedAt(a.id)) > Date.now() - 60_000 && (await fetchedAt(b.id)) > Date.now() - 60_000);
  });
});

describe('a cold build', () => {
  it('starts its NetSuite and Vitally calls before either answers', async () => {
    const account = fresh();
    await netsuite.post('/__sandbox/limits', { reset: true });
    // Both vendors answer only after 4 s, so "both started" is seen while neither has answered.
    await netsuite.faults({ netsuite: { latencyMs: 4_000 }, vitally: { latencyMs: 4_000 } });
    let answered = false;
    const pending = view(account.id).then((v) => ((answered = true), v));
    await until('both vendors to be called', async () => (await netsuite.counters()).requests >= 1 && (await vitally.counters()).requests >= 1);
    expect(answered).toBe(false);
    // NetSuite's reads are one SuiteQL query; Vitally's four reads start together.
    await until('the four Vitally reads', async () => (await vitally.counters()).requests >= 4);
    expect(answered).toBe(false);
    expect((await netsuite.counters()).requests).toBe(1);

    const { body, res } = await pending;
    expect(body.receivables.state).toBe('ok');
    expect(body.health.state).not.toBe('unavailable');
    // Before its first upstream call a cold view makes at most 4 sequential round trips
    // (KV, the coordinator, the account read, the limiter).
    const trips = res.headers.get('x-concord-round-trips') ?? '';
    expect(Number(/before-upstream=(\d+)/.exec(trips)?.[1])).toBeLessThanOrEqual(4);
  });
});

describe("a card's cold build", () => {
  /** The broker's env with D1 batches held until `release` (the build's account read is one batch). */
  function heldAccountRead(): { env: Env; release: () => void; held: () => number } {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held = 0;
    const db = brokerEnv.DB;
    const DB = new Proxy(db, {
      get(target, prop) {
        if (prop === 'batch') return async (statements: D1PreparedStatement[]) => ((held += 1), await gate, target.batch(statements));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return { env: { ...brokerEnv, DB }, release, held: () => held };
  }

  it('starts NetSuite and Vitally while its own account read is still out, with the record ids the link read gave', async () => {
    const account = fresh();
    const company = account.links.find((l) => l.system === 'hubspot')!.externalId;
    // What the card's link read answers: the account, and the records its view reads.
    const linked = await linkedAccountFor(brokerEnv.DB, TENANT, 'hubspot', company, { fresh: true });
    expect(linked?.id).toBe(account.id);
    await netsuite.post('/__sandbox/limits', { reset: true });
    const { env: heldEnv, release, held } = heldAccountRead();
    const pending: Promise<unknown>[] = [];
    const built = buildAccountView(heldEnv, { tenantId: TENANT, correlationId: 'card-early-sources', log: createLogger('error') }, account.id, {
      waitUntil: (p) => pending.push(p),
      sourceIds: linked!.sourceIds,
    });
    built.catch(() => undefined);
    try {
      await until('both vendors to be called while the account read is held', async () => held() >= 1 && (await netsuite.counters()).requests >= 1 && (await vitally.counters()).requests >= 4, 5_000);
    } finally {
      release();
    }
    const view = await built;
    await Promise.all(pending);
    expect(view.account.id).toBe(account.id);
    expect(view.receivables.state).toBe('ok');
    expect(view.health.state).not.toBe('unavailable');
  });

  it("reads the account's own records when the ids it was given are no longer its links", async () => {
    const account = fresh();
    const other = fresh();
    const log = createLogger('error');
    const pending: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>) => void pending.push(p);
    const own = await buildAccountView(brokerEnv, { tenantId: TENANT, correlationId: 'moved-own', log }, account.id, { waitUntil, noCachedView: true });
    const others = await buildAccountView(brokerEnv, { tenantId: TENANT, correlationId: 'moved-other', log }, other.id, { waitUntil, noCachedView: true });
    // (Two different ERP customers: the check below could not tell them apart otherwise.)
    expect(others.account.legalName).not.toBe(own.account.legalName);
    // A link read that named the other account's records (its links moved in between).
    const stale = await linkedAccountFor(brokerEnv.DB, TENANT, 'hubspot', other.links.find((l) => l.system === 'hubspot')!.externalId, { fresh: true });
    const view = await buildAccountView(brokerEnv, { tenantId: TENANT, correlationId: 'moved', log }, account.id, { waitUntil, noCachedView: true, sourceIds: stale!.sourceIds });
    await Promise.all(pending);
    expect(view.account.id).toBe(account.id);
    expect(view.account.legalName).toBe(own.account.legalName);
    expect(view.account.taxId).toBe(own.account.taxId);
    expect(view.links).toEqual(own.links);
  });
});

describe('the coordinators', () => {
  it("build several accounts of one shard at once, each its own, and forget one account's build without the other's", async () => {
    const a = fresh();
    const b = fresh(viewShard(a.id));
    await netsuite.post('/__sandbox/limits', { reset: true });
    // NetSuite answers after 1.5 s: both builds are seen in flight in the same object together.
    await netsuite.faults({ netsuite: { latencyMs: 1_500 } });
    let answered = 0;
    const counted = (p: ReturnType<typeof view>) => p.then((v) => ((answered += 1), v));
    const both = Promise.all([counted(view(a.id)), counted(view(b.id))]);
    await until('both accounts to reach NetSuite', async () => (await netsuite.counters()).requests >= 2);
    expect(answered).toBe(0);
    const [va, vb] = await both;
    expect(va.body.account.id).toBe(a.id);
    expect(vb.body.account.id).toBe(b.id);
    expect(va.body.links).toEqual(expect.arrayContaining(a.links.map((l) => expect.objectContaining({ system: l.system, externalId: l.externalId }))));
    expect(vb.body.links).toEqual(expect.arrayContaining(b.links.map((l) => expect.objectContaining({ system: l.system, externalId: l.externalId }))));
    await netsuite.faults({});

    // Within 5 s a cold build of either is answered from its last build (no vendor call); after
    // `forget` of one account, that account alone is built again.
    const stub = coordinatorFor(brokerEnv, TENANT, a.id);
    const build = async (id: string) => {
      const r = await stub.build({ tenantId: TENANT, accountId: id, correlationId: 'coordinator-test', mode: 'cold' });
      if (!r.ok) throw new Error(`build ${id}: ${r.error.kind}`);
      return r.view.account.id;
    };
    const before = (await netsuite.counters()).requests;
    expect(await build(a.id)).toBe(a.id);
    expect(await build(b.id)).toBe(b.id);
    expect((await netsuite.counters()).requests).toBe(before);
    await stub.forget(TENANT, a.id);
    expect(await build(a.id)).toBe(a.id);
    expect(await build(b.id)).toBe(b.id);
    expect((await netsuite.counters()).requests).toBe(before + 1);
  });

  it('write the view to KV only once the build has been answered', async () => {
    const account = fresh();
    const k = cacheKey(TENANT, account.id);
    const pending: Promise<unknown>[] = [];
    let answer!: () => void;
    const answered = new Promise<void>((r) => (answer = r));
    const built = await buildAccountView(brokerEnv, { tenantId: TENANT, correlationId: 'kv-after-answer', log: createLogger('error') }, account.id, { waitUntil: (p) => pending.push(p), answered });
    expect(built.account.id).toBe(account.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(await brokerEnv.KV.get(k)).toBeNull();
    answer();
    await Promise.all(pending);
    expect(((await brokerEnv.KV.get(k, 'json')) as { view: AccountView }).view.account.id).toBe(account.id);
  });
});

describe('timing on every view and card answer', () => {
  it('names each phase of a cold build, and a warm answer makes no round trip after authentication', async () => {
    const account = fresh();
    const cold = await view(account.id);
    const timing = cold.res.headers.get('server-timing') ?? '';
    for (const phase of ['auth', 'cache', 'coordinator', 'build', 'token-erp', 'token-cs', 'account', 'permits-netsuite', 'permits-vitally', 'up-netsuite-suiteql', 'up-vitally-healthScores.list', 'assembly', 'cache-write', 'total']) {
      expect(timing, phase).toMatch(new RegExp(`(^|, )${phase.replace('.', '\\.')};dur=\\d`));
    }
    expect(cold.res.headers.get('x-concord-round-trips')).toMatch(/^sequential=\d+, before-upstream=[1-4], kv=1, d1=1, do=\d+, auth=\d+$/);
    // The view route has no link read: its build reads the account first, then the sources.
    expect(timing).toMatch(/(^|, )account;dur=[\d.]+(, |$)/);

    const warm = await view(account.id);
    expect(warm.res.headers.get('server-timing')).toMatch(/cache;dur=[\d.]+;desc="memory, fresh"/);
    expect(warm.res.headers.get('x-concord-round-trips')).toMatch(/^sequential=0, before-upstream=none, kv=0, d1=0, do=0,/);
  });

  it('a rebuild whose sources answer reads no last good answer from KV (only a failed source needs one)', async () => {
    const account = fresh();
    expect((await view(account.id)).body.receivables.state).toBe('ok');
    const res = await api(`/v1/tenants/${TENANT}/accounts/${account.id}/view?refresh=1`, { key });
    expect(res.status).toBe(200);
    expect(((await res.json()) as AccountView).receivables.state).toBe('ok');
    expect(res.headers.get('x-concord-round-trips')).toMatch(/, kv=0, d1=1, do=\d+,/);
  });

  it('on the HubSpot card too, with the record-to-account link as its own phase', async () => {
    const account = fresh();
    const company = account.links.find((l) => l.system === 'hubspot')!.externalId;
    const res = await hubspotFetch('GET', hubspotViewPath('companies', company));
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/^auth;dur=[\d.]+, link;dur=[\d.]+, cache;dur=/);
    // The link read named the account's ERP and CS records: the build called them alongside its account read.
    expect(res.headers.get('server-timing')).toMatch(/(^|, )account;dur=[\d.]+;desc="upstream calls started alongside"/);
    expect(res.headers.get('x-concord-round-trips')).toMatch(/before-upstream=[1-5]/);
  });

  it('a warm HubSpot card makes one round trip, the view\'s KV read: the view confirms the record\'s link, so no link is read; a split is seen at once', async () => {
    const account = fresh();
    const company = account.links.find((l) => l.system === 'hubspot')!.externalId;
    const card = async () => {
      const res = await hubspotFetch('GET', hubspotViewPath('companies', company));
      expect(res.status).toBe(200);
      return { res, body: (await res.json()) as AccountView };
    };
    expect((await card()).body.account.id).toBe(account.id);
    // The cached view made stale in KV, and this isolate's own copy left to expire (HOT_MS, 2 s).
    // (The build writes KV once it has been answered: wait for that write.)
    const k = cacheKey(TENANT, account.id);
    await until('the view to be written to KV', async () => (await brokerEnv.KV.get(k)) !== null);
    const record = (await brokerEnv.KV.get(k, 'json')) as { sources: Record<string, { fetchedAt: string }>; view: AccountView };
    const old = new Date(Date.now() - 120_000).toISOString();
    for (const s of Object.values(record.sources)) s.fetchedAt = old;
    for (const f of Object.values(record.view.freshness)) if (f) f.fetchedAt = old;
    await brokerEnv.KV.put(k, JSON.stringify(record));
    await new Promise((r) => setTimeout(r, 2_100));

    const stale = await card();
    expect(stale.body.account.id).toBe(account.id);
    expect(stale.body.receivables.state).toBe('stale');
    // No `link` phase: the record -> account link was not read, the view said it.
    expect(stale.res.headers.get('server-timing')).toMatch(/^auth;dur=[\d.]+, cache;dur=[\d.]+;desc="kv, stale: revalidating in the background"/);
    expect(stale.res.headers.get('x-concord-round-trips')).toMatch(/^sequential=1, before-upstream=none, kv=1, d1=0, do=0,/);
    await until('the view to be revalidated', async () => (await view(account.id)).body.receivables.state === 'ok');

    // The company is split off its account: its card now shows the company's own new account,
    // never the old one's invoices, though this isolate had remembered the old link.
    const split = await api(`/v1/tenants/${TENANT}/identity/split`, { method: 'POST', key, body: JSON.stringify({ accountId: account.id, system: 'hubspot', externalId: company }) });
    expect(split.status).toBe(200);
    const { newAccountId } = (await split.json()) as { newAccountId: string };
    // The old account's view, rebuilt without the company, is what this isolate finds first.
    expect((await view(account.id)).body.links.some((l) => l.system === 'hubspot' && l.externalId === company)).toBe(false);
    const after = await card();
    expect(after.body.account.id).toBe(newAccountId);
    expect(after.body.account.id).not.toBe(account.id);
  });
});
