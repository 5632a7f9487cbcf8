/**
 * The HubSpot connector (official client inside workerd) against a private sandbox estate:
 * paging, batch reads, associations, won stages of a custom pipeline, idempotent tasks and notes,
 * and the failure paths — a 429 storm, an expired token, 5xx and timeouts, a validation error —
 * each checked by counting what reached the sandbox.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueToken } from '../../sandbox/core/tokens.js';
import { hubspotDescriptor } from '../../worker/connectors/hubspot/descriptor.js';
import { HubSpotCrm, type HubSpotCrmOptions } from '../../worker/connectors/hubspot/index.js';
import type { CallContext } from '../../worker/connectors/http.js';
import { limitsFor, type LimiterEnv } from '../../worker/connectors/limits/durable.js';
import { ConcordError } from '../../worker/errors.js';
import { createLogger } from '../../worker/ops/log.js';
import { d1Ledger } from '../../worker/services/card-task.js';
import type { Connection } from '../../worker/storage/connections.js';
import { privateSandbox } from './sandbox-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    hubspotConnectorSandboxUrl: string;
  }
}

const SB = inject('hubspotConnectorSandboxUrl');
const TENANT = 'hs-connector';
const log = createLogger('error');
const { counters } = privateSandbox(SB, 'hubspot');
type SandboxTenant = 'demo' | 'other';

async function post(path: string, body: unknown): Promise<Response> {
  const res = await fetch(`${SB}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res;
}
async function token(tenant: SandboxTenant = 'demo'): Promise<string> {
  return ((await (await post('/__sandbox/tokens', { vendor: 'hubspot', tenant })).json()) as { accessToken: string }).accessToken;
}
/** The sandbox's own answer (no connector involved), for ground truth. */
async function sandboxGet<T>(path: string, tenant: SandboxTenant = 'demo'): Promise<T> {
  const res = await fetch(`${SB}/hubspot${path}`, { headers: { authorization: `Bearer ${await token(tenant)}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

function connection(accessToken: string): Connection {
  return { tenantId: TENANT, system: 'hubspot', baseUrl: `${SB}/hubspot`, externalAccount: null, status: 'connected', credentials: { type: 'bearer', accessToken } };
}
let ctxSeq = 0;
/** A call context with the tenant limiter (each test its own limiter key, so none inherits another's window). */
function context(extra: Partial<CallContext> = {}): CallContext {
  ctxSeq += 1;
  return { correlationId: `hs-connector-${ctxSeq}`, log, limits: limitsFor(env as unknown as LimiterEnv, `${TENANT}-${ctxSeq}`), ...extra };
}
async function crm(opts: HubSpotCrmOptions & { tenant?: SandboxTenant; ctx?: CallContext } = {}): Promise<HubSpotCrm> {
  const { tenant, ctx, ...rest } = opts;
  return new HubSpotCrm(connection(await token(tenant)), ctx ?? context(), { ledger: d1Ledger(env.DB, TENANT), ...rest });
}
async function failureOf(p: Promise<unknown>): Promise<ConcordError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConcordError);
  return err as ConcordError;
}

let seeded: { companies: number; contacts: number; deals: number };
beforeAll(async () => {
  const health = (await (await fetch(`${SB}/__sandbox/health`)).json()) as { tenants: Record<SandboxTenant, { companies: number; contacts: number; deals: number }> };
  seeded = health.tenants.demo;
});
afterEach(async () => {
  await post('/__sandbox/faults', {});
  await post('/__sandbox/clock', { offsetMs: 0 });
});

describe('reads', () => {
  it('pages through every seeded company, one request per page', async () => {
    const before = await counters();
    const c = await crm();
    const ids: string[] = [];
    let pages = 0;
    for await (const page of c.companies()) ((pages += 1), ids.push(...page.map((r) => r.externalId)));
    expect(seeded.companies).toBeGreaterThan(300);
    expect(ids.length).toBe(seeded.companies);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(seeded.companies / 100));
    expect((await counters()).requests - before.requests).toBe(pages);
  });

  it('batch-reads contacts 100 ids per call and leaves unknown ids out', async () => {
    const first = await sandboxGet<{ results: { id: string }[]; paging: { next: { after: string } } }>('/crm/v3/objects/contacts?limit=100');
    const second = await sandboxGet<{ results: { id: string }[] }>(`/crm/v3/objects/contacts?limit=60&after=${first.paging.next.after}`);
    const ids = [...first.results, ...second.results].map((r) => r.id);
    expect(ids).toHaveLength(160);
    const c = await crm();
    const before = await counters();
    const contacts = await c.contactsByIds([...ids, '999999999']);
    expect((await counters()).requests - before.requests).toBe(2);
    expect(contacts.map((x) => x.externalId)).toEqual(ids);
    expect(contacts.every((x) => x.email === null || x.email === x.email.toLowerCase())).toBe(true);
    expect(contacts.some((x) => x.firstName && x.lastName)).toBe(true);
  });

  it("a company's contacts and deals come through v4 associations", async () => {
    // A company that has deals and contacts, picked by that property (HubSpot lists companies by id).
    const page = await sandboxGet<{ results: { id: string }[] }>('/crm/v3/objects/companies?limit=100');
    let company = '';
    let truthContacts = { results: [] as { toObjectId: number }[] };
    let truthDeals = { results: [] as { toObjectId: number }[] };
    for (const { id } of page.results) {
      truthDeals = await sandboxGet<{ results: { toObjectId: number }[] }>(`/crm/v4/objects/companies/${id}/associations/deals`);
      truthContacts = await sandboxGet<{ results: { toObjectId: number }[] }>(`/crm/v4/objects/companies/${id}/associations/contacts`);
      if (truthDeals.results.length > 0 && truthContacts.results.length > 0) {
        company = id;
        break;
      }
    }
    expect(company, 'the seed has companies with deals and contacts').not.toBe('');
    const c = await crm();
    const contacts = await c.contactsOfCompany(company);
    const deals = await c.dealsOfCompany(company);
    expect(contacts.map((x) => x.externalId).sort()).toEqual(truthContacts.results.map((r) => String(r.toObjectId)).sort());
    expect(deals.map((x) => x.externalId).sort()).toEqual(truthDeals.results.map((r) => String(r.toObjectId)).sort());
  });
});

describe('won stages', () => {
  it('resolves won stages per pipeline through the pipelines API, custom numeric stages included', async () => {
    const c = await crm();
    const before = await counters();
    const won = await c.wonStages();
    expect([...(won.get('default') ?? [])]).toEqual(['closedwon']);
    const custom = [...won.keys()].find((id) => id !== 'default')!;
    expect(custom).toMatch(/^\d+$/);
    const customWon = [...won.get(custom)!];
    expect(customWon).toHaveLength(1);
    expect(customWon[0]).toMatch(/^\d+$/);
    expect(await c.isWon({ pipeline: custom, stage: customWon[0]! })).toBe(true);
    expect(await c.isWon({ pipeline: 'default', stage: 'closedlost' })).toBe(false);
    // A custom pipeline's stage id means nothing in another pipeline.
    expect(await c.isWon({ pipeline: 'default', stage: customWon[0]! })).toBe(false);
    // One pipelines request for all of the above (cached per connector instance).
    expect((await counters()).requests - before.requests).toBe(1);

    // A real deal in the custom pipeline's won stage comes back won; its open siblings do not.
    const search = await fetch(`${SB}/hubspot/crm/v3/objects/deals/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ filterGroups: [{ filters: [{ propertyName: 'pipeline', operator: 'EQ', value: custom }] }], properties: ['dealstage'], limit: 100 }),
    });
    const customDeals = ((await search.json()) as { results: { id: string; properties: { dealstage: string } }[] }).results;
    const wonDeal = customDeals.find((d) => d.properties.dealstage === customWon[0])!;
    const openDeal = customDeals.find((d) => d.properties.dealstage !== customWon[0])!;
    const deals = await c.dealsByIds([wonDeal.id, openDeal.id]);
    expect(deals.find((d) => d.externalId === wonDeal.id)).toMatchObject({ pipeline: custom, won: true, closed: true });
    expect(deals.find((d) => d.externalId === openDeal.id)).toMatchObject({ pipeline: custom, won: false });
  });
});

