/**
 * ClosedWonToOrder end to end inside workerd against a private sandbox estate: deals closed as
 * won through the sandbox's own HubSpot and Salesforce APIs, their webhooks and package callouts
 * handed to the broker as sent (test/support/relay.ts), the Workflow run to its end, and every
 * duplicate counted in the sandbox itself (`/__sandbox/netsuite|vitally/:tenant/stats`).
 * Deals are picked from `/__sandbox/truth/closed-won` by what they are, never by position.
 */
import { SELF, introspectWorkflow } from 'cloudflare:test';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFinished } from 'vitest';
import type { RelayedRequest } from '../support/relay.js';
import {
  brokerEnv,
  connectTenant,
  deliverRelayed,
  done,
  estate,
  getRun,
  refusals,
  runOfDeal,
  salesforceSecret,
  startRun,
  waitForRun,
  type ClosedWonCase,
  type Fixtures,
} from './closed-won-helpers.js';
import { api } from './helpers.js';
import type { Env } from '../../worker/env.js';
import { recheckBlockedOrders } from '../../worker/flows/closed-won/recheck.js';
import { consumeWritebacks } from '../../worker/flows/closed-won/writeback.js';
import { STALL_AFTER_MS, wakeStalledRuns } from '../../worker/flows/closed-won/recovery.js';
import type { FlowWriteback } from '../../worker/queues/messages.js';
import { insertRun, mergeRunResult, setRunState } from '../../worker/storage/flow-runs.js';
import { createLogger } from '../../worker/ops/log.js';
import { countryCode } from '../../worker/policies/orders/countries.js';

const e = estate(inject('closedWonSandboxUrl'));
const relayUrl = inject('relayUrl');
/**
 * A test waits for its runs to end (each up to 60 s in `waitForRun`, some two or three runs with
 * the engine's backoff between steps): its timeout covers its waits, so a slow but correct run on
 * a loaded machine is not cut off and left running into the next test's counts.
 */
const RUN_TIMEOUT = 150_000;
let key = '';
let fx: Fixtures;
/** Deals a test used, so the next test picks another one. */
const used = new Set<string>();

function pick(cases: ClosedWonCase[], want: (c: ClosedWonCase) => boolean): ClosedWonCase {
  const c = cases.find((x) => !used.has(x.dealId) && want(x));
  if (!c) throw new Error('no unused fixture fits');
  used.add(c.dealId);
  return c;
}

let wf: Awaited<ReturnType<typeof introspectWorkflow>>;

beforeAll(async () => {
  key = await connectTenant(e, 'demo');
  fx = await e.fixtures();
  await e.subscribeHubSpot(relayUrl, brokerEnv.HUBSPOT_CLIENT_SECRET);
  await e.installPackage(relayUrl, await salesforceSecret('demo', key));
}, 120_000);

beforeEach(async () => {
  // The engine's backoff between a step's attempts (2 s, 4 s, ...) is not what these tests are about.
  wf = await introspectWorkflow(brokerEnv.CLOSED_WON);
  await wf.modifyAll(async (m) => {
    await m.disableRetryDelays();
  });
  return async () => {
    await wf.dispose();
    await e.faults({});
  };
});

