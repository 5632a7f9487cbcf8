/**
 * The broker's call path (callUpstream / guarded + the limiter's gates, the same modules the
 * Worker's connectors use) and the official HubSpot client against a sandbox with limits and
 * faults: paging through 429s and 5xx/timeouts loses and repeats nothing, a 429 storm is not
 * fed, expired tokens are refreshed once, validation errors are reported and not retried.
 * (The connector classes themselves import Worker-only types; the Worker tests cover them.)
 */
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueToken } from '../../sandbox/core/tokens.js';
import { generateTenant } from '../../sandbox/seed/generate.js';
import { callUpstream, type CallContext } from '../../worker/connectors/http.js';
import { localGate } from '../../worker/connectors/limits/gate.js';
import { guarded, type AttemptResult } from '../../worker/connectors/limits/guard.js';
import { policyFor, type LimitedSystem } from '../../worker/connectors/limits/policy.js';
import { SuiteQlPageSchema, describeNetSuiteError } from '../../worker/connectors/netsuite/schemas.js';
import { ConcordError } from '../../worker/errors.js';
import { quietLog, resetLimitSandbox, startLimitSandbox, type LimitSandbox } from './limits-support.js';

let sb: LimitSandbox;
const seed = generateTenant('demo', '2026-11-26');
const customerIds = seed.netsuite.customer.filter((c) => c.isinactive === 'F').map((c) => String(c.id));

beforeAll(async () => {
  sb = await startLimitSandbox();
});
afterAll(() => sb.listener.close());
beforeEach(() => resetLimitSandbox(sb));

/** A CallContext with fresh in-process gates (one per system), like a Worker request's. */
function context(extra: Partial<CallContext> = {}): CallContext {
  const gates = new Map<string, ReturnType<typeof localGate>['gate']>();
  return {
    correlationId: 'contract-limits',
    log: quietLog,
    limits: (system) => {
      if (!gates.has(system)) gates.set(system, localGate(policyFor(system as LimitedSystem), { system }).gate);
      return gates.get(system);
    },
    ...extra,
  };
}

/** SuiteQL paging exactly as NetSuiteClient.suiteql does it (limit/offset until !hasMore). */
async function allCustomers(ctx: CallContext, token: () => string, pageSize = 50, timeoutMs = 10_000): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const { data } = await callUpstream(
      ctx,
      {
        system: 'netsuite',
        op: 'suiteql',
        url: `${sb.url}/netsuite/services/rest/query/v1/suiteql?limit=${pageSize}&offset=${offset}`,
        method: 'POST',
        headers: { authorization: `Bearer ${token()}`, prefer: 'transient' },
        auth: (t) => ({ authorization: `Bearer ${t}` }),
        body: { q: "SELECT id FROM customer WHERE isinactive = 'F' ORDER BY id" },
        timeoutMs,
      },
      SuiteQlPageSchema,
      describeNetSuiteError,
    );
    ids.push(...data.items.map((i) => String(i.id)));
    if (!data.hasMore || data.items.length === 0) return ids;
  }
}

/** Every company through the official client, each page under the limiter (as HubSpotClient.run). */
async function allCompanies(client: Client, ctx: CallContext, refresh?: () => Promise<boolean>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await guarded({ system: 'hubspot', op: 'companies.page' }, { log: quietLog, gate: ctx.limits?.('hubspot'), ...(refresh ? { refresh } : {}) }, async (): Promise<AttemptResult<Awaited<ReturnType<typeof client.crm.companies.basicApi.getPage>>>> => {
      try {
        const res = await client.crm.companies.basicApi.getPageWithHttpInfo(100, after, ['name']);
        return { ok: true, value: res.data, status: res.httpStatusCode, headers: res.headers };
      } catch (err) {
        const e = err as { code: number; headers: Record<string, string> };
        const kind = e.code === 429 ? { kind: 'rate_limited' as const, system: 'hubspot', retryAfterMs: null } : e.code === 401 ? { kind: 'auth_expired' as const, system: 'hubspot' } : { kind: 'upstream' as const, system: 'hubspot', status: e.code, detail: '' };
        return { ok: false, error: kind, status: e.code, headers: e.headers ?? {} };
      }
    });
    ids.push(...page.results.map((c) => c.id));
    after = page.paging?.next?.after;
  } while (after);
  return ids;
}

describe('paging through faults loses and repeats nothing', () => {
  it('NetSuite SuiteQL pages with 429s, 5xx and timeouts injected (seeded)', async () => {
    const token = await sb.token('netsuite');
    await sb.faults({ netsuite: { rateLimitRate: 0.2, errorRate: 0.15, timeoutRate: 0.1, hangMs: 2000, seed: 11 } });
    const ids = await allCustomers(context(), () => token, 50, 400);
    expect(ids.length).toBeGreaterThan(150); // several pages
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...customerIds].sort());
    const seen = await sb.counters('netsuite');
    expect(seen.rateLimited).toBeGreaterThan(0);
    expect(seen.serverErrors).toBeGreaterThan(0);
  });

  it('HubSpot pages through the official client with a 429 injected', async () => {
    const token = await sb.token('hubspot');
    const client = new Client({ accessToken: token, basePath: `${sb.url}/hubspot`, numberOfApiCallRetries: 0 });
    // This seed injects a 429 within the first pages; the limiter then waits out the 10 s window.
    await sb.faults({ hubspot: { rateLimitRate: 0.1, seed: 3 } });
    const ids = await allCompanies(client, context());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(seed.hubspot.companies.map((c) => c.id).sort());
    expect((await sb.counters('hubspot')).rateLimited).toBeGreaterThanOrEqual(1);
  }, 60_000);
});

