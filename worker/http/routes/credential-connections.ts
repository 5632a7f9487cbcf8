/**
 * Connections made with pasted credentials, checked before they are stored:
 * - `POST /connections/netsuite` `{accountId, clientId, certificateId, privateKey}`: NetSuite M2M,
 *   proven by fetching a token (JWT assertion signed with the key); or
 *   `{accountId, consumerKey, consumerSecret, tokenId, tokenSecret}`: NetSuite TBA, proven by one
 *   signed read;
 * - `POST /connections/vitally` `{apiKey, subdomain?}`: proven by one read;
 * - `DELETE /connections/:system`: revokes OAuth tokens at the vendor (best effort), then deletes;
 * - `POST /connections/hubspot/uninstall`: uninstalls the app from the HubSpot portal, then deletes.
 * Responses carry metadata only, never a secret.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { NetSuiteClient } from '../../connectors/netsuite/client.js';
import { ConcordError, fail } from '../../errors.js';
import type { OAuthEnv } from '../../services/oauth/config.js';
import { installConnection } from '../../services/oauth/install.js';
import { accessTokenFor } from '../../connectors/auth.js';
import { revokeHubSpot, uninstallHubSpotApp } from '../../services/oauth/hubspot.js';
import { serviceContext } from '../../services/context.js';
import { algorithmFor, fetchNetSuiteToken, netsuiteBaseUrl, netsuiteTokenUrl } from '../../services/oauth/netsuite.js';
import { revokeSalesforce } from '../../services/oauth/salesforce.js';
import { vitallyBaseUrl, vitallyKeyWorks } from '../../services/oauth/vitally.js';
import { auditStatement } from '../../storage/audit.js';
import { SYSTEMS, forgetConnection, loadConnectionFresh, type Credentials, type System } from '../../storage/connections.js';
import type { AppEnv } from '../context.js';
import { jsonBody, parseWith } from '../validate.js';

const envOf = (c: Context<AppEnv>) => c.env as OAuthEnv;

const NetSuiteFields = z
  .object({
    // Account ids look like 1234567, TSTDRV1234567 or 1234567_SB1.
    accountId: z.string().trim().regex(/^[A-Za-z0-9]{1,30}(_[A-Za-z0-9]{1,10})?$/, 'a NetSuite account id such as 1234567 or 1234567_SB1'),
    clientId: z.string().trim().min(8).max(500),
    certificateId: z.string().trim().min(3).max(500),
    privateKey: z.string().trim().min(64).max(16_384).includes('PRIVATE KEY', { message: 'a PEM private key (PKCS#8, "BEGIN PRIVATE KEY")' }),
  })
  .strict();

/** NetSuite token-based authentication: the integration's consumer key/secret and an access token. */
const NetSuiteTbaInput = z
  .object({
    accountId: NetSuiteFields.shape.accountId,
    consumerKey: z.string().trim().min(8).max(500),
    consumerSecret: z.string().trim().min(8).max(500),
    tokenId: z.string().trim().min(8).max(500),
    tokenSecret: z.string().trim().min(8).max(500),
  })
  .strict();

/** A body naming any TBA field is a TBA connection; otherwise M2M (so errors name the right fields). */
const isTbaBody = (v: unknown) => !!v && typeof v === 'object' && ['consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'].some((k) => k in v);

/** `privateKeyPem` (the console's field name) is accepted as an alias of `privateKey`. */
const NetSuiteInput = z.preprocess((v) => {
  if (v && typeof v === 'object' && 'privateKeyPem' in v && !('privateKey' in v)) {
    const { privateKeyPem, ...rest } = v as Record<string, unknown>;
    return { ...rest, privateKey: privateKeyPem };
  }
  return v;
}, NetSuiteFields);

const VitallyInput = z
  .object({
    apiKey: z.string().trim().min(8).max(4096),
    // An empty field from a form means "not given".
    subdomain: z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'your Vitally subdomain').optional()),
  })
  .strict();

