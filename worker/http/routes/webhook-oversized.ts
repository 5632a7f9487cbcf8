/**
 * HubSpot webhook events over Concord's size caps (a property value over MAX_VALUE_BYTES): each is
 * dead-lettered on its own, for its tenant, with the reason and the event without the oversized
 * value (its first 200 characters and its size), so the rest of its delivery is applied and a
 * person sees what was refused. Such a dead letter is not replayable (it would be refused again).
 */
import { z } from 'zod';
import type { Env } from '../../env.js';
import { sha256Hex } from '../../storage/crypto.js';
import { putDeadLetter } from '../../storage/events.js';
import { MAX_VALUE_BYTES, byteLength } from '../../queues/size.js';
import type { Logger } from '../../ops/log.js';

const Ids = z.looseObject({
  portalId: z.union([z.number(), z.string()]).transform(String),
  objectId: z.union([z.number(), z.string()]).transform(String).optional(),
  subscriptionType: z.string().max(64).optional(),
  propertyName: z.string().max(256).optional(),
  occurredAt: z.number().optional(),
  eventId: z.union([z.number(), z.string()]).optional(),
});

/** The portal an oversized event names, when it names one plainly. */
export function oversizedPortal(event: unknown): string | null {
  const ids = Ids.safeParse(event);
  return ids.success && /^\d{1,20}$/.test(ids.data.portalId) ? ids.data.portalId : null;
}

/** Dead-letter one oversized event for `tenantId`. */
export async function deadLetterOversized(env: Env, log: Logger, tenantId: string, event: unknown): Promise<void> {
  const ids = Ids.parse(event);
  const raw = event as Record<string, unknown>;
  const value = typeof raw['propertyValue'] === 'string' ? raw['propertyValue'] : String(raw['propertyValue'] ?? '');
  const bytes = byteLength(value);
  const kept = { ...raw, propertyValue: { truncated: value.slice(0, 200), bytes } };
  const id = `dl_${(await sha256Hex(JSON.stringify(['hubspot', ids.portalId, ids.subscriptionType, ids.objectId, ids.propertyName, ids.occurredAt, ids.eventId]))).slice(0, 24)}`;
  const object = (ids.subscriptionType ?? 'object.change').split('.')[0];
  await putDeadLetter(env.DB, {
    tenantId,
    id,
    kind: 'hubspot.webhook_event',
    summary: `hubspot ${object} ${ids.objectId ?? '?'}: ${ids.propertyName ?? 'value'} too large`,
    payload: kept,
    error: `too_big: propertyValue has ${bytes} bytes; Concord keeps at most ${MAX_VALUE_BYTES}`,
    attempts: null,
  });
  log.warn('hubspot_webhook.event_too_big', { deadLetter: id, bytes });
}
