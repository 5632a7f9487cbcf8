/**
 * The per-tenant limiter inside workerd: the `RateLimiter` Durable Object (NetSuite slots with
 * leases, HubSpot windows learned from headers), the real connectors paced by it against the
 * sandbox estate, the bulk company-update path, and the ops quota view.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { HubSpotCrm } from '../../worker/connectors/hubspot/index.js';
import { limiterStub, limitsFor, type LimiterEnv } from '../../worker/connectors/limits/durable.js';
import { NetSuiteErp } from '../../worker/connectors/netsuite/index.js';
import { ConcordError, toProblem } from '../../worker/errors.js';
import type { AppEnv } from '../../worker/http/context.js';
import { correlation } from '../../worker/http/middleware/correlation.js';
import { tenantAuth } from '../../worker/http/middleware/tenant-auth.js';
import { opsRoutes } from '../../worker/http/routes/ops.js';
import { createLogger } from '../../worker/ops/log.js';
import type { Connection } from '../../worker/storage/connections.js';
import { api, provision, sandboxToken } from './helpers.js';

const limitEnv = env as unknown as typeof env & LimiterEnv;
const TENANT = 'limits-t';
/** Sandbox tenant behind each connection: HubSpot `demo` has several hundred companies to batch. */
const SANDBOX_TENANT = { hubspot: 'demo', netsuite: 'other' } as const;
const log = createLogger('error');

/** The ops routes mounted as app.ts mounts tenant routes (until app.ts mounts them itself). */
function opsApp() {
  const app = new Hono<AppEnv>();
  app.use('*', correlation());
  const tenant = new Hono<AppEnv>();
  tenant.use('*', tenantAuth());
  tenant.route('/ops', opsRoutes());
  app.route('/v1/tenants/:tenant', tenant);
  app.onError((err, c) => (err instanceof ConcordError ? c.json(toProblem(err.error), toProblem(err.error).status as 400) : c.json({ code: 'internal_error' }, 500)));
  return app;
}

async function connection(system: 'hubspot' | 'netsuite'): Promise<Connection> {
  return { tenantId: TENANT, system, baseUrl: `${env.SANDBOX_URL}/${system}`, externalAccount: null, status: 'connected', credentials: { type: 'bearer', accessToken: await sandboxToken(system, SANDBOX_TENANT[system]) } };
}

let key: string;
beforeAll(async () => {
  key = await provision(TENANT);
  for (const system of ['hubspot', 'netsuite'] as const) {
    const res = await api(`/v1/tenants/${TENANT}/connections/${system}`, {
      method: 'PUT',
      key,
      body: JSON.stringify({ baseUrl: `${env.SANDBOX_URL}/${system}`, credentials: { type: 'bearer', accessToken: await sandboxToken(system, SANDBOX_TENANT[system]) } }),
    });
    if (!res.ok) throw new Error(`connect ${system}: ${res.status} ${await res.text()}`);
  }
});

