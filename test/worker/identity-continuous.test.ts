/**
 * Continuous linking inside workerd: a HubSpot company created (or renamed) after the first
 * identity sync is resolved from its change event, with the scorer sync uses, and joins the
 * account of its ERP customer and CS account; a NetSuite customer created after the first sync
 * joins the account of its HubSpot company from its change event (or gets one of its own); a
 * customer an open review case is about is left to it until who it is changes. Runs
 * on a private sandbox estate, because it creates records the shared estate's truth does not know.
 */
import { createExecutionContext, createMessageBatch, env as testEnv, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../../worker/index.js';
import { HubSpotWebhookEventSchema, hubspotChange } from '../../worker/connectors/hubspot/webhooks.js';
import { EVENTS_QUEUE, erpVersionKey, type CsChange, type ErpChange } from '../../worker/queues/messages.js';
import { sha256Hex } from '../../worker/storage/crypto.js';
import type { Env } from '../../worker/env.js';
import { createLogger } from '../../worker/ops/log.js';
import { serviceContext } from '../../worker/services/context.js';
import { linkErpCustomers } from '../../worker/services/identity/incremental.js';
import { api, provision } from './helpers.js';
import { allAccounts } from './cards-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    identityLinkSandboxUrl: string;
  }
}

const SB = inject('identityLinkSandboxUrl');

interface Truth { key: string; legalName: string; country: string; traits: string[]; hubspotCompanyIds: string[]; salesforceAccountIds: string[]; netsuiteCustomerIds: string[]; vitallyAccountIds: string[] }
interface Account { id: string; links: { system: string; externalId: string }[] }

let key: string;
let portalId: number;
let netsuiteAccount: string;
let nextEvent = 1;

