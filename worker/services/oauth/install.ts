/**
 * Storing a connection made by a connect flow: sealed credentials and the audit row in one D1
 * batch; a CRM account already connected to another tenant is refused (cards resolve the tenant
 * from the account, so two tenants on one portal would leak data between them).
 */
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { forgetConnection, saveConnection, type Credentials, type System } from '../../storage/connections.js';
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

export async function installConnection(env: OAuthEnv, i: Install): Promise<void> {
  if (i.externalAccount) {
    const other = await env.DB.prepare('SELECT tenant_id AS tenantId FROM connections WHERE system = ? AND external_account = ? AND tenant_id <> ? LIMIT 1')
      .bind(i.system, i.externalAccount, i.tenantId)
      .first<{ tenantId: string }>();
    if (other) fail({ kind: 'conflict', message: `This ${i.system} account is already connected to another Concord tenant.` });
  }
  const stmt = await saveConnection(env, { tenantId: i.tenantId, system: i.system, baseUrl: i.baseUrl, externalAccount: i.externalAccount, status: 'connected', credentials: i.credentials });
  await env.DB.batch([
    stmt,
    auditStatement(env.DB, {
      tenantId: i.tenantId,
      actor: i.actor,
      action: i.action,
      entityType: 'connection',
      entityId: i.system,
      // Never the credentials: only their kind and where they point.
      after: { baseUrl: i.baseUrl, externalAccount: i.externalAccount, credentialType: i.credentials.type },
      correlationId: i.correlationId,
    }),
  ]);
  forgetConnection(i.tenantId, i.system);
}