afterAll(async () => {
  await api('/v1/tenants/demo/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: [] }) });
});

/** Hand `taken` to the broker in `order`, each request as the sender made it. */
async function deliver(taken: RelayedRequest[]): Promise<number[]> {
  const statuses: number[] = [];
  for (const r of taken) {
    const res = await SELF.fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
    statuses.push(res.status);
    await res.arrayBuffer();
  }
  return statuses;
}

describe('HubSpot: a deal moved to its won stage', { timeout: RUN_TIMEOUT }, () => {
  it('becomes exactly one new ERP customer, one sales order by Concord key, one Vitally account with its onboarding project, and the deal shows the order number', async () => {
    const c = pick(fx.hubspot.valid, (x) => x.netsuiteCustomerId === null);
    const [ns0, vi0] = [await e.netsuiteStats(), await e.vitallyStats()];

    await e.winHubSpotDeal(c.dealId);
    await e.flushWebhooks();
    const delivered = await deliverRelayed(relayUrl);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.every((d) => d.status === 200)).toBe(true);

    const [run] = await runOfDeal('demo', key, 'hubspot', c.dealId);
    expect(run, 'the webhook started a run').toBeDefined();
    const final = await waitForRun('demo', key, run!.id, done);
    expect(final.status).toBe('completed');
    expect(final.result!.customer).toBe('created');

    const order = await e.salesOrder(`hubspot-deal-${c.dealId}`);
    expect(order).not.toBeNull();
    expect(order!.entity.id).toBe(final.result!.customerId);
    expect(order!.tranId).toBe(final.result!.orderNumber);

    const [ns, vi] = [await e.netsuiteStats(), await e.vitallyStats()];
    expect(ns.customers.createdThroughApi - ns0.customers.createdThroughApi).toBe(1);
    expect(ns.customers.duplicates).toBe(0);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    expect(vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi).toBe(1);
    expect(vi.accounts.duplicates).toBe(0);
    expect(vi.projects.createdThroughApi - vi0.projects.createdThroughApi).toBe(1);
    expect(vi.projects.duplicates).toBe(0);

    const deal = await e.hubspotDeal(c.dealId, ['concord_order_status', 'concord_order_number', 'concord_erp_customer_id', 'concord_cs_account_id', 'concord_order_created_at']);
    expect(deal).toMatchObject({ concord_order_status: 'created', concord_order_number: final.result!.orderNumber, concord_erp_customer_id: final.result!.customerId, concord_cs_account_id: final.result!.csAccountId });
    expect(deal.concord_order_created_at).toBeTruthy();
  });

  it('closed-won twice, its webhooks duplicated, reordered and delivered twice: one run, the existing ERP customer, one order, no CS duplicate', async () => {
    const c = pick(fx.hubspot.valid, (x) => x.netsuiteCustomerId !== null);
    const [ns0, vi0] = [await e.netsuiteStats(), await e.vitallyStats()];
    await e.faults({ hubspot: { webhookDuplicateRate: 1, webhookReorder: true, seed: 7 } });
    const { pipeline } = await e.hubspotDeal(c.dealId, ['pipeline']);

    await e.winHubSpotDeal(c.dealId);
    await e.flushWebhooks();
    const first = await (await fetch(`${relayUrl}/__relay`)).json() as RelayedRequest[];
    // Out of the won stage and back in (the default pipeline's stages), while the first events are in flight.
    if (pipeline === 'default') {
      expect((await e.vendor('hubspot', 'PATCH', `/crm/v3/objects/deals/${c.dealId}`, { properties: { dealstage: 'contractsent' } })).status).toBe(200);
      await e.winHubSpotDeal(c.dealId);
    }
    await e.flushWebhooks();
    const second = await (await fetch(`${relayUrl}/__relay`)).json() as RelayedRequest[];
    const all = [...second, ...first];
    expect(all.length).toBeGreaterThanOrEqual(2);
    // Every request twice, newest first.
    expect((await deliver([...all, ...all.slice().reverse()])).every((s) => s === 200)).toBe(true);
    // The queue consumer starts the run; then an API start of the same deal finds that run.
    const runs = await runOfDeal('demo', key, 'hubspot', c.dealId);
    expect(runs).toHaveLength(1);
    const again = await startRun('demo', key, 'hubspot', c.dealId);
    expect(again).toMatchObject({ runId: runs[0]!.id, started: false, status: 200 });
    const final = await waitForRun('demo', key, runs[0]!.id, done);
    expect(final.status).toBe('completed');
    expect(await runOfDeal('demo', key, 'hubspot', c.dealId)).toHaveLength(1);
    expect(final.result!.customerId).toBe(c.netsuiteCustomerId);
    expect((await e.salesOrder(`hubspot-deal-${c.dealId}`))!.entity.id).toBe(c.netsuiteCustomerId);

    const [ns, vi] = [await e.netsuiteStats(), await e.vitallyStats()];
    expect(ns.customers.createdThroughApi).toBe(ns0.customers.createdThroughApi);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.maxPerExternalId).toBe(1);
    expect(vi.accounts.duplicates).toBe(0);
    expect(vi.projects.duplicates).toBe(0);
  });

  it('writes back only what the ownership matrix allows and records what it refused', async () => {
    // This tenant's CRM owns sales-order facts: the ERP's order number may not be written into it.
    const own = await api('/v1/tenants/demo/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: [{ entity: 'salesOrder', field: '*', owner: 'crm' }] }) });
    expect(own.status).toBe(200);
    // Reset even when the test fails or times out: the Salesforce test writes the order number.
    onTestFinished(async () => {
      await api('/v1/tenants/demo/ownership', { method: 'PUT', key, body: JSON.stringify({ rules: [] }) });
    });
    const c = pick(fx.hubspot.valid, () => true);
    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const final = await waitForRun('demo', key, runId, done);
    expect(final.status).toBe('completed');
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).not.toBeNull();

    const deal = await e.hubspotDeal(c.dealId, ['concord_order_status', 'concord_order_number', 'concord_order_created_at', 'concord_erp_customer_id']);
    expect(deal.concord_order_status).toBe('created');
    expect(deal.concord_erp_customer_id).toBe(final.result!.customerId);
    expect(deal.concord_order_number ?? '').toBe('');
    expect(deal.concord_order_created_at ?? '').toBe('');
    const refused = (await refusals('demo', key)).filter((r) => r.field === 'salesOrder.*');
    expect(refused.some((r) => r.owner === 'crm' && r.flow === 'closed-won')).toBe(true);
  });
});