async function token(vendor: string): Promise<string> {
  const res = await fetch(`${SB}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function hubspot<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SB}/hubspot${path}`, {
    method,
    headers: { authorization: `Bearer ${await token('hubspot')}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`hubspot ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function suiteql(q: string): Promise<Record<string, string>[]> {
  const res = await fetch(`${SB}/netsuite/services/rest/query/v1/suiteql?limit=1000`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('netsuite')}`, 'content-type': 'application/json', prefer: 'transient' },
    body: JSON.stringify({ q }),
  });
  return ((await res.json()) as { items: Record<string, string>[] }).items;
}

/** Delivers HubSpot webhook events for the demo portal to the queue consumer, as the webhook route enqueues them. */
async function deliver(events: { objectId: string; subscriptionType: string; propertyName?: string; propertyValue?: string }[]) {
  const bodies = events.map((e) =>
    hubspotChange(
      HubSpotWebhookEventSchema.parse({ eventId: nextEvent++, subscriptionId: 7, portalId, appId: 42, occurredAt: Date.now(), attemptNumber: 0, changeSource: 'CRM_UI', ...e, objectId: Number(e.objectId) }),
      'demo',
      `corr-link-${nextEvent}`,
    ),
  );
  const batch = createMessageBatch(EVENTS_QUEUE, (await Promise.all(bodies)).map((body, i) => ({ id: `link-${nextEvent}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv);
  return getQueueResult(batch, ctx);
}

/** Creates a NetSuite customer through the record API (204 + Location) and answers its id. */
async function netsuiteCustomer(body: unknown): Promise<string> {
  const res = await fetch(`${SB}/netsuite/services/rest/record/v1/customer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('netsuite')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 204) throw new Error(`netsuite create customer: ${res.status} ${await res.text()}`);
  return res.headers.get('location')!.split('/').pop()!;
}

/** Delivers NetSuite customer change events to the queue consumer, as the NetSuite webhook route enqueues them. */
async function deliverErp(customerIds: string[], eventType: 'create' | 'edit' = 'create') {
  const lastModified = Math.floor(Date.now() / 1000) * 1000;
  const bodies: ErpChange[] = await Promise.all(
    customerIds.map(async (recordId, i) => ({
      v: 1 as const, kind: 'erp.change' as const, tenantId: 'demo', system: 'netsuite' as const, externalAccount: netsuiteAccount, recordType: 'customer' as const, recordId, eventType, lastModified, via: 'push' as const,
      sourceEventId: `ns-evt-${nextEvent++}-${i}`, correlationId: `corr-erp-link-${nextEvent}`,
      idempotencyKey: await erpVersionKey({ externalAccount: netsuiteAccount, recordType: 'customer', recordId, lastModified }),
    })),
  );
  const batch = createMessageBatch(EVENTS_QUEUE, bodies.map((body, i) => ({ id: `erp-link-${nextEvent}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv);
  return getQueueResult(batch, ctx);
}

/** Creates a Vitally account through its REST API (as a CSM's import or another tool would) and answers its id. */
async function vitallyAccount(body: { externalId: string; name: string; traits: Record<string, string> }): Promise<string> {
  const basic = `Basic ${btoa(`${await token('vitally')}:`)}`;
  const res = await fetch(`${SB}/vitally/resources/accounts`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`vitally create account: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Delivers Vitally account change events to the queue consumer, as the playbook webhook route (or the poll) enqueues them. */
async function deliverCs(accountIds: string[]) {
  const updatedAt = Date.now();
  const bodies: CsChange[] = await Promise.all(
    accountIds.map(async (id, i) => ({
      v: 1 as const, kind: 'cs.change' as const, tenantId: 'demo', system: 'vitally' as const, externalAccount: 'demo', objectType: 'account' as const, objectId: id, csAccountId: id, updatedAt, via: 'webhook' as const,
      sourceEventId: `vit-evt-${nextEvent++}-${i}`, correlationId: `corr-cs-link-${nextEvent}`, idempotencyKey: await sha256Hex(`vitally:account:${id}:${updatedAt}`),
    })),
  );
  const batch = createMessageBatch(EVENTS_QUEUE, bodies.map((body, i) => ({ id: `cs-link-${nextEvent}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv);
  return getQueueResult(batch, ctx);
}

async function accountOf(system: string, externalId: string): Promise<Account | null> {
  let cursor: string | null = null;
  do {
    const body = (await (await api(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key })).json()) as { items: Account[]; next: string | null };
    const hit = body.items.find((a) => a.links.some((l) => l.system === system && l.externalId === externalId));
    if (hit) return hit;
    cursor = body.next;
  } while (cursor);
  return null;
}

/** An ERP customer with no CRM company (and no hard identity trait), with what NetSuite holds on it. */
async function erpOnlyCustomers(): Promise<{ truth: Truth; name: string; url: string | null; country: string | null; city: string | null }[]> {
  const truth = (await (await fetch(`${SB}/__sandbox/truth?tenant=demo`)).json()) as Truth[];
  const lonely = truth.filter((t) => t.traits.length === 0 && t.hubspotCompanyIds.length === 0 && t.salesforceAccountIds.length === 0 && t.netsuiteCustomerIds.length === 1 && t.vitallyAccountIds.length === 1);
  const ids = lonely.map((t) => t.netsuiteCustomerIds[0]!);
  const rows = await suiteql(`SELECT id, companyname, url, defaultbillingaddress FROM customer WHERE id IN (${ids.join(', ')})`);
  const addresses = new Map((await suiteql('SELECT nkey, city, country FROM entityaddress')).map((a) => [a['nkey'], a]));
  return lonely.map((t) => {
    const row = rows.find((r) => r['id'] === t.netsuiteCustomerIds[0])!;
    const address = row['defaultbillingaddress'] ? addresses.get(row['defaultbillingaddress']) : undefined;
    return { truth: t, name: row['companyname']!, url: row['url'] ?? null, country: address?.['country'] ?? null, city: address?.['city'] ?? null };
  });
}

/**
 * An ERP-only customer that `want` accepts and that the first sync linked to its CS account, in an
 * account no HubSpot company has joined yet. Chosen by those properties, not by position: the sync
 * leaves a few pairs to review, and an earlier test may have linked a company already.
 */
async function linkedErpOnly(want: (c: Awaited<ReturnType<typeof erpOnlyCustomers>>[number]) => boolean = () => true) {
  const accounts = await allAccounts('demo', key);
  return (await erpOnlyCustomers()).find((c) => {
    if (!want(c)) return false;
    const links = accounts.find((a) => a.links.some((l) => l.system === 'netsuite' && l.externalId === c.truth.netsuiteCustomerIds[0]))?.links ?? [];
    return links.some((l) => l.system === 'vitally' && l.externalId === c.truth.vitallyAccountIds[0]) && !links.some((l) => l.system === 'hubspot');
  });
}

const domainOf = (url: string | null) => (url ? new URL(url.includes('://') ? url : `https://${url}`).hostname.replace(/^www\./, '') : undefined);

beforeAll(async () => {
  key = await provision('demo');
  for (const system of ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const) {
    const t = await token(system);
    const credentials = system === 'vitally' ? { type: 'api_key', apiKey: t } : { type: 'bearer', accessToken: t };
    const res = await api(`/v1/tenants/demo/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${SB}/${system}`, credentials }) });
    if (!res.ok) throw new Error(`connect ${system}: ${res.status} ${await res.text()}`);
  }
  const conns = (await (await api('/v1/tenants/demo/connections', { key })).json()) as { items: { system: string; externalAccount: string | null }[] };
  portalId = Number(conns.items.find((c) => c.system === 'hubspot')!.externalAccount);
  // As the poll names it: the account the connection proved, or the tenant when it proved none.
  netsuiteAccount = (conns.items.find((c) => c.system === 'netsuite')!.externalAccount ?? 'demo').toUpperCase();
  const sync = await api('/v1/tenants/demo/identity/sync', { method: 'POST', key });
  expect(sync.status).toBe(200);
}, 240_000);

