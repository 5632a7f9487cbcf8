/**
 * Archive, merge and restore of companies on the sandbox HubSpot, through `@hubspot/api-client`,
 * answered as HubSpot documents them: an archived company is 404 by id and leaves lists and
 * search; `POST /crm/v3/objects/companies/merge` makes a new company with a new id, which both
 * former ids now read as (HubSpot's merge change for contacts and companies:
 * https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies),
 * with `hs_merged_object_ids`, the primary's values first, and both records' associations; and
 * the webhooks an app subscribed to `company.deletion` / `company.merge` / `company.restore`
 * receives, in HubSpot's payload shape, which Concord's webhook schema reads into one change per
 * record that left the CRM. Own sandbox (the HubSpot support module's): it archives and merges.
 */
import type { Client } from '@hubspot/api-client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubSpotWebhookBodySchema, hubspotChanges } from '../../worker/connectors/hubspot/webhooks.js';
import { failure, hubspotClient, sandboxUrl, token } from './hubspot-support.js';

interface Sent {
  subscriptionType: string;
  objectId: number;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

let demo: Client;
let receiver: Server;
let received: Sent[] = [];
const tag = Math.random().toString(36).slice(2, 8);

async function admin(path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${sandboxUrl}/__sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function flush(): Promise<Sent[]> {
  expect(await (await admin('/webhooks/flush', { tenant: 'demo' })).json()).toEqual({ idle: true });
  const taken = received;
  received = [];
  return taken;
}

async function company(properties: Record<string, string>): Promise<string> {
  return (await demo.crm.companies.basicApi.create({ properties, associations: [] })).id;
}

/**
 * `POST /crm/v3/objects/companies/merge` through the client's generic request (13.x has the
 * generated MergeApi but does not expose it on `crm.companies`).
 */
async function merge(primaryObjectId: string, objectIdToMerge: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await demo.apiRequest({ method: 'POST', path: '/crm/v3/objects/companies/merge', body: { primaryObjectId, objectIdToMerge } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function named(name: string): Promise<string[]> {
  const found = await demo.crm.companies.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ' as never, value: name }] }], properties: ['name'], limit: 10, after: '0', sorts: [] });
  return found.results.map((r) => r.id);
}

beforeAll(async () => {
  demo = hubspotClient(await token('demo'));
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(...(JSON.parse(body) as Sent[]));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const res = await admin('/webhooks', {
    vendor: 'hubspot',
    tenant: 'demo',
    targetUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    clientSecret: 'contract-merge-secret-0123456789',
    subscriptions: ['company.deletion', 'company.merge', 'company.restore'],
    batchDelayMs: 60_000,
  }, 'PUT');
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await admin(`/webhooks?tenant=demo`, undefined, 'DELETE');
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('company archive', () => {
  it('an archived company is 404 by id, gone from search, listed with archived=true; the subscriber gets company.deletion; a restore brings it back', async () => {
    const name = `Archive me ${tag}`;
    const id = await company({ name, domain: `archive-${tag}.example` });
    await demo.crm.companies.basicApi.archive(id);

    const gone = await failure(demo.crm.companies.basicApi.getById(id, ['name']));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect(await named(name)).toEqual([]);
    const archived = await demo.crm.companies.basicApi.getPage(100, undefined, ['name'], undefined, undefined, true);
    expect(archived.results.find((r) => r.id === id)?.archived).toBe(true);
    // Read by id with archived=true, as the client's getById(..., archived) asks: the archived
    // record itself; a live company is not found that way.
    const byId = await demo.crm.companies.basicApi.getById(id, ['name'], undefined, undefined, true);
    expect(byId).toMatchObject({ id, archived: true, properties: { name } });
    expect(byId.archivedAt).toBeInstanceOf(Date);
    const live = await company({ name: `Live ${tag}`, domain: `live-${tag}.example` });
    expect((await failure(demo.crm.companies.basicApi.getById(live, ['name'], undefined, undefined, true))).code).toBe(404);
    // Archiving again (or an unknown id) answers 204 and sends nothing new.
    await demo.crm.companies.basicApi.archive(id);

    const events = await flush();
    expect(events).toEqual([expect.objectContaining({ subscriptionType: 'company.deletion', objectId: Number(id) })]);

    const restored = await admin('/hubspot/restore', { tenant: 'demo', objectType: 'companies', id });
    expect(restored.status).toBe(200);
    expect((await demo.crm.companies.basicApi.getById(id, ['name'])).properties.name).toBe(name);
    expect(await named(name)).toEqual([id]);
    expect(await flush()).toEqual([expect.objectContaining({ subscriptionType: 'company.restore', objectId: Number(id) })]);
  });
});

describe('company merge', () => {
  it('makes a new company both former ids read as, with the primary values first, hs_merged_object_ids and both records’ associations', async () => {
    const primaryName = `Merge primary ${tag}`;
    const otherName = `Merge other ${tag}`;
    const primary = await company({ name: primaryName, domain: `merge-${tag}.example` });
    const other = await company({ name: otherName, city: 'Leeds', phone: '+44 113 496 0000' });
    const contact = await demo.crm.contacts.basicApi.create({ properties: { email: `merge-${tag}@example.com` }, associations: [{ to: { id: other }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }] }] });

    const answer = await merge(primary, other);
    expect(answer.status).toBe(200);
    const merged = answer.body as { id: string; properties: Record<string, string | null>; archived: boolean };
    expect(merged).toMatchObject({ archived: false, properties: expect.objectContaining({ name: primaryName }) });
    expect(merged.id).not.toBe(primary);
    expect(merged.id).not.toBe(other);

    for (const former of [primary, other]) {
      const read = await demo.crm.companies.basicApi.getById(former, ['name', 'domain', 'city', 'hs_merged_object_ids']);
      expect(read.id).toBe(merged.id);
      expect(read.properties).toMatchObject({ name: primaryName, domain: `merge-${tag}.example`, city: 'Leeds' });
      expect(read.properties.hs_merged_object_ids!.split(';').sort()).toEqual([primary, other].sort());
    }
    // A batch read of the former ids answers the merged record (under its own id) for each.
    const batch = await demo.crm.companies.batchApi.read({ inputs: [{ id: primary }, { id: other }], properties: ['name'], propertiesWithHistory: [] });
    expect(batch.results.map((r) => r.id)).toEqual([merged.id, merged.id]);
    // Lists and search show the merged record only.
    expect(await named(primaryName)).toEqual([merged.id]);
    expect(await named(otherName)).toEqual([]);
    const contacts = await demo.crm.associations.v4.basicApi.getPage('companies', merged.id, 'contacts');
    expect(contacts.results.map((r) => String(r.toObjectId))).toEqual([contact.id]);

    const events = await flush();
    expect(events).toEqual([
      expect.objectContaining({ subscriptionType: 'company.merge', primaryObjectId: Number(primary), mergedObjectIds: [Number(other)], newObjectId: Number(merged.id), numberOfPropertiesMoved: 2 }),
    ]);
    // Concord reads that payload as two records merged into the new one.
    const parsed = HubSpotWebhookBodySchema.parse(events.map((e) => ({ ...e, eventId: 1, subscriptionId: 2, portalId: 3, appId: 4, occurredAt: Date.now(), attemptNumber: 0 })));
    const changes = await hubspotChanges(parsed[0]!, 'demo', 'corr-contract-merge');
    expect(changes.map((c) => [c.change, c.objectId, c.value]).sort()).toEqual([['merge', other, merged.id], ['merge', primary, merged.id]].sort());
    expect(new Set(changes.map((c) => c.idempotencyKey)).size).toBe(2);
  });

  it('refuses a merge of a company with itself (400) and of an unknown company (404)', async () => {
    const id = await company({ name: `Merge self ${tag}` });
    const self = await merge(id, id);
    expect(self.status).toBe(400);
    expect(self.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    const unknown = await merge(id, '999999999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect(await named(`Merge self ${tag}`)).toEqual([id]);
    expect(await flush()).toEqual([]);
  });
});
