/**
 * Salesforce's OAuth 2.0 web server flow, emulated: authorize (consent page, PKCE required),
 * token (authorization_code and refresh_token grants), revoke and introspect, and the Identity
 * Service the token answer points at (`id`: the identity URL; `/services/oauth2/userinfo`). One
 * sandbox host stands in for login.salesforce.com, test.salesforce.com and every My Domain.
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 * Token responses have `instance_url`, `id`, `issued_at` and `signature`, and no `expires_in`.
 * Errors: 400 `{error, error_description}` (e.g. invalid_grant "expired access/refresh token").
 */
import { createHmac } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { SandboxState } from '../core/state.js';
import { expiresInMs, issueToken, opensApi, verifyToken, type TokenClaims } from '../core/tokens.js';
import { extractToken } from '../core/auth.js';
import type { SandboxTenant } from '../seed/types.js';
import { apiUser, identityAnswer, identityUrl, userInfoAnswer } from '../salesforce/identity.js';
import { consentDecision, consentPage } from './consent.js';
import { acceptRefresh, clientOf, readForm, redeemCode, type GrantFailure } from './grants.js';
import type { OAuthClientApp, OAuthStore } from './store.js';

const ERROR: Record<GrantFailure, [string, string]> = {
  invalid_client: ['invalid_client', 'invalid client credentials'],
  invalid_code: ['invalid_grant', 'invalid authorization code'],
  redirect_mismatch: ['redirect_uri_mismatch', 'redirect_uri must match configuration'],
  pkce_failed: ['invalid_grant', 'invalid code verifier'],
  invalid_refresh_token: ['invalid_grant', 'expired access/refresh token'],
  unsupported_grant_type: ['unsupported_grant_type', 'grant type not supported'],
  invalid_request: ['invalid_request', 'missing required parameter'],
};

function oauthError(c: Context, failure: GrantFailure): Response {
  const [error, description] = ERROR[failure];
  return c.json({ error, error_description: description }, failure === 'invalid_client' ? 401 : 400);
}

/** The instance URL the emulator's REST API answers on: this host's `/salesforce`. */
function instanceUrl(c: Context): string {
  return `${new URL(c.req.url).origin}/salesforce`;
}

