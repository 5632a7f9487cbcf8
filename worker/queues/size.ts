/**
 * Size rules of inbound change events, in bytes (what Cloudflare Queues counts):
 * - a property value Concord accepts is at most `MAX_VALUE_BYTES` (HubSpot's text properties hold
 *   65,536 characters, which is up to 256 KB of UTF-8; a longer value is dead-lettered alone);
 * - a queue message is at most 128 KB (https://developers.cloudflare.com/queues/platform/limits/);
 *   a message whose JSON is over `MESSAGE_BUDGET_BYTES` sends its value by reference instead;
 * - one `sendBatch` is at most 100 messages and 256 KB; `SEND_BATCH_BYTES` leaves headroom.
 */
export const MAX_VALUE_BYTES = 128 * 1024;
export const MESSAGE_BUDGET_BYTES = 100 * 1024;
export const SEND_BATCH_BYTES = 200 * 1024;

const encoder = new TextEncoder();

/** UTF-8 length of a string. */
export function byteLength(text: string): number {
  return encoder.encode(text).byteLength;
}
