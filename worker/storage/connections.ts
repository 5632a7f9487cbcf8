/**
 * Connections: one per tenant per system, credentials sealed by the vault. Reads that leave the
 * broker (`listConnections`) never include credentials; only connectors call `loadConnection`.
 */
import { z } from 'zod';
import { MY_DOMAIN_HOST } from '../connectors/hosts.js';
import type { Env } from '../env.js';
import { fail } from '../errors.js';
import { auditStatement } from './audit.js';
import { TtlMemo } from './memo.js';
import { open, seal } from './vault.js';

export const SYSTEMS = ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const;
export type System = (typeof SYSTEMS)[number];

/**
 * What a connection may hold. `bearer` and `api_key` are static (sandbox tokens, Vitally keys);
 * `oauth2` (HubSpot, Salesforce) and `netsuite_m2m` (NetSuite client credentials with a JWT
 * assertion) carry what the token refresher needs; `netsuite_tba` holds the four TBA secrets. `expiresAt` is ms since epoch, null when the
 * vendor does not say (Salesforce without introspection): then only a 401 triggers a refresh.
 */
export const BearerCredentials = z.object({ type: z.literal('bearer'), accessToken: z.string().min(8).max(4096) }).strict();
export const ApiKeyCredentials = z.object({ type: z.literal('api_key'), apiKey: z.string().min(8).max(4096) }).strict();
export const OAuth2Credentials = z
  .object({
    type: z.literal('oauth2'),
    accessToken: z.string().min(8).max(4096),
    refreshToken: z.string().min(8).max(4096),
    expiresAt: z.number().int().nullable(),
    scope: z.string().max(2000).optional(),
    instanceUrl: z.string().url().max(500).optional(),
    /** Salesforce: which login host issued the tokens ('login', 'test' or a My Domain host), checked strictly. */
    authHost: z
      .string()
      .max(253)
      .refine((v) => v === 'login' || v === 'test' || MY_DOMAIN_HOST.test(v), 'login, test or <name>.my.salesforce.com')
      .optional(),
  })
  .strict();
export const NetSuiteM2MCredentials = z
  .object({
    type: z.literal('netsuite_m2m'),
    accountId: z.string().min(1).max(64),
    clientId: z.string().min(1).max(500),
    certificateId: z.string().min(1).max(500),
    privateKeyPem: z.string().min(64).max(16_384),
    algorithm: z.enum(['PS256', 'ES256']),
    accessToken: z.string().min(8).max(4096).optional(),
    expiresAt: z.number().int().nullable().optional(),
  })
  .strict();
/** NetSuite token-based authentication (OAuth 1.0a, HMAC-SHA256): every request is signed, no token to refresh. */
export const NetSuiteTbaCredentials = z
  .object({
    type: z.literal('netsuite_tba'),
    accountId: z.string().min(1).max(64),
    consumerKey: z.string().min(8).max(500),
    consumerSecret: z.string().min(8).max(500),
    tokenId: z.string().min(8).max(500),
    tokenSecret: z.string().min(8).max(500),
  })
  .strict();

export const CredentialsSchema = z.discriminatedUnion('type', [BearerCredentials, ApiKeyCredentials, OAuth2Credentials, NetSuiteM2MCredentials, NetSuiteTbaCredentials]);
export type Credentials = z.infer<typeof CredentialsSchema>;

export interface Connection {
  tenantId: string;
  system: System;
  baseUrl: string;
  externalAccount: string | null;
  status: string;
  credentials: Credentials;
}

export interface ConnectionSummary {
  system: System;
  baseUrl: string;
  externalAccount: string | null;
  status: string;
  updatedAt: string;
}

/** AAD binds a ciphertext to its row: moved to another tenant or system, it no longer opens. */
export const connectionAad = (tenantId: string, system: System) => `connection:${tenantId}:${system}`;
const aad = connectionAad;

/**
 * Seal and upsert a connection; the write happens only while no other tenant's connection of the
 * same system records the same external account (HubSpot portal, Salesforce org): the claim
 * check and the write are one statement, so concurrent claims cannot both win. `meta.changes`
 * of the statement is 0 when the account is held by another tenant. Returns the ciphertext so a
 * follow-up statement in the same batch can tell whether this write happened.
 */
