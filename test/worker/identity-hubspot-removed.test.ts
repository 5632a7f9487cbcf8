/**
 * HubSpot companies that leave the portal, inside workerd on a private sandbox estate (it
 * deletes and merges companies the shared estate's truth knows nothing of). The sandbox HubSpot
 * archives and merges through its CRM API and sends `company.deletion` / `company.merge` webhooks
 * in HubSpot's shape; the events it sent are read into canonical changes as the webhook route
 * reads them and handed to the queue consumer:
 * - a deleted company loses its link, the account keeping its ERP customer, audited; the same
 *   event delivered again changes and audits nothing;
 * - a merge (HubSpot makes a new company both former ids read as) gives the new company the place
 *   of the merged ones: their two accounts become one, holding the ERP customer, no duplicate;
 * - a deletion delivered after the company was restored leaves it linked.
 * And a full identity sync, like continuous linking, supersedes the open review cases about a
 * company that changed since they were raised (one renamed with no change event, as when the
 * webhook subscription was off) and asks about it as it is now.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../../worker/index.js';
import { HubSpotWebhookEventSchema, hubspotChanges } from '../../worker/connectors/hubspot/webhooks.js';
import { EVENTS_QUEUE } from '../../worker/queues/messages.js';
import { api } from './helpers.js';
import { salesforcePollHarness } from './salesforce-poll-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    identityHubspotRemovedSandboxUrl: string;
  }
}

const SB = inject('identityHubspotRemovedSandboxUrl');
// The harness connects every system, syncs once and links NetSuite customers by their events.
const { key: apiKey, token, netsuiteCustomer, erpCustomersLinked, accountOf, reviews, setUp } = salesforcePollHarness(SB);
let key: string;
let seen = 0;
let n = 0;

interface Audit {
  items: { action: string; after: Record<string, unknown> | null }[];
}
interface SentEvent {
  subscriptionType: string;
  objectId: number;
  [field: string]: unknown;
}

const audit = async (entityId: string) => (await (await api(`/v1/tenants/demo/audit?entityType=account&entityId=${entityId}&limit=200`, { key })).json()) as Audit;

async function hubspot<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SB}/hubspot${path}`, { method, headers: { authorization: `Bearer ${await token('hubspot')}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!res.ok) throw new Error(`hubspot ${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/**
 * The webhook events the sandbox HubSpot sent since the last call. Its target is a path the
 * sandbox does not serve (workerd in the test pool has no address to post to), delivered once:
 * the delivery log keeps every event as sent.
 */