describe('continuous linking from HubSpot company events', () => {
  it('links a company created after the first sync to its ERP customer and CS account', { timeout: 60_000 }, async () => {
    const target = await linkedErpOnly();
    expect(target, 'the seed has ERP-only customers linked to their CS account').toBeDefined();
    const erpAccount = await accountOf('netsuite', target!.truth.netsuiteCustomerIds[0]!);
    expect(erpAccount?.links.some((l) => l.system === 'hubspot')).toBe(false);

    const created = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', {
      properties: { name: target!.name, domain: domainOf(target!.url), country: target!.country ?? undefined, city: target!.city ?? undefined },
    });
    const result = await deliver([{ objectId: created.id, subscriptionType: 'company.creation' }]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);

    const account = await accountOf('hubspot', created.id);
    expect(account).not.toBeNull();
    expect(account!.links).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ system: 'netsuite', externalId: target!.truth.netsuiteCustomerIds[0] }),
        expect.objectContaining({ system: 'vitally', externalId: target!.truth.vitallyAccountIds[0] }),
      ]),
    );
    // The ERP customer did not end up in two accounts.
    expect((await accountOf('netsuite', target!.truth.netsuiteCustomerIds[0]!))!.id).toBe(account!.id);
    // The same event again (HubSpot delivers at least once) changes nothing.
    await deliver([{ objectId: created.id, subscriptionType: 'company.creation' }]);
    expect((await accountOf('hubspot', created.id))!.links).toHaveLength(account!.links.length);
  });

  it('links a company renamed to the ERP customer it is, and leaves an unknown company in an account of its own', { timeout: 60_000 }, async () => {
    const target = (await linkedErpOnly((c) => Boolean(c.country && c.city && c.url)))!;
    expect(target, 'the seed has ERP-only customers linked to their CS account').toBeDefined();
    const placeholder = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', { properties: { name: 'Quillfeather Placeholder Holdings' } });
    await deliver([{ objectId: placeholder.id, subscriptionType: 'company.creation' }]);
    const own = await accountOf('hubspot', placeholder.id);
    expect(own?.links.map((l) => l.system)).toEqual(['hubspot']);

    await hubspot('PATCH', `/crm/v3/objects/companies/${placeholder.id}`, { properties: { name: target.name, domain: domainOf(target.url), country: target.country, city: target.city } });
    const result = await deliver([
      { objectId: placeholder.id, subscriptionType: 'company.propertyChange', propertyName: 'name', propertyValue: target.name },
      { objectId: placeholder.id, subscriptionType: 'company.propertyChange', propertyName: 'domain', propertyValue: domainOf(target.url)! },
      // A company HubSpot no longer has (deleted before the event arrived): acked, nothing linked.
      { objectId: '99999001', subscriptionType: 'company.creation' },
    ]);
    expect(result.retryMessages).toEqual([]);
    // It joined the account its ERP customer already had; the account it sat alone in is gone.
    const erpAccount = await accountOf('netsuite', target.truth.netsuiteCustomerIds[0]!);
    const linked = await accountOf('hubspot', placeholder.id);
    expect(linked!.id).toBe(erpAccount!.id);
    expect(linked!.links).toEqual(expect.arrayContaining([expect.objectContaining({ system: 'vitally', externalId: target.truth.vitallyAccountIds[0] })]));
    expect((await api(`/v1/tenants/demo/accounts/${own!.id}`, { key })).status).toBe(404);
    const merges = (await (await api(`/v1/tenants/demo/audit?entityType=account&entityId=${linked!.id}`, { key })).json()) as { items: { action: string; after: { from?: string } }[] };
    expect(merges.items.find((i) => i.action === 'identity.merge')?.after.from).toBe(own!.id);
    expect(await accountOf('hubspot', '99999001')).toBeNull();
  });
});