describe('HubSpot: two deals of one company won together', { timeout: RUN_TIMEOUT }, () => {
  it('make two orders for one new customer, one Vitally account and one onboarding project', async () => {
    const c = pick(fx.hubspot.valid, (x) => x.netsuiteCustomerId === null);
    const [ns0, vi0] = [await e.netsuiteStats(), await e.vitallyStats()];
    // A second open deal of the same company, with the same products.
    const props = ['amount', 'deal_currency_code', 'closedate', 'hubspot_owner_id', 'concord_contract_start', 'concord_contract_end', 'concord_payment_terms'];
    const template = await e.hubspotDeal(c.dealId, props);
    const made = await e.json<{ id: string }>(
      await e.vendor('hubspot', 'POST', '/crm/v3/objects/deals', {
        properties: { ...Object.fromEntries(Object.entries(template).filter(([k, v]) => v !== null && props.includes(k))), dealname: 'Expansion (test)', pipeline: 'default', dealstage: 'contractsent' },
        associations: [{ to: { id: c.companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] }],
      }),
    );
    const products = await e.json<{ results: { id: string; properties: { hs_sku: string | null } }[] }>(await e.vendor('hubspot', 'GET', '/crm/v3/objects/products?limit=100&properties=hs_sku'));
    for (const sku of c.skus) {
      const product = products.results.find((p) => p.properties.hs_sku === sku)!;
      expect(
        (await e.vendor('hubspot', 'POST', '/crm/v3/objects/line_items', {
          properties: { hs_product_id: product.id, quantity: '1', hs_line_item_currency_code: c.currency },
          associations: [{ to: { id: made.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] }],
        })).status,
      ).toBe(201);
    }
    await e.winHubSpotDeal(c.dealId);
    await e.winHubSpotDeal(made.id);
    const starts = await Promise.all([startRun('demo', key, 'hubspot', c.dealId), startRun('demo', key, 'hubspot', made.id)]);
    const runs = await Promise.all(starts.map((s) => waitForRun('demo', key, s.runId, done)));
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(runs[0]!.result!.customerId).toBe(runs[1]!.result!.customerId);
    expect(runs[0]!.result!.csAccountId).toBe(runs[1]!.result!.csAccountId);

    const [ns, vi] = [await e.netsuiteStats(), await e.vitallyStats()];
    expect(ns.customers.createdThroughApi - ns0.customers.createdThroughApi).toBe(1);
    expect(ns.customers.duplicates).toBe(0);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(2);
    expect(vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi).toBe(1);
    expect(vi.projects.createdThroughApi - vi0.projects.createdThroughApi).toBe(1);
    expect(vi.projects.duplicates).toBe(0);
  });

  it("an expansion deal of a customer Concord already onboarded leaves its onboarding project as the CSM runs it", async () => {
    const c = pick(fx.hubspot.valid, () => true);
    const props = ['amount', 'deal_currency_code', 'closedate', 'hubspot_owner_id', 'concord_contract_start', 'concord_contract_end', 'concord_payment_terms'];
    const template = await e.hubspotDeal(c.dealId, props);
    const products = await e.json<{ results: { id: string; properties: { hs_sku: string | null } }[] }>(await e.vendor('hubspot', 'GET', '/crm/v3/objects/products?limit=100&properties=hs_sku'));
    const expansion = async (name: string) => {
      const made = await e.json<{ id: string }>(
        await e.vendor('hubspot', 'POST', '/crm/v3/objects/deals', {
          properties: { ...Object.fromEntries(Object.entries(template).filter(([k, v]) => v !== null && props.includes(k))), dealname: name, pipeline: 'default', dealstage: 'contractsent' },
          associations: [{ to: { id: c.companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }] }],
        }),
      );
      for (const sku of c.skus) {
        const product = products.results.find((p) => p.properties.hs_sku === sku)!;
        const line = await e.vendor('hubspot', 'POST', '/crm/v3/objects/line_items', {
          properties: { hs_product_id: product.id, quantity: '1', hs_line_item_currency_code: c.currency },
          associations: [{ to: { id: made.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] }],
        });
        expect(line.status).toBe(201);
      }
      return made.id;
    };
    await e.winHubSpotDeal(c.dealId);
    const first = await waitForRun('demo', key, (await startRun('demo', key, 'hubspot', c.dealId)).runId, done);
    expect(first.status).toBe('completed');
    const csAccountId = first.result!.csAccountId as string;
    // The CSM moves a milestone of the onboarding Concord made.
    type Task = { id: string; dueDate: string | null; projects?: { id: string }[] | null };
    const tasksOf = async () => (await e.json<{ results: Task[] }>(await e.vendor('vitally', 'GET', `/resources/accounts/${csAccountId}/tasks?limit=100`))).results;
    const milestone = (await tasksOf()).find((t) => (t.projects ?? []).length > 0 && t.dueDate);
    expect(milestone, 'the onboarding project has milestone tasks').toBeDefined();
    expect((await e.vendor('vitally', 'PUT', `/resources/tasks/${milestone!.id}`, { dueDate: '2031-01-15' })).status).toBe(200);
    const vi0 = await e.vitallyStats();

    const dealId = await expansion('Expansion (onboarded)');
    await e.winHubSpotDeal(dealId);
    const second = await waitForRun('demo', key, (await startRun('demo', key, 'hubspot', dealId)).runId, done);
    expect(second.status).toBe('completed');
    expect(second.result!.csAccountId).toBe(csAccountId);
    // The same project, untouched: the CSM's date stands, no project made.
    expect((await tasksOf()).find((t) => t.id === milestone!.id)!.dueDate?.slice(0, 10)).toBe('2031-01-15');
    const vi = await e.vitallyStats();
    expect(vi.projects.createdThroughApi).toBe(vi0.projects.createdThroughApi);
    expect(vi.projects.duplicates).toBe(0);
  });
});