describe('idempotent tasks and notes', () => {
  async function companyAndDeal(): Promise<{ companyId: string; dealId: string }> {
    const companies = (await sandboxGet<{ results: { id: string }[] }>('/crm/v3/objects/companies?limit=20')).results;
    for (const { id } of companies) {
      const deals = await sandboxGet<{ results: { toObjectId: number }[] }>(`/crm/v4/objects/companies/${id}/associations/deals`);
      if (deals.results.length) return { companyId: id, dealId: String(deals.results[0]!.toObjectId) };
    }
    throw new Error('no company with a deal in the first 20');
  }
  const associated = async (from: string, id: string, to: string) =>
    (await sandboxGet<{ results: { toObjectId: number }[] }>(`/crm/v4/objects/${from}/${id}/associations/${to}`)).results.map((r) => String(r.toObjectId));

  it('a retried task write with the same key creates one task, on the company and the deal', async () => {
    const on = await companyAndDeal();
    const c = await crm();
    const task = { subject: 'Renewal call', body: 'Confirm seats', dueDate: '2026-12-01', idempotencyKey: `task-${crypto.randomUUID()}` };
    const first = await c.createTask(on, task);
    const again = await (await crm()).createTask(on, task);
    expect(first.replayed).toBe(false);
    expect(again).toEqual({ id: first.id, replayed: true });
    const onCompany = await associated('companies', on.companyId, 'tasks');
    expect(onCompany.filter((id) => id === first.id)).toHaveLength(1);
    expect(await associated('deals', on.dealId, 'tasks')).toContain(first.id);
    const stored = await sandboxGet<{ properties: Record<string, string> }>(`/crm/v3/objects/tasks/${first.id}?properties=hs_task_subject,hs_timestamp,hs_task_status`);
    expect(stored.properties).toMatchObject({ hs_task_subject: 'Renewal call', hs_task_status: 'NOT_STARTED' });
    expect(stored.properties.hs_timestamp).toMatch(/^2026-12-01/);
    // The same key for a different task is refused, and nothing is created.
    const tasksBefore = (await associated('companies', on.companyId, 'tasks')).length;
    const clash = await failureOf(c.createTask(on, { ...task, subject: 'Something else' }));
    expect(clash.error.kind).toBe('conflict');
    expect(await associated('companies', on.companyId, 'tasks')).toHaveLength(tasksBefore);
  });

  it('a retried note write with the same key creates one note', async () => {
    const { companyId } = await companyAndDeal();
    const note = { body: 'Spoke to finance about the overdue invoice', idempotencyKey: `note-${crypto.randomUUID()}`, at: '2026-11-20T10:00:00.000Z' };
    const [a, b] = [await (await crm()).addNote({ companyId }, note), await (await crm()).addNote({ companyId }, note)];
    expect(b).toEqual({ id: a.id, replayed: true });
    const notes = await associated('companies', companyId, 'notes');
    expect(notes.filter((id) => id === a.id)).toHaveLength(1);
    const stored = await sandboxGet<{ properties: Record<string, string> }>(`/crm/v3/objects/notes/${a.id}?properties=hs_note_body,hs_timestamp`);
    expect(stored.properties).toMatchObject({ hs_note_body: note.body, hs_timestamp: note.at });
  });

  it('refuses a malformed task or note with 422 naming each field, before anything is sent', async () => {
    const c = await crm();
    const before = await counters();
    const bad = await failureOf(c.createTask({ companyId: 'abc' }, { subject: '  ', body: '', dueDate: '2026-02-30', idempotencyKey: 'k' }));
    expect(bad.error.kind).toBe('validation');
    const paths = bad.error.kind === 'validation' ? bad.error.issues.map((i) => i.path) : [];
    expect(paths).toEqual(['on.companyId']);
    const badTask = await failureOf(c.createTask({ companyId: '1' }, { subject: '  ', body: '', dueDate: '2026-02-30', idempotencyKey: '' }));
    expect(badTask.error.kind === 'validation' && badTask.error.issues.map((i) => i.path).sort()).toEqual(['task.dueDate', 'task.idempotencyKey', 'task.subject']);
    const badNote = await failureOf(c.addNote({ companyId: '1' }, { body: 'x', idempotencyKey: 'k', at: 'yesterday' }));
    expect(badNote.error.kind === 'validation' && badNote.error.issues.map((i) => i.path)).toEqual(['note.at']);
    expect((await counters()).requests - before.requests).toBe(0);
  });

  it('a create that met a 5xx is not resent, and its key stays claimed so a retry cannot duplicate it', async () => {
    const { companyId } = await companyAndDeal();
    const c = await crm();
    await post('/__sandbox/faults', { hubspot: { errorRate: 1 } });
    const before = await counters();
    const note = { body: 'Unknown outcome', idempotencyKey: `note-${crypto.randomUUID()}` };
    const err = await failureOf(c.addNote({ companyId }, note));
    expect(err.error).toMatchObject({ kind: 'upstream', system: 'hubspot', status: 502 });
    expect((await counters()).requests - before.requests).toBe(1);
    await post('/__sandbox/faults', {});
    const retry = await failureOf(c.addNote({ companyId }, note));
    expect(retry.error.kind).toBe('conflict');
  });
});

