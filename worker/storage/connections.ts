/**
 * Connections: one per tenant per system, credentials sealed by the vault. Reads that leave the
 * broker (`listConnections`) never include credentials; only connectors call `loadConnection`.
 */
import { z } from 'zod';
import type { Env } from '../env.js';
import { fail } from '../errors.js';
import { open, seal } from './vault.js';

export const SYSTEMS = ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const;
export type System = (typeof SYSTEMS)[number];

/** What a connection may hold. OAuth refresh tokens and M2M keys arrive with the connectors issue. */
export const CredentialsSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), accessToken: z.string().min(8).max(4096) }).strict(),
  z.object({ type: z.literal('api_key'), apiKey: z.string().min(8).max(4096) }).strict(),
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

const aad = (tenantId: string, system: System) => `connection:${tenantId}:${system}`;

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
  const plaintext = await open(env, aad(tenantId, system), { kid: row.credentials_kid, iv: row.credentials_iv, ct: row.credentials_ct });
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