describe('HubSpot: the write-back of many runs', { timeout: RUN_TIMEOUT }, () => {
  it("writes a batch of runs' deals and companies in one batched HubSpot call each, from each run's row as it is when written", async () => {
    const cases = [pick(fx.hubspot.valid, () => true), pick(fx.hubspot.valid, () => true), pick(fx.hubspot.valid, () => true)];
    const db = brokerEnv.DB;
    const runIdOf = (dealId: string) => `hubspot-test-deal-${dealId}`;
    // Three runs as the engine leaves them: two past their order, one of them blocked afterwards
    // (its deal keeps the issue its stage wrote), one finished with its CS account.
    for (const [i, c] of cases.entries()) {
      await insertRun(db, 'demo', { id: runIdOf(c.dealId), flow: 'closed-won', sourceSystem: 'hubspot', sourceRecord: c.dealId, correlationId: `test-wb-${i}` }).run();
      await mergeRunResult(db, 'demo', runIdOf(c.dealId), { customerId: `cust-${i}`, accountId: `acct-wb-${i}`, orderId: `so-${i}`, orderNumber: `SO-WB-${i}`, orderCreatedAt: '2026-12-01T10:00:00.000Z', ...(i === 2 ? { csAccountId: `cs-wb-${i}` } : {}) }).run();
    }
    await setRunState(db, 'demo', runIdOf(cases[0]!.dealId), { status: 'running', step: 'provision-cs' }).run();
    await setRunState(db, 'demo', runIdOf(cases[1]!.dealId), { status: 'blocked', step: 'provision-cs', exceptions: [{ code: 'cs_refused' }] }).run();
    await setRunState(db, 'demo', runIdOf(cases[2]!.dealId), { status: 'running', step: 'write-back-cs' }).run();
    await e.vendor('hubspot', 'PATCH', `/crm/v3/objects/deals/${cases[1]!.dealId}`, { properties: { concord_order_issue: 'Vitally refused the account' } });

    const at = new Date().toISOString();
    const messages: FlowWriteback[] = cases.map((c, i) => ({
      v: 1,
      kind: 'flow.writeback',
      tenantId: 'demo',
      system: 'hubspot',
      runId: runIdOf(c.dealId),
      dealId: c.dealId,
      companyId: c.companyId,
      accountId: `acct-wb-${i}`,
      stage: i === 2 ? 'cs' : 'order',
      at,
      correlationId: `test-wb-${i}`,
      idempotencyKey: String(i).repeat(64),
    }));
    const errors = await consumeWritebacks(brokerEnv as unknown as Env, messages);
    expect([...errors.values()]).toEqual([]);

    const deals = await Promise.all(cases.map((c) => e.hubspotDeal(c.dealId, ['concord_order_status', 'concord_order_number', 'concord_erp_customer_id', 'concord_cs_account_id', 'concord_order_issue'])));
    expect(deals[0]).toMatchObject({ concord_order_status: 'created', concord_order_number: 'SO-WB-0', concord_erp_customer_id: 'cust-0' });
    expect(deals[0]!.concord_order_issue ?? '').toBe('');
    // Blocked after its order: the order shows, the issue stays.
    expect(deals[1]).toMatchObject({ concord_order_status: 'created', concord_order_number: 'SO-WB-1', concord_order_issue: 'Vitally refused the account' });
    expect(deals[2]).toMatchObject({ concord_order_number: 'SO-WB-2', concord_cs_account_id: 'cs-wb-2' });
    const company = await e.hubspotCompany(cases[2]!.companyId, ['concord_account_id', 'concord_erp_customer_id', 'concord_cs_account_id']);
    expect(company).toMatchObject({ concord_erp_customer_id: 'cust-2', concord_cs_account_id: 'cs-wb-2' });

    // Each run records the CRM write: three runs, one deal call and one company call for all.
    const runs = await Promise.all(cases.map((c) => getRun('demo', key, runIdOf(c.dealId))));
    for (const [i, run] of runs.entries()) {
      const step = run.steps.find((st) => st.step === (i === 2 ? 'write-back-cs:crm' : 'write-back-order:crm'));
      expect(step, `run ${i}`).toMatchObject({ status: 'done', detail: { batch: 3, calls: 2 } });
    }
    // The last write-back completes its run; the others keep their state.
    expect(runs.map((r) => r.status)).toEqual(['running', 'blocked', 'completed']);
  });
});

