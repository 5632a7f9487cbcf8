/**
 * NetSuite token-based authentication (TBA): OAuth 1.0a request signing with HMAC-SHA256 (NetSuite
 * refuses HMAC-SHA1 and PLAINTEXT), computed with WebCrypto. Every attempt gets a fresh nonce and
 * timestamp, so a retried request is signed again (NetSuite refuses a reused nonce).
 * RFC 5849 section 3.4: https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 * NetSuite: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941088.html
 * (The Signature) and section_1534941295.html (The Authorization Headers).
 */

/** What signs a request: the integration's consumer key/secret and the user's token id/secret. */
export interface TbaSecrets {
  accountId: string;
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** HMAC-SHA256 is NetSuite's; HMAC-SHA1 only exists here to check the code against RFC 5849's vector. */
export type TbaSignatureMethod = 'HMAC-SHA256' | 'HMAC-SHA1';

/** RFC 3986 percent-encoding as RFC 5849 section 3.6 requires (unreserved characters stay). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The realm NetSuite expects: the account id in upper case with `_` before a sandbox suffix
 * (`1234567-sb1` and `1234567_sb1` both become `1234567_SB1`).
 */
export function tbaRealm(accountId: string): string {
  return accountId.trim().toUpperCase().replace(/-/g, '_');
}

/** RFC 5849 3.4.1.2: scheme and host in lower case, default port dropped, no query or fragment. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.replace(':', '').toLowerCase();
  const defaultPort = (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  const port = url.port && !defaultPort ? `:${url.port}` : '';
  return `${scheme}://${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/**
 * RFC 5849 3.4.1.3.2: every parameter (query string and oauth_*, never `realm` or the signature)
 * percent-encoded, sorted by name then value, joined as `name=value` with `&`.
 */
export function normalizedParameters(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** RFC 5849 3.4.1.1: `METHOD&encoded(base URI)&encoded(normalized parameters)`. */
export function signatureBaseString(method: string, url: string, oauthParams: Record<string, string>): string {
  const u = new URL(url);
  const pairs: [string, string][] = [...u.searchParams.entries()];
  for (const [k, v] of Object.entries(oauthParams)) if (k !== 'realm' && k !== 'oauth_signature') pairs.push([k, v]);
  return [method.toUpperCase(), percentEncode(baseStringUri(u)), percentEncode(normalizedParameters(pairs))].join('&');
}

/** RFC 5849 3.4.2: base64(HMAC(consumerSecret&tokenSecret, baseString)). */
export async function hmacSignature(baseString: string, consumerSecret: string, tokenSecret: string, method: TbaSignatureMethod = 'HMAC-SHA256'): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(`${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`),
    { name: 'HMAC', hash: method === 'HMAC-SHA1' ? 'SHA-1' : 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(baseString)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** 20 random alphanumerics (NetSuite: at least 6, ideally 20). */
export function newNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export interface SignOptions {
  /** Fixed values for tests; a real call always takes a fresh nonce and the current time. */
  nonce?: string;
  timestamp?: number;
  signatureMethod?: TbaSignatureMethod;
}

/**
 * The `Authorization: OAuth realm="…", oauth_…` header for one request (RFC 5849 3.5.1: every
 * value percent-encoded and quoted).
 */
export async function tbaAuthorization(secrets: TbaSecrets, method: string, url: string, opts: SignOptions = {}): Promise<string> {
  const signatureMethod = opts.signatureMethod ?? 'HMAC-SHA256';
  const params: Record<string, string> = {
    oauth_consumer_key: secrets.consumerKey,
    oauth_token: secrets.tokenId,
    oauth_signature_method: signatureMethod,
    oauth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: opts.nonce ?? newNonce(),
    oauth_version: '1.0',
  };
  const signature = await hmacSignature(signatureBaseString(method, url, params), secrets.consumerSecret, secrets.tokenSecret, signatureMethod);
  const fields = [`realm="${percentEncode(tbaRealm(secrets.accountId))}"`];
  for (const [k, v] of Object.entries({ ...params, oauth_signature: signature })) fields.push(`${k}="${percentEncode(v)}"`);
  return `OAuth ${fields.join(', ')}`;
}
