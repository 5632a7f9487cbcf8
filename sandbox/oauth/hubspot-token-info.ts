/**
 * What a HubSpot access token stands for, as HubSpot tells an app: the portal (`hub_id`), the
 * installing user, the app and the granted scopes. Two endpoints say it:
 * - `POST /oauth/2026-03/token/introspect` (form: client_id, client_secret, token,
 *   token_type_hint): `{token_use, active, token, hub_id, user_id, client_id, app_id, scopes,
 *   signed_access_token, expires_in, is_private_distribution, token_type, user, hub_domain}`, or
 *   `{active: false}` for a dead token (expired, revoked, killed by an uninstall, not HubSpot's);
 *   also served at the older `/oauth/v3/token/introspect`;
 * - `GET /oauth/v1/access-tokens/:token` (legacy, sunset 2027-02-16): the same metadata without
 *   `token_use`/`active`/`client_id`; a dead token is a 404 (the sandbox's reading: HubSpot
 *   documents the success answer only).
 * Scopes are those granted in the OAuth flow; tokens from `POST /__sandbox/tokens` (private-app
 * tokens) carry every CRM scope the emulator serves and do not expire.
 * https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/token-introspect
 * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/get-oauth-token-metadata
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { SandboxState } from '../core/state.js';
import { expiresInMs, verifyToken, type TokenClaims } from '../core/tokens.js';
import { SANDBOX_APP_ID, revokedByUninstall } from '../hubspot/installs.js';
import type { SandboxTenant } from '../seed/types.js';
import { clientOf, readForm } from './grants.js';
import type { OAuthStore } from './store.js';

/** What a private-app (static) sandbox token may do: the CRM the emulator serves. */
const PRIVATE_APP_SCOPES = [
  'oauth',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.line_items.read',
  'crm.objects.owners.read',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.deals.write',
  'e-commerce',
];

/** A static token's remaining life as reported: it does not expire, so one year. */
const STATIC_EXPIRES_IN = 365 * 86_400;

/** The installing user of each tenant's portal (user ids are numbers, emails their login). */
const USERS: Record<SandboxTenant, number> = { demo: 6_100_001, other: 6_100_002 };

interface LiveToken {
  claims: TokenClaims;
  expiresIn: number;
}

/** The token's claims when it is a live HubSpot access token, else null. */
function liveAccessToken(state: SandboxState, store: OAuthStore, token: string): LiveToken | null {
  const claims = verifyToken(token);
  if (!claims || claims.vendor !== 'hubspot' || claims.kind === 'refresh' || store.revoked.has(token) || revokedByUninstall(state, claims)) return null;
  if (claims.kind === 'static') return { claims, expiresIn: STATIC_EXPIRES_IN };
  const left = Math.floor((claims.iat + expiresInMs('hubspot')! - Date.now()) / 1000);
  return left > 0 ? { claims, expiresIn: left } : null;
}

/** The metadata both endpoints share. */
function metadata(state: SandboxState, store: OAuthStore, token: string, live: LiveToken): Record<string, unknown> {
  const { tenant } = live.claims;
  const hubId = state.dataset(tenant).hubspot.portalId;
  const scopes = store.tokenScopes.get(token) ?? PRIVATE_APP_SCOPES;
  const userId = USERS[tenant];
  return {
    token,
    user: `admin@${tenant}.sandbox.example`,
    hub_domain: `${tenant}.sandbox.example`,
    scopes,
    signed_access_token: {
      appId: SANDBOX_APP_ID,
      expiresAt: Date.now() + live.expiresIn * 1000,
      hubId,
      hublet: 'na1',
      installingUserId: userId,
      isPrivateDistribution: false,
      isServiceAccount: false,
      isUserLevel: false,
      newSignature: '',
      scopeToScopeGroupPks: '',
      scopes: scopes.join(','),
      signature: '',
      trialScopeToScopeGroupPks: '',
      trialScopes: '',
      userId,
    },
    hub_id: hubId,
    app_id: SANDBOX_APP_ID,
    expires_in: live.expiresIn,
    user_id: userId,
    token_type: 'access',
    is_private_distribution: false,
  };
}

/** Routes, mounted at the sandbox root (paths carry the `/hubspot` prefix). */
export function hubspotTokenInfo(state: SandboxState, store: OAuthStore): Hono {
  const app = new Hono();

  const introspect = async (c: Context) => {
    const form = await readForm(c);
    const client = clientOf(store, form);
    if (!client.ok) return c.json({ status: 'BAD_CLIENT_ID', message: client.message, correlationId: randomUUID() }, 400);
    const token = form['token'] ?? '';
    const live = liveAccessToken(state, store, token);
    if (!live) return c.json({ active: false });
    return c.json({ token_use: 'access_token', active: true, client_id: client.value.clientId, ...metadata(state, store, token, live) });
  };
  app.post('/hubspot/oauth/2026-03/token/introspect', introspect);
  app.post('/hubspot/oauth/v3/token/introspect', introspect);

  app.get('/hubspot/oauth/v1/access-tokens/:token', (c) => {
    const token = c.req.param('token');
    const live = liveAccessToken(state, store, token);
    if (!live) return c.json({ status: 'error', message: 'The access token is expired, revoked or not a HubSpot access token.', correlationId: randomUUID(), category: 'OBJECT_NOT_FOUND' }, 404);
    return c.json(metadata(state, store, token, live));
  });
  return app;
}
