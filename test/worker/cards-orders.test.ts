/**
 * The order of a deal on the CRM cards (issue 10, "where users see it"): `GET /v1/cards/hubspot/order`
 * and `GET /v1/cards/salesforce/order` answer the deal's closed-won run as the card shows it
 * (creating, created, blocked with each issue, failed with the reason in words, or null), only
 * for the verified caller's tenant and deal; "Retry" (`POST .../orders/retry`) wakes a real
 * blocked ClosedWonToOrder instance, which re-runs its stages and records the outcome.
 */
import { env, introspectWorkflowInstance } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { startClosedWon } from '../../worker/flows/closed-won/intake.js';
import { insertRun, setRunState, type RunStatus } from '../../worker/storage/flow-runs.js';
import { ORG, PORTAL, connectWithPortal, hubspotFetch, salesforceFetch, testEnv } from './cards-helpers.js';
import { api } from './helpers.js';

interface Problem {
  code: string;
  errors?: { path: string }[];
}
type Order = Record<string, unknown> & { state: string; runId: string };

let key: string;
let secret: string;
let dealSeq = 880_000_000;
/** A deal id no other test uses (runs are per deal). */
const nextDeal = () => String(++dealSeq);

const orderPath = (dealId: string, portalId: string = PORTAL.demo) =>
  `/v1/cards/hubspot/order?objectType=deals&objectId=${dealId}&portalId=${portalId}&userId=101&userEmail=csm%40example.com&appId=42`;
const retryPath = (portalId: string = PORTAL.demo) => `/v1/cards/hubspot/orders/retry?portalId=${portalId}&userId=101&userEmail=csm%40example.com&appId=42`;

/** A run row as the flow records it (the Workflow engine is not needed to read one). */
async function seedRun(
  tenant: string,
  source: 'hubspot' | 'salesforce',
  record: string,
  state: { status: RunStatus; step: string | null; exceptions?: unknown; result?: unknown },
): Promise<string> {
  const id = source === 'hubspot' ? `hubspot-${tenant === 'demo' ? PORTAL.demo : PORTAL.other}-deal-${record}` : `salesforce-${ORG.demo}-opp-${record}`;
  await env.DB.batch([
    insertRun(env.DB, tenant, { id, flow: 'closed-won', sourceSystem: source, sourceRecord: record, correlationId: `test-${record}` }),
    setRunState(env.DB, tenant, id, state),
  ]);
  return id;
}

async function hubspotOrder(dealId: string, portalId?: string): Promise<Order | null> {
  const res = await hubspotFetch('GET', orderPath(dealId, portalId));
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return ((await res.json()) as { order: Order | null }).order;
}

