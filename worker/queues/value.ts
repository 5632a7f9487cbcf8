/**
 * A change message whose value travels by reference (`valueRef`, queues/enqueue.ts) made
 * whole again for the consumer: the value read back from D1 `event_payloads`.
 */
import type { Env } from '../env.js';
import { fail } from '../errors.js';
import { getPayload } from '../storage/event-payloads.js';
import { isProcessed } from '../storage/events.js';
import type { CrmChange } from './messages.js';

/**
 * The message with its value in place; null when the reference is gone because this change was
 * already applied (a duplicate delivery). A reference that is gone for a change never applied
 * cannot heal by retrying: a business failure (dead-lettered at once).
 */
export async function withValue(env: Env, m: CrmChange): Promise<CrmChange | null> {
  if (!m.valueRef) return m;
  const value = await getPayload(env.DB, m.tenantId, m.valueRef);
  if (value !== null) {
    const { valueRef: _ref, ...rest } = m;
    return { ...rest, value };
  }
  if (await isProcessed(env.DB, m.tenantId, m.idempotencyKey)) return null;
  return fail({ kind: 'not_found', entity: 'event_payload', id: m.valueRef, code: 'event_payload_missing' });
}
