/**
 * Connect flows for the admin console:
 * - `POST /v1/tenants/:tenant/session` (API key) starts the browser's admin session cookie;
 * - `GET  /v1/tenants/:tenant/connect/:system/start` (session) redirects to the vendor's consent
 *   page with `state` (bound to the session, single use, 10 min) and a PKCE S256 challenge;
 * - `GET  /v1/oauth/:system/callback` verifies state + session, exchanges the code, stores the
 *   sealed tokens and sends the browser back to the console;
 * - `POST /v1/tenants/:tenant/connect/:system/check` proves a stored connection works.
 * See docs/oauth.md.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { checkConnection } from '../../services/oauth/check.js';
import { oauthConfig, publicBase, type OAuthEnv } from '../../services/oauth/config.js';
import { exchangeHubSpotCode, hubspotAuthorizeUrl } from '../../services/oauth/hubspot.js';
import { installConnection } from '../../services/oauth/install.js';
import { setUpCrm } from '../../services/crm-setup.js';
import { serviceContext } from '../../services/context.js';
import { exchangeSalesforceCode, LoginHostSchema, salesforceAuthorizeUrl } from '../../services/oauth/salesforce.js';
import { endSession, readSession, startSession } from '../../services/oauth/session.js';
import { createState, takeState, type OAuthSystem } from '../../services/oauth/states.js';
import { SYSTEMS, type System } from '../../storage/connections.js';
import type { AppEnv } from '../context.js';
import { parseWith, query } from '../validate.js';

const OAuthSystemSchema = z.enum(['hubspot', 'salesforce']);
const envOf = (c: Context<AppEnv>) => c.env as OAuthEnv;

function redirectUri(c: Context<AppEnv>, system: OAuthSystem): string {
  return `${publicBase(envOf(c), c.req.url)}/v1/oauth/${system}/callback`;
}

/** Where the browser lands after a callback: the console, told what happened. */
function consoleUrl(c: Context<AppEnv>, tenantId: string, outcome: Record<string, string>): string {
  const base = oauthConfig(envOf(c)).CONCORD_CONSOLE_URL;
  const u = new URL(base, `${publicBase(envOf(c), c.req.url)}/`);
  u.searchParams.set('tenant', tenantId);
  for (const [k, v] of Object.entries(outcome)) u.searchParams.set(k, v);
  return u.toString();
}

/** Tenant-scoped routes (mounted under /v1/tenants/:tenant, behind tenant auth). */
export function connectRoutes() {
  const r = new Hono<AppEnv>();

  /** Only the API key mints a session: a session cookie cannot mint a fresh one for itself. */
  r.post('/session', async (c) => {
    const keyHash = c.get('apiKeyHash');
    if (!keyHash) fail({ kind: 'unauthorized', message: 'Send the tenant API key as "Authorization: Bearer <key>" to open a session.' });
    const session = await startSession(c, c.get('tenantId'), keyHash);
    return c.json({ tenant: session.tenantId, expiresAt: new Date(session.expiresAt).toISOString() }, 201);
  });

  r.delete('/session', async (c) => {
    await endSession(c);
    return c.body(null, 204);
  });

  r.get('/connect/:system/start', async (c) => {
    const system = parseWith(OAuthSystemSchema, c.req.param('system'), 400);
    const tenantId = c.get('tenantId');
    // The callback must come back to the same browser: only a session can start a flow.
    const session = await readSession(c);
    if (!session || session.tenantId !== tenantId) fail({ kind: 'unauthorized', message: `Open an admin session first: POST /v1/tenants/${tenantId}/session with the API key.` });
    const params: Record<string, string> = {};
    if (system === 'salesforce') params['authHost'] = query(c, z.object({ loginHost: LoginHostSchema.default('login') })).loginHost;
    const uri = redirectUri(c, system);
    const { state, codeChallenge } = await createState(envOf(c), { tenantId, system, sessionId: session.sessionId, redirectUri: uri, params });
    const target =
      system === 'hubspot'
        ? hubspotAuthorizeUrl(envOf(c), { redirectUri: uri, state, codeChallenge })
        : salesforceAuthorizeUrl(envOf(c), { authHost: params['authHost']!, redirectUri: uri, state, codeChallenge });
    c.get('log').info('oauth.start', { system });
    return c.redirect(target, 302);
  });

  r.post('/connect/:system/check', async (c) => {
    const system = parseWith(z.enum(SYSTEMS), c.req.param('system'), 400) as System;
    const ctx = { correlationId: c.get('correlationId'), log: c.get('log'), tenantId: c.get('tenantId') };
    return c.json(await checkConnection(envOf(c), ctx, system));
  });
  return r;
}

const CallbackQuery = z.object({
  state: z.string().min(16).max(200),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
});

/** The vendors' redirect target (public: authenticated by the session cookie and `state`). */
export function oauthCallbackRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/:system/callback', async (c) => {
    const system = parseWith(OAuthSystemSchema, c.req.param('system'), 400);
    const q = query(c, CallbackQuery);
    const session = await readSession(c);
    if (!session) fail({ kind: 'unauthorized', message: 'The admin session expired or is missing; open the console and connect again.' });
    const taken = await takeState(envOf(c), q.state, system, session.sessionId);
    if (typeof taken === 'string') {
      c.get('log').warn('oauth.state_refused', { system, reason: taken });
      fail({ kind: 'validation', status: 400, message: 'This connect link is invalid, expired or already used; start again from the console.', issues: [{ path: 'state', message: taken, code: `state_${taken}` }] });
    }
    const { tenantId } = taken;
    c.set('tenantId', tenantId);
    if (!q.code) return c.redirect(consoleUrl(c, tenantId, { system, error: q.error ?? 'access_denied' }), 302);
    const ctx = { correlationId: c.get('correlationId'), log: c.get('log').with({ tenant: tenantId }) };
    const actor = `session:${session.sessionId.slice(0, 8)}`;
    if (system === 'hubspot') {
      const got = await exchangeHubSpotCode(envOf(c), ctx, { code: q.code, redirectUri: taken.redirectUri, codeVerifier: taken.codeVerifier });
      await installConnection(envOf(c), { tenantId, system, baseUrl: got.baseUrl, externalAccount: got.hubId, credentials: got.credentials, actor, correlationId: ctx.correlationId, action: 'connection.oauth_connect' });
    } else {
      const authHost = taken.params['authHost'] ?? 'login';
      const got = await exchangeSalesforceCode(envOf(c), ctx, { authHost, code: q.code, redirectUri: taken.redirectUri, codeVerifier: taken.codeVerifier });
      await installConnection(envOf(c), { tenantId, system, baseUrl: got.instanceUrl, externalAccount: got.orgId, credentials: got.credentials, actor, correlationId: ctx.correlationId, action: 'connection.oauth_connect' });
    }
    const setup = await setUpCrm(envOf(c), serviceContext(envOf(c), { tenantId, correlationId: ctx.correlationId, log: ctx.log }), system, actor);
    ctx.log.info('oauth.connected', { system, setup: setup.status });
    return c.redirect(consoleUrl(c, tenantId, { connected: system }), 302);
  });
  return r;
}