describe('continuous linking from NetSuite customer events', () => {
  it("a customer created in NetSuite after the first sync joins its HubSpot company's account; one no company claims gets an account of its own", { timeout: 60_000 }, async () => {
    const company = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', {
      properties: { name: 'Larkspur Robotics GmbH', domain: 'larkspur-robotics.de', country: 'Germany', city: 'Munich' },
    });
    await deliver([{ objectId: company.id, subscriptionType: 'company.creation' }]);
    const own = await accountOf('hubspot', company.id);
    // Nothing in the ERP yet: the company sits in an account of its own.
    expect(own?.links.map((l) => l.system)).toEqual(['hubspot']);

    const address = (city: string, country: string) => ({ items: [{ defaultBilling: true, addressBookAddress: { city, country } }] });
    const customerId = await netsuiteCustomer({ companyName: 'Larkspur Robotics GmbH', url: 'https://www.larkspur-robotics.de', addressBook: address('Munich', 'DE') });
    const lonelyId = await netsuiteCustomer({ companyName: 'Wrenfield Maritime Ltd', url: 'https://wrenfield-maritime.co.uk', addressBook: address('Plymouth', 'GB') });
    const result = await deliverErp([customerId, lonelyId]);
    expect(result.retryMessages).toEqual([]);

    const joined = await accountOf('netsuite', customerId);
    expect(joined?.id).toBe(own!.id);
    expect(joined!.links).toEqual(expect.arrayContaining([expect.objectContaining({ system: 'hubspot', externalId: company.id }), expect.objectContaining({ system: 'netsuite', externalId: customerId })]));
    const lonely = await accountOf('netsuite', lonelyId);
    expect(lonely?.links.map((l) => l.system)).toEqual(['netsuite']);
    expect(lonely!.id).not.toBe(own!.id);

    // The account's view now has its ERP side.
    const view = (await (await api(`/v1/tenants/demo/accounts/${own!.id}/view`, { key })).json()) as { account: { name: string }; receivables: { state: string } };
    expect(view.receivables.state).toBe('ok');

    // Another change of the same customer (NetSuite sends one per save) links nothing twice.
    await deliverErp([customerId], 'edit');
    expect((await accountOf('netsuite', customerId))!.links).toHaveLength(joined!.links.length);
    expect((await accountOf('netsuite', lonelyId))!.id).toBe(lonely!.id);
  });
});