function tokenResponse(c: Context, state: SandboxState, app: OAuthClientApp, tenant: SandboxTenant, refreshToken: string | undefined, scope: string) {
  const id = identityUrl(instanceUrl(c), state.dataset(tenant).salesforce);
  const issuedAt = String(Date.now());
  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_endpoints.htm: HMAC-SHA256 of id + issued_at with the consumer secret.
  const signature = createHmac('sha256', app.clientSecret).update(id + issuedAt).digest('base64');
  return {
    access_token: issueToken('salesforce', tenant),
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature,
    scope: scope || 'api refresh_token',
    instance_url: instanceUrl(c),
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
}

/** Routes, mounted at the sandbox root (paths carry the `/salesforce` prefix). */
export function salesforceOAuth(state: SandboxState, store: OAuthStore): Hono {
  const app = new Hono();
  app.get('/salesforce/services/oauth2/authorize', (c) => consentPage(c, store, 'salesforce', 'Salesforce'));
  app.post('/salesforce/services/oauth2/authorize', (c) => consentDecision(c, store, 'salesforce'));

  app.post('/salesforce/services/oauth2/token', async (c) => {
    const form = await readForm(c);
    const client = clientOf(store, form);
    if (!client.ok) return oauthError(c, client.failure);
    if (form['grant_type'] === 'authorization_code') {
      const redeemed = redeemCode(store, 'salesforce', client.value, form);
      if (!redeemed.ok) return oauthError(c, redeemed.failure);
      store.countGrant(client.value.clientId, 'authorization_code');
      const { tenant, scope } = redeemed.value;
      return c.json(tokenResponse(c, state, client.value, tenant, issueToken('salesforce', tenant, 'refresh'), scope));
    }
    if (form['grant_type'] === 'refresh_token') {
      const refreshed = acceptRefresh(store, 'salesforce', form);
      if (!refreshed.ok) return oauthError(c, refreshed.failure);
      store.countGrant(client.value.clientId, 'refresh_token');
      // Without refresh-token rotation Salesforce returns no new refresh token.
      return c.json(tokenResponse(c, state, client.value, refreshed.value.tenant, undefined, ''));
    }
    return oauthError(c, 'unsupported_grant_type');
  });

  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm: 200 on success, 400 unsupported_token_type.
  app.post('/salesforce/services/oauth2/revoke', async (c) => {
    const form = await readForm(c);
    const token = form['token'] ?? c.req.query('token') ?? '';
    const claims = verifyToken(token);
    if (!claims || claims.vendor !== 'salesforce') return c.json({ error: 'unsupported_token_type', error_description: 'this token type is not supported' }, 400);
    store.revoked.add(token);
    return c.body(null, 200);
  });

  // https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_introspection_endpoint.htm (RFC 7662 shape).
  app.post('/salesforce/services/oauth2/introspect', async (c) => {
    const form = await readForm(c);
    const client = clientOf(store, form);
    if (!client.ok) return oauthError(c, client.failure);
    const token = form['token'] ?? '';
    const claims = verifyToken(token);
    if (!claims || claims.vendor !== 'salesforce' || store.revoked.has(token)) return c.json({ active: false });
    const ttl = claims.kind === 'access' ? expiresInMs('salesforce') : null;
    const exp = ttl === null ? null : Math.floor((claims.iat + ttl) / 1000);
    if (exp !== null && exp * 1000 <= Date.now()) return c.json({ active: false });
    return c.json({
      active: true,
      scope: 'api refresh_token',
      client_id: client.value.clientId,
      username: apiUser(state.dataset(claims.tenant).salesforce).Username,
      sub: identityUrl(instanceUrl(c), state.dataset(claims.tenant).salesforce),
      token_type: claims.kind === 'access' ? 'access_token' : 'refresh_token',
      iat: Math.floor(claims.iat / 1000),
      nbf: Math.floor(claims.iat / 1000),
      ...(exp === null ? {} : { exp }),
    });
  });

  /**
   * The Identity Service takes the access token as a Bearer header or an `oauth_token` query
   * parameter (jsforce's `identity()` sends both), and refuses in its own way: 403 with one word
   * of plain text (`Missing_OAuth_Token`, `Bad_OAuth_Token`), where the REST API answers 401.
   */
  const identityClaims = (c: Context): TokenClaims | Response => {
    const token = extractToken(c.req.header('authorization')) ?? c.req.query('oauth_token') ?? null;
    if (!token) return c.text('Missing_OAuth_Token', 403);
    const claims = verifyToken(token);
    const ttl = expiresInMs('salesforce');
    const expired = claims?.kind === 'access' && ttl !== null && Date.now() - claims.iat > ttl;
    if (!claims || claims.vendor !== 'salesforce' || !opensApi(claims) || expired || store.revoked.has(token)) return c.text('Bad_OAuth_Token', 403);
    return claims;
  };

  // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm
  app.get('/salesforce/id/:orgId/:userId', (c) => {
    const claims = identityClaims(c);
    if (claims instanceof Response) return claims;
    const ds = state.dataset(claims.tenant).salesforce;
    // A token opens its own org's identity URLs only. (Not documented: the sandbox answers a
    // foreign org like a bad token, and an unknown user of the org with 404 `Bad_Id`.)
    if (c.req.param('orgId').slice(0, 15) !== ds.orgId.slice(0, 15)) return c.text('Bad_OAuth_Token', 403);
    const user = ds.User.find((u) => u.Id.slice(0, 15) === c.req.param('userId').slice(0, 15));
    if (!user) return c.text('Bad_Id', 404);
    const format = c.req.query('format');
    if (format !== undefined && format !== 'json') return c.text('Unsupported format: the sandbox answers JSON only', 406);
    return c.json(identityAnswer(instanceUrl(c), ds, user, c.req.query('version')));
  });

  // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_userinfo_endpoint.htm (GET or POST)
  const userinfo = (c: Context) => {
    const claims = identityClaims(c);
    if (claims instanceof Response) return claims;
    return c.json(userInfoAnswer(instanceUrl(c), state.dataset(claims.tenant).salesforce));
  };
  app.get('/salesforce/services/oauth2/userinfo', userinfo);
  app.post('/salesforce/services/oauth2/userinfo', userinfo);
  return app;
}
