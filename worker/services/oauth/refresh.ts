/**
 * Token refresh, vendor by vendor. The caller builds a `RefreshPlan` from its configuration (token
 * URL and client credentials) and hands it to the token refresher Durable Object, which runs
 * `performRefresh` at most once at a time per connection. Plans are plain data so they cross the
 * Durable Object RPC boundary; they never leave the Worker.
 */
import type { CallContext } from '../../connectors/http.js';
import { devMode } from '../../env.js';
import { ConcordError, fail } from '../../errors.js';
import type { Connection, Credentials } from '../../storage/connections.js';
import { clientCredentials, type OAuthEnv } from './config.js';
import { hubspotTokenUrl, refreshHubSpot } from './hubspot.js';
import { fetchNetSuiteToken, netsuiteTokenUrl } from './netsuite.js';
import { loginBase, refreshSalesforce } from './salesforce.js';
import { refreshTokenDead } from './token-endpoint.js';

export type RefreshPlan =
  | { kind: 'hubspot'; tokenUrl: string; clientId: string; clientSecret: string }
  | { kind: 'salesforce'; tokenUrl: string; introspectUrl: string; clientId: string; clientSecret: string; devMode: boolean }
  | { kind: 'netsuite_m2m'; tokenUrl: string };

/** Refresh early so a token never expires in flight. */
export const EXPIRY_SKEW_MS = 60_000;

/** The access token stored in the credentials (may be expired), or null when none is held yet. */
export function storedToken(creds: Credentials): string | null {
  switch (creds.type) {
    case 'bearer':
    case 'oauth2':
      return creds.accessToken;
    case 'api_key':
      return creds.apiKey;
    case 'netsuite_m2m':
      return creds.accessToken ?? null;
    case 'netsuite_tba':
      // Signed per request (OAuth 1.0a): there is no bearer token.
      return null;
  }
}

/** Whether the stored token is still good for at least the skew (unknown expiry counts as good). */
export function isFresh(creds: Credentials, now = Date.now()): boolean {
  if (creds.type === 'bearer' || creds.type === 'api_key' || creds.type === 'netsuite_tba') return true;
  if (!storedToken(creds)) return false;
  return creds.expiresAt == null || creds.expiresAt - EXPIRY_SKEW_MS > now;
}

/** How this connection's credentials are refreshed, or null for static credentials. */
export function planFor(env: OAuthEnv, conn: Connection): RefreshPlan | null {
  const creds = conn.credentials;
  if (creds.type === 'netsuite_m2m') return { kind: 'netsuite_m2m', tokenUrl: netsuiteTokenUrl(conn.baseUrl) };
  if (creds.type !== 'oauth2') return null;
  if (conn.system === 'hubspot') return { kind: 'hubspot', tokenUrl: hubspotTokenUrl(env), ...clientCredentials(env, 'hubspot') };
  if (conn.system === 'salesforce') {
    const base = loginBase(env, creds.authHost ?? 'login');
    return { kind: 'salesforce', tokenUrl: `${base}/services/oauth2/token`, introspectUrl: `${base}/services/oauth2/introspect`, ...clientCredentials(env, 'salesforce'), devMode: devMode(env) };
  }
  return null;
}

/**
 * The vendor refused the refresh token itself (HubSpot 400 BAD_REFRESH_TOKEN, Salesforce 400
 * invalid_grant): it was revoked or the app uninstalled, so the stored tokens are dead for good.
 * An `auth_expired` like any refusal, so callers see the same stable error; the token refresher
 * also deletes the connection (`removeRevokedConnection`).
 */
export class RefreshTokenRevoked extends ConcordError {
  constructor(system: string) {
    super({ kind: 'auth_expired', system });
  }
}

/** New credentials from the vendor; `auth_expired` when the vendor refuses (the admin must reconnect). */
export async function performRefresh(ctx: CallContext, plan: RefreshPlan, conn: Connection): Promise<Credentials> {
  const creds = conn.credentials;
  if (plan.kind === 'netsuite_m2m' && creds.type === 'netsuite_m2m') {
    const res = await fetchNetSuiteToken(ctx, plan.tokenUrl, creds);
    if (!res.ok) fail({ kind: 'auth_expired', system: conn.system });
    return { ...creds, accessToken: res.accessToken, expiresAt: res.expiresAt };
  }
  if ((plan.kind === 'hubspot' || plan.kind === 'salesforce') && creds.type === 'oauth2') {
    const next = plan.kind === 'hubspot' ? await refreshHubSpot(ctx, plan, creds) : await refreshSalesforce(ctx, plan, creds);
    if ('refused' in next) {
      if (refreshTokenDead(next.refused)) throw new RefreshTokenRevoked(conn.system);
      fail({ kind: 'auth_expired', system: conn.system });
    }
    return next;
  }
  return fail({ kind: 'auth_expired', system: conn.system });
}
