/**
 * Sync runs inside workerd on the `concord-sync` queue, against a private sandbox estate:
 * a backfill that links every record and writes Concord's properties (links, receivables, ARR,
 * health...) onto HubSpot companies and Salesforce Accounts, nothing again on a second run, resuming
 * after its step failed (HubSpot answering 5xx, as after a crash mid-run) without redoing the
 * steps before; a reconcile dry run that reports drift of an ERP-owned field changed in the CRM
 * and changes nothing; and the real run that repairs it through the write guard. Then Concord's own
 * facts on a HubSpot company: the change pipeline writes them, a person edits the company's ARR and
 * overdue amount in HubSpot, a dry run reports both (the CRM's and Concord's value, the ERP's
 * truth) and changes nothing, the real run writes Concord's values back, and the next run finds
 * no drift of that account's facts.
 */
import { createScheduledController, env as testEnv } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import { runAccountEffects } from '../../worker/flows/account-changes/consume.js';
import worker from '../../worker/index.js';
import { createLogger } from '../../worker/ops/log.js';
import { loadStates, markDirtyStatement, writtenFacts } from '../../worker/storage/account-changes.js';
import { csDigest, erpDigest, type AccountState } from '../../worker/policies/account-facts/index.js';
import { DEFAULT_AUTOMATION_POLICY } from '../../worker/policies/automations/index.js';
import { fetchNetSuite, fetchVitally } from '../../worker/services/account-view-build.js';
import { portsFor } from '../../worker/ports/registry.js';
import { serviceContext } from '../../worker/services/context.js';
import { api, connectAll, sandboxToken } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    syncRunsSandboxUrl: string;
  }
}

const SB = inject('syncRunsSandboxUrl');

interface Truth { traits: string[]; hubspotCompanyIds: string[]; salesforceAccountIds: string[]; netsuiteCustomerIds: string[]; vitallyAccountIds: string[] }
interface Run {
  id: string;
  kind: string;
  dryRun: boolean;
  status: string;
  progress: { done: number; total: number; percent: number; ratePerSecond: number | null; etaSeconds: number | null; phase: string };
  counts: Record<string, number>;
  error: string | null;
  drift: { accountId: string; field: string; system: string; externalId: string; value: string | null; owner: string; ownerSystem: string | null; ownerValue: string | null; action: string; outcome: string; reason: string }[];
}

let key: string;

const token = (vendor: string) => sandboxToken(vendor, 'demo', SB);

async function hubspot<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SB}/hubspot${path}`, {
    method,
    headers: { authorization: `Bearer ${await token('hubspot')}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`hubspot ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Requests the sandbox's `vendor` has answered for the demo tenant. */
async function vendorRequests(vendor: string): Promise<number> {
  const res = await fetch(`${SB}/__sandbox/limits`);
  return ((await res.json()) as { counters: Record<string, Record<string, { requests: number }>> }).counters[vendor]?.['demo']?.requests ?? 0;
}
const vitallyRequests = () => vendorRequests('vitally');

const faults = (body: unknown) => fetch(`${SB}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function start(body: unknown): Promise<Response> {
  return api('/v1/tenants/demo/sync/runs', { method: 'POST', key, body: JSON.stringify(body) });
}

async function run(id: string): Promise<Run> {
  return (await (await api(`/v1/tenants/demo/sync/runs/${id}?driftLimit=5000`, { key })).json()) as Run;
}

