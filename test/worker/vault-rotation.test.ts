/**
 * The token vault: rotation re-encrypts every connection under the new key and reads still work;
 * a ciphertext moved to another tenant's row does not open; the operator API guards rotation.
 */
import { describe, expect, it } from 'vitest';
import { loadConnection, loadConnectionFresh } from '../../worker/storage/connections.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';
import { approveFlow, call, OPERATOR_KEY, oauthEnv, provision, session } from './connect-flow.js';

const base = await oauthEnv(`vault-${crypto.randomUUID().slice(0, 8)}`);
const OLD = base.CONCORD_VAULT_KEYS;
// A second key (32 bytes, base64url) put first: it seals from now on, the old one still opens.
const rotated: OAuthEnv = { ...base, CONCORD_VAULT_KEYS: `k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8,${OLD}` };
const newOnly: OAuthEnv = { ...base, CONCORD_VAULT_KEYS: 'k2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8' };

async function connectHubSpot(tenant: string): Promise<string> {
  const key = await provision(base, tenant);
  const cookie = await session(base, tenant, key);
  const done = await call(base, await approveFlow(base, tenant, cookie, 'hubspot'), { cookie });
  if (done.status !== 302) throw new Error(`connect: ${done.status}`);
  return key;
}

describe('vault rotation', () => {
  it('re-encrypts every connection under the new key id, then reads work with only the new key', async () => {
    const key = await connectHubSpot('acme');
    const kids = async () => (await base.DB.prepare('SELECT DISTINCT credentials_kid AS kid FROM connections').all<{ kid: string }>()).results.map((r) => r.kid);
    expect(await kids()).toEqual(['k1']);
    const res = await call(rotated, '/v1/operator/vault/rotate', { method: 'POST', key: OPERATOR_KEY });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { activeKeyId: string; tables: { connections: { resealed: number; failed: unknown[] } }; failed: number };
    expect(report.activeKeyId).toBe('k2');
    expect(report.tables.connections.resealed).toBe(1);
    expect(report.tables.connections.failed).toEqual([]);
    expect(report.failed).toBe(0);
    expect(await kids()).toEqual(['k2']);
    // Running it again has nothing left to do.
    const again = (await (await call(rotated, '/v1/operator/vault/rotate', { method: 'POST', key: OPERATOR_KEY })).json()) as { tables: { connections: { resealed: number; alreadyCurrent: number } } };
    expect(again.tables.connections).toMatchObject({ resealed: 0, alreadyCurrent: 1 });
    // The old key can now be dropped: the connection still opens and still works.
    const conn = await loadConnectionFresh(newOnly, 'acme', 'hubspot');
    expect(conn.credentials.type).toBe('oauth2');
    expect((await call(newOnly, '/v1/tenants/acme/connect/hubspot/check', { method: 'POST', key })).status).toBe(200);
  });

  it('requires the operator key', async () => {
    expect((await call(rotated, '/v1/operator/vault/rotate', { method: 'POST', key: 'not-the-operator-key-0123' })).status).toBe(401);
  });
});

describe('ciphertext binding', () => {
  it('a ciphertext copied into another tenant\'s row does not open there', async () => {
    await connectHubSpot('acme');
    await provision(base, 'rival');
    // Copy acme's sealed credentials into a row for rival.
    await base.DB.prepare(
      `INSERT INTO connections (tenant_id, system, base_url, external_account, status, credentials_kid, credentials_iv, credentials_ct)
       SELECT 'rival', system, base_url, NULL, status, credentials_kid, credentials_iv, credentials_ct FROM connections WHERE tenant_id = 'acme' AND system = 'hubspot'`,
    ).run();
    await expect(loadConnection(base, 'rival', 'hubspot')).rejects.toThrow();
    // Through the API it is a clear "connect again", not a crash.
    const res = await call(base, '/v1/tenants/rival/connect/hubspot/check', { method: 'POST', key: await provision(base, 'rival') });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toContain('connect hubspot again');
  });
});
