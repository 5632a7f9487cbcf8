/**
 * A backfill's health score histories off its critical path, inside workerd against a private
 * sandbox estate: with every Vitally score-history read failing, the accounts phase still writes
 * every account (it reads no history: the health score comes from the bulk-read account list) and
 * leaves what the history implies (health trend, renewal risk) unwritten, visible in the digest as
 * missing; the trailing `cs-history` phase then reads the histories, resumes after its failed
 * steps without reading an account twice, and writes those facts as the account's own reads imply
 * them; a second backfill reads and writes nothing.
 */
import { env as testEnv } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import { toCanonicalScore } from '../../worker/connectors/vitally/map.js';
import { todayUtc } from '../../worker/model/index.js';
import { createLogger } from '../../worker/ops/log.js';
import { csDigest, csInputsMissing, healthSeriesPending, renewalRiskOf, type AccountState } from '../../worker/policies/account-facts/index.js';
import { DEFAULT_AUTOMATION_POLICY } from '../../worker/policies/automations/index.js';
import { fetchVitally } from '../../worker/services/account-view-build.js';
import { serviceContext } from '../../worker/services/context.js';
import { loadStates } from '../../worker/storage/account-changes.js';
import { api, connectAll, sandboxToken } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    syncHistorySandboxUrl: string;
  }
}

const SB = inject('syncHistorySandboxUrl');
/** Vitally's score-history route as the sandbox counts it (and limits its faults to). */
const HISTORY = 'GET /vitally/resources/accounts/:id/healthScores';

interface Run {
  id: string;
  status: string;
  progress: { done: number; total: number; percent: number; phase: string };
  counts: Record<string, number>;
  error: string | null;
}

let key: string;

const token = (vendor: string) => sandboxToken(vendor, 'demo', SB);

/** The sandbox's Vitally counters for the demo tenant: score-history requests, and requests answered 5xx or 429. */
async function vitally(): Promise<{ history: number; errors: number }> {
  const res = await fetch(`${SB}/__sandbox/limits`);
  const c = ((await res.json()) as { counters: Record<string, Record<string, { byRoute: Record<string, number>; serverErrors: number; rateLimited: number }>> }).counters['vitally']?.['demo'];
  return { history: c?.byRoute[HISTORY] ?? 0, errors: (c?.serverErrors ?? 0) + (c?.rateLimited ?? 0) };
}

const faults = (body: unknown) => fetch(`${SB}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function run(id: string): Promise<Run> {
  return (await (await api(`/v1/tenants/demo/sync/runs/${id}?driftLimit=0`, { key })).json()) as Run;
}

async function until(id: string, done: (r: Run) => boolean, timeoutMs: number, each?: () => Promise<void>): Promise<Run> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await each?.();
    const r = await run(id);
    if (done(r) || r.status === 'completed' || r.status === 'failed') return r;
    if (Date.now() > end) throw new Error(`run ${id} still ${r.status} at ${JSON.stringify(r.progress)} ${JSON.stringify(r.counts)}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
}

async function company(id: string): Promise<Record<string, string | null | undefined>> {
  const res = await fetch(`${SB}/hubspot/crm/v3/objects/companies/${id}?properties=concord_account_id,concord_health_score,concord_health_trend,concord_renewal_risk`, { headers: { authorization: `Bearer ${await token('hubspot')}` } });
  if (!res.ok) throw new Error(`hubspot company ${id}: ${res.status}`);
  return ((await res.json()) as { properties: Record<string, string | null | undefined> }).properties;
}

/** The Vitally account as its own GET answers it (its current health score, 0-10). */
async function vitallyAccount(id: string): Promise<{ healthScore: number | null }> {
  const res = await fetch(`${SB}/vitally/resources/accounts/${id}`, { headers: { authorization: `Basic ${btoa(`${await token('vitally')}:`)}` } });
  if (!res.ok) throw new Error(`vitally account ${id}: ${res.status}`);
  return (await res.json()) as { healthScore: number | null };
}

