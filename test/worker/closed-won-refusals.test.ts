/**
 * NetSuite refuses a closed-won order, inside workerd against a private sandbox estate. Between
 * Concord's last reading of the ERP's reference data and the deal being won, a NetSuite admin
 * makes an item the deal sells inactive: the pre-create validation (on the cached reference) lets
 * the order through, and NetSuite answers the sales order create with its own 400
 * (`INVALID_KEY_OR_REF` at `item.items[n].item`). That is a business exception, not a technical
 * failure: the run is blocked at once (no retries, no dead letter) with NetSuite's reason, the
 * field it names, the CRM owner and the recommended action, shown on the deal's card, the CRM
 * record and the console's runs; once the item is active again a retry completes it with exactly
 * one sales order, as the sandbox counts them. Likewise the customer create, refused for a
 * subsidiary NetSuite does not have (an admin's typo in Concord's closed-won settings).
 */
import { introspectWorkflow } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { PORTAL, hubspotFetch } from './cards-helpers.js';
import { brokerEnv, connectTenant, done, estate, getRun, startRun, waitForRun, type Fixtures } from './closed-won-helpers.js';
import { api } from './helpers.js';

const e = estate(inject('closedWonRefusalsSandboxUrl'));
let key = '';
let fx: Fixtures;

beforeAll(async () => {
  key = await connectTenant(e, 'demo');
  fx = await e.fixtures();
}, 120_000);

interface Issue {
  field: string;
  code: string;
  message: string;
  fixIn: string;
  action: string;
  erpField?: string;
  owner?: { name: string | null; email: string | null } | null;
}

const ITEM_RECORD: Record<string, string> = { InvtPart: 'inventoryItem', NonInvtPart: 'nonInventorySaleItem', Service: 'serviceSaleItem' };

/** The NetSuite item with `sku` as its name (SuiteQL, as an admin's saved search would find it). */
async function netsuiteItem(sku: string): Promise<{ id: string; record: string; inactive: boolean }> {
  const { items } = await e.json<{ items: { id: string | number; itemtype: string; isinactive: string }[] }>(
    await e.vendor('netsuite', 'POST', '/services/rest/query/v1/suiteql', { q: `SELECT id, itemtype, isinactive FROM item WHERE itemid = '${sku.replace(/'/g, "''")}'` }),
  );
  expect(items, `one NetSuite item ${sku}`).toHaveLength(1);
  const [item] = items;
  return { id: String(item!.id), record: ITEM_RECORD[item!.itemtype]!, inactive: item!.isinactive === 'T' };
}

async function setItemInactive(sku: string, isInactive: boolean): Promise<void> {
  const item = await netsuiteItem(sku);
  const res = await e.vendor('netsuite', 'PATCH', `/services/rest/record/v1/${item.record}/${item.id}`, { isInactive });
  expect(res.status).toBe(204);
  expect((await netsuiteItem(sku)).inactive).toBe(isInactive);
}

