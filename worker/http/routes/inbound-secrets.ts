/**
 * Admin: issue (or rotate) the signing secret a Salesforce org signs its callouts with
 * (`POST /v1/tenants/:tenant/inbound-secrets/salesforce`, tenant API key, body `{orgId}`).
 * The secret is returned once, to paste into the External Credential `Concord_Broker_Auth`
 * (principal `Concord_Org`, parameter `SigningSecret`); Concord keeps it sealed. Rotating keeps
 * the previous secret valid for 24 h.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { auditStatement } from '../../storage/audit.js';
import { newSigningSecret, prepareInboundSecret } from '../../storage/inbound-secrets.js';
import { to18 } from '../../services/salesforce-ids.js';
import { ORG_ID } from '../middleware/salesforce-signature.js';
import type { AppEnv } from '../context.js';
import { jsonBody } from '../validate.js';

const Body = z.object({ orgId: z.string().trim().regex(ORG_ID, 'a Salesforce org id (00D..., 15 or 18 characters)').transform(to18) }).strict();

export function inboundSecretRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/salesforce', async (c) => {
    const { orgId } = await jsonBody(c, Body);
    const tenantId = c.get('tenantId');
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
