/**
 * When a vendor says a connection's refresh token is dead (HubSpot 400 BAD_REFRESH_TOKEN after
 * the app was uninstalled from HubSpot's UI or the token revoked; Salesforce 400 invalid_grant),
 * the stored tokens can never work again: the connection is deleted, as a disconnect would, so
 * the console shows the system as not connected (Connect) and later calls get a stable
 * `system_not_connected` instead of refreshing again and again. Audited once as
 * `connection.revoked_by_vendor` with the correlation id of the call that found out.
 *
 * The row is deleted only while it still holds the refused refresh token, compared on the very
 * ciphertext read: an admin who reconnected in the meantime keeps the new connection.
 */
import { auditStatement } from '../../storage/audit.js';
import { CredentialsSchema, connectionAad, forgetConnection, type System } from '../../storage/connections.js';
import { open } from '../../storage/vault.js';
import type { OAuthEnv } from './config.js';

export interface RevokedConnection {
  tenantId: string;
  system: System;
  /** The refresh token the vendor refused. */
  refreshToken: string;
  correlationId: string;
}

/** Delete the connection if it still holds `refreshToken`; true when this call deleted it (and audited). */
export async function removeRevokedConnection(env: OAuthEnv, r: RevokedConnection): Promise<boolean> {
  const row = await env.DB.prepare('SELECT credentials_kid, credentials_iv, credentials_ct FROM connections WHERE tenant_id = ? AND system = ?')
    .bind(r.tenantId, r.system)
    .first<{ credentials_kid: string; credentials_iv: string; credentials_ct: string }>();
  if (!row) return false;
  let held: string | null = null;
  try {
    const creds = CredentialsSchema.parse(JSON.parse(await open(env, connectionAad(r.tenantId, r.system), { kid: row.credentials_kid, iv: row.credentials_iv, ct: row.credentials_ct })));
    held = creds.type === 'oauth2' ? creds.refreshToken : null;
  } catch {
    return false;
  }
  if (held !== r.refreshToken) return false;
  const res = await env.DB.prepare('DELETE FROM connections WHERE tenant_id = ? AND system = ? AND credentials_ct = ?').bind(r.tenantId, r.system, row.credentials_ct).run();
  forgetConnection(r.tenantId, r.system);
  if (!res.meta.changes) return false;
  await auditStatement(env.DB, {
    tenantId: r.tenantId,
    actor: 'system:token-refresh',
    action: 'connection.revoked_by_vendor',
    entityType: 'connection',
    entityId: r.system,
    after: { credentialsDeleted: true, reason: 'refresh_token_refused' },
    correlationId: r.correlationId,
  }).run();
  return true;
}
