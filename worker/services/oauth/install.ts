/**
 * Storing a connection made by a connect flow: sealed credentials and the audit row in one D1
 * batch. A CRM account (HubSpot portal, Salesforce org) already held by another tenant is refused
 * with 409 `external_account_claimed` and the refusal audited in the claimant's log: cards and
 * webhooks resolve the tenant from the account, so two tenants on one portal would leak data
 * between them. The claim check is part of the write itself (a conditional upsert), so two
 * tenants racing for one portal cannot both win. The rightful owner recovers a squatted account
 * through the operator (`POST /v1/operator/external-accounts/release`).
 */
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { claimingSaveConnection, forgetConnection, type Credentials, type System } from '../../storage/connections.js';
import { forgetExternalAccounts } from '../../storage/external-accounts.js';
import type { OAuthEnv } from './config.js';

export interface Install {
  tenantId: string;
  system: System;
  baseUrl: string;
  externalAccount: string | null;
  credentials: Credentials;
  actor: string;
  correlationId: string;
  /** Audit action, e.g. 'connection.oauth_connect'. */
  action: string;
}

const LABEL: Record<System, string> = { hubspot: 'HubSpot portal', salesforce: 'Salesforce org', netsuite: 'NetSuite account', vitally: 'Vitally account' };

export async function installConnection(env: OAuthEnv, i: Install): Promise<void> {
  const save = await claimingSaveConnection(env, { tenantId: i.tenantId, system: i.system, baseUrl: i.baseUrl, externalAccount: i.externalAccount, status: 'connected', credentials: i.credentials });
  const [saved] = await env.DB.batch([
    save.statement,
    // Written only when the upsert above happened (the row now holds this ciphertext).
    env.DB.prepare(
      `INSERT INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, before_json, after_json, correlation_id)
       SELECT ?, ?, ?, ?, ?, 'connection', ?, NULL, ?, ? WHERE EXISTS (SELECT 1 FROM connections WHERE tenant_id = ? AND system = ? AND credentials_ct = ?)`,
    ).bind(
      i.tenantId,
      crypto.randomUUID(),
      new Date().toISOString(),
      i.actor,
      i.action,
      i.system,
      // Never the credentials: only their kind and where they point.
      JSON.stringify({ baseUrl: i.baseUrl, externalAccount: i.externalAccount, credentialType: i.credentials.type }),
      i.correlationId,
      i.tenantId,
      i.system,
      save.ciphertext,
    ),
  ]);
  forgetConnection(i.tenantId, i.system);
  forgetExternalAccounts();
  if ((saved?.meta.changes ?? 0) === 0) {
    await auditStatement(env.DB, {
      tenantId: i.tenantId,
      actor: i.actor,
      action: 'connection.claim_refused',
      entityType: 'connection',
      entityId: i.system,
      after: { externalAccount: i.externalAccount, reason: 'held by another tenant' },
      correlationId: i.correlationId,
    }).run();
    fail({
      kind: 'conflict',
      code: 'external_account_claimed',
      // Do not say which tenant holds it: only that it is taken, and how its owner gets it back.
      message: `This ${LABEL[i.system]} (${i.externalAccount}) is already connected to another Concord tenant. If it is yours, ask the Concord operator to release it (POST /v1/operator/external-accounts/release with {"system":"${i.system}","externalAccount":"${i.externalAccount}"}), then connect again.`,
    });
  }
}
