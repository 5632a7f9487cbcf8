/**
 * HubSpot's OAuth server, emulated: authorize (consent page), the 2026-03 token endpoint and the
 * legacy v1 one (both form-encoded), refresh-token metadata and revocation, and what an access
 * token stands for (hubspot-token-info.ts).
 * https://developers.hubspot.com/docs/api/oauth/tokens
 * Errors follow HubSpot's OAuth shape: 400 `{status: "BAD_AUTH_CODE"|..., message, correlationId}`.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { SandboxState } from '../core/state.js';
import { issueToken, expiresInMs, verifyToken } from '../core/tokens.js';
import { revokedByUninstall } from '../hubspot/installs.js';
import { consentDecision, consentPage } from './consent.js';
import { acceptRefresh, clientOf, readForm, redeemCode, type GrantFailure } from './grants.js';
import type { OAuthStore } from './store.js';
import { hubspotTokenInfo } from './hubspot-token-info.js';

const STATUS: Record<GrantFailure, string> = {
  invalid_client: 'BAD_CLIENT_ID',
  invalid_code: 'BAD_AUTH_CODE',
  redirect_mismatch: 'MISMATCH_REDIRECT_URI_AUTH_CODE',
  pkce_failed: 'BAD_AUTH_CODE',
  invalid_refresh_token: 'BAD_REFRESH_TOKEN',
  unsupported_grant_type: 'BAD_GRANT_TYPE',
  invalid_request: 'BAD_REQUEST',
};

/** The app id the sandbox's HubSpot gives the broker's app (the same as its webhooks' default `appId`). */
/** The sandbox app id (the broker's HUBSPOT_APP_ID in the local estate). */
export { SANDBOX_APP_ID as SANDBOX_HUBSPOT_APP_ID } from '../hubspot/installs.js';

function oauthError(c: Context, failure: GrantFailure, message: string): Response {
  return c.json({ status: STATUS[failure], message, correlationId: randomUUID() }, 400);
}

function tokenEndpoint(state: SandboxState, store: OAuthStore) {
  return async (c: Context) => {
    const form = await readForm(c);
    const app = clientOf(store, form);
    if (!app.ok) return oauthError(c, app.failure, app.message);
    const expiresIn = expiresInMs('hubspot')! / 1000;
    if (form['grant_type'] === 'authorization_code') {
      const redeemed = redeemCode(store, 'hubspot', app.value, form);
      if (!redeemed.ok) return oauthError(c, redeemed.failure, redeemed.message);
      const { tenant } = redeemed.value;
      store.countGrant(app.value.clientId, 'authorization_code');
      const scopes = redeemed.value.scope.split(/\s+/).filter(Boolean);
      const accessToken = issueToken('hubspot', tenant);
      const refreshToken = issueToken('hubspot', tenant, 'refresh');
      store.tokenScopes.set(accessToken, scopes);
      store.tokenScopes.set(refreshToken, scopes);
      return c.json({ token_type: 'bearer', access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, hub_id: state.dataset(tenant).hubspot.portalId, scopes });
    }
    if (form['grant_type'] === 'refresh_token') {
      const refreshed = acceptRefresh(store, 'hubspot', form);
      if (!refreshed.ok) return oauthError(c, refreshed.failure, refreshed.message);
      // The app was uninstalled from the portal since this refresh token was issued.
      if (revokedByUninstall(state, refreshed.value)) return oauthError(c, 'invalid_refresh_token', 'refresh token is invalid or revoked');
      store.countGrant(app.value.clientId, 'refresh_token');
      // HubSpot refresh tokens do not rotate: the same one comes back.
      const accessToken = issueToken('hubspot', refreshed.value.tenant);
      const scopes = store.tokenScopes.get(form['refresh_token']!);
      if (scopes) store.tokenScopes.set(accessToken, scopes);
      return c.json({
        token_type: 'bearer',
        access_token: accessToken,
        refresh_token: form['refresh_token'],
        expires_in: expiresIn,
        hub_id: state.dataset(refreshed.value.tenant).hubspot.portalId,
      });
    }
    return oauthError(c, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  };
}

/** Routes, mounted at the sandbox root (paths carry the `/hubspot` prefix). */
export function hubspotOAuth(state: SandboxState, store: OAuthStore): Hono {
  const app = new Hono();
  app.get('/hubspot/oauth/authorize', (c) => consentPage(c, store, 'hubspot', 'HubSpot'));
  app.post('/hubspot/oauth/authorize', (c) => consentDecision(c, store, 'hubspot'));
  app.post('/hubspot/oauth/2026-03/token', tokenEndpoint(state, store));
  // Legacy endpoint (sunset 2027-02-16), same contract.
  app.post('/hubspot/oauth/v1/token', tokenEndpoint(state, store));

  // https://developers.hubspot.com/docs/api/oauth/tokens (GET/DELETE /oauth/v1/refresh-tokens/:token)
  app.get('/hubspot/oauth/v1/refresh-tokens/:token', (c) => {
    const token = c.req.param('token');
    const claims = verifyToken(token);
    if (!claims || claims.vendor !== 'hubspot' || claims.kind !== 'refresh' || store.revoked.has(token) || revokedByUninstall(state, claims)) return oauthError(c, 'invalid_refresh_token', 'refresh token not found');
    return c.json({ token, hub_id: state.dataset(claims.tenant).hubspot.portalId, token_type: 'refresh' });
  });
  app.route('/', hubspotTokenInfo(state, store));
  app.delete('/hubspot/oauth/v1/refresh-tokens/:token', (c) => {
    const token = c.req.param('token');
    const claims = verifyToken(token);
    if (!claims || claims.vendor !== 'hubspot' || claims.kind !== 'refresh') return oauthError(c, 'invalid_refresh_token', 'refresh token not found');
    store.revoked.add(token);
    return c.body(null, 204);
  });
  return app;
}
