/**
 * Connections admin: list (never with credentials) and set a system's base URL and credentials.
 * Disconnect (with revocation at the vendor) lives with the connect flows (`credential-connections.ts`).
 *
 * `PUT /connections/:system` never takes OAuth tokens: HubSpot and Salesforce tokens come only
 * from the OAuth callback (they carry the app's client secret on refresh and decide which tenant
 * a portal's cards and webhooks reach). Only the explicit development mode accepts a HubSpot or
 * Salesforce bearer token here (static sandbox tokens for `npm start` and the tests), and even
 * then the portal / org comes from the vendor with the token, never from the body. Base URLs are
 * an allowlist per vendor (connectors/hosts.ts); loopback only in development mode.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { devMode } from '../../env.js';
import { ConcordError, fail } from '../../errors.js';
import { checkBaseUrl, type VendorSystem } from '../../connectors/hosts.js';
import { ApiKeyCredentials, BearerCredentials, NetSuiteM2MCredentials, NetSuiteTbaCredentials, SYSTEMS, listConnections, type Credentials, type System } from '../../storage/connections.js';
import { installConnection } from '../../services/oauth/install.js';
import { hubspotPortalId } from '../../services/oauth/hubspot.js';
import { salesforceOrgId } from '../../services/oauth/salesforce.js';
import { setUpCrm } from '../../services/crm-setup.js';
import { serviceContext } from '../../services/context.js';
import type { CallContext } from '../../connectors/http.js';
import type { AppEnv } from '../context.js';
import { jsonBody, parseWith } from '../validate.js';

/** What PUT accepts: static credentials only; `oauth2` is the callback's alone. */
const PutCredentials = z.discriminatedUnion('type', [BearerCredentials, ApiKeyCredentials, NetSuiteM2MCredentials, NetSuiteTbaCredentials]);

const ConnectionInputSchema = z
  .object({
    baseUrl: z.string().max(500),
    credentials: PutCredentials,
  })
  .strict();

const OAUTH_SYSTEMS = new Set<System>(['hubspot', 'salesforce']);

const invalid = (path: string, message: string, code: string): never => fail({ kind: 'validation', issues: [{ path, message, code }] });

/**
 * The CRM account behind a token, as the vendor says (HubSpot token metadata `hub_id`,
 * Salesforce userinfo `organization_id`); for NetSuite and Vitally the account the allowlisted
 * host names (null on loopback). A token the vendor does not know is a 422.
 */
async function provenAccount(ctx: CallContext, system: System, baseUrl: string, hostname: string, credentials: Credentials): Promise<string | null> {
  try {
    if (system === 'hubspot' && credentials.type === 'bearer') return await hubspotPortalId(ctx, baseUrl, credentials.accessToken);
    if (system === 'salesforce' && credentials.type === 'bearer') return await salesforceOrgId(ctx, baseUrl, credentials.accessToken);
  } catch (err) {
    if (err instanceof ConcordError && (err.error.kind === 'auth_expired' || err.error.kind === 'upstream_validation' || err.error.kind === 'forbidden')) {
      invalid('credentials', `${system} does not know this token`, 'credentials_refused');
    }
    throw err;
  }
  if (system === 'netsuite' && hostname.endsWith('.suitetalk.api.netsuite.com')) return hostname.split('.')[0]!.toUpperCase().replace(/-/g, '_');
  if (system === 'vitally' && hostname.endsWith('.rest.vitally.io')) return hostname.split('.')[0]!;
  return null;
}

export function connectionRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/', async (c) => c.json({ items: await listConnections(c.env.DB, c.get('tenantId')) }));

  r.put('/:system', async (c) => {
    const system = parseWith(z.enum(SYSTEMS), c.req.param('system'), 400) as System;
    const input = await jsonBody(c, ConnectionInputSchema);
    const dev = devMode(c.env);
    if (OAUTH_SYSTEMS.has(system) && !dev) {
      invalid('credentials', `${system} connects only through its OAuth flow: GET /v1/tenants/${c.get('tenantId')}/connect/${system}/start`, 'oauth_required');
    }
    if (OAUTH_SYSTEMS.has(system) && input.credentials.type !== 'bearer') invalid('credentials.type', 'a sandbox token (bearer) in development mode', 'invalid_value');
    const checked = checkBaseUrl(input.baseUrl, system as VendorSystem, { devMode: dev });
    if (!checked.ok) invalid('baseUrl', `must be an https URL of ${system}'s own API host (${checked.reason})`, 'invalid_url');
    const baseUrl = checked.ok ? checked.url : '';
    const tenantId = c.get('tenantId');
    const ctx = { correlationId: c.get('correlationId'), log: c.get('log') };
    const externalAccount = await provenAccount(ctx, system, baseUrl, checked.ok ? checked.hostname : '', input.credentials);
    // The same path as the connect flows: refuses a CRM account already connected to another tenant.
    await installConnection(c.env, {
      tenantId,
      system,
      baseUrl,
      externalAccount,
      credentials: input.credentials,
      actor: c.get('actor'),
      correlationId: c.get('correlationId'),
      action: 'connection.upsert',
    });
    const setup = await setUpCrm(c.env, serviceContext(c.env, { tenantId, correlationId: c.get('correlationId'), log: c.get('log') }), system, c.get('actor'));
    return c.json({ system, baseUrl, externalAccount, status: 'connected', setup });
  });

  return r;
}
