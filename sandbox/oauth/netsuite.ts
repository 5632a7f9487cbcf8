/**
 * NetSuite's OAuth 2.0 client credentials (M2M) token endpoint, emulated: the client proves itself
 * with a JWT assertion signed PS256/ES256 by the private key of a certificate registered for the
 * integration; `kid` names the certificate, `iss` is the client id, `aud` the token URL, `scope`
 * includes rest_webservices and the assertion lives at most 60 minutes.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162686838198.html
 * Errors are `{error: "invalid_request"|"invalid_client"|"invalid_grant"}` with 400/401.
 */
import { Hono, type Context } from 'hono';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { expiresInMs, issueToken } from '../core/tokens.js';
import { readForm } from './grants.js';
import type { OAuthStore } from './store.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHMS = ['PS256', 'ES256'] as const;

function fail(c: Context, error: string, status: 400 | 401 = 400): Response {
  return c.json({ error }, status);
}

/** The token URL the assertion must name as `aud`: this request's own URL without query. */
function ownUrl(c: Context): string {
  const u = new URL(c.req.url);
  return `${u.origin}${u.pathname}`;
}

/** `now` is the sandbox clock, so a token issued after `POST /__sandbox/clock` is fresh on that clock. */
export function netsuiteOAuth(store: OAuthStore, now: () => number = Date.now): Hono {
  const app = new Hono();
  app.post('/netsuite/services/rest/auth/oauth2/v1/token', async (c) => {
    const form = await readForm(c);
    if (form['grant_type'] !== 'client_credentials') return fail(c, 'unsupported_grant_type');
    if (form['client_assertion_type'] !== ASSERTION_TYPE || !form['client_assertion']) return fail(c, 'invalid_request');
    const assertion = form['client_assertion'];
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      return fail(c, 'invalid_request');
    }
    const alg = header.alg as (typeof ALGORITHMS)[number];
    const cert = header.kid ? store.certificates.get(header.kid) : undefined;
    if (!cert || !ALGORITHMS.includes(alg)) return fail(c, 'invalid_client', 401);
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      const key = await importSPKI(cert.publicKeyPem, alg);
      ({ payload } = await jwtVerify(assertion, key, { algorithms: [alg], audience: ownUrl(c), maxTokenAge: '60m' }));
    } catch {
      return fail(c, 'invalid_grant');
    }
    if (typeof payload.iss !== 'string' || (cert.clientId && payload.iss !== cert.clientId)) return fail(c, 'invalid_client', 401);
    const scope = Array.isArray(payload['scope']) ? (payload['scope'] as unknown[]).map(String) : String(payload['scope'] ?? '').split(/[\s,]+/);
    if (!scope.includes('rest_webservices')) return fail(c, 'invalid_scope');
    // NetSuite refuses assertions valid for more than an hour.
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > 3600) return fail(c, 'invalid_grant');
    store.countGrant(payload.iss, 'client_credentials');
    // NetSuite sends expires_in as a string.
    return c.json({ access_token: issueToken('netsuite', cert.tenant, 'access', now()), expires_in: String(expiresInMs('netsuite')! / 1000), token_type: 'bearer' });
  });
  return app;
}