describe('HubSpot: a finished run whose last write-back was lost', { timeout: RUN_TIMEOUT }, () => {
  it('is found by the stalled-run sweep, which sends the write-back again: the deal shows the CS account and the run completes', async () => {
    const c = pick(fx.hubspot.valid, () => true);
    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const final = await waitForRun('demo', key, runId, done);
    expect(final.status).toBe('completed');
    // As after a local queue lost the pointer in a restart: the engine finished, D1 shows the run
    // still writing back, and the deal never got its CS account.
    await brokerEnv.DB.prepare("UPDATE flow_runs SET status = 'running', step = 'write-back-cs', completed_at = NULL, updated_at = ? WHERE tenant_id = 'demo' AND id = ?")
      .bind(new Date(Date.now() - STALL_AFTER_MS - 60_000).toISOString(), runId)
      .run();
    await e.vendor('hubspot', 'PATCH', `/crm/v3/objects/deals/${c.dealId}`, { properties: { concord_cs_account_id: '' } });

    const report = (await wakeStalledRuns(brokerEnv as unknown as Env, createLogger('error'))).find((r) => r.runId === runId);
    expect(report).toMatchObject({ woken: true, engine: 'complete (write-back sent again)' });
    const again = await waitForRun('demo', key, runId, done);
    expect(again.status).toBe('completed');
    expect((await e.hubspotDeal(c.dealId, ['concord_cs_account_id'])).concord_cs_account_id).toBe(final.result!.csAccountId);
  });
});