async function finished(id: string, timeoutMs = 150_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await run(id);
    if (r.status === 'completed' || r.status === 'failed') return r;
    if (Date.now() > until) throw new Error(`run ${id} still ${r.status} at ${JSON.stringify(r.progress)}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

interface FactsView { receivables: { state: string; data: { openTotal: number; overdueTotal: number } }; health: { state: string; data: { score: number } | null }; contract: { state: string; data: { arr: number | null } | null } }

/**
 * A CRM record of an account linked one-to-one to its ERP customer and CS account, whose ERP has
 * open invoices and whose CS system a health score, with the account view (what the data imply).
 */
async function withFacts(truth: Truth[], crm: 'hubspotCompanyIds' | 'salesforceAccountIds'): Promise<{ recordId: string; accountId: string; view: FactsView & { health: { data: { score: number } } } }> {
  const db = (testEnv as unknown as Env).DB;
  const system = crm === 'hubspotCompanyIds' ? 'hubspot' : 'salesforce';
  for (const t of truth.filter((x) => x.traits.length === 0 && x[crm].length === 1 && x.netsuiteCustomerIds.length === 1 && x.vitallyAccountIds.length === 1)) {
    const recordId = t[crm][0]!;
    const link = await db.prepare(`SELECT canonical_id AS id FROM identity_links WHERE tenant_id = 'demo' AND entity = 'account' AND system = ? AND external_id = ?`).bind(system, recordId).first<{ id: string }>();
    if (!link) continue;
    const view = (await (await api(`/v1/tenants/demo/accounts/${link.id}/view`, { key })).json()) as FactsView;
    if (view.receivables.state === 'ok' && view.receivables.data.openTotal > 0 && view.health.state === 'ok' && view.health.data) return { recordId, accountId: link.id, view: view as FactsView & { health: { data: { score: number } } } };
  }
  throw new Error(`no ${system} record of an account with open invoices and a health score`);
}

const norm = (d: string | null | undefined) => (d ?? '').toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '');

beforeAll(async () => {
  key = await connectAll('demo', SB);
}, 120_000);

describe('sync runs', () => {
  it('refuses bad input with the field path, and a second run of a kind while one is in progress', async () => {
    const bad = await start({ kind: 'rebuild' });
    expect([400, 422]).toContain(bad.status);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('kind');
    const missing = await api('/v1/tenants/demo/sync/runs/sr_00000000000000000000000000000000', { key });
    expect(missing.status).toBe(404);
  });

  it('backfills: links every record, writes the link and financial properties onto HubSpot and Salesforce, and resumes after a failed step', { timeout: 480_000 }, async () => {
    // HubSpot answers 5xx: the run gets past NetSuite and Vitally, then its HubSpot step fails and is retried.
    await faults({ hubspot: { errorRate: 1 } });
    const vitallyBefore = await vitallyRequests();
    const netsuiteBefore = await vendorRequests('netsuite');
    const res = await start({ kind: 'backfill' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as Run;
    expect((await start({ kind: 'backfill' })).status).toBe(409);
    const until = Date.now() + 60_000;
    while ((await run(id)).counts['ingested'] === undefined && Date.now() < until) await new Promise((ok) => setTimeout(ok, 200));
    const stuck = await run(id);
    expect(stuck.status).toBe('running');
    expect(stuck.progress.phase).toBe('ingest');
    await new Promise((ok) => setTimeout(ok, 1500));
    await faults({});

    // Reading every account's ERP and CS data is paced by the vendors' limits (Vitally's 1,000 calls a minute).
    const done = await finished(id, 360_000);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.progress).toMatchObject({ percent: 100, etaSeconds: 0 });
    expect(done.progress.done).toBe(done.progress.total);
    // Each system was ingested once: the steps before the failure were not run again.
    const truth = (await (await fetch(`${SB}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
    const count = (k: keyof Truth) => truth.reduce((n, t) => n + (t[k] as string[]).length, 0);
    expect(done.counts['ingested']).toBe(count('hubspotCompanyIds') + count('salesforceAccountIds') + count('netsuiteCustomerIds') + count('vitallyAccountIds'));
    expect(done.counts['linked']).toBeGreaterThan(0);
    expect(done.counts['failed']).toBe(0);
    // Vitally is read in bulk: its workspace-wide lists (accounts, projects, tasks, conversations)
    // at 100 records a call, and per account only its score history (Vitally lists no histories
    // workspace-wide), where each account's health, projects, tasks and conversations cost four
    // calls (five without a score history).
    const vitallyAccounts = count('vitallyAccountIds');
    const vitallyCalls = (await vitallyRequests()) - vitallyBefore;
    // NetSuite likewise, a page at a time: one query for the page's customers and one for their
    // last payments (and their further pages), where each customer cost two queries.
    const netsuiteCustomers = count('netsuiteCustomerIds');
    const netsuiteCalls = (await vendorRequests('netsuite')) - netsuiteBefore;
    expect(netsuiteCalls, `${netsuiteCalls} NetSuite requests for ${netsuiteCustomers} customers`).toBeLessThan(netsuiteCustomers * 0.25);
    expect(vitallyCalls, `${vitallyCalls} Vitally requests for ${vitallyAccounts} Vitally accounts`).toBeLessThan(vitallyAccounts * 1.25);
    expect(done.counts['csRecords']).toBeGreaterThan(vitallyAccounts);
    // The bulk read is gone with the run.
    const left = await (testEnv as unknown as Env).DB.prepare(`SELECT COUNT(*) AS n FROM sync_cs_items WHERE tenant_id = 'demo'`).first<{ n: number }>();
    expect(left?.n).toBe(0);
    // And what it stored of each account's CS data is what the account's own reads answer: health
    // (score, trend, history, signals), onboarding milestones and open escalations, for accounts
    // picked by what they have (a stalled or active onboarding, an open escalation, no score).
    const db = (testEnv as unknown as Env).DB;
    const { results: csLinks } = await db
      .prepare(`SELECT canonical_id AS accountId, external_id AS csId FROM identity_links WHERE tenant_id = 'demo' AND entity = 'account' AND system = 'vitally' AND is_primary = 1`)
      .all<{ accountId: string; csId: string }>();
    const states = await loadStates<AccountState>(db, 'demo', csLinks.map((l) => l.accountId));
    const kinds: ((cs: NonNullable<AccountState['cs']>) => boolean)[] = [
      (cs) => cs.onboarding?.status === 'stalled',
      (cs) => cs.onboarding?.status === 'active',
      (cs) => cs.onboarding?.status === 'completed',
      (cs) => cs.escalations.length > 1,
      (cs) => cs.health === null,
      (cs) => cs.health?.trend === 'down',
    ];
    const ctx = serviceContext(testEnv as unknown as Env, { tenantId: 'demo', correlationId: 'bulk-check', log: createLogger('error') }, { maxWaitMs: 90_000 });
    let compared = 0;
    for (const kind of kinds) {
      for (const l of csLinks.filter((x) => { const cs = states.get(x.accountId)?.state.cs; return cs !== undefined && kind(cs); }).slice(0, 2)) {
        const stored = states.get(l.accountId)!.state.cs!;
        const direct = await fetchVitally(testEnv as unknown as Env, ctx, l.csId);
        const digest = csDigest(stored.fetchedAt, direct.health, direct.onboarding, direct.escalations, DEFAULT_AUTOMATION_POLICY.onboardingStalled);
        expect({ health: stored.health, milestones: stored.onboarding?.milestones ?? null, status: stored.onboarding?.status ?? null, escalations: stored.escalations }, l.csId).toEqual({
          health: digest.health,
          milestones: digest.onboarding?.milestones ?? null,
          status: digest.onboarding?.status ?? null,
          escalations: digest.escalations,
        });
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(8);
    // The same for the ERP digest read a page at a time: receivables, contract and last payment as
    // the customer's own reads answer them, for customers picked by what they have.
    const { results: erpLinks } = await db
      .prepare(`SELECT canonical_id AS accountId, external_id AS customerId FROM identity_links WHERE tenant_id = 'demo' AND entity = 'account' AND system = 'netsuite' AND is_primary = 1`)
      .all<{ accountId: string; customerId: string }>();
    const erpStates = await loadStates<AccountState>(db, 'demo', erpLinks.map((l) => l.accountId));
    const erpKinds: ((erp: NonNullable<AccountState['erp']>) => boolean)[] = [
      (erp) => (erp.receivables?.overdueTotal ?? 0) > 0,
      (erp) => (erp.receivables?.openInvoiceCount ?? 0) === 0,
      (erp) => erp.contract === null,
      (erp) => erp.contract?.autoRenew === true,
      (erp) => erp.lastPaymentDate === null,
      (erp) => erp.lastPaymentDate !== null,
    ];
    const erpPort = await portsFor(testEnv as unknown as Env, ctx, { flow: 'test', actor: 'test' }).erp();
    let erpCompared = 0;
    for (const kind of erpKinds) {
      for (const l of erpLinks.filter((x) => { const erp = erpStates.get(x.accountId)?.state.erp; return erp !== undefined && kind(erp); }).slice(0, 2)) {
        const stored = erpStates.get(l.accountId)!.state.erp!;
        const today = stored.fetchedAt.slice(0, 10);
        const direct = await fetchNetSuite(testEnv as unknown as Env, ctx, l.customerId, today);
        const digest = erpDigest(stored.fetchedAt, direct.receivables, direct.contract, await erpPort.lastPaymentDate!(l.customerId));
        expect(stored, l.customerId).toEqual(digest);
        erpCompared++;
      }
    }
    expect(erpCompared).toBeGreaterThanOrEqual(8);
    // Batched: a step of the accounts phase writes three pages of 100 accounts together, so its
    // HubSpot batches of 100 are full (a page alone holds about 56 HubSpot companies: 54 records a
    // call when each page was written alone), never one call per record.
    expect(done.counts['written']).toBeGreaterThan(500);
    expect(done.counts['written']! / done.counts['calls']!, JSON.stringify(done.counts)).toBeGreaterThanOrEqual(80);

    // A linked company now carries its Concord account and ERP customer in HubSpot.
    const linked = truth.find((t) => t.traits.length === 0 && t.hubspotCompanyIds.length === 1 && t.netsuiteCustomerIds.length === 1)!;
    const company = await hubspot<{ properties: Record<string, string | null> }>('GET', `/crm/v3/objects/companies/${linked.hubspotCompanyIds[0]}?properties=concord_account_id,concord_erp_customer_id`);
    expect(company.properties['concord_erp_customer_id']).toBe(linked.netsuiteCustomerIds[0]);
    expect(company.properties['concord_account_id']).toMatch(/^acc_/);

    // And the financial facts the change pipeline writes, as the account's ERP and CS data imply
    // them (read back through the account view): on a HubSpot company and on a Salesforce Account.
    const hs = await withFacts(truth, 'hubspotCompanyIds');
    const hsProps = (await hubspot<{ properties: Record<string, string | null> }>('GET', `/crm/v3/objects/companies/${hs.recordId}?properties=concord_account_id,concord_open_ar,concord_overdue_ar,concord_arr,concord_health_score,concord_renewal_risk`)).properties;
    expect(hsProps['concord_account_id']).toBe(hs.accountId);
    expect(Number(hsProps['concord_open_ar'])).toBeCloseTo(hs.view.receivables.data.openTotal, 2);
    expect(Number(hsProps['concord_overdue_ar'])).toBeCloseTo(hs.view.receivables.data.overdueTotal, 2);
    expect(Number(hsProps['concord_health_score'])).toBe(Math.round(hs.view.health.data.score));
    if (hs.view.contract.data?.arr != null) expect(Number(hsProps['concord_arr'])).toBeCloseTo(hs.view.contract.data.arr, 2);
    expect(hsProps['concord_renewal_risk']).toMatch(/^(low|medium|high)$/);
    const sf = await withFacts(truth, 'salesforceAccountIds');
    const sfToken = await token('salesforce');
    const soql = `SELECT Concord_Account_Id__c, Concord_Open_AR__c, Concord_Overdue_AR__c, Concord_Health_Score__c FROM Account WHERE Id = '${sf.recordId}'`;
    const sfRow = ((await (await fetch(`${SB}/salesforce/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${sfToken}` } })).json()) as { records: Record<string, unknown>[] }).records[0]!;
    expect(sfRow['Concord_Account_Id__c']).toBe(sf.accountId);
    expect(Number(sfRow['Concord_Open_AR__c'])).toBeCloseTo(sf.view.receivables.data.openTotal, 2);
    expect(Number(sfRow['Concord_Overdue_AR__c'])).toBeCloseTo(sf.view.receivables.data.overdueTotal, 2);
    expect(Number(sfRow['Concord_Health_Score__c'])).toBe(Math.round(sf.view.health.data.score));

    // A second backfill finds every fact written already: nothing is sent again.
    const again = await finished(((await (await start({ kind: 'backfill' })).json()) as Run).id);
    expect(again.status, again.error ?? '').toBe('completed');
    expect([again.counts['written'], again.counts['failed']]).toEqual([0, 0]);
  });

  it('reconcile: a dry run reports an ERP-owned domain changed in HubSpot and changes nothing; the real run repairs it there and in Salesforce', { timeout: 240_000 }, async () => {
    const own = await api('/v1/tenants/demo/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: [{ entity: 'account', field: 'domain', owner: 'erp' }] }) });
    expect(own.status).toBe(200);
    // A company whose ERP customer has the same domain, by what both vendors hold now.
    const truth = (await (await fetch(`${SB}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
    const ns = await token('netsuite');
    let pick: { companyId: string; erpDomain: string } | null = null;
    for (const t of truth.filter((x) => x.traits.length === 0 && x.hubspotCompanyIds.length === 1 && x.netsuiteCustomerIds.length === 1)) {
      const c = await hubspot<{ properties: Record<string, string | null> }>('GET', `/crm/v3/objects/companies/${t.hubspotCompanyIds[0]}?properties=domain`);
      const q = await fetch(`${SB}/netsuite/services/rest/query/v1/suiteql`, { method: 'POST', headers: { authorization: `Bearer ${ns}`, 'content-type': 'application/json', prefer: 'transient' }, body: JSON.stringify({ q: `SELECT url FROM customer WHERE id = ${t.netsuiteCustomerIds[0]}` }) });
      const url = ((await q.json()) as { items: { url?: string }[] }).items[0]?.url;
      if (url && norm(url) === norm(c.properties['domain'])) {
        pick = { companyId: t.hubspotCompanyIds[0]!, erpDomain: norm(url) };
        break;
      }
    }
    expect(pick).not.toBeNull();
    await hubspot('PATCH', `/crm/v3/objects/companies/${pick!.companyId}`, { properties: { domain: 'drifted-elsewhere.example' } });
    // And a Salesforce Account of another customer whose website agrees with its ERP customer, drifted the same way.
    const sf = await token('salesforce');
    const sfAccount = async (id: string) =>
      ((await (await fetch(`${SB}/salesforce/services/data/v62.0/query?q=${encodeURIComponent(`SELECT Id, Website FROM Account WHERE Id = '${id}'`)}`, { headers: { authorization: `Bearer ${sf}` } })).json()) as { records: { Website: string | null }[] }).records[0]!;
    let sfPick: { accountId: string; erpDomain: string } | null = null;
    for (const t of truth.filter((x) => x.traits.length === 0 && x.salesforceAccountIds.length === 1 && x.netsuiteCustomerIds.length === 1 && !x.hubspotCompanyIds.includes(pick!.companyId))) {
      const q = await fetch(`${SB}/netsuite/services/rest/query/v1/suiteql`, { method: 'POST', headers: { authorization: `Bearer ${ns}`, 'content-type': 'application/json', prefer: 'transient' }, body: JSON.stringify({ q: `SELECT url FROM customer WHERE id = ${t.netsuiteCustomerIds[0]}` }) });
      const url = ((await q.json()) as { items: { url?: string }[] }).items[0]?.url;
      if (url && norm(url) === norm((await sfAccount(t.salesforceAccountIds[0]!)).Website)) {
        sfPick = { accountId: t.salesforceAccountIds[0]!, erpDomain: norm(url) };
        break;
      }
    }
    expect(sfPick).not.toBeNull();
    const patched = await fetch(`${SB}/salesforce/services/data/v62.0/sobjects/Account/${sfPick!.accountId}`, { method: 'PATCH', headers: { authorization: `Bearer ${sf}`, 'content-type': 'application/json' }, body: JSON.stringify({ Website: 'drifted-sf.example' }) });
    expect(patched.status).toBe(204);

    const dry = await finished(((await (await start({ kind: 'reconcile', dryRun: true })).json()) as Run).id);
    expect(dry.status, dry.error ?? '').toBe('completed');
    const item = dry.drift.find((d) => d.system === 'hubspot' && d.externalId === pick!.companyId && d.field === 'account.domain');
    expect(item).toMatchObject({ value: 'drifted-elsewhere.example', owner: 'erp', ownerSystem: 'netsuite', action: 'repair', outcome: 'would_repair' });
    expect(dry.counts['repaired'] ?? 0).toBe(0);
    const still = await hubspot<{ properties: Record<string, string | null> }>('GET', `/crm/v3/objects/companies/${pick!.companyId}?properties=domain`);
    expect(still.properties['domain']).toBe('drifted-elsewhere.example');

    const real = await finished(((await (await start({ kind: 'reconcile' })).json()) as Run).id);
    expect(real.status, real.error ?? '').toBe('completed');
    expect(real.drift.find((d) => d.system === 'hubspot' && d.externalId === pick!.companyId && d.field === 'account.domain')?.outcome).toBe('repaired');
    const repaired = await hubspot<{ properties: Record<string, string | null> }>('GET', `/crm/v3/objects/companies/${pick!.companyId}?properties=domain`);
    expect(norm(repaired.properties['domain'])).toBe(pick!.erpDomain);
    // Salesforce is repaired the same way (Collections update through the write guard).
    expect(real.drift.find((d) => d.system === 'salesforce' && d.externalId === sfPick!.accountId && d.field === 'account.domain')).toMatchObject({ value: 'drifted-sf.example', ownerSystem: 'netsuite', outcome: 'repaired' });
    expect(norm((await sfAccount(sfPick!.accountId)).Website)).toBe(sfPick!.erpDomain);
    // A CRM-owned field the ERP disagrees on is never written into the ERP: an exception for a person.
    expect(real.drift.filter((d) => d.system === 'netsuite').every((d) => d.outcome === 'exception')).toBe(true);
  });

  it("reconcile: Concord's ARR and overdue amount edited on a HubSpot company are reported by a dry run, written back by the real run, and then agree", { timeout: 360_000 }, async () => {
    const db = (testEnv as unknown as Env).DB;
    const truth = (await (await fetch(`${SB}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
    const props = 'concord_arr,concord_overdue_ar,concord_account_id';
    const company = async (id: string) => (await hubspot<{ properties: Record<string, string | null> }>('GET', `/crm/v3/objects/companies/${id}?properties=${props}`)).properties;
    // An account linked to one HubSpot company and its ERP customer, whose contract has an ARR
    // once the change pipeline has read it and written its facts onto the company.
    let pick: { accountId: string; companyId: string; arr: number; overdue: number } | null = null;
    for (const t of truth.filter((x) => x.traits.length === 0 && x.hubspotCompanyIds.length === 1 && x.netsuiteCustomerIds.length === 1).slice(0, 40)) {
      const link = await db.prepare(`SELECT canonical_id AS id FROM identity_links WHERE tenant_id = 'demo' AND entity = 'account' AND system = 'hubspot' AND external_id = ?`).bind(t.hubspotCompanyIds[0]).first<{ id: string }>();
      if (!link) continue;
      const erp = await db.prepare(`SELECT 1 AS ok FROM identity_links WHERE tenant_id = 'demo' AND entity = 'account' AND canonical_id = ? AND system = 'netsuite' AND external_id = ?`).bind(link.id, t.netsuiteCustomerIds[0]).first();
      if (!erp) continue;
      await markDirtyStatement(db, 'demo', link.id, { erp: true, cs: true }).run();
      const failed = await runAccountEffects(testEnv as unknown as Env, 'demo', [link.id], `facts-${link.id}`, createLogger('error'));
      expect([...failed.values()].map(String)).toEqual([]);
      const p = await company(t.hubspotCompanyIds[0]!);
      expect(p['concord_account_id']).toBe(link.id);
      if (p['concord_arr'] && p['concord_overdue_ar'] !== null) {
        pick = { accountId: link.id, companyId: t.hubspotCompanyIds[0]!, arr: Number(p['concord_arr']), overdue: Number(p['concord_overdue_ar']) };
        break;
      }
    }
    expect(pick, 'a linked account with a contract ARR').not.toBeNull();
    const { accountId, companyId, arr, overdue } = pick!;

    // A person edits Concord's properties in HubSpot.
    await hubspot('PATCH', `/crm/v3/objects/companies/${companyId}`, { properties: { concord_arr: String(arr + 12_345), concord_overdue_ar: String(overdue + 999.5) } });
    const factsOf = (r: Run) => r.drift.filter((d) => d.accountId === accountId && d.field.startsWith('facts.'));

    const dry = await finished(((await (await start({ kind: 'reconcile', dryRun: true })).json()) as Run).id);
    expect(dry.status, dry.error ?? '').toBe('completed');
    const dryFacts = factsOf(dry);
    expect(dryFacts.map((d) => d.field).sort()).toEqual(['facts.arr', 'facts.overdueAr']);
    const arrRow = dryFacts.find((d) => d.field === 'facts.arr')!;
    expect(arrRow).toMatchObject({ system: 'hubspot', externalId: companyId, owner: 'erp', ownerSystem: 'netsuite', action: 'repair', outcome: 'would_repair' });
    expect(Number(arrRow.value)).toBe(arr + 12_345);
    expect(Number(arrRow.ownerValue)).toBe(arr);
    const overdueRow = dryFacts.find((d) => d.field === 'facts.overdueAr')!;
    expect([Number(overdueRow.value), Number(overdueRow.ownerValue), overdueRow.outcome]).toEqual([overdue + 999.5, overdue, 'would_repair']);
    expect(dry.counts['wouldRepair']).toBeGreaterThanOrEqual(2);
    // The dry run changed nothing.
    expect(Number((await company(companyId))['concord_arr'])).toBe(arr + 12_345);

    const real = await finished(((await (await start({ kind: 'reconcile' })).json()) as Run).id);
    expect(real.status, real.error ?? '').toBe('completed');
    expect(factsOf(real).map((d) => [d.field, d.outcome]).sort()).toEqual([['facts.arr', 'repaired'], ['facts.overdueAr', 'repaired']]);
    const after = await company(companyId);
    expect([Number(after['concord_arr']), Number(after['concord_overdue_ar'])]).toEqual([arr, overdue]);
    // Recorded as written, like the pipeline's own writes (the next change does not resend them).
    const written = (await writtenFacts(db, 'demo', [{ system: 'hubspot', recordId: companyId }])).get(`hubspot:${companyId}`)!.written;
    expect([written['arr'], written['overdueAr']]).toEqual([arr, overdue]);

    const again = await finished(((await (await start({ kind: 'reconcile' })).json()) as Run).id);
    expect(again.status, again.error ?? '').toBe('completed');
    expect(factsOf(again)).toEqual([]);
  });

  it('the nightly Cron Trigger starts a reconcile of the tenant, and a second one while it runs starts nothing', { timeout: 240_000 }, async () => {
    const fire = async () => {
      await worker.scheduled!(createScheduledController({ cron: '0 3 * * *', scheduledTime: Date.now() }), testEnv);
    };
    const before = ((await (await api('/v1/tenants/demo/sync/runs', { key })).json()) as { items: Run[] }).items.length;
    await fire();
    await fire();
    const runs = ((await (await api('/v1/tenants/demo/sync/runs', { key })).json()) as { items: (Run & { startedBy: string })[] }).items;
    expect(runs.length).toBe(before + 1);
    expect(runs[0]).toMatchObject({ kind: 'reconcile', dryRun: false, startedBy: 'cron:nightly-reconcile' });
    expect((await finished(runs[0]!.id)).status).toBe('completed');
  });
});
