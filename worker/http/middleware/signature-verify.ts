/**
 * Pure request-signature checks for the embedded surfaces (no bindings, no hono), so unit tests
 * can run them against vectors computed independently with node:crypto.
 *
 * - HubSpot v3: base64(HMAC-SHA256(clientSecret, METHOD + uri + body + timestamp)).
 *   https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 * - Concord's own callout scheme: base64(HMAC-SHA256(secret, METHOD\npathWithQuery\ntimestamp\nbody)),
 *   as built by `ConcordSignature.stringToSign` in extensions/salesforce and by the SuiteScript in
 *   extensions/netsuite (`concord_event_lib.js`).
 * Comparison is `crypto.subtle.verify`, which is constant-time, never string equality.
 */

/** HubSpot rejects requests older than 5 minutes; we do the same. */
export const MAX_AGE_MS = 300_000;
/** Clock skew tolerated for timestamps in the future; anything later is refused. */
export const MAX_FUTURE_SKEW_MS = 60_000;

/**
 * HubSpot's v3 rule: decode only these URL-encoded characters in the URI before signing
 * (https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests).
 */
const HUBSPOT_DECODED: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function hubspotDecodeUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => HUBSPOT_DECODED[m.toUpperCase()]!);
}

/** The exact string HubSpot signs (v3). */
export function hubspotStringToSign(method: string, uri: string, body: string, timestamp: string): string {
  return method.toUpperCase() + hubspotDecodeUri(uri) + body + timestamp;
}

/**
 * The exact string Concord's packages sign (Salesforce `ConcordSignature.stringToSign`, the NetSuite
 * script's `stringToSign`): one scheme for every callout Concord's own code makes.
 */
export function concordStringToSign(method: string, pathWithQuery: string, timestamp: string, body: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${body}`;
}

/**
 * The URI the caller signed. Behind a proxy or tunnel the broker sees another origin (and maybe no
 * base path) than the caller used; `publicUrl` (CONCORD_PUBLIC_URL, e.g. https://concord.example.com
 * or https://example.com/concord) replaces the origin and prefixes its path. The path and query
 * are taken raw from the request line, so their encoding is exactly what was sent.
 */
export function signedUri(requestUrl: string, publicUrl: string | undefined): { full: string; pathWithQuery: string } {
  const afterScheme = requestUrl.indexOf('//');
  const slash = requestUrl.indexOf('/', afterScheme >= 0 ? afterScheme + 2 : 0);
  const local = slash >= 0 ? requestUrl.slice(slash) : '/';
  const origin = slash >= 0 ? requestUrl.slice(0, slash) : requestUrl;
  if (!publicUrl) return { full: origin + local, pathWithQuery: local };
  const base = new URL(publicUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return { full: base.origin + prefix + local, pathWithQuery: prefix + local };
}

/** Why a timestamp is refused, or null when it is inside the window. */
export function timestampProblem(timestamp: string | undefined, nowMs: number): string | null {
  if (!timestamp) return 'missing timestamp';
  if (!/^\d{10,16}$/.test(timestamp)) return 'timestamp is not epoch milliseconds';
  const at = Number(timestamp);
  if (nowMs - at > MAX_AGE_MS) return 'timestamp is older than 5 minutes';
  if (at - nowMs > MAX_FUTURE_SKEW_MS) return 'timestamp is in the future';
  return null;
}

function base64ToBytes(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]{20,}={0,2}$/.test(value)) return null;
  try {
    const bin = atob(value);
    const out = new Uint8Array(new ArrayBuffer(bin.length));
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

const keys = new Map<string, CryptoKey>();

async function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    // Few distinct secrets exist per isolate (one HubSpot app, one per Salesforce org seen).
    if (keys.size > 1000) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * True when `signatureB64` is base64(HMAC-SHA256(secret, message)) for any of `secrets` (several
 * during a rotation). Constant-time per secret via WebCrypto.
 */
export async function verifyHmacBase64(secrets: readonly string[], message: string, signatureB64: string | undefined): Promise<boolean> {
  if (!signatureB64) return false;
  const signature = base64ToBytes(signatureB64.trim());
  if (!signature || signature.length !== 32) return false;
  const data = new TextEncoder().encode(message);
  let ok = false;
  // Check every secret (no early exit), so timing does not tell which one matched.
  for (const secret of secrets) {
    if (await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, data)) ok = true;
  }
  return ok;
}
