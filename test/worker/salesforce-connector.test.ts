/**
 * The Salesforce connector (jsforce inside workerd) against the sandbox org, with every request
 * counted at the vendor: each test scripts its own session (`/salesforce/__sandbox/session`,
 * keyed by its access token) so nothing here disturbs other tests using the same sandbox tenant.
 * Concord's limiter and retries are the only retry layer: jsforce's own loop and session refresh
 * are off, which the exact request counts below prove.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SessionStats } from '../../sandbox/salesforce/sessions.js';
import { SalesforceCrm } from '../../worker/connectors/salesforce/index.js';
import { limitsFor, type LimiterEnv } from '../../worker/connectors/limits/durable.js';
import { ConcordError } from '../../worker/errors.js';
import { createLogger } from '../../worker/ops/log.js';
import type { Env } from '../../worker/env.js';
import { connectionFor, serviceContext } from '../../worker/services/context.js';
import { loadConnectionFresh, type Connection } from '../../worker/storage/connections.js';
import { approveFlow, call, oauthEnv, provision, session } from './connect-flow.js';
import { sandboxToken } from './helpers.js';

const SANDBOX = (env as unknown as { SANDBOX_URL: string }).SANDBOX_URL;
const limitEnv = env as unknown as typeof env & LimiterEnv;
const log = createLogger('error');
const run = crypto.randomUUID().slice(0, 8);

async function script(token: string, body: { faults?: string[]; apiUsage?: { used: number; max: number }; hangMs?: number }): Promise<void> {
  const res = await fetch(`${SANDBOX}/salesforce/__sandbox/session`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function stats(token: string): Promise<SessionStats> {
  return (await (await fetch(`${SANDBOX}/salesforce/__sandbox/session`, { headers: { authorization: `Bearer ${token}` } })).json()) as SessionStats;
}

/** A connector on a fresh session of the sandbox tenant, paced by its own limiter. */
async function connector(tenant: 'demo' | 'other', opts: { timeoutMs?: number; limiter?: string } = {}) {
  const token = await sandboxToken('salesforce', tenant);
  await script(token, {});
  const conn: Connection = { tenantId: `sf-${run}`, system: 'salesforce', baseUrl: `${SANDBOX}/salesforce`, externalAccount: null, status: 'connected', credentials: { type: 'bearer', accessToken: token } };
  const ctx = { correlationId: `sf-test-${run}`, log, limits: limitsFor(limitEnv, opts.limiter ?? `sf-${run}-${crypto.randomUUID().slice(0, 6)}`) };
  return { token, crm: new SalesforceCrm(conn, ctx, opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
}

const IdRow = z.object({ Id: z.string() });

/** An Account that has Opportunities (picked by that property, lowest Id first, so every run picks the same). */
async function accountWithDeals(crm: SalesforceCrm): Promise<string> {
  const row = z.object({ AccountId: z.string() });
  for await (const page of crm.client.query('SELECT AccountId FROM Opportunity WHERE AccountId != null ORDER BY AccountId LIMIT 1', row)) {
    if (page[0]) return page[0].AccountId;
  }
  throw new Error('the sandbox org has no Account with an Opportunity');
}

async function failure(p: Promise<unknown>): Promise<ConcordError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConcordError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('Salesforce connector on jsforce', () => {
  it('upserts in Collections chunks of 200 and pages a query past several pages, every record once', async () => {
    const { token, crm } = await connector('other');
    const tag = `Paging ${run}`;
    const contacts = Array.from({ length: 650 }, (_, i) => ({ key: `pg-${run}-${i}`, lastName: tag, firstName: `N${i}` }));
    const written = await crm.upsertContacts(contacts);
    expect(written.calls).toBe(4);
    expect(written.results.filter((r) => r.ok && r.created)).toHaveLength(650);
    expect((await stats(token)).collectionSizes).toEqual([200, 200, 200, 50]);

    const soql = `SELECT Id FROM Contact WHERE LastName = '${tag}' ORDER BY Id`;
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of crm.client.query(soql, IdRow, { batchSize: 200 })) {
      pages.push(page.length);
      for (const r of page) ids.add(r.Id);
    }
    expect(pages).toEqual([200, 200, 200, 50]);
    expect(ids.size).toBe(650);
    expect(await crm.client.count(`SELECT COUNT() FROM Contact WHERE LastName = '${tag}'`)).toBe(650);
    const s = await stats(token);
    expect(s.routes['GET /query']).toBe(2); // the first page and the COUNT()
    expect(s.routes['GET /query/:locator']).toBe(3);
  });

  it('pages every Account of the seeded org through the port', async () => {
    const { crm } = await connector('demo');
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of crm.companies()) {
      pages += 1;
      for (const r of page) seen.add(r.externalId);
    }
    expect(pages).toBeGreaterThan(0);
    expect(seen.size).toBe(await crm.client.count('SELECT COUNT() FROM Account'));
    expect(seen.size).toBeGreaterThanOrEqual(100);
  });

  it("reads Concord's fields back as they were written (the reconcile read): 200 ids per SOQL IN list, unknown ids left out", async () => {
    const { crm, token } = await connector('demo');
    const ids: string[] = [];
    for await (const page of crm.client.query('SELECT Id FROM Account ORDER BY Id LIMIT 150', IdRow)) ids.push(...page.map((r) => r.Id));
    expect(ids).toHaveLength(150);
    const facts = {
      concordAccountId: 'acc_facts', openAr: 12500.5, overdueAr: 0, lastPaymentDate: '2026-10-01', contractEnd: null, arr: 120000,
      healthTrend: 'down' as const, onboardingStage: 'Kickoff (stalled)', renewalRisk: 'high' as const, financeHold: true,
    };
    expect(await crm.writeAccountFacts([{ recordId: ids[0]!, facts }])).toMatchObject({ updated: 1, failed: [] });
    const before = (await stats(token)).routes['GET /query'] ?? 0;
    // 150 Accounts and 60 ids the org does not have: two IN lists.
    const unknown = Array.from({ length: 60 }, (_, i) => `001000000000${String(i).padStart(3, '0')}AAA`);
    const read = await crm.accountFactsOf([...ids, ...unknown]);
    expect(((await stats(token)).routes['GET /query'] ?? 0) - before).toBe(2);
    expect(unknown.some((id) => read.has(id))).toBe(false);
    expect(read.size).toBe(150);
    expect(read.get(ids[0]!)).toMatchObject(facts);
    expect(read.get(ids[0]!)!.disputedAr).toBeNull();
  });

  it('a re-run of the same writes creates nothing new; per-record errors come back with their record', async () => {
    const { token, crm } = await connector('other');
    const accountId = await accountWithDeals(crm);
    const tag = `Rerun ${run}`;
    const input = [
      { key: `rr-${run}-1`, lastName: tag, companyId: accountId, email: 'ada@example.com' },
      { key: `rr-${run}-2`, lastName: tag, email: 'not-an-email' },
      { key: `rr-${run}-3`, lastName: tag },
    ];
    const first = await crm.upsertContacts(input);
    expect(first.results.map((r) => r.ok && r.created)).toEqual([true, false, true]);
    const bad = first.results[1]!;
    expect(bad.ok ? null : bad.errors[0]).toMatchObject({ code: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] });
    const again = await crm.upsertContacts(input);
    expect(again.results.map((r) => (r.ok ? r.created : 'error'))).toEqual([false, 'error', false]);
    expect(again.results[0]).toMatchObject({ id: (first.results[0] as { id: string }).id });
    expect(await crm.client.count(`SELECT COUNT() FROM Contact WHERE LastName = '${tag}'`)).toBe(2);

    const on = { companyId: accountId };
    const task = { subject: 'Call about renewal', body: 'From Concord', dueDate: '2026-12-01', idempotencyKey: `task-${run}` };
    const created = await crm.createTask(on, task);
    expect(created.replayed).toBe(false);
    const before = (await stats(token)).requests;
    const replay = await crm.createTask(on, task);
    expect(replay).toEqual({ id: created.id, replayed: true });
    // The replay was one lookup, no write.
    expect((await stats(token)).requests - before).toBe(1);
    expect(await crm.tasksWithKey(task.idempotencyKey)).toBe(1);
  });

  it('upserts an Opportunity and its line items by key: a re-run updates them in place', async () => {
    const { token, crm } = await connector('other');
    const accountId = await accountWithDeals(crm);
    const deal = { key: `deal-${run}`, companyId: accountId, name: `Expansion ${run}`, stage: 'Prospecting', closeDate: '2026-12-31', amount: 12_000, currency: 'EUR' };
    const first = await crm.upsertDeals([deal]);
    const dealId = (first.results[0] as { id: string; created: boolean }).id;
    expect(first.results[0]).toMatchObject({ ok: true, created: true });
    expect((await crm.upsertDeals([{ ...deal, stage: 'Closed Won' }])).results[0]).toMatchObject({ ok: true, id: dealId, created: false });
    expect((await crm.dealsOfCompany(accountId)).find((d) => d.externalId === dealId)).toMatchObject({ name: deal.name, amount: 12_000, currency: 'EUR', closed: true, won: true });

    const lines = [
      { key: `line-${run}-1`, sku: 'PLAT', quantity: 10, unitPrice: 1000 },
      { key: `line-${run}-2`, sku: 'SEAT', quantity: 2, unitPrice: 1000 },
    ];
    const created = await crm.upsertDealLines(dealId, lines);
    expect(created.results.map((r) => r.ok && r.created)).toEqual([true, true]);
    const before = await stats(token);
    const rerun = await crm.upsertDealLines(dealId, [{ ...lines[0]!, quantity: 12 }, lines[1]!]);
    expect(rerun.results.map((r) => r.ok && r.created)).toEqual([false, false]);
    expect(rerun.results.map((r) => r.ok && r.id)).toEqual(created.results.map((r) => r.ok && r.id));
    const after = await stats(token);
    // One key lookup and one Collections update; nothing created the second time.
    expect((after.routes['PATCH /composite/sobjects'] ?? 0) - (before.routes['PATCH /composite/sobjects'] ?? 0)).toBe(1);
    expect(after.routes['POST /composite/sobjects'] ?? 0).toBe(before.routes['POST /composite/sobjects'] ?? 0);
    const stored = await crm.dealLines([dealId]);
    expect(stored.map((l) => [l.sku, l.quantity, l.total]).sort()).toEqual([
      ['PLAT', 12, 12_000],
      ['SEAT', 2, 2_000],
    ]);
  });

  it('files Tasks on their Account in Composite calls of at most 25 subrequests', async () => {
    const { token, crm } = await connector('other');
    const accountId = await accountWithDeals(crm);
    const deals = await crm.dealsOfCompany(accountId);
    expect(deals.length).toBeGreaterThan(0);
    const items = Array.from({ length: 30 }, (_, i) => ({
      on: i === 0 ? { companyId: accountId, dealId: deals[0]!.externalId } : { companyId: accountId },
      subject: `Follow-up ${i}`,
      body: 'Batch',
      idempotencyKey: `batch-${run}-${i}`,
    }));
    // One Task on an Account that does not exist: that Task fails, the others are written.
    items.push({ on: { companyId: '001000000000000AAA' }, subject: 'Orphan', body: 'x', idempotencyKey: `batch-${run}-orphan` });
    const out = await crm.createTasks(items);
    expect(out.slice(0, 30).every((o) => o.ok && !o.replayed)).toBe(true);
    expect(out[30]).toMatchObject({ ok: false, errors: [{ code: 'NOT_FOUND' }] });
    const sizes = (await stats(token)).compositeSizes;
    expect(Math.max(...sizes)).toBeLessThanOrEqual(25);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(31 * 2 + 1); // a read and a write per Task, one more read for the deal
    const rows = await crm.dealsByIds(deals.slice(0, 1).map((d) => d.externalId));
    expect(rows.map((d) => d.externalId)).toEqual(deals.slice(0, 1).map((d) => d.externalId));

    // More than 25 subrequests never leave the broker.
    const sent = (await stats(token)).requests;
    const subs = Array.from({ length: 26 }, (_, i) => ({ method: 'GET' as const, path: `/sobjects/Account/${accountId}?fields=Id`, referenceId: `r${i}` }));
    await expect(crm.client.composite(subs, { allOrNone: false, idempotent: true })).rejects.toThrow(RangeError);
    expect((await stats(token)).requests).toBe(sent);
  });

  it('rides out a REQUEST_LIMIT_EXCEEDED storm: nothing lost, each refusal retried once', async () => {
    const { token, crm } = await connector('other');
    await script(token, { faults: Array(5).fill('limit') });
    const counts = await Promise.all(Array.from({ length: 20 }, () => crm.client.count('SELECT COUNT() FROM Account')));
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(0);
    const s = await stats(token);
    expect(s.refused).toBe(5);
    expect(s.served).toBe(20);
    expect(s.requests).toBe(25);
  });

  it('stops at the daily allocation: refusals are reported, and no request leaves after the first refusal', async () => {
    const { token, crm } = await connector('other');
    await script(token, { apiUsage: { used: 990, max: 1000 } });
    const settled = await Promise.allSettled(Array.from({ length: 30 }, () => crm.client.count('SELECT COUNT() FROM Account')));
    const ok = settled.filter((r) => r.status === 'fulfilled').length;
    const refused = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // Every call is accounted for: answered, or refused as rate limited (nothing hangs, nothing else).
    expect(ok + refused.length).toBe(30);
    expect(refused.every((e) => e instanceof ConcordError && e.error.kind === 'rate_limited')).toBe(true);
    const s = await stats(token);
    expect(ok).toBe(s.served);
    expect(s.served).toBeLessThanOrEqual(10);
    // No refusal was retried: each call reached the org at most once.
    expect(s.requests).toBeLessThanOrEqual(30);
    expect(s.requests).toBe(s.served + s.refused);
    // The limiter now knows the allocation is spent: later calls do not reach the org at all.
    const later = await Promise.allSettled(Array.from({ length: 5 }, () => crm.client.count('SELECT COUNT() FROM Account')));
    expect(later.every((r) => r.status === 'rejected' && r.reason instanceof ConcordError && r.reason.error.kind === 'rate_limited')).toBe(true);
    expect((await stats(token)).requests).toBe(s.requests);
  });

  it('retries a 5xx and a timeout on an idempotent read; a write that may have happened is not repeated', async () => {
    const { token, crm } = await connector('other', { timeoutMs: 400 });
    await script(token, { faults: ['error', 'timeout'], hangMs: 5_000 });
    expect(await crm.client.count('SELECT COUNT() FROM Account')).toBeGreaterThan(0);
    expect(await stats(token)).toMatchObject({ requests: 3, faulted: 2, served: 1 });

    const accountId = await accountWithDeals(crm);
    const task = { subject: 'Not twice', body: 'x', dueDate: '2026-12-02', idempotencyKey: `five-${run}` };
    await script(token, { faults: ['ok', 'error'] });
    const err = await failure(crm.createTask({ companyId: accountId }, task));
    expect(err.error).toMatchObject({ kind: 'upstream', status: 503 });
    // The key lookup and one Composite call; the Composite was not sent again.
    expect((await stats(token)).requests).toBe(2);
    // A later run with the same key writes it once.
    const done = await crm.createTask({ companyId: accountId }, task);
    expect(done.replayed).toBe(false);
    expect(await crm.tasksWithKey(task.idempotencyKey)).toBe(1);
  });

  it('reports a validation error with its detail and does not retry it; bad input never leaves', async () => {
    const { token, crm } = await connector('other');
    const err = await failure(crm.client.upsertOne('Contact', 'Concord_Id__c', `val-${run}`, { FirstName: 'No last name' }));
    expect(err.error.kind).toBe('upstream_validation');
    expect(err.error.kind === 'upstream_validation' && err.error.detail).toContain('REQUIRED_FIELD_MISSING');
    expect(err.error.kind === 'upstream_validation' && err.error.detail).toContain('LastName');
    expect((await stats(token)).requests).toBe(1);

    const bad = await failure(crm.createTask({ companyId: "001' OR Name != '" }, { subject: 'x', body: 'y', dueDate: '2026-13-45x', idempotencyKey: 'k' }));
    expect(bad.error).toMatchObject({ kind: 'validation', issues: expect.arrayContaining([expect.objectContaining({ path: '0.on.companyId', code: 'invalid_id' }), expect.objectContaining({ path: '0.dueDate', code: 'invalid_date' })]) });
    expect((await stats(token)).requests).toBe(1);
  });
});

