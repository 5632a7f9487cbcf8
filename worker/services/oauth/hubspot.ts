/**
 * HubSpot's OAuth: the authorize URL (with PKCE S256), code exchange and refresh at the
 * 2026-03 token endpoint (form body), and refresh-token revocation on disconnect.
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
import { z } from 'zod';
import { callUpstream, type CallContext } from '../../connectors/http.js';
import { ConcordError, fail } from '../../errors.js';
import type { Credentials } from '../../storage/connections.js';
import { clientCredentials, oauthConfig, type OAuthEnv } from './config.js';
import { postForm } from './token-endpoint.js';

const TokenResponseSchema = z.object({
  access_token: z.string().min(8),
  refresh_token: z.string().min(8),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string(),
  hub_id: z.coerce.number().int().positive().optional(),
});

/** The token URL refreshes go to; kept in the refresh plan so the refresher needs no config. */
export function hubspotTokenUrl(env: OAuthEnv): string {
  return `${oauthConfig(env).HUBSPOT_API_URL}/oauth/2026-03/token`;
}

export function hubspotAuthorizeUrl(env: OAuthEnv, p: { redirectUri: string; state: string; codeChallenge: string }): string {
  const cfg = oauthConfig(env);
  const u = new URL(`${cfg.HUBSPOT_AUTH_URL}/oauth/authorize`);
  u.searchParams.set('client_id', clientCredentials(env, 'hubspot').clientId);
  u.searchParams.set('scope', cfg.HUBSPOT_SCOPES);
  if (cfg.HUBSPOT_OPTIONAL_SCOPES) u.searchParams.set('optional_scope', cfg.HUBSPOT_OPTIONAL_SCOPES);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('state', p.state);
  u.searchParams.set('code_challenge', p.codeChallenge);
  u.searchParams.set('code_challenge_method', 'S256');
  return u.toString();
}

export interface HubSpotInstall {
  credentials: Extract<Credentials, { type: 'oauth2' }>;
  hubId: string;
  baseUrl: string;
}

/**
 * Token metadata: https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
 * (`GET /oauth/v1/access-tokens/{token}`: `hub_id`, `app_id`, `user_id`, `scopes`, `expires_in`, ...).
 * The 2026-03 introspection endpoint documents only `active` in its answer, so the portal comes
 * from this one until its sunset (2027-02-16; docs/decisions.md).
 */
const TokenInfoSchema = z.object({ hub_id: z.coerce.number().int().positive(), app_id: z.coerce.number().int().optional(), token_type: z.string().optional() });

/**
 * The HubSpot portal (hub id) an access token belongs to, as HubSpot itself says when asked with
 * the token. A tenant's portal is never taken from a request body.
 */
export async function hubspotPortalId(ctx: CallContext, apiUrl: string, accessToken: string): Promise<string> {
  const res = await callUpstream(
    ctx,
    { system: 'hubspot', op: 'oauth.token_info', url: `${apiUrl}/oauth/v1/access-tokens/${encodeURIComponent(accessToken)}`, timeoutMs: 10_000, maxAttempts: 3 },
    TokenInfoSchema,
  );
  return String(res.data.hub_id);
}

/** Exchange the callback's code; a refused code is a 422 the admin can act on (start again). */
export async function exchangeHubSpotCode(env: OAuthEnv, ctx: CallContext, p: { code: string; redirectUri: string; codeVerifier: string }): Promise<HubSpotInstall> {
  const { clientId, clientSecret } = clientCredentials(env, 'hubspot');
  const res = await postForm(
    ctx,
    {
      system: 'hubspot',
      op: 'oauth.exchange',
      url: hubspotTokenUrl(env),
      fields: { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, redirect_uri: p.redirectUri, code: p.code, code_verifier: p.codeVerifier },
    },
    TokenResponseSchema,
  );
  if (!res.ok) fail({ kind: 'upstream_validation', system: 'hubspot', detail: `HubSpot refused the authorization code (${res.error}); start the connection again.` });
  const t = res.data;
  const hubId = await hubspotPortalId(ctx, oauthConfig(env).HUBSPOT_API_URL, t.access_token);
  if (t.hub_id !== undefined && String(t.hub_id) !== hubId) fail({ kind: 'upstream', system: 'hubspot', status: 200, detail: 'token response and token metadata name different portals' });
  return {
    credentials: { type: 'oauth2', accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt: Date.now() + t.expires_in * 1000, scope: oauthConfig(env).HUBSPOT_SCOPES },
    hubId,
    baseUrl: oauthConfig(env).HUBSPOT_API_URL,
  };
}

/**
 * Refresh with the refresh_token grant; `{refused}` when HubSpot refuses (reconnect needed;
 * `refreshTokenDead(refused)` when the refresh token was revoked or the app uninstalled).
 */
export async function refreshHubSpot(
  ctx: CallContext,
  plan: { tokenUrl: string; clientId: string; clientSecret: string },
  creds: Extract<Credentials, { type: 'oauth2' }>,
): Promise<Extract<Credentials, { type: 'oauth2' }> | { refused: { status: number; error: string } }> {
  const res = await postForm(
    ctx,
    { system: 'hubspot', op: 'oauth.refresh', url: plan.tokenUrl, fields: { grant_type: 'refresh_token', client_id: plan.clientId, client_secret: plan.clientSecret, refresh_token: creds.refreshToken } },
    TokenResponseSchema,
  );
  if (!res.ok) return { refused: { status: res.status, error: res.error } };
  return { ...creds, accessToken: res.data.access_token, refreshToken: res.data.refresh_token, expiresAt: Date.now() + res.data.expires_in * 1000 };
}

/** https://developers.hubspot.com/docs/api/oauth/tokens: DELETE /oauth/v1/refresh-tokens/:token. Best effort. */
export async function revokeHubSpot(env: OAuthEnv, ctx: CallContext, refreshToken: string): Promise<boolean> {
  const res = await postForm(
    ctx,
    { system: 'hubspot', op: 'oauth.revoke', method: 'DELETE', url: `${oauthConfig(env).HUBSPOT_API_URL}/oauth/v1/refresh-tokens/${encodeURIComponent(refreshToken)}`, fields: {} },
    z.unknown(),
  );
  return res.ok;
}

/**
 * Uninstall the app from the connection's portal
 * (https://developers.hubspot.com/docs/api-reference/latest/app-management/app-uninstalls/guide):
 * `DELETE /appinstalls/2026-03/external-install` with the portal's OAuth access token, 204. Through
 * the connector layer (the tenant's limiter, retries of transient failures), without the
 * refresh-on-401 hook: a 401 (or 400) here means HubSpot no longer knows the install, answered as
 * `already_uninstalled`. Other failures (5xx, timeout, 429 after retries) throw.
 */
export async function uninstallHubSpotApp(ctx: CallContext, baseUrl: string, accessToken: string): Promise<'uninstalled' | 'already_uninstalled'> {
  try {
    await callUpstream(ctx, { system: 'hubspot', op: 'app.uninstall', method: 'DELETE', url: `${baseUrl}/appinstalls/2026-03/external-install`, headers: { authorization: `Bearer ${accessToken}` }, maxAttempts: 3 }, z.unknown());
    return 'uninstalled';
  } catch (err) {
    if (err instanceof ConcordError && (err.error.kind === 'auth_expired' || err.error.kind === 'upstream_validation')) return 'already_uninstalled';
    throw err;
  }
}
