/**
 * Salesforce's OAuth 2.0 web server flow with PKCE: login host selection (login, test or a My
 * Domain), code exchange, refresh, introspection (token responses carry no `expires_in`) and
 * revocation. https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 */
import { z } from 'zod';
import { MY_DOMAIN_HOST, checkBaseUrl } from '../../connectors/hosts.js';
import { callUpstream, type CallContext } from '../../connectors/http.js';
import { devMode } from '../../env.js';
import { fail } from '../../errors.js';
import type { Credentials } from '../../storage/connections.js';
import { fromBase64Url, timingSafeEqual, toBase64Url } from '../../storage/crypto.js';
import { clientCredentials, fillTemplate, oauthConfig, type OAuthEnv } from './config.js';
import { postForm } from './token-endpoint.js';

type OAuth2 = Extract<Credentials, { type: 'oauth2' }>;

/** `login`, `test`, or a My Domain host such as `acme.my.salesforce.com` / `acme--uat.sandbox.my.salesforce.com`. */
export const LoginHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => v === 'login' || v === 'test' || MY_DOMAIN_HOST.test(v), 'login, test or <name>.my.salesforce.com');

/**
 * Base URL of the login host (config decides where each kind points; the sandbox maps all three
 * to itself). Checked strictly on every use, not only when a flow starts: a stored `authHost`
 * (from a row written before this check existed) that is not `login`, `test` or a My Domain host
 * is refused here, so the client secret is never posted to a host a tenant chose. The My Domain
 * URL is built from the parsed host name (connectors/hosts.ts `fillHostTemplate`).
 */
export function loginBase(env: OAuthEnv, authHost: string): string {
  if (authHost !== 'login' && authHost !== 'test' && !MY_DOMAIN_HOST.test(authHost)) {
    fail({ kind: 'conflict', code: 'login_host_invalid', message: 'The stored Salesforce login host is not login, test or a My Domain host; connect Salesforce again.' });
  }
  const cfg = oauthConfig(env);
  if (authHost === 'login') return cfg.SALESFORCE_LOGIN_URL;
  if (authHost === 'test') return cfg.SALESFORCE_TEST_LOGIN_URL;
  return fillTemplate(env, cfg.SALESFORCE_MY_DOMAIN_URL, 'domain', authHost.replace(/\.my\.salesforce\.com$/, ''));
}

/** `instance_url` from a token response: a Salesforce My Domain host (loopback only in development mode). */
function instanceUrl(value: string, dev: boolean): string {
  const checked = checkBaseUrl(value, 'salesforce', { devMode: dev });
  if (!checked.ok) fail({ kind: 'upstream', system: 'salesforce', status: 200, detail: `instance_url refused: ${checked.reason}` });
  return checked.url;
}

const TokenResponseSchema = z.object({
  access_token: z.string().min(8),
  refresh_token: z.string().min(8).optional(),
  instance_url: z.string().url(),
  id: z.string().url(),
  issued_at: z.string().regex(/^\d+$/),
  signature: z.string().min(8),
  scope: z.string().optional(),
});

const IntrospectSchema = z.object({ active: z.boolean(), exp: z.number().int().optional() });

export function salesforceAuthorizeUrl(env: OAuthEnv, p: { authHost: string; redirectUri: string; state: string; codeChallenge: string }): string {
  const u = new URL(`${loginBase(env, p.authHost)}/services/oauth2/authorize`);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('client_id', clientCredentials(env, 'salesforce').clientId);
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('scope', oauthConfig(env).SALESFORCE_SCOPES);
  u.searchParams.set('state', p.state);
  u.searchParams.set('code_challenge', p.codeChallenge);
  u.searchParams.set('code_challenge_method', 'S256');
  return u.toString();
}

