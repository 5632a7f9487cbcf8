/**
 * Operator: release a CRM account (HubSpot portal, Salesforce org) from the tenant that holds it,
 * so its rightful owner can connect it (`POST /v1/operator/external-accounts/release`,
 * `{system, externalAccount}`). A tenant refused with 409 `external_account_claimed` is told to
 * ask for this; the operator checks ownership out of band (e.g. the portal's super admin) before
 * calling it. Deletes the holder's connection (and, for a Salesforce org, its inbound signing
 * secret), audited in the holder's log with the operator as actor. Mounted behind the operator key.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { forgetConnection } from '../../storage/connections.js';
import { forgetExternalAccounts } from '../../storage/external-accounts.js';
import { to18 } from '../../services/salesforce-ids.js';
import type { AppEnv } from '../context.js';
import { ORG_ID } from '../middleware/salesforce-signature.js';
import { jsonBody } from '../validate.js';

const ReleaseBody = z.discriminatedUnion('system', [
  z.object({ system: z.literal('hubspot'), externalAccount: z.string().regex(/^\d{1,20}$/, 'a HubSpot portal (hub) id') }).strict(),
  z.object({ system: z.literal('salesforce'), externalAccount: z.string().regex(ORG_ID, 'a Salesforce org id (00D..., 15 or 18 characters)').transform(to18) }).strict(),
]);

export function externalAccountRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/release', async (c) => {
    const { system, externalAccount } = await jsonBody(c, ReleaseBody);
    const holders = await c.env.DB.prepare(
      `SELECT tenant_id AS tenantId, external_account AS account FROM connections
       WHERE system = ?1 AND (external_account = ?2 OR (?1 = 'salesforce' AND substr(external_account, 1, 15) = substr(?2, 1, 15)))`,
    )
      .bind(system, externalAccount)
      .all<{ tenantId: string; account: string }>();
    const secret =
      system === 'salesforce'
        ? await c.env.DB.prepare('SELECT tenant_id AS tenantId, external_account AS account FROM inbound_secrets WHERE system = ?1 AND substr(external_account, 1, 15) = substr(?2, 1, 15)').bind(system, externalAccount).first<{ tenantId: string; account: string }>()
        : null;
    if (holders.results.length === 0 && !secret) fail({ kind: 'not_found', entity: 'external_account', id: `${system}:${externalAccount}` });
    const stmts: D1PreparedStatement[] = [];
    for (const h of holders.results) {
      stmts.push(
        c.env.DB.prepare('DELETE FROM connections WHERE tenant_id = ? AND system = ? AND external_account = ?').bind(h.tenantId, system, h.account),
        auditStatement(c.env.DB, { tenantId: h.tenantId, actor: 'operator', action: 'connection.released', entityType: 'connection', entityId: system, after: { externalAccount: h.account, credentialsDeleted: true }, correlationId: c.get('correlationId') }),
      );
    }
    if (secret) {
      stmts.push(
        c.env.DB.prepare('DELETE FROM inbound_secrets WHERE system = ? AND external_account = ?').bind(system, secret.account),
        auditStatement(c.env.DB, { tenantId: secret.tenantId, actor: 'operator', action: 'inbound_secret.released', entityType: 'inbound_secret', entityId: `${system}:${externalAccount}`, after: { orgId: externalAccount }, correlationId: c.get('correlationId') }),
      );
    }
    await c.env.DB.batch(stmts);
    for (const h of holders.results) forgetConnection(h.tenantId, system);
    forgetExternalAccounts();
    c.get('log').warn('external_account.released', { system, holders: holders.results.length, inboundSecret: !!secret });
    return c.json({ system, externalAccount, releasedFrom: holders.results[0]?.tenantId ?? secret?.tenantId ?? null, inboundSecretReleased: !!secret });
  });
  return r;
}