describe('continuous linking leaves a customer under review to the case', () => {
  it('a NetSuite customer waiting on an open review case is not scored again on each save, until who it is changes', { timeout: 60_000 }, async () => {
    for (const [name, domain, country, city] of [['Marlowe Tannery GmbH', 'marlowe-tannery.de', 'Germany', 'Berlin'], ['Marlowe Tannery Ltd', 'marlowe-tannery.co.uk', 'United Kingdom', 'London']] as const) {
      const company = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', { properties: { name, domain, country, city } });
      await deliver([{ objectId: company.id, subscriptionType: 'company.creation' }]);
    }
    // A bare brand name in the ERP fits both legal entities: a person is asked.
    const customerId = await netsuiteCustomer({ companyName: 'Marlowe Tannery' });
    expect((await deliverErp([customerId])).retryMessages).toEqual([]);
    const open = ((await (await api('/v1/tenants/demo/identity/reviews?status=open&limit=200', { key })).json()) as { items: { subject: { system: string; externalId: string }; candidate: { system: string; externalId: string } }[] }).items;
    expect(open.filter((c) => [c.subject, c.candidate].some((s) => s.system === 'netsuite' && s.externalId === customerId)).length).toBeGreaterThan(0);

    // Saved again with nothing changed about who it is (NetSuite pushes every save): left to the case.
    const ctx = serviceContext(testEnv as unknown as Env, { tenantId: 'demo', correlationId: 'corr-review-wait', log: createLogger('error') });
    const again = await linkErpCustomers(testEnv as unknown as Env, ctx, 'netsuite', [customerId]);
    expect([again.crmRecords, again.reviews, again.accountsTouched]).toEqual([0, 0, []]);
    expect(again.waiting).toEqual([customerId]);

    // Renamed into one of the legal entities: scored again, and it joins that company's account.
    const patched = await fetch(`${SB}/netsuite/services/rest/record/v1/customer/${customerId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await token('netsuite')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: 'Marlowe Tannery GmbH', url: 'https://www.marlowe-tannery.de' }),
    });
    expect(patched.status).toBe(204);
    const changed = await linkErpCustomers(testEnv as unknown as Env, ctx, 'netsuite', [customerId]);
    expect(changed.waiting).toEqual([]);
    expect(changed.crmRecords).toBeGreaterThan(0);
    expect((await accountOf('netsuite', customerId))?.links.some((l) => l.system === 'hubspot')).toBe(true);
  });
});

describe('continuous linking from Vitally account events', () => {
  it("a CS account created after the first sync joins its HubSpot company's account, or its ERP-only customer's; one nothing matches stays unlinked", { timeout: 60_000 }, async () => {
    const company = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', {
      properties: { name: 'Brackenridge Optics AG', domain: 'brackenridge-optics.ch', country: 'Switzerland', city: 'Zurich' },
    });
    await deliver([{ objectId: company.id, subscriptionType: 'company.creation' }]);
    const companyAccount = await accountOf('hubspot', company.id);
    expect(companyAccount?.links.map((l) => l.system)).toEqual(['hubspot']);
    const customerId = await netsuiteCustomer({ companyName: 'Tamsin Cartography Ltd', url: 'https://tamsin-cartography.co.uk', addressBook: { items: [{ defaultBilling: true, addressBookAddress: { city: 'Bristol', country: 'GB' } }] } });
    await deliverErp([customerId]);
    const erpAccount = await accountOf('netsuite', customerId);
    expect(erpAccount?.links.map((l) => l.system)).toEqual(['netsuite']);

    const forCompany = await vitallyAccount({ externalId: 'csm-import-1', name: 'Brackenridge Optics AG', traits: { domain: 'brackenridge-optics.ch', country: 'CH' } });
    const forCustomer = await vitallyAccount({ externalId: 'csm-import-2', name: 'Tamsin Cartography Ltd', traits: { domain: 'tamsin-cartography.co.uk', country: 'GB' } });
    const stranger = await vitallyAccount({ externalId: 'csm-import-3', name: 'Oddly Specific Widgets Co', traits: { domain: 'oddly-specific-widgets.example' } });
    const result = await deliverCs([forCompany, forCustomer, stranger]);
    expect(result.retryMessages).toEqual([]);

    expect((await accountOf('vitally', forCompany))?.id).toBe(companyAccount!.id);
    expect((await accountOf('vitally', forCustomer))?.id).toBe(erpAccount!.id);
    expect(await accountOf('vitally', stranger)).toBeNull();
    const links = (await accountOf('hubspot', company.id))!.links;
    expect(links).toEqual(expect.arrayContaining([expect.objectContaining({ system: 'vitally', externalId: forCompany })]));

    // The same events again (Vitally delivers at least once) link nothing twice.
    await deliverCs([forCompany, forCustomer]);
    expect((await accountOf('hubspot', company.id))!.links).toHaveLength(links.length);
    expect((await accountOf('netsuite', customerId))!.links).toHaveLength(2);
  });
});