/** The response's `signature`: base64(HMAC-SHA256(id + issued_at, client secret)), proof it came from Salesforce. */
async function signatureValid(clientSecret: string, id: string, issuedAt: string, signature: string): Promise<boolean> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(clientSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(id + issuedAt)));
  const given = toBase64Url(fromBase64Url(signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')));
  return timingSafeEqual(toBase64Url(mac), given);
}

/** When the access token expires, from introspection; null when Salesforce does not say. */
export async function introspectExpiry(ctx: CallContext, p: { introspectUrl: string; clientId: string; clientSecret: string }, accessToken: string): Promise<number | null> {
  const res = await postForm(
    ctx,
    { system: 'salesforce', op: 'oauth.introspect', url: p.introspectUrl, fields: { token: accessToken, token_type_hint: 'access_token', client_id: p.clientId, client_secret: p.clientSecret } },
    IntrospectSchema,
  );
  return res.ok && res.data.active && res.data.exp ? res.data.exp * 1000 : null;
}

/** https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm (OpenID Connect UserInfo). */
const UserInfoSchema = z.object({ organization_id: z.string().regex(/^00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/), user_id: z.string().optional() });

/**
 * The org a Salesforce access token belongs to, as Salesforce itself says: `organization_id`
 * from the UserInfo endpoint of the instance, called with that token. The tenant's org is never
 * taken from a request body.
 */
export async function salesforceOrgId(ctx: CallContext, baseUrl: string, accessToken: string): Promise<string> {
  const res = await callUpstream(
    ctx,
    { system: 'salesforce', op: 'oauth.userinfo', url: `${baseUrl}/services/oauth2/userinfo`, headers: { authorization: `Bearer ${accessToken}` }, timeoutMs: 10_000, maxAttempts: 3 },
    UserInfoSchema,
  );
  return res.data.organization_id;
}

export interface SalesforceInstall {
  credentials: OAuth2;
  orgId: string;
  instanceUrl: string;
}

export async function exchangeSalesforceCode(env: OAuthEnv, ctx: CallContext, p: { authHost: string; code: string; redirectUri: string; codeVerifier: string }): Promise<SalesforceInstall> {
  const { clientId, clientSecret } = clientCredentials(env, 'salesforce');
  const base = loginBase(env, p.authHost);
  const res = await postForm(
    ctx,
    {
      system: 'salesforce',
      op: 'oauth.exchange',
      url: `${base}/services/oauth2/token`,
      fields: { grant_type: 'authorization_code', code: p.code, client_id: clientId, client_secret: clientSecret, redirect_uri: p.redirectUri, code_verifier: p.codeVerifier },
    },
    TokenResponseSchema,
  );
  if (!res.ok) fail({ kind: 'upstream_validation', system: 'salesforce', detail: `Salesforce refused the authorization code (${res.error}); start the connection again.` });
  const t = res.data;
  if (!t.refresh_token) fail({ kind: 'upstream_validation', system: 'salesforce', detail: 'Salesforce issued no refresh token: add the refresh_token scope to the app.' });
  if (!(await signatureValid(clientSecret, t.id, t.issued_at, t.signature))) fail({ kind: 'upstream', system: 'salesforce', status: 200, detail: 'token response signature mismatch' });
  const instance = instanceUrl(t.instance_url, devMode(env));
  const expiresAt = await introspectExpiry(ctx, { introspectUrl: `${base}/services/oauth2/introspect`, clientId, clientSecret }, t.access_token);
  const orgId = await salesforceOrgId(ctx, instance, t.access_token);
  // The signed identity URL ends in /id/<orgId>/<userId>: it must name the same org.
  const idOrg = /\/id\/([A-Za-z0-9]{15,18})\//.exec(t.id)?.[1];
  if (idOrg && idOrg.slice(0, 15) !== orgId.slice(0, 15)) fail({ kind: 'upstream', system: 'salesforce', status: 200, detail: 'identity URL and userinfo name different orgs' });
  return {
    credentials: { type: 'oauth2', accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt, scope: t.scope, instanceUrl: instance, authHost: p.authHost },
    orgId,
    instanceUrl: instance,
  };
}

/**
 * Refresh (no rotation: the refresh token stays); `{refused}` when Salesforce refuses it (reconnect
 * needed; `refreshTokenDead(refused)` for 400 invalid_grant: revoked or expired).
 */
export async function refreshSalesforce(
  ctx: CallContext,
  plan: { tokenUrl: string; introspectUrl: string; clientId: string; clientSecret: string; devMode: boolean },
  creds: OAuth2,
): Promise<OAuth2 | { refused: { status: number; error: string } }> {
  const res = await postForm(
    ctx,
    { system: 'salesforce', op: 'oauth.refresh', url: plan.tokenUrl, fields: { grant_type: 'refresh_token', refresh_token: creds.refreshToken, client_id: plan.clientId, client_secret: plan.clientSecret } },
    TokenResponseSchema,
  );
  if (!res.ok) return { refused: { status: res.status, error: res.error } };
  const expiresAt = await introspectExpiry(ctx, plan, res.data.access_token);
  return { ...creds, accessToken: res.data.access_token, refreshToken: res.data.refresh_token ?? creds.refreshToken, instanceUrl: instanceUrl(res.data.instance_url, plan.devMode), expiresAt };
}

/** https://help.salesforce.com/s/articleView?id=sf.remoteaccess_revoke_token.htm (revoking the refresh token ends its access tokens). */
export async function revokeSalesforce(env: OAuthEnv, ctx: CallContext, authHost: string, token: string): Promise<boolean> {
  const res = await postForm(ctx, { system: 'salesforce', op: 'oauth.revoke', url: `${loginBase(env, authHost)}/services/oauth2/revoke`, fields: { token } }, z.unknown());
  return res.ok;
}