describe('HubSpot: business exceptions', { timeout: RUN_TIMEOUT }, () => {
  it('an unmapped SKU blocks the run with the SKU and what to do; once the item exists in NetSuite a retry completes it', async () => {
    const c = fx.hubspot.invalid.find((x) => x.reason === 'unmapped_sku')!;
    used.add(c.dealId);
    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const blocked = await waitForRun('demo', key, runId, done);
    expect(blocked.status).toBe('blocked');
    const issue = blocked.exceptions!.find((x) => x.code === 'unmapped_sku');
    expect(issue).toBeDefined();
    const sku = c.skus.find((s) => issue!.message!.includes(s));
    expect(sku, 'the reason names the SKU').toBeDefined();
    expect(issue!.action).toContain(sku!);
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).toBeNull();
    // The run's state is recorded first, then the deal is marked (same step): wait for the mark.
    await expect.poll(async () => (await e.hubspotDeal(c.dealId, ['concord_order_status'])).concord_order_status, { timeout: 10_000, interval: 100 }).toBe('blocked');

    // A retry before the fix blocks again for the same reason.
    expect((await api(`/v1/tenants/demo/flows/runs/${runId}/retry`, { method: 'POST', key })).status).toBe(202);
    await expect.poll(async () => (await getRun('demo', key, runId)).steps.filter((s) => s.status === 'blocked').length, { timeout: 30_000, interval: 200 }).toBe(2);
    expect((await getRun('demo', key, runId)).status).toBe('blocked');

    // Finance maps the product: the NetSuite item with that SKU.
    const made = await e.vendor('netsuite', 'POST', '/services/rest/record/v1/nonInventorySaleItem', { itemId: sku, displayName: `${sku} (mapped)` });
    expect(made.status).toBe(204);
    expect((await api(`/v1/tenants/demo/flows/runs/${runId}/retry`, { method: 'POST', key })).status).toBe(202);
    const final = await waitForRun('demo', key, runId, (r) => r.status === 'completed' || r.status === 'failed');
    expect(final.status).toBe('completed');
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).not.toBeNull();
    expect((await e.netsuiteStats()).salesOrders.duplicates).toBe(0);
  });

  it('an ERP customer that may be the company blocks the run with the candidates; once a person links them in the review queue, the retry orders for that customer', async () => {
    // A new customer's company, and in NetSuite a customer that may be it: the name with a typo,
    // the same place, nothing else to tie or tell them apart. Concord must not guess.
    const c = pick(fx.hubspot.valid, (x) => x.netsuiteCustomerId === null);
    const company = await e.hubspotCompany(c.companyId, ['name', 'country', 'city']);
    const name = company['name']!;
    // NetSuite takes an ISO code; the HubSpot seed writes some countries as names ("United States").
    expect(countryCode(company['country'] ?? '')).not.toBeNull();
    // Two letters of its longest word swapped past its fourth ("Riverbend Systems" / "Rivebrend Systems").
    const longest = name.split(/\s+/).reduce((a, b) => (b.length > a.length ? b : a));
    expect(longest.length).toBeGreaterThanOrEqual(6);
    const typo = name.replace(longest, `${longest.slice(0, 4)}${longest[5]}${longest[4]}${longest.slice(6)}`);
    expect(typo).not.toBe(name);
    const ns0 = await e.netsuiteStats();
    // In the deal's currency, as the company's real customer would be (an order must use it).
    const currencies = await e.json<{ items: { id: string; symbol: string }[] }>(await e.vendor('netsuite', 'POST', '/services/rest/query/v1/suiteql', { q: 'SELECT id, symbol FROM currency' }));
    const currency = currencies.items.find((x) => x.symbol === c.currency)!;
    expect(currency).toBeDefined();
    const made = await e.vendor('netsuite', 'POST', '/services/rest/record/v1/customer', {
      companyName: typo,
      currency: { id: String(currency.id) },
      addressBook: { items: [{ defaultBilling: true, addressBookAddress: { city: company['city'], country: countryCode(company['country']!) } }] },
    });
    expect(made.status, await made.clone().text()).toBe(204);
    const lookalike = made.headers.get('location')!.split('/').pop()!;

    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const blocked = await waitForRun('demo', key, runId, done);
    expect(blocked.status).toBe('blocked');
    const issue = blocked.exceptions!.find((x) => x.code === 'possible_duplicate') as { candidates?: { externalId: string }[]; action?: string } | undefined;
    expect(issue, JSON.stringify(blocked.exceptions)).toBeDefined();
    expect(issue!.candidates!.map((x) => x.externalId)).toContain(lookalike);
    expect(issue!.action).toMatch(/Review/);
    // Nothing was written to NetSuite for it: no customer made, no order.
    expect((await e.netsuiteStats()).customers.createdThroughApi).toBe(ns0.customers.createdThroughApi + 1);
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).toBeNull();

    // The case waits in the review queue with both records; a person says they are the same customer.
    const open = (await (await api('/v1/tenants/demo/identity/reviews?status=open&limit=200', { key })).json()) as { items: { id: string; subject: { system: string; externalId: string }; candidate: { system: string; externalId: string } }[] };
    const kase = open.items.find((x) => x.subject.system === 'hubspot' && x.subject.externalId === c.companyId && x.candidate.externalId === lookalike);
    expect(kase).toBeDefined();
    expect((await api(`/v1/tenants/demo/identity/reviews/${kase!.id}/decision`, { method: 'POST', key, body: JSON.stringify({ decision: 'approve' }) })).status).toBe(200);

    expect((await api(`/v1/tenants/demo/flows/runs/${runId}/retry`, { method: 'POST', key })).status).toBe(202);
    const final = await waitForRun('demo', key, runId, (r) => r.status === 'completed' || r.status === 'failed');
    expect(final.status).toBe('completed');
    expect(final.result!.customerId).toBe(lookalike);
    expect((await e.salesOrder(`hubspot-deal-${c.dealId}`))?.entity.id).toBe(lookalike);
    const ns1 = await e.netsuiteStats();
    expect(ns1.customers.createdThroughApi).toBe(ns0.customers.createdThroughApi + 1);
    expect(ns1.customers.duplicates).toBe(0);
  });

  it.each(['missing_tax_id', 'unknown_country'] as const)('%s blocks the run before anything is written to NetSuite, with the field at fault', async (reason) => {
    const c = fx.hubspot.invalid.find((x) => x.reason === reason)!;
    used.add(c.dealId);
    const ns0 = await e.netsuiteStats();
    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const final = await waitForRun('demo', key, runId, done);
    expect(final.status).toBe('blocked');
    expect(final.exceptions!.some((x) => x.code === (reason === 'missing_tax_id' ? 'tax_id_required' : 'unknown_country') && x.action)).toBe(true);
    const ns = await e.netsuiteStats();
    expect(ns.customers.createdThroughApi).toBe(ns0.customers.createdThroughApi);
    expect(ns.salesOrders.createdThroughApi).toBe(ns0.salesOrders.createdThroughApi);
  });
});

