/**
 * Connections: one per tenant per system, credentials sealed by the vault. Reads that leave the
 * broker (`listConnections`) never include credentials; only connectors call `loadConnection`.
 */
import { z } from 'zod';
import type { Env } from '../env.js';
import { fail } from '../errors.js';
import { open, reseal, seal } from './vault.js';

export const SYSTEMS = ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const;
export type System = (typeof SYSTEMS)[number];

/**
 * What a connection may hold. `bearer` and `api_key` are static (sandbox tokens, Vitally keys);
 * `oauth2` (HubSpot, Salesforce) and `netsuite_m2m` (NetSuite client credentials with a JWT
 * assertion) carry what the token refresher needs; `netsuite_tba` holds the four TBA secrets. `expiresAt` is ms since epoch, null when the
 * vendor does not say (Salesforce without introspection): then only a 401 triggers a refresh.
 */
export const CredentialsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), accessToken: z.string().min(8).max(4096) }).strict(),
  z.object({ type: z.literal('api_key'), apiKey: z.string().min(8).max(4096) }).strict(),
  z
    .object({
      type: z.literal('oauth2'),
      accessToken: z.string().min(8).max(4096),
      refreshToken: z.string().min(8).max(4096),
      expiresAt: z.number().int().nullable(),
      scope: z.string().max(2000).optional(),
      instanceUrl: z.string().url().max(500).optional(),
      /** Salesforce: which login host issued the tokens ('login', 'test' or a My Domain host). */
      authHost: z.string().max(253).optional(),
    })
    .strict(),
  z
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
    .strict(),
  /** NetSuite token-based authentication (OAuth 1.0a, HMAC-SHA256): every request is signed, no token to refresh. */
  z
    .object({
      type: z.literal('netsuite_tba'),
      accountId: z.string().min(1).max(64),
      consumerKey: z.string().min(8).max(500),
      consumerSecret: z.string().min(8).max(500),
      tokenId: z.string().min(8).max(500),
      tokenSecret: z.string().min(8).max(500),
    })
    .strict(),
]);
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

export async function saveConnection(env: Env, c: Connection): Promise<D1PreparedStatement> {
  const sealed = await seal(env, aad(c.tenantId, c.system), JSON.stringify(c.credentials));
  return env.DB.prepare(
    `INSERT INTO connections (tenant_id, system, base_url, external_account, status, credentials_kid, credentials_iv, credentials_ct)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(tenant_id, system) DO UPDATE SET base_url = excluded.base_url, external_account = excluded.external_account,
       status = excluded.status, credentials_kid = excluded.credentials_kid, credentials_iv = excluded.credentials_iv,
       credentials_ct = excluded.credentials_ct, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
  ).bind(c.tenantId, c.system, c.baseUrl, c.externalAccount, c.status, sealed.kid, sealed.iv, sealed.ct);
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
    fail({ kind: 'conflict', message: `The stored ${system} credentials cannot be opened (vault key missing or row altered); connect ${system} again.` });
  }
  const conn: Connection = {
    tenantId,
    system,
    baseUrl: row.base_url,
    externalAccount: row.external_account,
    status: row.status,
    credentials: CredentialsSchema.parse(JSON.parse(plaintext)),
  };
  opened.set(cacheKey, { conn, until: Date.now() + 60_000 });
  return conn;
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

/** Outcome of re-sealing stored secrets under the active vault key. */
export interface ResealReport {
  resealed: number;
  alreadyCurrent: number;
  /** Rows whose ciphertext did not open (key missing from CONCORD_VAULT_KEYS, tampered row). */
  failed: { tenantId: string; system: string }[];
}

/**
 * Re-encrypt every connection's credentials under the active vault key, a page at a time so a
 * large estate never sits in memory. Each row is updated only if it still holds the ciphertext
 * that was read (a concurrent token refresh wins and is already sealed under the active key).
 */
export async function resealConnections(env: Env, pageSize = 50): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, alreadyCurrent: 0, failed: [] };
  let after = '';
  for (;;) {
    const { results } = await env.DB.prepare(
      `SELECT tenant_id, system, credentials_kid, credentials_iv, credentials_ct FROM connections
       WHERE tenant_id || char(31) || system > ? ORDER BY tenant_id || char(31) || system LIMIT ?`,
    )
      .bind(after, pageSize)
      .all<{ tenant_id: string; system: System; credentials_kid: string; credentials_iv: string; credentials_ct: string }>();
    const updates: D1PreparedStatement[] = [];
    for (const row of results) {
      try {
        const next = await reseal(env, aad(row.tenant_id, row.system), { kid: row.credentials_kid, iv: row.credentials_iv, ct: row.credentials_ct });
        if (!next) {
          report.alreadyCurrent += 1;
          continue;
        }
        updates.push(
          env.DB.prepare(
            `UPDATE connections SET credentials_kid = ?, credentials_iv = ?, credentials_ct = ?
             WHERE tenant_id = ? AND system = ? AND credentials_ct = ?`,
          ).bind(next.kid, next.iv, next.ct, row.tenant_id, row.system, row.credentials_ct),
        );
        report.resealed += 1;
      } catch {
        report.failed.push({ tenantId: row.tenant_id, system: row.system });
      }
      forgetConnection(row.tenant_id, row.system);
    }
    if (updates.length) await env.DB.batch(updates);
    if (results.length < pageSize) return report;
    const last = results[results.length - 1]!;
    after = `${last.tenant_id}\u001f${last.system}`;
  }
}