interface Linked {
  accountId: string;
  csId: string;
  erpId: string | null;
  hubspotId: string | null;
  crmRecords: number;
}

/** Every account linked to a Vitally account, with its primary records and its count of CRM records. */
async function linkedAccounts(): Promise<Linked[]> {
  const db = (testEnv as unknown as Env).DB;
  const { results } = await db
    .prepare(`SELECT canonical_id AS accountId, system, external_id AS externalId, is_primary AS isPrimary FROM identity_links WHERE tenant_id = 'demo' AND entity = 'account'`)
    .all<{ accountId: string; system: string; externalId: string; isPrimary: number }>();
  const by = new Map<string, typeof results>();
  for (const r of results) by.set(r.accountId, [...(by.get(r.accountId) ?? []), r]);
  const primary = (rs: typeof results, system: string) => (rs.find((r) => r.system === system && r.isPrimary === 1) ?? rs.find((r) => r.system === system))?.externalId ?? null;
  return [...by].flatMap(([accountId, rs]) => {
    const csId = primary(rs, 'vitally');
    return csId ? [{ accountId, csId, erpId: primary(rs, 'netsuite'), hubspotId: primary(rs, 'hubspot'), crmRecords: rs.filter((r) => r.system === 'hubspot' || r.system === 'salesforce').length }] : [];
  });
}

beforeAll(async () => {
  key = await connectAll('demo', SB);
}, 120_000);

