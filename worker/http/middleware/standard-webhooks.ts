/**
 * The Standard Webhooks signature scheme, pure (no bindings, no hono), for senders that sign
 * with a per-tenant secret (Vitally playbook webhooks):
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 * - headers `webhook-id`, `webhook-timestamp` (Unix seconds), `webhook-signature`;
 * - signed content `${id}.${timestamp}.${rawBody}`, HMAC-SHA256 keyed with the base64-decoded
 *   part of the `whsec_` secret;
 * - `webhook-signature` is a space-separated list of `v1,<base64>` entries (several during a key
 *   rotation, other versions ignored); one match is enough;
 * - timestamps more than 5 minutes away from now, in either direction, are refused (replay).
 * Comparison is `crypto.subtle.verify` (constant time), never string equality.
 */

/** Tolerance either side of now, as the specification recommends. */
export const STANDARD_WEBHOOK_TOLERANCE_S = 300;

/** A fresh secret in the specification's serialisation: `whsec_` + base64 of 32 random bytes. */
export function newStandardWebhookSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
}

function base64Bytes(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  try {
    const bin = atob(value);
    const out = new Uint8Array(new ArrayBuffer(bin.length));
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** The HMAC key bytes of a `whsec_` secret (the part after the prefix, base64-decoded). */
export function standardWebhookKey(secret: string): Uint8Array<ArrayBuffer> | null {
  if (!secret.startsWith('whsec_')) return null;
  const bytes = base64Bytes(secret.slice('whsec_'.length));
  return bytes && bytes.length >= 16 ? bytes : null;
}

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** Why a delivery is refused, or null when one of `secrets` signed it inside the time window. */
export async function standardWebhookProblem(headers: StandardWebhookHeaders, body: string, secrets: readonly string[], nowMs: number): Promise<string | null> {
  const { id, timestamp, signature } = headers;
  if (!id || id.length > 256 || /[\s.]/.test(id)) return 'Missing or malformed webhook-id header.';
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'Missing or malformed webhook-timestamp header (Unix seconds).';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > STANDARD_WEBHOOK_TOLERANCE_S) return 'webhook-timestamp is more than 5 minutes away from now.';
  if (!signature) return 'Missing webhook-signature header.';
  const offered = signature
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, value]) => version === 'v1' && value !== undefined)
    .map(([, value]) => base64Bytes(value!))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => bytes !== null && bytes.length === 32);
  if (offered.length === 0) return 'webhook-signature has no v1 signature.';
  if (secrets.length === 0) return 'No signing secret is registered for this tenant.';
  const data = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  let ok = false;
  // Every secret against every offered signature (no early exit): timing tells nothing.
  for (const secret of secrets) {
    const raw = standardWebhookKey(secret);
    if (!raw) continue;
    const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    for (const sig of offered) if (await crypto.subtle.verify('HMAC', key, sig, data)) ok = true;
  }
  return ok ? null : 'webhook-signature does not match this request.';
}
