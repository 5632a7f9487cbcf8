/**
 * The canonical change event: what the webhook routes put on the `EVENTS` queue and what the
 * consumer, the dead-letter store and replay handle. Vendor-neutral; one HubSpot webhook event
 * (or, later, a Salesforce callout or an ERP poll result) becomes one message.
 */
import { z } from 'zod';
import { sha256Hex } from '../storage/crypto.js';
import { MAX_VALUE_BYTES, byteLength } from './size.js';

/** Queue names as in wrangler.toml (the `queue()` handler dispatches on them). */
export const EVENTS_QUEUE = 'concord-events';
export const EVENTS_DLQ = 'concord-events-dlq';

/** One change of one CRM record. Strict: the broker is the only producer. */
export const CrmChangeSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('crm.change'),
    tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    system: z.enum(['hubspot']),
    /** The vendor account the change happened in (HubSpot portal id). */
    externalAccount: z.string().min(1).max(64),
    /** Singular object name: company, contact, deal, ticket, or the vendor's type id. */
    objectType: z.string().min(1).max(64),
    objectId: z.string().min(1).max(64),
    /** propertyChange, creation, deletion, merge, restore, associationChange, privacyDeletion. */
    change: z.string().min(1).max(64),
    property: z.string().max(256).nullable(),
    /** Up to MAX_VALUE_BYTES of UTF-8; null when absent or sent by reference (`valueRef`). */
    value: z
      .string()
      .refine((v) => byteLength(v) <= MAX_VALUE_BYTES, `at most ${MAX_VALUE_BYTES} bytes`)
      .nullable(),
    /** A value too large for one queue message, stored in D1 `event_payloads` (queues/enqueue.ts). */
    valueRef: z.string().regex(/^ep_[0-9a-f]{32}$/).optional(),
    /** Epoch milliseconds at which the vendor says the change happened. */
    occurredAt: z.number().int().nonnegative(),
    sourceEventId: z.string().min(1).max(64),
    correlationId: z.string().min(1).max(128),
    idempotencyKey: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export type CrmChange = z.infer<typeof CrmChangeSchema>;

/**
 * The dedupe key of a HubSpot webhook event: SHA-256 over what identifies the change itself
 * (portal, subscription type, object, property, value, when), not over `eventId` or
 * `attemptNumber`: a re-delivery repeats these fields exactly, while `eventId` is not documented
 * as unique across changes (docs/decisions.md, "Webhook dedupe key").
 */
export function hubspotIdempotencyKey(e: {
  portalId: string;
  subscriptionType: string;
  objectId: string;
  propertyName: string | null;
  propertyValue: string | null;
  occurredAt: number;
}): Promise<string> {
  return sha256Hex(JSON.stringify(['hubspot', e.portalId, e.subscriptionType, e.objectId, e.propertyName, e.propertyValue, e.occurredAt]));
}

/** A one-line description of a change for people (dead-letter list), never the value itself. */
export function summarize(m: CrmChange): string {
  const what = m.property ? `${m.property} changed` : m.change;
  return `${m.system} ${m.objectType} ${m.objectId}: ${what}`;
}