describe('backfill: health score histories in a trailing phase', () => {
  it('writes every account without reading a score history, leaves the trend and renewal risk unwritten, then reads each history once in cs-history (resumed after failed steps) and writes them', { timeout: 600_000 }, async () => {
    const db = (testEnv as unknown as Env).DB;
    // Every score-history read fails: an accounts phase that read one would fail its step there.
    await faults({ vitally: { errorRate: 1, routes: [HISTORY] } });
    const before = await vitally();
    const res = await api('/v1/tenants/demo/sync/runs', { method: 'POST', key, body: JSON.stringify({ kind: 'backfill' }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Run;
    // The history reads counted while the run was seen in an earlier phase (counters read first).
    let seenAccounts = false;
    let readsBeforeHistory = 0;
    const mid = await until(id, (r) => r.progress.phase === 'cs-history', 300_000, async () => {
      const c = await vitally();
      const r = await run(id);
      if (r.progress.phase !== 'cs-history' && r.status === 'running') {
        readsBeforeHistory = c.history - before.history;
        if (r.progress.phase === 'accounts') seenAccounts = true;
      }
    });
    expect(mid.status, mid.error ?? '').toBe('running');
    expect(mid.progress.phase).toBe('cs-history');
    expect(seenAccounts).toBe(true);
    expect(readsBeforeHistory).toBe(0);
    expect(mid.counts['failed']).toBe(0);
    expect(mid.counts['written']).toBeGreaterThan(300);
    expect(mid.counts['accountsCompleted']).toBeGreaterThan(0);
    expect(mid.counts['historyPending']).toBeGreaterThan(100);

    // The digest says which accounts lack their score series: exactly those counted pending, each
    // with its current score and no trend, and each to be read again by its next CS change.
    const linked = await linkedAccounts();
    const statesMid = await loadStates<AccountState>(db, 'demo', linked.map((l) => l.accountId));
    const pending = linked.filter((l) => healthSeriesPending(statesMid.get(l.accountId)?.state.cs));
    expect(pending.length).toBe(mid.counts['historyPending']);
    for (const l of pending) expect(csInputsMissing(statesMid.get(l.accountId)!.state.cs!)).toBe(true);
    // On HubSpot: the true current score (Vitally's own account answer), no trend and no renewal risk yet.
    const sample = pending.filter((l) => l.hubspotId).slice(0, 4);
    expect(sample.length).toBe(4);
    for (const l of sample) {
      const props = await company(l.hubspotId!);
      const score = (await vitallyAccount(l.csId)).healthScore!;
      expect(props['concord_account_id']).toBe(l.accountId);
      expect(Number(props['concord_health_score']), l.csId).toBe(Math.round(toCanonicalScore(score)));
      expect(props['concord_health_trend'] || null, l.csId).toBeNull();
      expect(props['concord_renewal_risk'] || null, l.csId).toBeNull();
    }
    // Some reads of the first page fail for good, then half of them: its steps fail part-way and are retried.
    await new Promise((ok) => setTimeout(ok, 8_000));
    await faults({ vitally: { errorRate: 0.5, routes: [HISTORY], seed: 11 } });
    await until(id, (r) => r.progress.done > mid.progress.done, 240_000);
    await faults({});

    const done = await until(id, () => false, 400_000);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.progress.done).toBe(done.progress.total);
    expect(done.counts['failed']).toBe(0);
    // Each pending account completed once, its history read successfully once (the failed reads
    // aside): a retried page did not read again what its failed attempt had completed.
    expect(done.counts['historyCompleted']).toBe(done.counts['historyPending']);
    const after = await vitally();
    expect(after.errors - before.errors).toBeGreaterThan(0);
    expect(after.history - before.history - (after.errors - before.errors)).toBe(done.counts['historyPending']);
    // The accounts phase wrote nothing more; cs-history wrote each pending account's CRM records at most once.
    expect(done.counts['written']).toBe(mid.counts['written']);
    expect(done.counts['historyWritten']).toBeGreaterThan(0);
    expect(done.counts['historyWritten']).toBeLessThanOrEqual(pending.reduce((n, l) => n + l.crmRecords, 0));
    const left = await db.prepare(`SELECT COUNT(*) AS n FROM sync_cs_items WHERE tenant_id = 'demo'`).first<{ n: number }>();
    expect(left?.n).toBe(0);

    // Now every digest holds its series, as the account's own reads answer it, and HubSpot shows
    // the trend and the renewal risk it implies, the score unchanged.
    const states = await loadStates<AccountState>(db, 'demo', linked.map((l) => l.accountId));
    expect(linked.filter((l) => healthSeriesPending(states.get(l.accountId)?.state.cs))).toEqual([]);
    const ctx = serviceContext(testEnv as unknown as Env, { tenantId: 'demo', correlationId: 'history-check', log: createLogger('error') }, { maxWaitMs: 90_000 });
    for (const l of sample) {
      const state = states.get(l.accountId)!.state;
      const direct = await fetchVitally(testEnv as unknown as Env, ctx, l.csId);
      expect(state.cs!.health, l.csId).toEqual(csDigest(state.cs!.fetchedAt, direct.health, direct.onboarding, direct.escalations, DEFAULT_AUTOMATION_POLICY.onboardingStalled).health);
      const props = await company(l.hubspotId!);
      expect(props['concord_health_trend'], l.csId).toBe(state.cs!.health!.trend);
      expect(props['concord_renewal_risk'], l.csId).toBe(renewalRiskOf(state, { accountId: l.accountId, erpCustomerId: l.erpId, csAccountId: l.csId }, todayUtc())!.level);
      expect(Number(props['concord_health_score'])).toBe(Math.round(state.cs!.health!.score));
    }

    // A second backfill finds everything complete: no history read, nothing written.
    const settled = (await vitally()).history;
    const again = await until(((await (await api('/v1/tenants/demo/sync/runs', { method: 'POST', key, body: JSON.stringify({ kind: 'backfill' }) })).json()) as Run).id, () => false, 300_000);
    expect(again.status, again.error ?? '').toBe('completed');
    expect([again.counts['written'], again.counts['historyPending'] ?? 0, again.counts['historyWritten'] ?? 0, again.counts['failed']]).toEqual([0, 0, 0, 0]);
    expect((await vitally()).history).toBe(settled);
  });
});