describe('failures', () => {
  it('a 429 storm: nothing is lost and, after the first 429, nothing goes past the limit', async () => {
    // Another app used the whole 10-second window of the `other` portal.
    const t = await token('other');
    const burn = await Promise.all(Array.from({ length: 110 }, () => fetch(`${SB}/hubspot/crm/v3/objects/companies?limit=1`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status)));
    expect(burn.every((s) => s === 200)).toBe(true);
    const before = await counters('other');
    const c = new HubSpotCrm(connection(t), context());
    const ids: string[] = [];
    for await (const page of c.companies()) ids.push(...page.map((r) => r.externalId));
    const after = await counters('other');
    const truth = (await (await fetch(`${SB}/__sandbox/health`)).json()) as { tenants: { other: { companies: number } } };
    expect(new Set(ids).size).toBe(truth.tenants.other.companies);
    expect(after.rateLimited - before.rateLimited).toBe(1);
    // Every request after that 429 was a page: no retry storm.
    expect(after.requests - before.requests).toBe(Math.ceil(truth.tenants.other.companies / 100) + 1);
  }, 60_000);

  it('an expired token is refreshed once, transparently', async () => {
    const stale = issueToken('hubspot', 'demo', 'access', Date.now() - 31 * 60_000);
    let refreshes = 0;
    const ctx = context({
      refreshToken: async (system) => {
        refreshes += 1;
        expect(system).toBe('hubspot');
        return token();
      },
    });
    const before = await counters();
    const c = new HubSpotCrm(connection(stale), ctx);
    let n = 0;
    for await (const page of c.companies()) n += page.length;
    expect(n).toBe(seeded.companies);
    expect(refreshes).toBe(1);
    expect((await counters()).expired - before.expired).toBe(1);
    // Without a way to refresh, the 401 is reported as auth_expired after one request.
    const noRefresh = new HubSpotCrm(connection(stale), context());
    const err = await failureOf(noRefresh.wonStages());
    expect(err.error).toMatchObject({ kind: 'auth_expired', system: 'hubspot' });
  });

  it('5xx answers are retried for reads, and the read completes', async () => {
    // Seeded draws: the same requests meet the same faults on every run.
    await post('/__sandbox/faults', { hubspot: { errorRate: 0.5, seed: 7 } });
    const before = await counters();
    const c = await crm();
    const ids: string[] = [];
    for await (const page of c.companies()) ids.push(...page.map((r) => r.externalId));
    const after = await counters();
    expect(ids.length).toBe(seeded.companies);
    expect(after.serverErrors - before.serverErrors).toBeGreaterThan(0);
    expect(after.requests - before.requests).toBe(Math.ceil(seeded.companies / 100) + (after.serverErrors - before.serverErrors));
  }, 60_000);

  it('a hanging HubSpot times out and the read is retried', async () => {
    // Seed 8: the first request hangs (6 s, past the client's 1.5 s), the second is answered.
    // (A margin both ways: an answered request on a loaded machine stays well under the client's
    // timeout, so it is not retried too and the exact count holds.)
    await post('/__sandbox/faults', { hubspot: { timeoutRate: 0.5, hangMs: 6_000, seed: 8 } });
    const before = await counters();
    const c = await crm({ timeoutMs: 1_500 });
    const won = await c.wonStages();
    expect(won.get('default')?.has('closedwon')).toBe(true);
    expect((await counters()).requests - before.requests).toBe(2);
  }, 60_000);

  it('a validation error (400) is reported with its detail and not retried', async () => {
    const company = (await sandboxGet<{ results: { id: string }[] }>('/crm/v3/objects/companies?limit=1')).results[0]!.id;
    const c = await crm();
    const before = await counters();
    const err = await failureOf(c.updateCompanies([{ externalId: company, properties: { no_such_property: '1' } }]));
    expect(err.error).toMatchObject({ kind: 'upstream_validation', system: 'hubspot' });
    expect(err.error.kind === 'upstream_validation' && err.error.detail).toMatch(/^VALIDATION_ERROR: Property values were not valid/);
    expect((await counters()).requests - before.requests).toBe(1);
  });
});

