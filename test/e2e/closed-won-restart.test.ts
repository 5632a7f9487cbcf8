/**
 * A broker crash in the middle of a closed-won run, on the estate as `npm start` runs it: the run
 * is started with every NetSuite call slowed (the sandbox's latency knob), so it is inside its ERP
 * steps when `wrangler dev` and its workerd are killed (SIGKILL, no shutdown). The broker is then
 * started again on the same persisted state, and the every-minute Cron Trigger (`/__scheduled`,
 * as Cloudflare fires it) wakes the run the local engine left stalled (flows/closed-won/recovery.ts).
 * It must end with exactly one NetSuite customer for the company, one sales order for the deal
 * and one Vitally account, as the sandbox itself counts them.
 *
 * This file starts its own estate (the shared one cannot be crashed under the other files).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEstate, type Estate } from '../../scripts/estate.js';

let estate: Estate;
let persistDir = '';

beforeAll(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'concord-restart-'));
  estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir, cronIntervalMs: 0, crashable: true });
}, 180_000);

afterAll(async () => {
  await estate?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

interface Run {
  id: string;
  status: string;
  result: { customerId: string; orderId: string; orderNumber: string; csAccountId: string; customer: string } | null;
  steps: { step: string; status: string }[];
}
interface NetSuiteStats {
  customers: { createdThroughApi: number; duplicates: number; duplicateGroups: { companyNames: string[] }[] };
  salesOrders: { createdThroughApi: number; maxPerExternalId: number; duplicates: number };
}
interface VitallyStats {
  accounts: { createdThroughApi: number; duplicates: number; sameExternalId: { externalId: string }[] };
  projects: { createdThroughApi: number; duplicates: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const admin = (path: string, body?: unknown) =>
  fetch(`${estate.sandboxUrl}/__sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function vendor(name: string, method: string, path: string, body?: unknown): Promise<Response> {
  const { accessToken } = await json<{ accessToken: string }>(await admin('/tokens', { vendor: name, tenant: 'demo' }));
  return fetch(`${estate.sandboxUrl}/${name}${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const broker = (path: string, init: RequestInit = {}) =>
  fetch(`${estate.brokerUrl}${path}`, { ...init, headers: { authorization: `Bearer ${estate.tenants.demo.apiKey}`, 'content-type': 'application/json' } });

async function run(runId: string): Promise<Run> {
  return json<Run>(await broker(`/v1/tenants/demo/flows/runs/${runId}`));
}

describe('closed-won across a broker crash', () => {
  it('wrangler dev killed while the run is in its NetSuite steps, started again on the same state: the run resumes and ends with one customer, one sales order and one Vitally account', async () => {
    const truth = await json<{ hubspot: { valid: { dealId: string; companyId: string; netsuiteCustomerId: string | null }[] } }>(await admin('/truth/closed-won?tenant=demo'));
    // A company without a NetSuite customer: the run creates the customer, the order and the CS account.
    const deal = truth.hubspot.valid.find((d) => d.netsuiteCustomerId === null)!;
    expect(deal).toBeDefined();
    const company = await json<{ properties: { name: string } }>(await vendor('hubspot', 'GET', `/crm/v3/objects/companies/${deal.companyId}?properties=name`));
    const ns0 = await json<NetSuiteStats>(await admin('/netsuite/demo/stats'));
    const vi0 = await json<VitallyStats>(await admin('/vitally/demo/stats'));

    const { properties } = await json<{ properties: { pipeline: string } }>(await vendor('hubspot', 'GET', `/crm/v3/objects/deals/${deal.dealId}?properties=pipeline`));
    expect((await vendor('hubspot', 'PATCH', `/crm/v3/objects/deals/${deal.dealId}`, { properties: { dealstage: properties.pipeline === 'default' ? 'closedwon' : '1002004' } })).status).toBe(200);
    // Every NetSuite call now takes 3 s: the run spends seconds in each ERP step.
    expect((await admin('/faults', { netsuite: { latencyMs: 3_000 } })).status).toBe(200);
    const started = await broker('/v1/tenants/demo/flows/closed-won/runs', { method: 'POST', body: JSON.stringify({ source: 'hubspot', dealId: deal.dealId }) });
    expect([200, 202]).toContain(started.status);
    const { runId } = (await started.json()) as { runId: string };

    // The customer is resolved (created in NetSuite); the sales order step is under way.
    let before: Run | null = null;
    for (const until = Date.now() + 240_000; Date.now() < until; await sleep(250)) {
      before = await run(runId);
      if (['blocked', 'failed', 'completed'].includes(before.status) || before.steps.some((s) => s.step === 'resolve-customer#0' && s.status === 'done')) break;
    }
    expect(before!.steps.map((s) => `${s.step}:${s.status}`), `${JSON.stringify(before)}\n${estate.brokerOutput().slice(-3000)}`).toContain('resolve-customer#0:done');
    await sleep(1_000);
    const atCrash = await run(runId);
    expect(atCrash.status).toBe('running');
    expect(atCrash.steps.some((s) => s.step.startsWith('create-sales-order'))).toBe(false);

    await estate.crashAndRestartBroker();
    await admin('/faults', {});

    // Cloudflare fires the Cron Trigger every minute; here the test does, until the run ends.
    let final: Run | null = null;
    for (const until = Date.now() + 360_000; Date.now() < until; await sleep(5_000)) {
      final = await run(runId);
      if (['completed', 'blocked', 'failed'].includes(final.status)) break;
      const tick = await fetch(`${estate.brokerUrl}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      await tick.arrayBuffer();
    }
    expect(final).toMatchObject({ status: 'completed', result: { customer: 'created' } });
    // The order step ran to its end once (the attempt cut by the crash never recorded anything).
    expect(final!.steps.filter((s) => s.step.startsWith('create-sales-order')).map((s) => `${s.step}:${s.status}`)).toEqual(['create-sales-order#0:done']);

    // The sandbox's own counts: one customer for the company, one order for the deal, one CS account.
    const order = await json<{ id: string; tranId: string; entity: { id: string } }>(await vendor('netsuite', 'GET', `/services/rest/record/v1/salesOrder/eid:hubspot-deal-${deal.dealId}`));
    expect(order).toMatchObject({ id: final!.result!.orderId, tranId: final!.result!.orderNumber, entity: { id: final!.result!.customerId } });
    const customer = await json<{ id: string }>(await vendor('netsuite', 'GET', `/services/rest/record/v1/customer/eid:hubspot-company-${deal.companyId}`));
    expect(customer.id).toBe(final!.result!.customerId);
    const ns = await json<NetSuiteStats>(await admin('/netsuite/demo/stats'));
    expect(ns.customers.createdThroughApi - ns0.customers.createdThroughApi).toBe(1);
    expect(ns.customers.duplicateGroups.filter((g) => g.companyNames.includes(company.properties.name))).toEqual([]);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.maxPerExternalId).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    const vi = await json<VitallyStats>(await admin('/vitally/demo/stats'));
    expect(vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi).toBe(1);
    expect(vi.accounts.sameExternalId.filter((g) => g.externalId === deal.companyId)).toEqual([]);
    expect(vi.projects.createdThroughApi - vi0.projects.createdThroughApi).toBe(1);
    expect(vi.projects.duplicates).toBe(0);

    // The deal shows the order, and the run that came back says who woke it.
    const shown = await json<{ properties: Record<string, string | null> }>(await vendor('hubspot', 'GET', `/crm/v3/objects/deals/${deal.dealId}?properties=concord_order_status,concord_order_number`));
    expect(shown.properties).toMatchObject({ concord_order_status: 'created', concord_order_number: final!.result!.orderNumber });
    const audit = await json<{ items: { action: string; entityId: string }[] }>(await broker(`/v1/tenants/demo/audit?entityId=${runId}&limit=200`));
    expect(audit.items.some((a) => a.action === 'flow.closed_won.woken' && a.entityId === runId)).toBe(true);
  }, 600_000);
});