const invalid = (path: string, message: string, code: string): never => fail({ kind: 'validation', issues: [{ path, message, code }] });

export function credentialConnectionRoutes() {
  const r = new Hono<AppEnv>();
  const ctxOf = (c: Context<AppEnv>) => ({ correlationId: c.get('correlationId'), log: c.get('log') });

  r.post('/netsuite', async (c) => {
    const body: unknown = await jsonBody(c, z.unknown());
    if (isTbaBody(body)) return connectNetSuiteTba(c, parseWith(NetSuiteTbaInput, body));
    const input = parseWith(NetSuiteInput, body);
    const algorithm = await algorithmFor(input.privateKey);
    if (!algorithm) invalid('privateKey', 'not a PKCS#8 EC P-256 (ES256) or RSA (PS256) private key', 'invalid_key');
    const baseUrl = netsuiteBaseUrl(envOf(c), input.accountId);
    const credentials: Extract<Credentials, { type: 'netsuite_m2m' }> = {
      type: 'netsuite_m2m',
      accountId: input.accountId,
      clientId: input.clientId,
      certificateId: input.certificateId,
      privateKeyPem: input.privateKey,
      algorithm: algorithm!,
    };
    const token = await fetchNetSuiteToken(ctxOf(c), netsuiteTokenUrl(baseUrl), credentials);
    if (!token.ok) invalid('(body)', `NetSuite refused these credentials (${token.error}): check the client id, certificate id and key`, 'credentials_refused');
    if (token.ok) Object.assign(credentials, { accessToken: token.accessToken, expiresAt: token.expiresAt });
    const tenantId = c.get('tenantId');
    await installConnection(envOf(c), { tenantId, system: 'netsuite', baseUrl, externalAccount: input.accountId, credentials, actor: c.get('actor'), correlationId: c.get('correlationId'), action: 'connection.m2m_connect' });
    return c.json({ system: 'netsuite', baseUrl, externalAccount: input.accountId, status: 'connected' }, 201);
  });

  /** TBA: proven by one signed read (NetSuite has no token endpoint to ask for TBA). */
  async function connectNetSuiteTba(c: Context<AppEnv>, input: z.infer<typeof NetSuiteTbaInput>) {
    const baseUrl = netsuiteBaseUrl(envOf(c), input.accountId);
    const credentials: Extract<Credentials, { type: 'netsuite_tba' }> = { type: 'netsuite_tba', ...input };
    const tenantId = c.get('tenantId');
    const probe = new NetSuiteClient({ tenantId, system: 'netsuite', baseUrl, externalAccount: input.accountId, status: 'connected', credentials }, ctxOf(c));
    try {
      await probe.probe();
    } catch (err) {
      if (err instanceof ConcordError && (err.error.kind === 'auth_expired' || err.error.kind === 'upstream_validation')) {
        invalid('(body)', 'NetSuite refused these credentials: check the account id, consumer key/secret and token id/secret', 'credentials_refused');
      }
      throw err;
    }
    await installConnection(envOf(c), { tenantId, system: 'netsuite', baseUrl, externalAccount: input.accountId, credentials, actor: c.get('actor'), correlationId: c.get('correlationId'), action: 'connection.tba_connect' });
    return c.json({ system: 'netsuite', baseUrl, externalAccount: input.accountId, status: 'connected', auth: 'tba' }, 201);
  }

  r.post('/vitally', async (c) => {
    const input = await jsonBody(c, VitallyInput);
    const baseUrl = vitallyBaseUrl(envOf(c), input.subdomain);
    if (!(await vitallyKeyWorks(ctxOf(c), baseUrl, input.apiKey))) invalid('apiKey', 'Vitally refused this API key', 'credentials_refused');
    const tenantId = c.get('tenantId');
    const externalAccount = input.subdomain ?? null;
    await installConnection(envOf(c), { tenantId, system: 'vitally', baseUrl, externalAccount, credentials: { type: 'api_key', apiKey: input.apiKey }, actor: c.get('actor'), correlationId: c.get('correlationId'), action: 'connection.api_key_connect' });
    return c.json({ system: 'vitally', baseUrl, externalAccount, status: 'connected' }, 201);
  });

  /**
   * Uninstall the HubSpot app from the connected portal (HubSpot's app-uninstall API with a fresh
   * access token, under the tenant's limiter), then delete the stored tokens as disconnect does.
   * When HubSpot says the install is already gone (its 401/400, or a refused refresh token) the
   * tokens are still deleted and the answer says `already_uninstalled`. Transient failures (5xx,
   * timeout, rate limit) delete nothing: the admin tries again. 404 when nothing is connected.
   */
  r.post('/hubspot/uninstall', async (c) => {
    const tenantId = c.get('tenantId');
    const ctx = serviceContext(c.env, { tenantId, correlationId: c.get('correlationId'), log: c.get('log') });
    let conn;
    try {
      conn = await loadConnectionFresh(envOf(c), tenantId, 'hubspot');
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'not_connected') fail({ kind: 'not_found', entity: 'connection', id: 'hubspot' });
      throw err;
    }
    if (conn.credentials.type !== 'oauth2') fail({ kind: 'conflict', message: 'This HubSpot connection is not an OAuth app install (private-app or sandbox token): disconnect it with DELETE instead.' });
    let vendor: 'uninstalled' | 'already_uninstalled';
    try {
      vendor = await uninstallHubSpotApp(ctx, conn.baseUrl, await accessTokenFor(envOf(c), conn, ctx));
    } catch (err) {
      // A refused refresh (auth_expired), or the refresher already removed the revoked connection
      // (not_connected): HubSpot no longer has the install.
      if (!(err instanceof ConcordError) || (err.error.kind !== 'auth_expired' && err.error.kind !== 'not_connected')) throw err;
      vendor = 'already_uninstalled';
    }
    await c.env.DB.batch([
      c.env.DB.prepare('DELETE FROM connections WHERE tenant_id = ? AND system = ?').bind(tenantId, 'hubspot'),
      auditStatement(c.env.DB, { tenantId, actor: c.get('actor'), action: 'connection.uninstall', entityType: 'connection', entityId: 'hubspot', after: { vendor, credentialsDeleted: true }, correlationId: c.get('correlationId') }),
    ]);
    forgetConnection(tenantId, 'hubspot');
    c.get('log').info('connection.uninstall', { system: 'hubspot', vendor });
    return c.json({ system: 'hubspot', status: 'not_connected', vendor });
  });

  r.delete('/:system', async (c) => {
    const system = parseWith(z.enum(SYSTEMS), c.req.param('system'), 400) as System;
    const tenantId = c.get('tenantId');
    let revoked: boolean | null = null;
    try {
      const conn = await loadConnectionFresh(envOf(c), tenantId, system);
      const creds = conn.credentials;
      if (creds.type === 'oauth2' && system === 'hubspot') revoked = await revokeHubSpot(envOf(c), ctxOf(c), creds.refreshToken);
      if (creds.type === 'oauth2' && system === 'salesforce') revoked = await revokeSalesforce(envOf(c), ctxOf(c), creds.authHost ?? 'login', creds.refreshToken);
    } catch (err) {
      // Disconnecting must work even when the vendor is down or the row is unreadable.
      if (!(err instanceof ConcordError) || err.error.kind !== 'not_connected') c.get('log').warn('connection.revoke_failed', { system, kind: err instanceof ConcordError ? err.error.kind : 'unknown' });
    }
    const res = await c.env.DB.prepare('DELETE FROM connections WHERE tenant_id = ? AND system = ?').bind(tenantId, system).run();
    forgetConnection(tenantId, system);
    if (!res.meta.changes) fail({ kind: 'not_found', entity: 'connection', id: system });
    await auditStatement(c.env.DB, { tenantId, actor: c.get('actor'), action: 'connection.delete', entityType: 'connection', entityId: system, after: { revokedAtVendor: revoked }, correlationId: c.get('correlationId') }).run();
    return c.body(null, 204);
  });
  return r;
}