describe('RateLimiter Durable Object', () => {
  it('hands out NetSuite slots, refuses the 6th, and takes released slots back', async () => {
    const stub = limiterStub(limitEnv, 'do-slots', 'netsuite')!;
    const grants = [];
    for (let i = 0; i < 5; i++) grants.push(await stub.acquire({ system: 'netsuite' }, {}));
    expect(grants.every((g) => g.ok)).toBe(true);
    expect(await stub.acquire({ system: 'netsuite' }, {})).toMatchObject({ ok: false, exhausted: false });
    expect((await stub.snapshot({ system: 'netsuite' })).inFlight).toBe(5);
    const first = grants[0]!;
    await stub.observe({ system: 'netsuite' }, { status: 200, ...(first.ok && first.leaseId ? { leaseId: first.leaseId } : {}) });
    expect(await stub.acquire({ system: 'netsuite' }, {})).toMatchObject({ ok: true });
    // An account with more slots (SuiteCloud Plus) is a per-connection override.
    expect(await stub.acquire({ system: 'netsuite', overrides: { netsuiteSlots: 10 } }, {})).toMatchObject({ ok: true });
  });

  it('holds callers that may wait for a NetSuite slot in line and grants them in arrival order as slots come back', async () => {
    const stub = limiterStub(limitEnv, 'do-line', 'netsuite')!;
    const key = { system: 'netsuite' as const, overrides: { netsuiteSlots: 1 } };
    const held = await stub.acquire(key, {});
    expect(held).toMatchObject({ ok: true });
    // Two callers join the line; the limiter answers neither while the one slot is taken.
    const order: string[] = [];
    const second = stub.acquire(key, { waitUpToMs: 20_000 }).then((g) => (order.push('second'), g));
    await new Promise((r) => setTimeout(r, 50));
    const third = stub.acquire(key, { waitUpToMs: 20_000 }).then((g) => (order.push('third'), g));
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual([]);
    // A caller that does not wait is told to ask again, even now: it cannot overtake the line.
    expect(await stub.acquire(key, {})).toMatchObject({ ok: false });

    await stub.observe(key, { status: 200, ...(held.ok && held.leaseId ? { leaseId: held.leaseId } : {}) });
    const g2 = await second;
    expect(g2).toMatchObject({ ok: true });
    expect(order).toEqual(['second']);
    await stub.observe(key, { status: 200, ...(g2.ok && g2.leaseId ? { leaseId: g2.leaseId } : {}) });
    const g3 = await third;
    expect(g3).toMatchObject({ ok: true });
    expect(order).toEqual(['second', 'third']);
    await stub.observe(key, { status: 200, ...(g3.ok && g3.leaseId ? { leaseId: g3.leaseId } : {}) });

    // A wait that runs out is answered "ask again", and the caller leaves the line.
    const blocker = await stub.acquire(key, {});
    const t0 = Date.now();
    expect(await stub.acquire(key, { waitUpToMs: 300 })).toMatchObject({ ok: false, exhausted: false });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await stub.observe(key, { status: 200, ...(blocker.ok && blocker.leaseId ? { leaseId: blocker.leaseId } : {}) });
    expect(await stub.acquire(key, {})).toMatchObject({ ok: true });
  });

  it('serves a waiting NetSuite caller when the pause after a 429 ends, with nothing in flight to answer', async () => {
    const stub = limiterStub(limitEnv, `do-line-429-${crypto.randomUUID()}`, 'netsuite')!;
    const key = { system: 'netsuite' as const, overrides: { netsuiteSlots: 2 } };
    const first = await stub.acquire(key, {});
    expect(first).toMatchObject({ ok: true });
    // The only call in flight comes back 429 (another integration holds the account's slots):
    // the limiter pauses briefly, and no other answer is coming to wake the line.
    await stub.observe(key, { status: 429, rateLimited: true, ...(first.ok && first.leaseId ? { leaseId: first.leaseId } : {}) });
    const t0 = Date.now();
    const waiting = await stub.acquire(key, { waitUpToMs: 20_000 });
    expect(waiting).toMatchObject({ ok: true });
    // Granted when the pause ends, not when the caller's own 10 s turn in the line runs out.
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('hands a NetSuite slot from call to call in one isolate, and still serves the object\'s line in turn', async () => {
    const tenant = `do-handoff-${crypto.randomUUID()}`;
    const key = { system: 'netsuite' as const, overrides: { netsuiteSlots: 1 } };
    const gate = limitsFor(limitEnv, tenant, { overrides: { netsuiteSlots: 1 } })('netsuite')!;
    const stub = limiterStub(limitEnv, tenant, 'netsuite')!;
    const held = await gate.acquire();
    // Two more calls of this isolate: the first waits here for the slot, the second joins the object's line.
    const order: string[] = [];
    const local = gate.acquire().then((p) => (order.push('local'), p));
    await new Promise((r) => setTimeout(r, 50));
    const lined = gate.acquire().then((p) => (order.push('lined'), p));
    await new Promise((r) => setTimeout(r, 50));
    // A caller of another isolate waits in the object's line, after it.
    const other = stub.acquire(key, { waitUpToMs: 20_000 }).then((g) => (order.push('other'), g));
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual([]);

    await held.settle({ status: 200 });
    const second = await local;
    expect(order).toEqual(['local']);
    // The object still sees one slot in use (handed on, not given back) and counted the answered call.
    let snap = await stub.snapshot(key);
    expect(snap.inFlight).toBe(1);
    expect(snap.calls).toBe(1);

    // Nobody else waits here: the slot goes back to the object, whose line is served in arrival order.
    await second.settle({ status: 200 });
    const third = await lined;
    expect(order).toEqual(['local', 'lined']);
    await third.settle({ status: 200 });
    const g = await other;
    expect(g).toMatchObject({ ok: true });
    expect(order).toEqual(['local', 'lined', 'other']);
    await stub.observe(key, { status: 200, ...(g.ok && g.leaseId ? { leaseId: g.leaseId } : {}) });
    snap = await stub.snapshot(key);
    expect(snap.inFlight).toBe(0);
    expect(snap.calls).toBe(4);
  });

  it('saves its quota counters at most once a second and never holds its answers for that write', async () => {
    const stub = limiterStub(limitEnv, 'do-persist', 'netsuite')!;
    const puts: { key: string; options: unknown }[] = [];
    // Every save the object makes, with its options (the output gate waits for a confirmed one).
    await runInDurableObject(stub, (_instance, state) => {
      const put = state.storage.put.bind(state.storage) as (k: string, v: unknown, o?: unknown) => Promise<void>;
      (state.storage as unknown as { put: typeof put }).put = (k, v, o) => {
        puts.push({ key: k, options: o });
        return put(k, v, o);
      };
    });
    for (let i = 0; i < 20; i++) {
      const g = await stub.acquire({ system: 'netsuite' }, { waitedMs: 5 });
      expect(g.ok).toBe(true);
      await stub.observe({ system: 'netsuite' }, { status: 200, ...(g.ok && g.leaseId ? { leaseId: g.leaseId } : {}) });
    }
    // Nothing saved while the calls came (each would have held the object's next answer).
    expect(puts).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(puts).toEqual([{ key: 'counters', options: { allowUnconfirmed: true } }]);
    const saved = await runInDurableObject(stub, (_instance, state) => state.storage.get<{ calls: number }>('counters'));
    expect(saved?.calls).toBe(20);
  });

  it('stops Salesforce calls before the daily cap with the wait until midnight UTC', async () => {
    const stub = limiterStub(limitEnv, 'do-daily', 'salesforce')!;
    await stub.observe({ system: 'salesforce' }, { status: 200, dailyUsed: 14_990, dailyMax: 15_000 });
    const g = await stub.acquire({ system: 'salesforce' }, {});
    expect(g).toMatchObject({ ok: false, exhausted: true });
    if (!g.ok) expect(g.waitMs).toBeLessThanOrEqual(24 * 3600_000);
    const gate = limitsFor(limitEnv, 'do-daily')('salesforce')!;
    await expect(gate.acquire()).rejects.toMatchObject({ error: { kind: 'rate_limited', system: 'salesforce' } });
  });
});

describe('connectors paced by the tenant limiter', () => {
  it('NetSuite paging and HubSpot paging count every call in the quota view', async () => {
    const quota = async () => {
      const res = await opsApp().request(`/v1/tenants/${TENANT}/ops/quota`, { headers: { authorization: `Bearer ${key}` } }, env);
      const body = (await res.json()) as { vendors: { system: string; usage: { calls: number } }[] };
      return Object.fromEntries(body.vendors.map((v) => [v.system, v.usage.calls]));
    };
    // Connecting HubSpot already made calls (the install-time property setup): count from here.
    const before = await quota();
    const ctx = { correlationId: 'limits-test-1', log, limits: limitsFor(limitEnv, TENANT) };
    const erp = new NetSuiteErp(await connection('netsuite'), ctx, async () => 'USD');
    let customers = 0;
    let nsPages = 0;
    for await (const page of erp.customers()) ((customers += page.length), (nsPages += 1));
    expect(customers).toBeGreaterThan(0);
    const crm = new HubSpotCrm(await connection('hubspot'), ctx);
    let hsPages = 0;
    for await (const _ of crm.companies()) hsPages += 1;
    expect(hsPages).toBeGreaterThan(0);

    const res = await opsApp().request(`/v1/tenants/${TENANT}/ops/quota`, { headers: { authorization: `Bearer ${key}` } }, env);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { vendors: { system: string; limit: string; usage: { calls: number; inFlight: number | null; remaining: number | null; max: number | null } }[] };
    const by = Object.fromEntries(body.vendors.map((v) => [v.system, v]));
    // Each page of customers is one SuiteQL call for the customers and one for their billing addresses.
    expect(by.netsuite!.usage).toMatchObject({ calls: 2 * nsPages + (before['netsuite'] ?? 0), inFlight: 0 });
    expect(by.hubspot!.usage.calls).toBe(hsPages + (before['hubspot'] ?? 0));
    expect(by.hubspot!.usage.max).toBe(110); // learned from X-HubSpot-RateLimit-Max
    expect(by.hubspot!.limit).toContain('110 requests / 10 s');
  });

  it('the bulk company update batches 100 per call and reports per-record failures', async () => {
    const crm = new HubSpotCrm(await connection('hubspot'), { correlationId: 'limits-test-2', log });
    const ids: string[] = [];
    for await (const page of crm.companies()) ids.push(...page.map((r) => r.externalId));
    expect(ids.length).toBeGreaterThanOrEqual(150);
    const updates = ids.slice(0, 150).map((externalId, i) => ({ externalId, facts: { healthScore: i % 100 } }));
    const res = await opsApp().request(`/v1/tenants/${TENANT}/ops/crm/company-updates`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ updates }) }, env);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ updated: 150, calls: 2, failed: [], refused: [] });

    // A fact Concord does not know is refused before anything is sent, with its path.
    const bad = await opsApp().request(`/v1/tenants/${TENANT}/ops/crm/company-updates`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ updates: [{ externalId: ids[0], facts: { no_such_fact: '1' } }] }) }, env);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('updates.0.facts');
  });
});