/** Vitally cursor paging exactly as VitallyClient.pages does it (`limit` + `from` = previous `next`). */
async function allVitallyAccounts(ctx: CallContext, key: string): Promise<string[]> {
  const ids: string[] = [];
  let from: string | null | undefined;
  do {
    const { data } = await callUpstream(
      ctx,
      {
        system: 'vitally',
        op: 'accounts.list',
        url: `${sb.url}/vitally/resources/accounts?limit=100${from ? `&from=${encodeURIComponent(from)}` : ''}`,
        headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
      },
      VitallyPage,
    );
    ids.push(...data.results.map((a) => a.id));
    from = data.next;
  } while (from);
  return ids;
}
const VitallyPage = z.object({ results: z.array(z.object({ id: z.string() }).passthrough()), next: z.string().nullable().optional() });

describe('Vitally cursor paging through 429s', () => {
  it('waits RateLimit-Reset and loses nothing', async () => {
    const key = await sb.token('vitally');
    await sb.faults({ vitally: { rateLimitRate: 0.3, seed: 5 } });
    const started = Date.now();
    const ids = await allVitallyAccounts(context(), key);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(seed.vitally.accounts.map((a) => a.id).sort());
    const seen = await sb.counters('vitally');
    expect(seen.rateLimited).toBeGreaterThan(0);
    // Each injected 429 says RateLimit-Reset: 1 (second); the client waited that long each time.
    expect(Date.now() - started).toBeGreaterThanOrEqual(seen.rateLimited * 1000 - 50);
  });
});

describe('a 429 storm is not fed', () => {
  it('HubSpot: another app used the window; after at most one 429 nothing goes past the limit', async () => {
    const token = await sb.token('hubspot');
    const burn = await Promise.all(Array.from({ length: 105 }, () => fetch(`${sb.url}/hubspot/crm/v3/objects/companies?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status)));
    expect(burn.every((s) => s === 200)).toBe(true);
    const before = await sb.counters('hubspot');
    const client = new Client({ accessToken: token, basePath: `${sb.url}/hubspot`, numberOfApiCallRetries: 0 });
    const ids = await allCompanies(client, context());
    expect(new Set(ids).size).toBe(seed.hubspot.companies.length);
    const after = await sb.counters('hubspot');
    expect(after.rateLimited - before.rateLimited).toBeLessThanOrEqual(1);
  }, 60_000);

  it('NetSuite: 30 parallel queries through the gate never exceed the 5-slot pool', async () => {
    const token = await sb.token('netsuite');
    await sb.faults({ netsuite: { latencyMs: 40 } });
    const ctx = context();
    const runs = await Promise.all(Array.from({ length: 30 }, () => allCustomers(ctx, () => token, 1000)));
    expect(runs.every((ids) => ids.length === customerIds.length)).toBe(true);
    const seen = await sb.counters('netsuite');
    expect(seen.rateLimited).toBe(0);
    expect(seen.maxInFlight).toBeLessThanOrEqual(5);
  });
});

describe('expired tokens: refresh once, then retry', () => {
  it('HubSpot token older than 30 minutes: one refresh through the hook, the page succeeds', async () => {
    const client = new Client({ accessToken: issueToken('hubspot', 'demo', 'access', Date.now() - 31 * 60_000), basePath: `${sb.url}/hubspot`, numberOfApiCallRetries: 0 });
    let refreshes = 0;
    const refresh = async () => {
      refreshes += 1;
      client.setAccessToken(await sb.token('hubspot'));
      return true;
    };
    const ids = await allCompanies(client, context(), refresh);
    expect(ids.length).toBe(seed.hubspot.companies.length);
    expect(refreshes).toBe(1);
    expect((await sb.counters('hubspot')).expired).toBe(1);
  });

  it('NetSuite after the sandbox clock passes the hour: callUpstream refreshes via ctx.refreshToken', async () => {
    const first = await sb.token('netsuite');
    const offsetMs = 61 * 60_000;
    await sb.post('/__sandbox/clock', { offsetMs });
    let refreshes = 0;
    const ctx = context({
      refreshToken: async (system) => {
        refreshes += 1;
        return issueToken(system as 'netsuite', 'demo', 'access', Date.now() + offsetMs);
      },
    });
    let current = first;
    const ids = await allCustomers(ctx, () => current, 1000);
    expect(ids.length).toBe(customerIds.length);
    expect(refreshes).toBe(1);
    // Without a refresh hook the 401 is reported as auth_expired, not retried.
    current = first;
    await expect(allCustomers(context(), () => current, 1000)).rejects.toMatchObject({ error: { kind: 'auth_expired', system: 'netsuite' } });
  });
});

describe('errors that retrying cannot fix', () => {
  it('a SuiteQL syntax error is reported as upstream_validation after exactly one request', async () => {
    const token = await sb.token('netsuite');
    const call = callUpstream(
      context(),
      { system: 'netsuite', op: 'suiteql', url: `${sb.url}/netsuite/services/rest/query/v1/suiteql?limit=5&offset=0`, method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { q: 'SELEKT nothing' } },
      SuiteQlPageSchema,
      describeNetSuiteError,
    );
    const err = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConcordError);
    expect((err as ConcordError).error).toMatchObject({ kind: 'upstream_validation', system: 'netsuite' });
    expect((await sb.counters('netsuite')).requests).toBe(1);
  });
});