describe('writes through the official client', () => {
  it('batch update by record id: 200 for known ids, 207 per-record failures for unknown ones, a repeated id merged', async () => {
    const ids = (await sandboxGet<{ results: { id: string }[] }>('/crm/v3/objects/companies?limit=100&after=100')).results.map((r) => r.id);
    const c = await crm();
    const ok = await c.updateCompanies(ids.map((externalId) => ({ externalId, properties: { concord_health_score: '42' } })));
    expect(ok).toEqual({ updated: 100, calls: 1, failed: [] });
    const partial = await c.updateCompanies([{ externalId: ids[0]!, properties: { concord_health_score: '43' } }, { externalId: '99999999', properties: { concord_health_score: '1' } }]);
    expect(partial).toMatchObject({ updated: 1, calls: 1, failed: [{ externalId: '99999999' }] });
    const read = await sandboxGet<{ properties: Record<string, string> }>(`/crm/v3/objects/companies/${ids[0]}?properties=concord_health_score`);
    expect(read.properties.concord_health_score).toBe('43');
    // HubSpot refuses a batch naming a record twice: the connector merges the changes first.
    const twice = await c.updateCompanies([
      { externalId: ids[1]!, properties: { concord_health_score: '10', city: 'Lisbon' } },
      { externalId: ids[1]!, properties: { concord_health_score: '11' } },
    ]);
    expect(twice).toEqual({ updated: 1, calls: 1, failed: [] });
    const merged = await sandboxGet<{ properties: Record<string, string> }>(`/crm/v3/objects/companies/${ids[1]}?properties=concord_health_score,city`);
    expect(merged.properties).toMatchObject({ concord_health_score: '11', city: 'Lisbon' });
  });

  it("reads Concord's facts back as they were written (the reconcile read): 100 ids per batch read, unknown ids left out", async () => {
    const c = await crm();
    await c.setUp();
    const ids = (await sandboxGet<{ results: { id: string }[] }>('/crm/v3/objects/companies?limit=100&after=300')).results.map((r) => r.id);
    const facts = {
      concordAccountId: 'acc_facts', openAr: 12500.5, overdueAr: 0, lastPaymentDate: '2026-10-01', contractEnd: null, arr: 120000,
      healthTrend: 'down' as const, onboardingStage: 'Kickoff (stalled)', renewalRisk: 'high' as const, financeHold: true,
    };
    expect(await c.writeAccountFacts([{ recordId: ids[0]!, facts }])).toMatchObject({ updated: 1, failed: [] });
    const before = await counters();
    const read = await c.accountFactsOf([...ids, '99999999']);
    expect((await counters()).requests - before.requests).toBe(2);
    expect(read.has('99999999')).toBe(false);
    expect(read.size).toBe(ids.length);
    expect(read.get(ids[0]!)).toMatchObject(facts);
    // Every fact the app's properties hold is read, empty ones as null.
    expect(Object.keys(read.get(ids[0]!)!)).toHaveLength(hubspotDescriptor.ownProperties.length);
    expect(read.get(ids[0]!)!.disputedAr).toBeNull();
  });

  it('installs the property group and properties once, concurrent installs included', async () => {
    const own = hubspotDescriptor.ownProperties.map((p) => p.name);
    const ownDeal = hubspotDescriptor.ownDealProperties.map((p) => p.name);
    const existing = new Set((await sandboxGet<{ results: { name: string }[] }>('/crm/v3/properties/companies', 'other')).results.map((p) => p.name));
    const existingDeal = new Set((await sandboxGet<{ results: { name: string }[] }>('/crm/v3/properties/deals', 'other')).results.map((p) => p.name));
    const missing = [
      ...own.filter((name) => !existing.has(name)),
      // Deal properties are reported with their object type.
      ...ownDeal.filter((name) => !existingDeal.has(name)).map((name) => `deals:${name}`),
    ];
    // The sandbox seeds some of the deal properties (as a portal that had an older version would have).
    expect(missing.filter((m) => m.startsWith('deals:')).length).toBeGreaterThan(0);
    expect(missing.filter((m) => !m.startsWith('deals:')).length).toBeGreaterThan(3);
    const c = await crm({ tenant: 'other' });
    // Both see the same properties missing; the loser of each race gets HubSpot's 409, tolerated.
    const [a, b] = await Promise.all([c.client.ensureOwnProperties(), (await crm({ tenant: 'other' })).client.ensureOwnProperties()]);
    expect([...a.created, ...b.created].sort()).toEqual([...missing].sort());
    expect(await c.client.ensureOwnProperties()).toEqual({ created: [] });
    const prop = await sandboxGet<{ groupName: string; options: { value: string }[] }>('/crm/v3/properties/companies/concord_health_trend', 'other');
    expect(prop).toMatchObject({ groupName: 'concord' });
    expect(prop.options.map((o) => o.value)).toEqual(['up', 'flat', 'down']);
    const status = await sandboxGet<{ groupName: string; options: { value: string }[] }>('/crm/v3/properties/deals/concord_order_status', 'other');
    expect(status).toMatchObject({ groupName: 'concord' });
    expect(status.options.map((o) => o.value)).toEqual(['creating', 'created', 'blocked', 'failed']);
  });
});