describe('NetSuite refuses the order or its customer', () => {
  it('an item made inactive in NetSuite after Concord cached it: blocked with NetSuite\'s reason, its field, the owner and the action; reactivated, the retry makes exactly one order', async () => {
    await using wf = await introspectWorkflow(brokerEnv.CLOSED_WON);
    await wf.modifyAll(async (m) => {
      await m.disableRetryDelays();
    });
    const c = fx.hubspot.valid.find((x) => x.netsuiteCustomerId !== null && x.skus.length > 0)!;
    expect(c).toBeDefined();
    const sku = c.skus[0]!;
    // Concord's reference cache holds the item as active (what validation checks against).
    expect((await api('/v1/tenants/demo/reference/refresh', { method: 'POST', key })).status).toBe(200);
    const ns0 = await e.netsuiteStats();
    await setItemInactive(sku, true);

    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const blocked = await waitForRun('demo', key, runId, done);
    expect(blocked.status).toBe('blocked');
    expect(blocked.step).toBe('create-sales-order');
    const issue = (blocked.exceptions as Issue[]).find((x) => x.code === 'erp_refused')!;
    expect(issue, JSON.stringify(blocked.exceptions)).toBeDefined();
    const line = c.skus.indexOf(sku);
    // NetSuite's own words and field, mapped back to the deal's line.
    expect(issue).toMatchObject({ field: `lines.${line}.sku`, erpField: `item.items[${line}].item`, fixIn: 'erp' });
    expect(issue.message).toContain('INVALID_KEY_OR_REF');
    expect(issue.message).toContain(sku);
    expect(issue.action).toContain(sku);
    expect(issue.action).toMatch(/active/);
    // The deal owner, as HubSpot knows them.
    const { hubspot_owner_id: ownerId } = await e.hubspotDeal(c.dealId, ['hubspot_owner_id']);
    const owner = await e.json<{ email: string; firstName: string; lastName: string }>(await e.vendor('hubspot', 'GET', `/crm/v3/owners/${ownerId}`));
    expect(issue.owner?.email).toBe(owner.email.toLowerCase());

    // A business exception: refused once, not retried by the engine, no dead letter, nothing written.
    const steps = (await getRun('demo', key, runId)).steps;
    expect(steps.filter((s) => s.step.startsWith('create-sales-order')).map((s) => `${s.step}:${s.status}`)).toEqual(['create-sales-order#0:blocked']);
    const letters = await e.json<{ items: { summary?: string }[] }>(await api('/v1/tenants/demo/dead-letters', { key }));
    expect(letters.items.filter((l) => l.summary?.includes(`deal ${c.dealId}:`))).toEqual([]);
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).toBeNull();

    // Where people see it: the deal's card, the CRM record, the console's blocked runs.
    const card = await hubspotFetch('GET', `/v1/cards/hubspot/order?objectType=deals&objectId=${c.dealId}&portalId=${PORTAL.demo}&userId=101&userEmail=csm%40example.com&appId=42`);
    expect(card.status).toBe(200);
    const { order } = (await card.json()) as { order: { state: string; issues: (Issue & { fixInSystem: string })[] } };
    expect(order.state).toBe('blocked');
    expect(order.issues.find((x) => x.code === 'erp_refused')).toMatchObject({ field: `lines.${line}.sku`, fixInSystem: 'netsuite', owner: { email: owner.email.toLowerCase() } });
    await expect.poll(async () => (await e.hubspotDeal(c.dealId, ['concord_order_status'])).concord_order_status, { timeout: 10_000, interval: 100 }).toBe('blocked');
    expect((await e.hubspotDeal(c.dealId, ['concord_order_issue'])).concord_order_issue).toContain(sku);
    const listed = await e.json<{ items: { id: string; exceptions: Issue[] }[] }>(await api('/v1/tenants/demo/flows/runs?status=blocked', { key }));
    expect(listed.items.find((r) => r.id === runId)?.exceptions.some((x) => x.code === 'erp_refused' && x.erpField === `item.items[${line}].item`)).toBe(true);

    // Finance makes the item active again; the retry re-checks and orders once.
    await setItemInactive(sku, false);
    expect((await api(`/v1/tenants/demo/flows/runs/${runId}/retry`, { method: 'POST', key })).status).toBe(202);
    const final = await waitForRun('demo', key, runId, (r) => r.status === 'completed' || r.status === 'failed', 90_000);
    expect(final.status).toBe('completed');
    const order1 = await e.salesOrder(`hubspot-deal-${c.dealId}`);
    expect(order1).toMatchObject({ tranId: final.result!.orderNumber, entity: { id: c.netsuiteCustomerId } });
    const ns = await e.netsuiteStats();
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.maxPerExternalId).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    expect(ns.customers.createdThroughApi).toBe(ns0.customers.createdThroughApi);
    expect((await e.hubspotDeal(c.dealId, ['concord_order_status'])).concord_order_status).toBe('created');
  }, 150_000);

  it('a subsidiary NetSuite does not have in the closed-won settings: the customer create is refused with NetSuite\'s words and fixed in Concord; the retry makes one customer and one order', async () => {
    await using wf = await introspectWorkflow(brokerEnv.CLOSED_WON);
    await wf.modifyAll(async (m) => {
      await m.disableRetryDelays();
    });
    const c = fx.hubspot.valid.find((x) => x.netsuiteCustomerId === null)!;
    expect(c).toBeDefined();
    const settings = await e.json<Record<string, unknown>>(await api('/v1/tenants/demo/flows/settings/closed-won', { key }));
    const put = (subsidiary: string | null) => api('/v1/tenants/demo/flows/settings/closed-won', { method: 'PUT', key, body: JSON.stringify({ ...settings, subsidiary }) });
    // An admin's typo: NetSuite has subsidiaries 1 to 4.
    expect((await put('9')).status).toBe(200);
    onTestFinished(async () => {
      await put((settings['subsidiary'] as string | null) ?? null);
    });
    const ns0 = await e.netsuiteStats();

    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const blocked = await waitForRun('demo', key, runId, done);
    expect(blocked.status).toBe('blocked');
    expect(blocked.step).toBe('resolve-customer');
    const issue = (blocked.exceptions as Issue[]).find((x) => x.code === 'erp_refused')!;
    expect(issue, JSON.stringify(blocked.exceptions)).toMatchObject({ field: 'settings.subsidiary', erpField: 'subsidiary', fixIn: 'concord' });
    expect(issue.message).toMatch(/INVALID_KEY_OR_REF: Invalid subsidiary reference key 9/);
    expect(issue.action).toMatch(/closed-won settings/);
    expect(issue.owner?.email).toBeTruthy();
    expect((await e.netsuiteStats()).customers.createdThroughApi).toBe(ns0.customers.createdThroughApi);
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).toBeNull();

    expect((await put('1')).status).toBe(200);
    expect((await api(`/v1/tenants/demo/flows/runs/${runId}/retry`, { method: 'POST', key })).status).toBe(202);
    const final = await waitForRun('demo', key, runId, (r) => r.status === 'completed' || r.status === 'failed', 90_000);
    expect(final.status).toBe('completed');
    expect(final.result!.customer).toBe('created');
    const ns = await e.netsuiteStats();
    expect(ns.customers.createdThroughApi - ns0.customers.createdThroughApi).toBe(1);
    expect(ns.customers.duplicates).toBe(0);
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.maxPerExternalId).toBe(1);
    expect((await e.salesOrder(`hubspot-deal-${c.dealId}`))?.entity.id).toBe(final.result!.customerId);
  }, 150_000);
});
