/**
 * Salesforce web server flow with PKCE inside workerd against the sandbox: login host choice,
 * instance_url as the connection's base URL, expiry from introspection, refresh, revocation.
 */
import { describe, expect, it } from 'vitest';
import { approveFlow, call, oauthEnv, provision, rawStorage, sandboxUrl, session } from './connect-flow.js';

const e = await oauthEnv(`sf-flow-${crypto.randomUUID().slice(0, 8)}`);

describe('Salesforce connect flow', () => {
  it('validates the login host', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    for (const bad of ['evil.example.com', 'login.salesforce.com.evil.io', 'x.my.salesforce.com/../']) {
      const res = await call(e, `/v1/tenants/acme/connect/salesforce/start?loginHost=${encodeURIComponent(bad)}`, { cookie });
      expect(res.status).toBe(400);
    }
    for (const good of ['login', 'test', 'acme.my.salesforce.com', 'acme--uat.sandbox.my.salesforce.com']) {
      const res = await call(e, `/v1/tenants/acme/connect/salesforce/start?loginHost=${encodeURIComponent(good)}`, { cookie });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location')!);
      expect(to.pathname).toBe('/salesforce/services/oauth2/authorize');
      expect(to.searchParams.get('response_type')).toBe('code');
      expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    }
  });

  it('stores tokens sealed with instance_url as base URL and the org id, and the connection reads', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    const done = await call(e, await approveFlow(e, 'acme', cookie, 'salesforce', '?loginHost=test'), { cookie });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toContain('connected=salesforce');
    const list = (await (await call(e, '/v1/tenants/acme/connections', { key })).json()) as { items: Record<string, unknown>[] };
    const sf = list.items.find((i) => i['system'] === 'salesforce')!;
    expect(sf['baseUrl']).toBe(`${sandboxUrl()}/salesforce`);
    expect(sf['externalAccount']).toMatch(/^00D[A-Za-z0-9]{12,15}$/);
    const check = await call(e, '/v1/tenants/acme/connect/salesforce/check', { method: 'POST', key });
    expect(check.status).toBe(200);
    expect(await rawStorage(e)).not.toContain('sbx_');
  });

  it('refreshes through the refresh_token grant when a call is refused with 401', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    await call(e, await approveFlow(e, 'acme', cookie, 'salesforce'), { cookie });
    const before = await grants(e.SALESFORCE_CLIENT_ID!);
    // Simulate the org revoking the session: the stored access token is no longer a valid one.
    const { loadConnectionFresh, updateCredentials } = await import('../../worker/storage/connections.js');
    const conn = await loadConnectionFresh(e, 'acme', 'salesforce');
    if (conn.credentials.type !== 'oauth2') throw new Error('expected oauth2');
    await updateCredentials(e, conn, { ...conn.credentials, accessToken: 'sbx_revoked.session' });
    const check = await call(e, '/v1/tenants/acme/connect/salesforce/check', { method: 'POST', key });
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({ ok: true, refreshed: true });
    expect((await grants(e.SALESFORCE_CLIENT_ID!)).refresh_token).toBe(before.refresh_token + 1);
  });
});

async function grants(clientId: string): Promise<{ refresh_token: number; authorization_code: number }> {
  const res = await fetch(`${sandboxUrl()}/__sandbox/oauth/stats?clientId=${encodeURIComponent(clientId)}`);
  return ((await res.json()) as { grants: { refresh_token: number; authorization_code: number } }).grants;
}
