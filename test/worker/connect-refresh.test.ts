/**
 * Single-flight token refresh: twenty concurrent requests that all find the HubSpot token expired
 * cause exactly one refresh_token grant at the sandbox (counted there, per client app), and all
 * of them succeed with the new token.
 */
import { describe, expect, it } from 'vitest';
import { loadConnectionFresh, updateCredentials } from '../../worker/storage/connections.js';
import { approveFlow, call, oauthEnv, provision, sandboxUrl, session } from './connect-flow.js';

const e = await oauthEnv(`refresh-${crypto.randomUUID().slice(0, 8)}`);

async function refreshGrants(): Promise<number> {
  const res = await fetch(`${sandboxUrl()}/__sandbox/oauth/stats?clientId=${encodeURIComponent(e.HUBSPOT_CLIENT_ID!)}`);
  return ((await res.json()) as { grants: { refresh_token: number } }).grants.refresh_token;
}

async function expireHubSpotToken(tenant: string): Promise<void> {
  const conn = await loadConnectionFresh(e, tenant, 'hubspot');
  if (conn.credentials.type !== 'oauth2') throw new Error('expected oauth2');
  await updateCredentials(e, conn, { ...conn.credentials, expiresAt: Date.now() - 5_000 });
}

describe('token refresh', () => {
  it('20 concurrent requests with an expired token make exactly one refresh call', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    await call(e, await approveFlow(e, 'acme', cookie, 'hubspot'), { cookie });
    await expireHubSpotToken('acme');
    const before = await refreshGrants();
    const results = await Promise.all(Array.from({ length: 20 }, () => call(e, '/v1/tenants/acme/connect/hubspot/check', { method: 'POST', key })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect((await refreshGrants()) - before).toBe(1);
    const after = await loadConnectionFresh(e, 'acme', 'hubspot');
    if (after.credentials.type !== 'oauth2') throw new Error('expected oauth2');
    // HubSpot access tokens live 30 minutes.
    expect(after.credentials.expiresAt).toBeGreaterThan(Date.now() + 25 * 60_000);
  });

  it('does not refresh a fresh token, and a refused refresh token reports that the admin must reconnect', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    await call(e, await approveFlow(e, 'acme', cookie, 'hubspot'), { cookie });
    const before = await refreshGrants();
    expect((await call(e, '/v1/tenants/acme/connect/hubspot/check', { method: 'POST', key })).status).toBe(200);
    expect(await refreshGrants()).toBe(before);

    const conn = await loadConnectionFresh(e, 'acme', 'hubspot');
    if (conn.credentials.type !== 'oauth2') throw new Error('expected oauth2');
    await updateCredentials(e, conn, { ...conn.credentials, refreshToken: 'sbx_not.a-valid-refresh-token', expiresAt: Date.now() - 1000 });
    const res = await call(e, '/v1/tenants/acme/connect/hubspot/check', { method: 'POST', key });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toBe('upstream_auth_failed');
  });
});
