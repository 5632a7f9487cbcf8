/**
 * Admin: issue (or rotate) the signing secret a Salesforce org signs its callouts with
 * (`POST /v1/tenants/:tenant/inbound-secrets/salesforce`, tenant API key, body `{orgId?}`), only
 * for the org the tenant's Salesforce connection proved (Salesforce's own `organization_id`).
 * The secret is returned once, to paste into the External Credential `Concord_Broker_Auth`
 * (principal `Concord_Org`, parameter `SigningSecret`); Concord keeps it sealed. Rotating keeps
 * the previous secret valid for 24 h.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { newSigningSecret, prepareInboundSecret } from '../../storage/inbound-secrets.js';
import { to18 } from '../../services/salesforce-ids.js';
import { ORG_ID } from '../middleware/salesforce-signature.js';
import type { AppEnv } from '../context.js';
import { jsonBody } from '../validate.js';

const Body = z.object({ orgId: z.string().trim().regex(ORG_ID, 'a Salesforce org id (00D..., 15 or 18 characters)').transform(to18).optional() }).strict();

/**
 * The org this tenant has proven: the org Salesforce named (userinfo `organization_id`) when the
 * tenant's Salesforce connection was made. A secret for any other org would let this tenant
 * answer that org's callouts, so it is refused (409 `org_not_proven`).
 */
async function provenOrg(db: D1Database, tenantId: string, asked: string | undefined): Promise<string> {
  const row = await db.prepare("SELECT external_account AS org FROM connections WHERE tenant_id = ? AND system = 'salesforce' AND status = 'connected'").bind(tenantId).first<{ org: string | null }>();
  const org = row?.org ?? null;
  if (!org) fail({ kind: 'conflict', code: 'org_not_proven', message: `Connect Salesforce first (GET /v1/tenants/${tenantId}/connect/salesforce/start): a signing secret is issued only for the org Salesforce names for this tenant.` });
  // 15- and 18-character forms of one id share their first 15 characters.
  if (asked && asked.slice(0, 15) !== org.slice(0, 15)) fail({ kind: 'conflict', code: 'org_not_proven', message: `This tenant's Salesforce connection is org ${org}, not ${asked}; a signing secret is issued only for the connected org.` });
  return org;
}

export function inboundSecretRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/salesforce', async (c) => {
    const body = await jsonBody(c, Body);
    const tenantId = c.get('tenantId');
    const orgId = await provenOrg(c.env.DB, tenantId, body.orgId);
    const secret = newSigningSecret();
    const { statement, result } = await prepareInboundSecret(c.env, { tenantId, system: 'salesforce', externalAccount: orgId, secret });
    await c.env.DB.batch([
      statement,
      auditStatement(c.env.DB, {
        tenantId,
        actor: c.get('actor'),
        action: result.rotated ? 'inbound_secret.rotate' : 'inbound_secret.create',
        entityType: 'inbound_secret',
        entityId: `salesforce:${orgId}`,
        // Never the secret itself.
        after: { system: 'salesforce', orgId, previousValidUntil: result.previousValidUntil },
        correlationId: c.get('correlationId'),
      }),
    ]);
    c.header('cache-control', 'no-store');
    return c.json(
      {
        system: 'salesforce',
        orgId,
        secret,
        rotated: result.rotated,
        previousValidUntil: result.previousValidUntil,
        instructions: 'Paste the secret into Setup > Named Credentials > External Credentials > Concord Broker Auth > Principal Concord_Org > parameter SigningSecret. It is shown only once.',
      },
      result.rotated ? 200 : 201,
    );
  });
  return r;
}
