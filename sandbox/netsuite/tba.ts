/**
 * NetSuite token-based authentication (TBA) for the emulator: OAuth 1.0a requests signed with
 * HMAC-SHA256, checked the way NetSuite checks them: realm = the account id, a known consumer key
 * and token, a timestamp within 5 minutes of the (sandbox) clock, a nonce of at least 6
 * characters never used before with this token, and the signature recomputed over the RFC 5849
 * base string (method, normalised URL, sorted query and oauth_* parameters). Any failure is a
 * 401 `INVALID_LOGIN_ATTEMPT`. This is an independent implementation (node:crypto), so the
 * broker's WebCrypto signer is checked against something other than itself.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941088.html
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_156935170194.html (error causes)
 * https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { oauth1Params, requireVendorToken, type SandboxEnv } from '../core/auth.js';
import { problem, readJson } from '../core/http.js';
import { sandboxNow } from '../core/limits.js';
import type { SandboxState } from '../core/state.js';
import { issueTbaCredentials, verifyTbaToken } from '../core/tokens.js';
import { nsError, nsUnauthorized } from './errors.js';

/** NetSuite allows this much clock difference between the client's timestamp and its own. */
export const TBA_MAX_SKEW_MS = 5 * 60_000;
/** Nonces are remembered a little longer than a timestamp stays acceptable. */
const NONCE_TTL_MS = 2 * TBA_MAX_SKEW_MS;

const nonces = new WeakMap<SandboxState, Map<string, number>>();

/** True the first time a token uses `nonce` (within the remembered window). */
function firstUse(state: SandboxState, key: string, now: number): boolean {
  let seen = nonces.get(state);
  if (!seen) nonces.set(state, (seen = new Map()));
  for (const [k, until] of seen) if (until <= now) seen.delete(k);
  if (seen.has(key)) return false;
  seen.set(key, now + NONCE_TTL_MS);
  return true;
}

/** RFC 3986 encoding (RFC 5849 3.6). */
const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature base string of this request as NetSuite would build it. */
export function baseStringOf(method: string, rawUrl: string, params: Record<string, string>): string {
  const url = new URL(rawUrl);
  const defaultPort = (url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443');
  const uri = `${url.protocol}//${url.hostname.toLowerCase()}${url.port && !defaultPort ? `:${url.port}` : ''}${url.pathname}`;
  const pairs: [string, string][] = [...url.searchParams.entries()];
  for (const [k, v] of Object.entries(params)) if (k !== 'realm' && k !== 'oauth_signature') pairs.push([k, v]);
  const normalized = pairs
    .map(([k, v]) => [enc(k), enc(v)])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${method.toUpperCase()}&${enc(uri)}&${enc(normalized)}`;
}

const refused = (c: Context, reason: string) =>
  nsError(c, 401, 'INVALID_LOGIN_ATTEMPT', `Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail. (${reason})`);

/** Why a TBA request is refused (the Login Audit Trail's detail), or null with its claims. */
function checkTba(c: Context, state: SandboxState, p: Record<string, string>): { reason: string } | { claims: NonNullable<ReturnType<typeof verifyTbaToken>>['claims'] } {
  for (const k of ['oauth_consumer_key', 'oauth_token', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'realm']) {
    if (!p[k]) return { reason: 'MissingTokenPassportRequiredFields' };
  }
  if (p['oauth_version'] !== undefined && p['oauth_version'] !== '1.0') return { reason: 'InvalidVersion' };
  // NetSuite no longer accepts HMAC-SHA1 (or PLAINTEXT) for TBA.
  if (p['oauth_signature_method'] !== 'HMAC-SHA256') return { reason: 'InvalidSignatureMethod' };
  const token = verifyTbaToken(p['oauth_token']);
  if (!token) return { reason: 'InvalidToken' };
  if (p['oauth_consumer_key'] !== token.consumerKey) return { reason: 'consumer_key_unknown' };
  const account = state.dataset(token.claims.tenant).netsuite.accountId;
  if (p['realm']!.toUpperCase() !== account.toUpperCase()) return { reason: 'InvalidAccount' };
  const now = sandboxNow(state);
  const ts = Number(p['oauth_timestamp']);
  if (!/^\d{1,12}$/.test(p['oauth_timestamp']!) || Math.abs(now - ts * 1000) > TBA_MAX_SKEW_MS) return { reason: 'InvalidTimestamp' };
  if (p['oauth_nonce']!.length < 6 || p['oauth_nonce']!.length > 64) return { reason: 'nonce_rejected' };
  const expected = createHmac('sha256', `${enc(token.consumerSecret)}&${enc(token.tokenSecret)}`).update(baseStringOf(c.req.method, c.req.url, p)).digest();
  const given = Buffer.from(p['oauth_signature']!, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { reason: 'InvalidSignature' };
  // Checked after the signature, so a forged request cannot burn a client's nonce.
  if (!firstUse(state, `${p['oauth_token']}|${p['oauth_nonce']}`, now)) return { reason: 'NonceUsed' };
  return { claims: token.claims };
}

/**
 * NetSuite REST authentication: TBA when the header is an OAuth 1.0a one, otherwise a bearer token
 * (OAuth 2.0 access token or a sandbox token).
 */
export function requireNetSuiteAuth(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  const bearer = requireVendorToken('netsuite', nsUnauthorized);
  return async (c, next) => {
    const params = oauth1Params(c.req.header('authorization'));
    if (!params) return bearer(c, next);
    const result = checkTba(c, state, params);
    if ('reason' in result) return refused(c, result.reason);
    c.set('claims', result.claims);
    c.set('tenant', result.claims.tenant);
    await next();
  };
}

const credentialsBody = z.object({ tenant: z.enum(['demo', 'other']) }).strict();

/**
 * `POST /__sandbox/netsuite/tba-credentials {tenant}`: what an administrator copies from the
 * integration record (consumer key/secret) and the access token page (token id/secret).
 */
export function tbaAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  app.post('/netsuite/tba-credentials', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = credentialsBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_tba_request', 'tenant must be demo or other');
    const accountId = state.dataset(parsed.data.tenant).netsuite.accountId;
    return c.json({ accountId, ...issueTbaCredentials(parsed.data.tenant) }, 201);
  });
  return app;
}
