/**
 * Admin: issue (or rotate) the signing secret a calling system signs its requests to Concord with
 * (tenant API key; the secret is returned once, Concord keeps it sealed; rotating keeps the
 * previous secret valid for 24 h):
 * - `POST .../inbound-secrets/salesforce` (body `{orgId?}`): the Salesforce package's callouts,
 *   only for the org the tenant's Salesforce connection proved (Salesforce's `organization_id`);
 * - `POST .../inbound-secrets/netsuite` (body `{accountId?}`): the NetSuite event script's pushes
 *   (extensions/netsuite), only for the NetSuite account the tenant's NetSuite connection proved
 *   (the M2M/TBA account id NetSuite accepted, or the account host of the REST URL);
 * - `POST .../inbound-secrets/vitally` (no body): Vitally playbook webhooks to
 *   `/v1/webhooks/vitally/:tenant`, verified with the Standard Webhooks scheme (`whsec_` secret).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { config } from '../../env.js';
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { newSigningSecret, prepareInboundSecret, type InboundSystem } from '../../storage/inbound-secrets.js';
import { to18 } from '../../services/salesforce-ids.js';
import { NETSUITE_ACCOUNT_ID, NETSUITE_EVENT_PATH } from '../../connectors/netsuite/events.js';
import { newStandardWebhookSecret } from '../middleware/standard-webhooks.js';
import { ORG_ID } from '../middleware/salesforce-signature.js';
import type { AppEnv } from '../context.js';
import { jsonBody } from '../validate.js';

const SalesforceBody = z.object({ orgId: z.string().trim().regex(ORG_ID, 'a Salesforce org id (00D..., 15 or 18 characters)').transform(to18).optional() }).strict();
const NetSuiteBody = z.object({ accountId: z.string().trim().max(40).regex(NETSUITE_ACCOUNT_ID, 'a NetSuite account id such as 1234567 or 1234567_SB1').optional() }).strict();

/** The external account the tenant's connection to `system` recorded (what the vendor proved), or null. */
async function connectedAccount(db: D1Database, tenantId: string, system: string): Promise<{ account: string | null } | null> {
  const row = await db.prepare("SELECT external_account AS account FROM connections WHERE tenant_id = ? AND system = ? AND status = 'connected'").bind(tenantId, system).first<{ account: string | null }>();
  return row ?? null;
}

/**
 * The org this tenant has proven. A secret for any other org would let this tenant answer that
 * org's callouts, so it is refused (409 `org_not_proven`).
 */
async function provenOrg(db: D1Database, tenantId: string, asked: string | undefined): Promise<string> {
  const org = (await connectedAccount(db, tenantId, 'salesforce'))?.account ?? null;
  if (!org) fail({ kind: 'conflict', code: 'org_not_proven', message: `Connect Salesforce first (GET /v1/tenants/${tenantId}/connect/salesforce/start): a signing secret is issued only for the org Salesforce names for this tenant.` });
  // 15- and 18-character forms of one id share their first 15 characters.
  if (asked && asked.slice(0, 15) !== org.slice(0, 15)) fail({ kind: 'conflict', code: 'org_not_proven', message: `This tenant's Salesforce connection is org ${org}, not ${asked}; a signing secret is issued only for the connected org.` });
  return org;
}

/**
 * The NetSuite account this tenant has proven: its events select the tenant by account id, so a
 * secret for another account would let this tenant receive that account's changes (409
 * `account_not_proven`). Case-insensitive, as NetSuite writes account ids in either case.
 */
async function provenNetSuiteAccount(db: D1Database, tenantId: string, asked: string | undefined): Promise<string> {
  const account = (await connectedAccount(db, tenantId, 'netsuite'))?.account ?? null;
  if (!account) {
    fail({
      kind: 'conflict',
      code: 'account_not_proven',
      message: `Connect NetSuite with its account id first (POST /v1/tenants/${tenantId}/connections/netsuite): a signing secret is issued only for the NetSuite account the connection proved.`,
    });
  }
  if (asked && asked.toUpperCase() !== account.toUpperCase()) {
    fail({ kind: 'conflict', code: 'account_not_proven', message: `This tenant's NetSuite connection is account ${account}, not ${asked}; a signing secret is issued only for the connected account.` });
  }
  return account.toUpperCase();
}

/** Stores the secret with its audit row and answers it once (201 new, 200 rotated). */
async function issue(c: Context<AppEnv>, system: InboundSystem, externalAccount: string, secret: string, extra: Record<string, unknown>) {
  const tenantId = c.get('tenantId');
  const { statement, result } = await prepareInboundSecret(c.env, { tenantId, system, externalAccount, secret });
  await c.env.DB.batch([
    statement,
    auditStatement(c.env.DB, {
      tenantId,
      actor: c.get('actor'),
      action: result.rotated ? 'inbound_secret.rotate' : 'inbound_secret.create',
      entityType: 'inbound_secret',
      entityId: `${system}:${externalAccount}`,
      // Never the secret itself.
      after: { system, externalAccount, previousValidUntil: result.previousValidUntil },
      correlationId: c.get('correlationId'),
    }),
  ]);
  c.header('cache-control', 'no-store');
  return c.json({ system, ...extra, secret, rotated: result.rotated, previousValidUntil: result.previousValidUntil }, result.rotated ? 200 : 201);
}

/** The public URL a caller must post to (CONCORD_PUBLIC_URL, else this request's origin). */
function publicUrl(c: Context<AppEnv>, path: string): string {
  return `${config(c.env).CONCORD_PUBLIC_URL ?? new URL(c.req.url).origin}${path}`;
}

export function inboundSecretRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/salesforce', async (c) => {
    const body = await jsonBody(c, SalesforceBody);
    const orgId = await provenOrg(c.env.DB, c.get('tenantId'), body.orgId);
    return issue(c, 'salesforce', orgId, newSigningSecret(), {
      orgId,
      instructions: 'Paste the secret into Setup > Named Credentials > External Credentials > Concord Broker Auth > Principal Concord_Org > parameter SigningSecret. It is shown only once.',
    });
  });

  r.post('/netsuite', async (c) => {
    const body = c.req.header('content-type') ? await jsonBody(c, NetSuiteBody) : {};
    const accountId = await provenNetSuiteAccount(c.env.DB, c.get('tenantId'), body.accountId);
    return issue(c, 'netsuite', accountId, newSigningSecret(), {
      accountId,
      url: publicUrl(c, NETSUITE_EVENT_PATH),
      instructions:
        'In NetSuite, Setup > Company > API Secrets: store the secret as custsecret_concord_events, then set the deployment parameters of customscript_concord_event_push_ue (extensions/netsuite/README.md) to this URL. It is shown only once.',
    });
  });

  r.post('/vitally', async (c) => {
    const tenantId = c.get('tenantId');
    const conn = await connectedAccount(c.env.DB, tenantId, 'vitally');
    if (!conn) fail({ kind: 'not_connected', system: 'vitally' });
    // The workspace the connection names (its subdomain), else the tenant: one secret per tenant.
    return issue(c, 'vitally', conn.account ?? tenantId, newStandardWebhookSecret(), {
      url: publicUrl(c, `/v1/webhooks/vitally/${tenantId}`),
      instructions:
        'In a Vitally playbook, add a "Send a webhook" action with this URL. Vitally does not sign playbook webhooks itself: send the webhook-id, webhook-timestamp and webhook-signature headers of the Standard Webhooks scheme with this secret (from a relay that signs). It is shown only once.',
    });
  });

  return r;
}