async function runStatus(id: string): Promise<{ status: string; step: string | null; updatedAt: string }> {
  return (await env.DB.prepare('SELECT status, step, updated_at AS updatedAt FROM flow_runs WHERE tenant_id = ? AND id = ?').bind('demo', id).first())!;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const TAX_ISSUE = { field: 'company.taxId', code: 'tax_id_required', message: 'Customers in DE need a tax id (VAT/GST number) in the ERP.', fixIn: 'crm', action: 'Enter the company tax id (VAT number).' };
const SKU_ISSUE = { field: 'lines.0.sku', code: 'unmapped_sku', message: 'SKU PLAT-ULTIMATE (Platform Ultimate) has no ERP item.', fixIn: 'erp', action: 'Create the item PLAT-ULTIMATE in the ERP (or correct the SKU on the CRM product), then retry.' };

beforeAll(async () => {
  key = await connectWithPortal('demo');
  await connectWithPortal('other');
  const issued = await api('/v1/tenants/demo/inbound-secrets/salesforce', { method: 'POST', key, body: JSON.stringify({ orgId: ORG.demo }) });
  expect(issued.status).toBeLessThan(300);
  secret = ((await issued.json()) as { secret: string }).secret;
});

describe('GET /v1/cards/hubspot/order', () => {
  it('is null for a deal that was never closed won', async () => {
    expect(await hubspotOrder(nextDeal())).toBeNull();
  });

  it('says "creating" with the step in words while the run is queued or running', async () => {
    const queued = nextDeal();
    await seedRun('demo', 'hubspot', queued, { status: 'queued', step: null });
    expect(await hubspotOrder(queued)).toMatchObject({ state: 'creating', status: 'queued', step: null, stepLabel: 'Waiting to start' });
    const running = nextDeal();
    await seedRun('demo', 'hubspot', running, { status: 'running', step: 'create-sales-order' });
    expect(await hubspotOrder(running)).toMatchObject({ state: 'creating', status: 'running', step: 'create-sales-order', stepLabel: 'Creating the sales order in NetSuite' });
  });

  it('gives the order number when created, and no ERP link while NetSuite is the sandbox (not its own host)', async () => {
    const dealId = nextDeal();
    const runId = await seedRun('demo', 'hubspot', dealId, {
      status: 'completed',
      step: null,
      result: { customerId: '4711', accountId: 'acc_x', orderId: '9001', orderNumber: 'SO-9001', csAccountId: 'cs-1', customer: 'created' },
    });
    const order = await hubspotOrder(dealId);
    expect(order).toMatchObject({ state: 'created', runId, orderNumber: 'SO-9001', orderId: '9001', erp: 'netsuite', orderUrl: null });
    expect(order!['completedAt']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('lists each blocking issue with where to fix it (HubSpot or NetSuite) and the action', async () => {
    const dealId = nextDeal();
    await seedRun('demo', 'hubspot', dealId, { status: 'blocked', step: 'validate', exceptions: [TAX_ISSUE, SKU_ISSUE] });
    const order = await hubspotOrder(dealId);
    expect(order).toMatchObject({ state: 'blocked', step: 'validate', stepLabel: "Checking the deal's data for NetSuite" });
    expect(order!['issues']).toEqual([
      // Runs recorded before issues carried the deal owner show none.
      { ...TAX_ISSUE, fixInSystem: 'hubspot', owner: null },
      { ...SKU_ISSUE, fixInSystem: 'netsuite', owner: null },
    ]);
  });

  it('gives a failed step and its reason in words, never the raw error', async () => {
    const dealId = nextDeal();
    await seedRun('demo', 'hubspot', dealId, { status: 'failed', step: 'create-sales-order', exceptions: [{ code: 'step_failed', step: 'create-sales-order', reason: 'ConcordError: timeout' }] });
    expect(await hubspotOrder(dealId)).toMatchObject({ state: 'failed', step: 'create-sales-order', reason: 'NetSuite did not answer in time, even after retries.' });
    const odd = nextDeal();
    await seedRun('demo', 'hubspot', odd, { status: 'failed', step: 'load', exceptions: [{ code: 'step_failed', step: 'load', reason: 'TypeError: x.y is not a function at /worker/secret/path.ts' }] });
    const order = await hubspotOrder(odd);
    expect(order!['reason']).toBe('An unexpected error stopped this step; the Concord admin console has the details.');
    expect(JSON.stringify(order)).not.toContain('secret/path');
  });

  it('answers only the verified portal\'s tenant: the same deal id in another tenant is not visible', async () => {
    const dealId = nextDeal();
    await seedRun('other', 'hubspot', dealId, { status: 'blocked', step: 'validate', exceptions: [TAX_ISSUE] });
    expect(await hubspotOrder(dealId, PORTAL.demo)).toBeNull();
    expect(await hubspotOrder(dealId, PORTAL.other)).toMatchObject({ state: 'blocked' });
  });

  it('refuses companies, malformed ids and unsigned requests', async () => {
    const company = await hubspotFetch('GET', orderPath('1').replace('objectType=deals', 'objectType=companies'));
    expect(company.status).toBe(400);
    expect(((await company.json()) as Problem).errors?.[0]?.path).toBe('objectType');
    expect((await hubspotFetch('GET', orderPath('12ab'))).status).toBe(400);
    const unsigned = await api(orderPath('1'));
    expect(unsigned.status).toBe(401);
  });
});

describe('POST /v1/cards/hubspot/orders/retry', () => {
  it('is 404 for a deal without a run and 409 for an order being created or created', async () => {
    const none = await hubspotFetch('POST', retryPath(), { objectType: 'deals', objectId: nextDeal() });
    expect(none.status).toBe(404);
    expect(((await none.json()) as Problem).code).toBe('order_not_found');
    const created = nextDeal();
    await seedRun('demo', 'hubspot', created, { status: 'completed', step: null, result: { orderId: '1', orderNumber: 'SO-1' } });
    const res = await hubspotFetch('POST', retryPath(), { objectType: 'deals', objectId: created });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Problem).code).toBe('order_not_retryable');
  });

  it('validates the body: deals only, a record id, nothing else', async () => {
    for (const body of [{ objectType: 'companies', objectId: '1' }, { objectType: 'deals', objectId: 'x' }, { objectType: 'deals', objectId: '1', runId: 'hubspot-1-deal-2' }]) {
      const res = await hubspotFetch('POST', retryPath(), body);
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
  });

  it('cannot wake another tenant\'s run of the same deal id', async () => {
    const dealId = nextDeal();
    await seedRun('other', 'hubspot', dealId, { status: 'blocked', step: 'validate', exceptions: [TAX_ISSUE] });
    const res = await hubspotFetch('POST', retryPath(PORTAL.demo), { objectType: 'deals', objectId: dealId });
    expect(res.status).toBe(404);
  });

  it('wakes a blocked ClosedWonToOrder run: it shows as creating at once, re-checks the deal and records the outcome', async () => {
    const dealId = nextDeal();
    const runId = `hubspot-${PORTAL.demo}-deal-${dealId}`;
    const source = { deal: { externalId: dealId, name: 'Retry test deal', won: true, amount: 1000, currency: 'EUR', closeDate: '2026-11-20', contractStart: null, contractEnd: null, paymentTerms: 'Net 30' }, company: null, owner: { externalId: '501', email: 'ana.ortiz@example.com', name: 'Ana Ortiz' }, lines: [] };
    await using instance = await introspectWorkflowInstance(testEnv.CLOSED_WON, runId);
    await instance.modify(async (m) => {
      // The CRM read and the validation are the flow's own business (their tests are the flow's);
      // here they answer "blocked" twice, so the retry's second check is observable.
      await m.mockStepResult({ name: 'load#0' }, source);
      await m.mockStepResult({ name: 'validate#0' }, { ok: false, issues: [TAX_ISSUE] });
      await m.mockStepResult({ name: 'load#1' }, source);
      await m.mockStepResult({ name: 'validate#1' }, { ok: false, issues: [SKU_ISSUE] });
    });
    await startClosedWon(testEnv, { tenantId: 'demo', source: 'hubspot', externalAccount: PORTAL.demo, dealId, correlationId: 'test-retry', trigger: 'api' }, 'test');
    const blocked = await until(() => runStatus(runId), (r) => r.status === 'blocked', 'the first block');
    expect(await hubspotOrder(dealId)).toMatchObject({ state: 'blocked', issues: [{ code: 'tax_id_required', fixInSystem: 'hubspot' }] });

    const res = await hubspotFetch('POST', retryPath(), { objectType: 'deals', objectId: dealId });
    expect(res.status).toBe(202);
    const answer = ((await res.json()) as { order: Order }).order;
    // Until the engine records the re-check, the run is shown as being created again.
    expect(['creating', 'blocked']).toContain(answer.state);
    expect(answer.runId).toBe(runId);

    await instance.waitForStepResult({ name: 'validate#1' });
    const again = await until(() => hubspotOrder(dealId), (o) => o?.state === 'blocked' && (o['issues'] as { code: string }[])[0]?.code === 'unmapped_sku', 'the re-check to block on the SKU');
    // Each issue names the deal owner, who is asked to fix it.
    expect(again!['issues']).toEqual([{ ...SKU_ISSUE, fixInSystem: 'netsuite', owner: { name: 'Ana Ortiz', email: 'ana.ortiz@example.com' } }]);
    expect((await runStatus(runId)).updatedAt > blocked.updatedAt).toBe(true);
    const audit = await env.DB.prepare(`SELECT actor FROM audit_log WHERE tenant_id = 'demo' AND entity_id = ? AND action = 'flow.closed_won.resumed'`).bind(runId).all<{ actor: string }>();
    expect(audit.results.map((a) => a.actor)).toEqual([`hubspot_user:${PORTAL.demo}:101`]);
  });
});

describe('Salesforce order endpoints', () => {
  it('GET /v1/cards/salesforce/order answers the Opportunity\'s order (15-character ids widened)', async () => {
    const opp18 = '006000000000777AAA';
    await seedRun('demo', 'salesforce', opp18, { status: 'blocked', step: 'validate', exceptions: [TAX_ISSUE] });
    const res = await salesforceFetch(`/v1/cards/salesforce/order?recordId=${opp18.slice(0, 15)}`, secret);
    expect(res.status).toBe(200);
    const { order } = (await res.json()) as { order: Order };
    expect(order).toMatchObject({ state: 'blocked', stepLabel: "Checking the Opportunity's data for NetSuite", issues: [{ ...TAX_ISSUE, fixInSystem: 'salesforce' }] });
    const none = await salesforceFetch('/v1/cards/salesforce/order?recordId=006000000000778AAA', secret);
    expect(((await none.json()) as { order: unknown }).order).toBeNull();
    const account = await salesforceFetch('/v1/cards/salesforce/order?recordId=001000000000001AAA', secret);
    expect(account.status).toBe(400);
  });

  it('POST /v1/cards/salesforce/orders/retry is signed over its body and checks the run belongs to that Opportunity', async () => {
    const opp = '006000000000779AAA';
    await seedRun('demo', 'salesforce', opp, { status: 'completed', step: null, result: { orderId: '5', orderNumber: 'SO-5' } });
    const done = await salesforceFetch('/v1/cards/salesforce/orders/retry', secret, { method: 'POST', body: { recordId: opp, userId: '005000000000001AAA' } });
    expect(done.status).toBe(409);
    const missing = await salesforceFetch('/v1/cards/salesforce/orders/retry', secret, { method: 'POST', body: { recordId: '006000000000780AAA' } });
    expect(missing.status).toBe(404);
    const bad = await salesforceFetch('/v1/cards/salesforce/orders/retry', secret, { method: 'POST', body: { recordId: '001000000000001AAA' } });
    expect(bad.status).toBe(422);
    const wrongSecret = await salesforceFetch('/v1/cards/salesforce/orders/retry', 'not-the-secret-0123456789abcdef', { method: 'POST', body: { recordId: opp } });
    expect(wrongSecret.status).toBe(401);
  });
});