describe('Salesforce: an Opportunity marked won', { timeout: RUN_TIMEOUT }, () => {
  it("the package's signed callout (sent twice) starts one run: one customer, one order salesforce-opp-<id>, one CS account, written back on the Opportunity", async () => {
    const c = pick(fx.salesforce.valid, (x) => x.netsuiteCustomerId === null);
    const [ns0, vi0] = [await e.netsuiteStats(), await e.vitallyStats()];
    await e.faults({ salesforce: { salesforceCalloutDuplicateRate: 1, seed: 3 } });

    await e.winOpportunity(c.dealId);
    await e.flushCallouts();
    const delivered = await deliverRelayed(relayUrl);
    expect(delivered.filter((d) => d.request.url.endsWith('/v1/webhooks/salesforce/closed-won')).length).toBeGreaterThanOrEqual(2);
    expect(delivered.every((d) => d.status === 202)).toBe(true);

    const runs = await runOfDeal('demo', key, 'salesforce', c.dealId);
    expect(runs).toHaveLength(1);
    const final = await waitForRun('demo', key, runs[0]!.id, done);
    expect(final.status).toBe('completed');
    expect(final.result!.customer).toBe('created');
    const order = await e.salesOrder(`salesforce-opp-${final.id.split('-opp-')[1]}`);
    expect(order).not.toBeNull();
    expect(order!.tranId).toBe(final.result!.orderNumber);

    const [ns, vi] = [await e.netsuiteStats(), await e.vitallyStats()];
    expect(ns.customers.createdThroughApi - ns0.customers.createdThroughApi).toBe(1);
    expect(ns.customers.duplicates).toBe(0);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    expect(vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi).toBe(1);
    expect(vi.accounts.duplicates).toBe(0);
    expect(vi.projects.duplicates).toBe(0);

    const opp = await e.salesforceRecord('Opportunity', c.dealId, ['Concord_Order_Status__c', 'Concord_Order_Number__c', 'Concord_Erp_Customer_Id__c']);
    expect(opp).toMatchObject({ Concord_Order_Status__c: 'created', Concord_Order_Number__c: final.result!.orderNumber, Concord_Erp_Customer_Id__c: final.result!.customerId });
  });
  it('an Opportunity blocked on its Account is woken by the every-minute re-check once the Account is fixed in Salesforce (no webhook says so), and not before', async () => {
    const c = fx.salesforce.invalid.find((x) => x.reason === 'unknown_country' && !used.has(x.dealId));
    if (!c) throw new Error('no unknown-country Opportunity in the fixtures');
    used.add(c.dealId);
    const [ns0, vi0] = [await e.netsuiteStats(), await e.vitallyStats()];
    await e.winOpportunity(c.dealId);
    await e.flushCallouts();
    await deliverRelayed(relayUrl);
    const [run] = await runOfDeal('demo', key, 'salesforce', c.dealId);
    const blocked = await waitForRun('demo', key, run!.id, done);
    expect(blocked.status).toBe('blocked');
    expect(blocked.exceptions!.some((x) => x.code === 'unknown_country')).toBe(true);
    const log = createLogger('error');

    // Nothing changed on the Account: the re-check reads it and wakes nothing.
    await recheckBlockedOrders(brokerEnv as unknown as Env, log, 'test-recheck-1');
    expect((await getRun('demo', key, run!.id)).status).toBe('blocked');

    // Fixed in Salesforce (a country Concord knows, which needs no tax id): the next re-check wakes the run.
    const opp = await e.salesforceRecord('Opportunity', c.dealId, ['AccountId']);
    const fixed = await e.vendor('salesforce', 'PATCH', `/services/data/v62.0/sobjects/Account/${opp.AccountId as string}`, { BillingCountry: 'United States' });
    expect(fixed.status).toBe(204);
    const woke = await recheckBlockedOrders(brokerEnv as unknown as Env, log, 'test-recheck-2');
    expect(woke.resumed).toBeGreaterThanOrEqual(1);
    const final = await waitForRun('demo', key, run!.id, (r) => r.status === 'completed' || r.status === 'failed');
    expect(final.status).toBe('completed');
    const [ns, vi] = [await e.netsuiteStats(), await e.vitallyStats()];
    expect(ns.customers.createdThroughApi - ns0.customers.createdThroughApi).toBe(1);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    expect(vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi).toBe(1);
  });
});
