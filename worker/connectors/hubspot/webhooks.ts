/**
 * HubSpot webhook events -> canonical change messages.
 *
 * Payload: https://developers.hubspot.com/docs/api/webhooks (a JSON array of up to 100 events)
 * and https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks
 * (subscription types: `company.propertyChange`, `deal.creation`, generic `object.propertyChange`
 * with `objectTypeId`, ...). The event schema is not `.strict()`: HubSpot adds fields over time
 * (`sourceId`, `changeFlag`, `isSensitive`, ...) and refusing a whole batch for a new field would
 * lose events; only the fields below are kept.
 */
import { z } from 'zod';
import { MAX_VALUE_BYTES, byteLength } from '../../queues/size.js';
import { hubspotIdempotencyKey, type CrmChange } from '../../queues/messages.js';

/** HubSpot ids arrive as JSON numbers (int64 in their docs); a digit string is accepted too. */
const numericId = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,20}$/)]).transform(String);

/**
 * Property values are strings on the wire; a scalar is tolerated and kept as its text. Capped at
 * MAX_VALUE_BYTES of UTF-8 (issue code `too_big`): the webhook route dead-letters such an event
 * alone instead of failing its whole delivery.
 */
const propertyValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .superRefine((v, ctx) => {
    if (byteLength(v) > MAX_VALUE_BYTES) ctx.addIssue({ code: 'too_big', origin: 'string', maximum: MAX_VALUE_BYTES, inclusive: true, message: `at most ${MAX_VALUE_BYTES} bytes` });
  });

const SUBSCRIPTION_TYPE = /^[a-z][a-z_]{0,40}\.(creation|deletion|propertyChange|merge|restore|associationChange|privacyDeletion)$/;

export const HubSpotWebhookEventSchema = z.object({
  eventId: numericId,
  // Every other field is capped too, so one event's size is bounded before anything is enqueued.
  subscriptionId: numericId,
  portalId: numericId,
  appId: numericId,
  occurredAt: z.number().int().positive().max(8.64e15),
  subscriptionType: z.string().regex(SUBSCRIPTION_TYPE, 'expected <object>.<event>, e.g. company.propertyChange'),
  attemptNumber: z.number().int().nonnegative(),
  objectId: numericId,
  /** Generic `object.*` subscriptions name the type by id (0-1 contact, 0-2 company, 0-3 deal). */
  objectTypeId: z.string().max(32).regex(/^\d+-\d+$/).optional(),
  propertyName: z.string().min(1).max(256).optional(),
  propertyValue: propertyValue.optional(),
  changeSource: z.string().max(64).optional(),
  /**
   * Merge events only (https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks):
   * the primary record, the records merged into it, and the record the merge resulted in. Since
   * HubSpot's merge change for contacts and companies
   * (https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies)
   * that is a new record with a new id, and both former ids point to it.
   */
  primaryObjectId: numericId.optional(),
  mergedObjectIds: z.array(numericId).max(100).optional(),
  newObjectId: numericId.optional(),
  numberOfPropertiesMoved: z.number().int().nonnegative().optional(),
});

/** The body HubSpot posts: 1..100 events. */
export const HubSpotWebhookBodySchema = z.array(HubSpotWebhookEventSchema).min(1).max(100);

export type HubSpotWebhookEvent = z.infer<typeof HubSpotWebhookEventSchema>;

/** https://developers.hubspot.com/docs/api/crm/understanding-the-crm#object-type-ids */
const TYPE_IDS: Record<string, string> = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal', '0-5': 'ticket', '0-7': 'product', '0-8': 'line_item' };

/**
 * The canonical changes for one event of a portal that belongs to `tenantId`: one, except for a
 * merge, which becomes one `merge` change per record that left the CRM (value: the record they
 * all became). The winner is `newObjectId` (the merge's resulting record), else `primaryObjectId`;
 * the losers are the primary and every merged id other than the winner, so a merge that kept the
 * primary's id (HubSpot's behaviour before its change) loses only the merged ids. Each loser's
 * change has its own idempotency key (its id and the winner are part of it), so a re-delivery of
 * the event claims nothing twice.
 */
export async function hubspotChanges(e: HubSpotWebhookEvent, tenantId: string, correlationId: string): Promise<CrmChange[]> {
  const [, change] = e.subscriptionType.split('.') as [string, string];
  if (change !== 'merge') return [await hubspotChange(e, tenantId, correlationId)];
  const winner = e.newObjectId ?? e.primaryObjectId ?? e.objectId;
  const losers = [...new Set([e.primaryObjectId, ...(e.mergedObjectIds ?? [])])].filter((id): id is string => id !== undefined && id !== winner);
  // A merge event naming no other record than its result: nothing left the CRM that can be named.
  if (losers.length === 0) return [await hubspotChange({ ...e, propertyValue: winner }, tenantId, correlationId)];
  return Promise.all(losers.map((loser) => hubspotChange({ ...e, objectId: loser, propertyName: undefined, propertyValue: winner }, tenantId, correlationId)));
}

/** The canonical change for one event of a portal that belongs to `tenantId` (a merge: see hubspotChanges). */
export async function hubspotChange(e: HubSpotWebhookEvent, tenantId: string, correlationId: string): Promise<CrmChange> {
  const [prefix, change] = e.subscriptionType.split('.') as [string, string];
  const objectType = prefix === 'object' ? (e.objectTypeId ? (TYPE_IDS[e.objectTypeId] ?? e.objectTypeId) : 'object') : prefix;
  const property = e.propertyName ?? null;
  const value = e.propertyValue ?? null;
  return {
    v: 1,
    kind: 'crm.change',
    tenantId,
    system: 'hubspot',
    externalAccount: e.portalId,
    objectType,
    objectId: e.objectId,
    change,
    property,
    value,
    occurredAt: e.occurredAt,
    sourceEventId: e.eventId,
    correlationId,
    idempotencyKey: await hubspotIdempotencyKey({
      portalId: e.portalId,
      subscriptionType: e.subscriptionType,
      objectId: e.objectId,
      propertyName: property,
      propertyValue: value,
      occurredAt: e.occurredAt,
    }),
  };
}
