/**
 * HubSpot merge webhooks read into canonical changes (worker/connectors/hubspot/webhooks.ts): one
 * `merge` change per record that left the CRM, its value the record they became, whether HubSpot
 * made a new record (`newObjectId`, its behaviour since the merge change for contacts and
 * companies) or kept the primary's id (before it), for per-object and generic subscriptions; a
 * re-delivery yields the same idempotency keys.
 */
import { describe, expect, it } from 'vitest';
import { HubSpotWebhookEventSchema, hubspotChanges } from '../../worker/connectors/hubspot/webhooks.js';

const base = { eventId: 11, subscriptionId: 22, portalId: 881234, appId: 42, occurredAt: 1_764_000_000_000, attemptNumber: 0, changeSource: 'CRM_UI' };
const read = (e: Record<string, unknown>) => hubspotChanges(HubSpotWebhookEventSchema.parse({ ...base, ...e }), 'demo', 'corr-merge');
const summary = (changes: Awaited<ReturnType<typeof read>>) => changes.map((c) => [c.objectType, c.objectId, c.change, c.value]).sort();

describe('HubSpot merge events', () => {
  it('a merge into a new record: the primary and the merged ids both left, the new record is the winner', async () => {
    const changes = await read({ subscriptionType: 'company.merge', objectId: 3003, primaryObjectId: 1001, mergedObjectIds: [2002], newObjectId: 3003, numberOfPropertiesMoved: 4 });
    expect(summary(changes)).toEqual([['company', '1001', 'merge', '3003'], ['company', '2002', 'merge', '3003']]);
    expect(new Set(changes.map((c) => c.idempotencyKey)).size).toBe(2);
  });

  it('a merge that kept the primary id (no newObjectId, or the same id): only the merged ids left', async () => {
    expect(summary(await read({ subscriptionType: 'company.merge', objectId: 1001, primaryObjectId: 1001, mergedObjectIds: [2002, 2003] }))).toEqual([
      ['company', '2002', 'merge', '1001'],
      ['company', '2003', 'merge', '1001'],
    ]);
    expect(summary(await read({ subscriptionType: 'company.merge', objectId: 1001, primaryObjectId: 1001, mergedObjectIds: [2002], newObjectId: 1001 }))).toEqual([['company', '2002', 'merge', '1001']]);
  });

  it('a generic object.merge subscription names the type by id', async () => {
    expect(summary(await read({ subscriptionType: 'object.merge', objectTypeId: '0-2', objectId: 3003, primaryObjectId: '1001', mergedObjectIds: ['2002'], newObjectId: '3003' }))).toEqual([
      ['company', '1001', 'merge', '3003'],
      ['company', '2002', 'merge', '3003'],
    ]);
  });

  it('a re-delivery (new attempt, another eventId) gives the same keys; other events stay one change each', async () => {
    const merge = { subscriptionType: 'company.merge', objectId: 3003, primaryObjectId: 1001, mergedObjectIds: [2002], newObjectId: 3003 };
    const first = (await read(merge)).map((c) => c.idempotencyKey).sort();
    const again = (await read({ ...merge, attemptNumber: 3, eventId: 99 })).map((c) => c.idempotencyKey).sort();
    expect(again).toEqual(first);
    const deletion = await read({ subscriptionType: 'company.deletion', objectId: 1001 });
    expect(summary(deletion)).toEqual([['company', '1001', 'deletion', null]]);
  });
});
