/**
 * Inbound signing secrets: the shared secrets callers sign their requests with, one per calling
 * account, sealed by the vault: the Salesforce package's External Credential `SigningSecret` (per
 * org id), the NetSuite event script's API secret (per NetSuite account id) and the Vitally
 * playbook webhooks' Standard Webhooks secret (per workspace). Rotation keeps the previous secret
 * valid for a grace period so requests signed with the old value keep working until the admin has
 * pasted the new one into the calling system.
 */
import type { Env } from '../env.js';
import { fail } from '../errors.js';
import { toBase64Url } from './crypto.js';
import { open, seal, type Sealed } from './vault.js';

/** Systems that sign their calls to Concord with a per-tenant shared secret. */
export type InboundSystem = 'salesforce' | 'netsuite' | 'vitally';

/** How long the previous secret keeps verifying after a rotation. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

const aad = (system: InboundSystem, externalAccount: string, tenantId: string) => `inbound:${system}:${externalAccount}:${tenantId}`;

/** A fresh secret: 32 random bytes, base64url (43 characters, safe to paste anywhere). */
export function newSigningSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export interface StoredSecretResult {
  /** True when an existing secret was replaced (it stays valid until `previousValidUntil`). */
  rotated: boolean;
  previousValidUntil: string | null;
}

/**
 * Store `secret` as the current secret of (`system`, `externalAccount`) for `tenantId`; an existing
 * current secret becomes the previous one. An account registered by another tenant is a 409.
 * Returns the statement to run (callers batch it with the audit row) and what happened.
 */
export async function prepareInboundSecret(
  env: Env,
  input: { tenantId: string; system: InboundSystem; externalAccount: string; secret: string },
): Promise<{ statement: D1PreparedStatement; result: StoredSecretResult }> {
  const existing = await env.DB.prepare(
    'SELECT tenant_id AS tenantId, secret_kid AS kid, secret_iv AS iv, secret_ct AS ct FROM inbound_secrets WHERE system = ? AND external_account = ?',
  )
    .bind(input.system, input.externalAccount)
    .first<{ tenantId: string } & Sealed>();
  if (existing && existing.tenantId !== input.tenantId) {
    // Do not say which tenant: only that the org is taken.
    fail({ kind: 'conflict', message: `This ${input.system} account is already registered with another Concord tenant.` });
  }
  const sealed = await seal(env, aad(input.system, input.externalAccount, input.tenantId), input.secret);
  if (!existing) {
    return {
      statement: env.DB.prepare(
        `INSERT INTO inbound_secrets (system, external_account, tenant_id, secret_kid, secret_iv, secret_ct) VALUES (?, ?, ?, ?, ?, ?)`,
      ).bind(input.system, input.externalAccount, input.tenantId, sealed.kid, sealed.iv, sealed.ct),
      result: { rotated: false, previousValidUntil: null },
    };
  }
  const until = new Date(Date.now() + ROTATION_GRACE_MS).toISOString();
  return {
    // The WHERE re-checks the tenant so a concurrent claim by another tenant cannot be overwritten.
    statement: env.DB.prepare(
      `UPDATE inbound_secrets SET previous_kid = secret_kid, previous_iv = secret_iv, previous_ct = secret_ct, previous_valid_until = ?,
         secret_kid = ?, secret_iv = ?, secret_ct = ?, rotated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
       WHERE system = ? AND external_account = ? AND tenant_id = ?`,
    ).bind(until, sealed.kid, sealed.iv, sealed.ct, input.system, input.externalAccount, input.tenantId),
    result: { rotated: true, previousValidUntil: until },
  };
}

export interface InboundSecrets {
  tenantId: string;
  /** The calling account the secret is registered for. */
  externalAccount: string;
  /** Secrets that verify right now: the current one first, then the previous one in its grace period. */
  secrets: string[];
  /** True when the current secret does not open (its vault key was removed, or the row altered). */
  unreadable: boolean;
}

async function tryOpen(env: Env, context: string, sealed: Sealed): Promise<string | null> {
  try {
    return await open(env, context, sealed);
  } catch {
    return null;
  }
}

/** The tenant and the valid secrets of a calling account, or null when it is not registered. */
export function inboundSecretsFor(env: Env, system: InboundSystem, externalAccount: string): Promise<InboundSecrets | null> {
  return secretsWhere(env, 'system = ? AND external_account = ?', [system, externalAccount]);
}

/**
 * The valid secrets a tenant registered for `system` (callers whose requests name the tenant,
 * not an account: Vitally's playbook webhooks post to a per-tenant URL).
 */
export function inboundSecretsOfTenant(env: Env, system: InboundSystem, tenantId: string): Promise<InboundSecrets | null> {
  return secretsWhere(env, 'system = ? AND tenant_id = ?', [system, tenantId]);
}

async function secretsWhere(env: Env, where: string, args: string[]): Promise<InboundSecrets | null> {
  const row = await env.DB.prepare(
    `SELECT tenant_id AS tenantId, external_account AS externalAccount, secret_kid, secret_iv, secret_ct, previous_kid, previous_iv, previous_ct, previous_valid_until
     FROM inbound_secrets WHERE ${where} ORDER BY rotated_at DESC LIMIT 1`,
  )
    .bind(...args)
    .first<{
      tenantId: string;
      externalAccount: string;
      secret_kid: string;
      secret_iv: string;
      secret_ct: string;
      previous_kid: string | null;
      previous_iv: string | null;
      previous_ct: string | null;
      previous_valid_until: string | null;
    }>();
  if (!row) return null;
  const context = aad(args[0] as InboundSystem, row.externalAccount, row.tenantId);
  const current = await tryOpen(env, context, { kid: row.secret_kid, iv: row.secret_iv, ct: row.secret_ct });
  if (current === null) return { tenantId: row.tenantId, externalAccount: row.externalAccount, secrets: [], unreadable: true };
  const secrets = [current];
  if (row.previous_kid && row.previous_iv && row.previous_ct && row.previous_valid_until && Date.parse(row.previous_valid_until) > Date.now()) {
    // A previous secret that no longer opens just stops verifying; the current one still does.
    const previous = await tryOpen(env, context, { kid: row.previous_kid, iv: row.previous_iv, ct: row.previous_ct });
    if (previous !== null) secrets.push(previous);
  }
  return { tenantId: row.tenantId, externalAccount: row.externalAccount, secrets, unreadable: false };
}
