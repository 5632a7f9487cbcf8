/**
 * Putting change messages on the `EVENTS` queue within Cloudflare Queues' limits, measured in
 * bytes (queues/size.ts): a message too large for the queue sends its value by reference
 * (stored in D1 first, storage/event-payloads.ts), and messages go in `sendBatch` calls of at
 * most 100 messages and `SEND_BATCH_BYTES`. So no single event can make a delivery's send throw.
 */
import type { Env } from '../env.js';
import { payloadRef, putPayloadStatement } from '../storage/event-payloads.js';
import { MESSAGE_BUDGET_BYTES, SEND_BATCH_BYTES, byteLength } from './size.js';
import type { ChangeMessage } from './messages.js';

/** The message as sent: large values replaced by a reference (stored before anything is sent). */
async function fitted(env: Env, messages: ChangeMessage[]): Promise<{ body: ChangeMessage; bytes: number }[]> {
  const out: { body: ChangeMessage; bytes: number }[] = [];
  const stores: D1PreparedStatement[] = [];
  for (const m of messages) {
    const bytes = byteLength(JSON.stringify(m));
    // Only CRM changes carry a value; ERP and CS changes are pointers of a few hundred bytes.
    if (m.kind !== 'crm.change' || bytes <= MESSAGE_BUDGET_BYTES || m.value === null) {
      out.push({ body: m, bytes });
      continue;
    }
    const ref = payloadRef(m.idempotencyKey);
    stores.push(putPayloadStatement(env.DB, m.tenantId, ref, m.value));
    const body: ChangeMessage = { ...m, value: null, valueRef: ref };
    out.push({ body, bytes: byteLength(JSON.stringify(body)) });
  }
  if (stores.length > 0) await env.DB.batch(stores);
  return out;
}

/** Enqueue change messages, by reference where needed, in batches within the queue's limits. */
export async function enqueueChanges(env: Env, messages: ChangeMessage[]): Promise<void> {
  let chunk: MessageSendRequest<ChangeMessage>[] = [];
  let bytes = 0;
  for (const { body, bytes: size } of await fitted(env, messages)) {
    if (chunk.length === 100 || (chunk.length > 0 && bytes + size > SEND_BATCH_BYTES)) {
      await env.EVENTS.sendBatch(chunk);
      (chunk = []), (bytes = 0);
    }
    chunk.push({ body, contentType: 'json' });
    bytes += size;
  }
  if (chunk.length > 0) await env.EVENTS.sendBatch(chunk);
}