async function sentEvents(): Promise<SentEvent[]> {
  expect(await (await fetch(`${SB}/__sandbox/webhooks/flush`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo' }) })).json()).toEqual({ idle: true });
  const { deliveries } = (await (await fetch(`${SB}/__sandbox/webhooks?tenant=demo`)).json()) as { deliveries: { events: SentEvent[] }[] };
  const events = deliveries.slice(seen).flatMap((d) => d.events);
  seen = deliveries.length;
  return events;
}

/** Hands webhook events to the queue consumer as the webhook route enqueues them. */
async function consume(events: SentEvent[]) {
  const bodies = (await Promise.all(events.map((e) => hubspotChanges(HubSpotWebhookEventSchema.parse(e), 'demo', `corr-hs-removed-${n}`)))).flat();
  const batch = createMessageBatch(EVENTS_QUEUE, bodies.map((body, i) => ({ id: `hs-removed-${n++}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  const result = await getQueueResult(batch, ctx);
  expect(result.retryMessages).toEqual([]);
  return bodies;
}

/** A company created through the CRM API and linked from its creation webhook; answers its id. */
async function companyCreated(properties: Record<string, string>): Promise<string> {
  const { id } = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', { properties });
  const events = await sentEvents();
  expect(events).toEqual([expect.objectContaining({ subscriptionType: 'company.creation', objectId: Number(id) })]);
  await consume(events);
  return id;
}

beforeAll(async () => {
  await setUp();
  key = apiKey();
  const res = await fetch(`${SB}/__sandbox/webhooks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      vendor: 'hubspot', tenant: 'demo', targetUrl: `${SB}/__sandbox/no-such-webhook-target`, clientSecret: 'test-hubspot-client-secret-0123456789',
      subscriptions: ['company.creation', 'company.deletion', 'company.merge', 'company.restore'], batchDelayMs: 600_000, maxAttempts: 1,
    }),
  });
  expect(res.status).toBe(200);
}, 240_000);

describe('HubSpot companies deleted or merged', () => {
  it('a company deleted in HubSpot loses its link from its deletion webhook; the account keeps its ERP customer; a repeat delivery changes nothing', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Brackenfold Instruments Ltd', 'https://brackenfold-instruments.co.uk', 'Leeds', 'GB');
    await erpCustomersLinked([customer]);
    const id = await companyCreated({ name: 'Brackenfold Instruments Ltd', domain: 'brackenfold-instruments.co.uk', city: 'Leeds', country: 'GB' });
    const linked = await accountOf('hubspot', id);
    expect(linked?.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual([`hubspot:${id}`, `netsuite:${customer}`]);

    await hubspot('DELETE', `/crm/v3/objects/companies/${id}`);
    const deletion = await sentEvents();
    expect(deletion).toEqual([expect.objectContaining({ subscriptionType: 'company.deletion', objectId: Number(id) })]);
    await consume(deletion);

    expect(await accountOf('hubspot', id)).toBeNull();
    const after = (await (await api(`/v1/tenants/demo/accounts/${linked!.id}`, { key })).json()) as { links: { system: string; externalId: string }[] };
    expect(after.links).toEqual([expect.objectContaining({ system: 'netsuite', externalId: customer })]);
    const unlinks = () => audit(linked!.id).then((a) => a.items.filter((i) => i.action === 'identity.unlink'));
    expect((await unlinks()).map((i) => i.after)).toEqual([expect.objectContaining({ system: 'hubspot', externalId: id, reason: 'deleted' })]);

    // HubSpot delivers at least once: the same event again is claimed already.
    await consume(deletion);
    expect(await unlinks()).toHaveLength(1);
    expect((await accountOf('netsuite', customer))?.id).toBe(linked!.id);
  });

  it('a merge gives the company HubSpot made the merged companies’ place: their accounts become one, with the ERP customer, and none is left behind', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Tarnwick Fluid Controls GmbH', 'https://tarnwick-fluid.de', 'Kassel', 'DE');
    await erpCustomersLinked([customer]);
    const loser = await companyCreated({ name: 'Tarnwick Fluid Controls GmbH', domain: 'tarnwick-fluid.de', city: 'Kassel', country: 'DE' });
    const primary = await companyCreated({ name: 'Zephyrine Placeholder Holdings' });
    const loserAccount = await accountOf('hubspot', loser);
    const primaryAccount = await accountOf('hubspot', primary);
    expect(loserAccount?.links.map((l) => l.system).sort()).toEqual(['hubspot', 'netsuite']);
    expect(primaryAccount?.links.map((l) => l.system)).toEqual(['hubspot']);
    expect(primaryAccount!.id).not.toBe(loserAccount!.id);

    const merged = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies/merge', { primaryObjectId: primary, objectIdToMerge: loser });
    const events = await sentEvents();
    expect(events).toEqual([expect.objectContaining({ subscriptionType: 'company.merge', primaryObjectId: Number(primary), mergedObjectIds: [Number(loser)], newObjectId: Number(merged.id) })]);
    const changes = await consume(events);
    expect(changes.map((c) => [c.objectId, c.change, c.value]).sort()).toEqual([[loser, 'merge', merged.id], [primary, 'merge', merged.id]].sort());

    const now = await accountOf('hubspot', merged.id);
    expect(now!.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual([`hubspot:${merged.id}`, `netsuite:${customer}`]);
    expect(await accountOf('hubspot', loser)).toBeNull();
    expect(await accountOf('hubspot', primary)).toBeNull();
    expect((await accountOf('netsuite', customer))?.id).toBe(now!.id);
    // One of the two accounts took the other in; the other is gone, audited.
    expect([loserAccount!.id, primaryAccount!.id]).toContain(now!.id);
    const folded = now!.id === loserAccount!.id ? primaryAccount!.id : loserAccount!.id;
    expect((await api(`/v1/tenants/demo/accounts/${folded}`, { key })).status).toBe(404);
    expect((await audit(now!.id)).items.map((i) => i.action)).toEqual(expect.arrayContaining(['identity.unlink', 'identity.merge']));

    // Delivered again (at least once), nothing moves.
    await consume(events);
    expect((await accountOf('hubspot', merged.id))?.links).toHaveLength(2);
    expect((await accountOf('netsuite', customer))?.id).toBe(now!.id);
  });

  it('a deletion that arrives after the company was restored leaves it linked', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Quernmoor Audio Ltd', 'https://quernmoor-audio.co.uk', 'Norwich', 'GB');
    await erpCustomersLinked([customer]);
    const id = await companyCreated({ name: 'Quernmoor Audio Ltd', domain: 'quernmoor-audio.co.uk', city: 'Norwich', country: 'GB' });
    const linked = await accountOf('hubspot', id);
    expect(linked?.links.map((l) => l.system).sort()).toEqual(['hubspot', 'netsuite']);

    await hubspot('DELETE', `/crm/v3/objects/companies/${id}`);
    const restored = await fetch(`${SB}/__sandbox/hubspot/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', objectType: 'companies', id }) });
    expect(restored.status).toBe(200);
    const events = await sentEvents();
    expect(events.map((e) => e.subscriptionType)).toEqual(['company.deletion', 'company.restore']);
    await consume(events.filter((e) => e.subscriptionType === 'company.deletion'));

    expect((await accountOf('hubspot', id))?.id).toBe(linked!.id);
    expect((await audit(linked!.id)).items.filter((i) => i.action === 'identity.unlink')).toEqual([]);
    await consume(events.filter((e) => e.subscriptionType === 'company.restore'));
    expect((await accountOf('hubspot', id))?.links.map((l) => l.system).sort()).toEqual(['hubspot', 'netsuite']);
  });
});

describe('a full identity sync', () => {
  it('supersedes the open cases about a company renamed since they were raised, and asks about it as it is now', { timeout: 120_000 }, async () => {
    const de = await netsuiteCustomer('Hollowmere Kilns GmbH', 'https://hollowmere-kilns.de', 'Erfurt', 'DE');
    const uk = await netsuiteCustomer('Hollowmere Kilns Ltd', 'https://hollowmere-kilns.co.uk', 'Stoke-on-Trent', 'GB');
    await erpCustomersLinked([de, uk]);
    const id = await companyCreated({ name: 'Hollowmere Kilns' });
    const about = (c: { subject: { system: string; externalId: string }; candidate: { system: string; externalId: string } }) => [c.subject, c.candidate].some((r) => r.system === 'hubspot' && r.externalId === id);
    const asked = (await reviews()).filter(about);
    expect(asked.length).toBeGreaterThan(0);

    // Renamed in HubSpot with no change event reaching Concord (it subscribes to no property change here).
    await hubspot('PATCH', `/crm/v3/objects/companies/${id}`, { properties: { name: 'Hollowmere Kilns GmbH', domain: 'hollowmere-kilns.de', city: 'Erfurt', country: 'DE' } });
    expect(await sentEvents()).toEqual([]);
    expect((await reviews()).filter(about).map((c) => c.id).sort()).toEqual(asked.map((c) => c.id).sort());

    expect((await api('/v1/tenants/demo/identity/sync', { method: 'POST', key })).status).toBe(200);
    const all = await reviews('all');
    for (const c of asked) expect(all.find((x) => x.id === c.id)?.status).toBe('superseded');
    // The question asked now is about the company as it is: the German customer only, with the new name.
    const now = (await reviews()).filter(about);
    expect(now.every((c) => !asked.some((a) => a.id === c.id))).toBe(true);
    expect(now.map((c) => [c.subject.externalId, c.candidate.externalId])).toEqual([[id, de]]);
    expect((now[0] as unknown as { subject: { fields: { name: string } } }).subject.fields.name).toBe('Hollowmere Kilns GmbH');
    const trail = (await (await api(`/v1/tenants/demo/audit?entityType=review_case&entityId=${asked[0]!.id}`, { key })).json()) as Audit;
    expect(trail.items.find((i) => i.action === 'identity.review.supersede')?.after).toMatchObject({ reason: 'record_changed', record: { system: 'hubspot', externalId: id } });
  });
});