describe('Salesforce connector session refresh', () => {
  it('refreshes an expired session once through the refresh token, transparently', async () => {
    const e = await oauthEnv(`sf-conn-${run}`);
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    expect((await call(e, await approveFlow(e, 'acme', cookie, 'salesforce'), { cookie })).status).toBe(302);
    const stored = await loadConnectionFresh(e, 'acme', 'salesforce');
    if (stored.credentials.type !== 'oauth2') throw new Error('expected oauth2');
    const oldToken = stored.credentials.accessToken;
    await script(oldToken, { faults: ['expired'] });
    const grants = async () => ((await (await fetch(`${SANDBOX}/__sandbox/oauth/stats?clientId=${encodeURIComponent(e.SALESFORCE_CLIENT_ID!)}`)).json()) as { grants: { refresh_token: number } }).grants.refresh_token;
    const before = await grants();

    const ctx = serviceContext(e as unknown as Env, { tenantId: 'acme', correlationId: `sf-refresh-${run}`, log });
    const crm = new SalesforceCrm(await connectionFor(e as unknown as Env, ctx, 'salesforce'), ctx);
    let accounts = 0;
    for await (const page of crm.companies()) accounts += page.length;
    expect(accounts).toBeGreaterThan(0);
    expect((await grants()) - before).toBe(1);
    // The refused session saw one request; the rest went out with the new token.
    expect((await stats(oldToken)).requests).toBe(1);
    const after = await loadConnectionFresh(e, 'acme', 'salesforce');
    expect(after.credentials.type === 'oauth2' && after.credentials.accessToken).not.toBe(oldToken);
  });
});