export async function claimingSaveConnection(env: Env, c: Connection): Promise<{ statement: D1PreparedStatement; ciphertext: string }> {
  const sealed = await seal(env, aad(c.tenantId, c.system), JSON.stringify(c.credentials));
  const statement = env.DB.prepare(
    `INSERT INTO connections (tenant_id, system, base_url, external_account, status, credentials_kid, credentials_iv, credentials_ct)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
     WHERE ?4 IS NULL OR NOT EXISTS (SELECT 1 FROM connections WHERE system = ?2 AND external_account = ?4 AND tenant_id <> ?1)
     ON CONFLICT(tenant_id, system) DO UPDATE SET base_url = excluded.base_url, external_account = excluded.external_account,
       status = excluded.status, credentials_kid = excluded.credentials_kid, credentials_iv = excluded.credentials_iv,
       credentials_ct = excluded.credentials_ct, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).bind(c.tenantId, c.system, c.baseUrl, c.externalAccount, c.status, sealed.kid, sealed.iv, sealed.ct);
  return { statement, ciphertext: sealed.ct };
}

/** Per-isolate cache of opened connections: decrypting on every card view would waste the warm path. */
const opened = new Map<string, { conn: Connection; until: number }>();

export async function loadConnection(env: Env, tenantId: string, system: System): Promise<Connection> {
  const cacheKey = `${tenantId}:${system}`;
  const hit = opened.get(cacheKey);
  if (hit && hit.until > Date.now()) return hit.conn;
  const row = await env.DB.prepare(
    `SELECT base_url, external_account, status, credentials_kid, credentials_iv, credentials_ct
     FROM connections WHERE tenant_id = ? AND system = ?`,
  )
    .bind(tenantId, system)
    .first<{ base_url: string; external_account: string | null; status: string; credentials_kid: string; credentials_iv: string; credentials_ct: string }>();
  if (!row || row.status !== 'connected') fail({ kind: 'not_connected', system });
  let plaintext: string;
  try {
    plaintext = await open(env, aad(tenantId, system), { kid: row.credentials_kid, iv: row.credentials_iv, ct: row.credentials_ct });
  } catch {
    // Key id not configured, ciphertext tampered with or copied from another row (AAD mismatch).
    await auditUnreadable(env, tenantId, system);
    fail({ kind: 'conflict', message: `The stored ${system} credentials cannot be opened (vault key missing or row altered); connect ${system} again.` });
  }
  const conn: Connection = {
    tenantId,
    system,
    baseUrl: row.base_url,
    externalAccount: row.external_account,
    status: row.status,
    credentials: parseStored(plaintext, system),
  };
  opened.set(cacheKey, { conn, until: Date.now() + 60_000 });
  return conn;
}

/** Audited at most once per connection per isolate every 5 minutes (every card view would otherwise add a row). */
const auditedUnreadable = new TtlMemo<boolean>(5 * 60_000);

async function auditUnreadable(env: Env, tenantId: string, system: System): Promise<void> {
  await auditedUnreadable.get(`${tenantId}:${system}`, async () => {
    await auditStatement(env.DB, { tenantId, actor: 'vault', action: 'connection.credentials_unreadable', entityType: 'connection', entityId: system, after: { reason: 'vault key missing or row altered' }, correlationId: 'vault' }).run();
    return true;
  });
}

/** Stored credentials that no longer pass the schema (e.g. a login host written before it was checked) are a "connect again", not a crash. */
function parseStored(plaintext: string, system: System): Credentials {
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    value = null;
  }
  const parsed = CredentialsSchema.safeParse(value);
  if (!parsed.success) fail({ kind: 'conflict', message: `The stored ${system} credentials are no longer valid; connect ${system} again.` });
  return parsed.data;
}

/** Read a row and open its credentials, bypassing the per-isolate cache (the token refresher's view). */
export async function loadConnectionFresh(env: Env, tenantId: string, system: System): Promise<Connection> {
  forgetConnection(tenantId, system);
  return loadConnection(env, tenantId, system);
}

/**
 * Replace a connection's credentials (after a token refresh) and refresh this isolate's cache.
 * Only the sealed columns change: base URL, account and status stay as the connect flow set them.
 */
export async function updateCredentials(env: Env, conn: Connection, credentials: Credentials): Promise<Connection> {
  const sealed = await seal(env, aad(conn.tenantId, conn.system), JSON.stringify(CredentialsSchema.parse(credentials)));
  await env.DB.prepare(
    `UPDATE connections SET credentials_kid = ?, credentials_iv = ?, credentials_ct = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
     WHERE tenant_id = ? AND system = ?`,
  )
    .bind(sealed.kid, sealed.iv, sealed.ct, conn.tenantId, conn.system)
    .run();
  const next = { ...conn, credentials };
  opened.set(`${conn.tenantId}:${conn.system}`, { conn: next, until: Date.now() + 60_000 });
  return next;
}

export function forgetConnection(tenantId: string, system: System): void {
  opened.delete(`${tenantId}:${system}`);
}

export async function listConnections(db: D1Database, tenantId: string): Promise<ConnectionSummary[]> {
  const { results } = await db
    .prepare(
      `SELECT system, base_url AS baseUrl, external_account AS externalAccount, status, updated_at AS updatedAt
       FROM connections WHERE tenant_id = ? ORDER BY system`,
    )
    .bind(tenantId)
    .all<ConnectionSummary>();
  return results;
}
