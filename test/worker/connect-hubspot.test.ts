/**
 * HubSpot install flow inside workerd against the sandbox's OAuth server: session cookie, start
 * redirect with PKCE, consent, callback, sealed storage, state rules, disconnect with revocation.
 */
import { describe, expect, it } from 'vitest';
import { approveFlow, call, consent, oauthEnv, provision, rawStorage, sandboxUrl, session } from './connect-flow.js';
import hubspotApp from '../../extensions/hubspot/src/app/app-hsmeta.json';

const e = await oauthEnv(`hs-flow-${crypto.randomUUID().slice(0, 8)}`);

describe('admin session', () => {
  it('is set by the API key as an HttpOnly SameSite=Lax cookie and then authenticates tenant routes', async () => {
    const key = await provision(e, 'acme');
    const res = await call(e, '/v1/tenants/acme/session', { method: 'POST', key });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^concord_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // Plain http here, so no Secure flag (it would stop the cookie from being sent back).
    expect(cookie).not.toMatch(/Secure/);
    const pair = cookie.split(';')[0]!;
    expect((await call(e, '/v1/tenants/acme/connections', { cookie: pair })).status).toBe(200);
    expect((await call(e, '/v1/tenants/acme/connections', { cookie: 'concord_session=forged.jwt.value' })).status).toBe(401);
  });

  it('does not open another tenant and refuses cross-site writes', async () => {
    const key = await provision(e, 'acme');
    await provision(e, 'rival');
    const pair = await session(e, 'acme', key);
    expect((await call(e, '/v1/tenants/rival/connections', { cookie: pair })).status).toBe(403);
    const cross = await call(e, '/v1/tenants/acme/connections/hubspot', { method: 'DELETE', cookie: pair, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(cross.status).toBe(403);
  });
});

describe('HubSpot connect flow', () => {
  it('redirects to the authorize URL with client_id, scope, redirect_uri, state and an S256 challenge', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    const res = await call(e, '/v1/tenants/acme/connect/hubspot/start', { cookie });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${sandboxUrl()}/hubspot/oauth/authorize`);
    expect(to.searchParams.get('client_id')).toBe(e.HUBSPOT_CLIENT_ID);
    expect(to.searchParams.get('redirect_uri')).toBe('http://broker.test/v1/oauth/hubspot/callback');
    // Exactly the scopes the app declares: HubSpot refuses an install URL missing a required scope.
    const scopes = (name: string) => (to.searchParams.get(name) ?? '').split(' ').filter(Boolean).sort();
    expect(scopes('scope')).toEqual([...hubspotApp.config.auth.requiredScopes].sort());
    expect(scopes('optional_scope')).toEqual([...hubspotApp.config.auth.optionalScopes].sort());
    expect(to.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('needs a session to start (an API key alone cannot finish a browser flow)', async () => {
    const key = await provision(e, 'acme');
    const res = await call(e, '/v1/tenants/acme/connect/hubspot/start', { key });
    expect(res.status).toBe(401);
  });

  it('stores sealed tokens and the hub id, audits, returns to the console, and the connection works', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    const callback = await approveFlow(e, 'acme', cookie, 'hubspot');
    const done = await call(e, callback, { cookie });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('http://broker.test/widgets/console?tenant=acme&connected=hubspot');

    const list = (await (await call(e, '/v1/tenants/acme/connections', { key })).json()) as { items: Record<string, unknown>[] };
    const hubspot = list.items.find((i) => i['system'] === 'hubspot')!;
    expect(hubspot).toMatchObject({ system: 'hubspot', status: 'connected', baseUrl: `${sandboxUrl()}/hubspot` });
    expect(hubspot['externalAccount']).toMatch(/^\d+$/);
    expect(JSON.stringify(list)).not.toMatch(/sbx_|accessToken|refreshToken/);

    const check = await call(e, '/v1/tenants/acme/connect/hubspot/check', { method: 'POST', key });
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({ system: 'hubspot', ok: true });

    // No sandbox token (access or refresh) appears anywhere in D1 or KV.
    expect(await rawStorage(e)).not.toContain('sbx_');
    const audit = (await (await call(e, '/v1/tenants/acme/audit?entityType=connection', { key })).json()) as { items: { action: string }[] };
    expect(audit.items.map((a) => a.action)).toContain('connection.oauth_connect');
  });

  it('refuses a state from another session, and a state that was already used', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    const callback = await approveFlow(e, 'acme', cookie, 'hubspot');
    const other = await session(e, 'acme', key);
    const stolen = await call(e, callback, { cookie: other });
    expect(stolen.status).toBe(400);
    // The state was consumed by the refused attempt: even the right session cannot use it now.
    const replay = await call(e, callback, { cookie });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('state_unknown');
  });

  it('refuses a state older than 10 minutes', async () => {
    const key = await provision(e, 'late');
    const cookie = await session(e, 'late', key);
    const callback = await approveFlow(e, 'late', cookie, 'hubspot');
    // Age the pending row past its 10-minute life.
    await e.DB.prepare('UPDATE oauth_states SET expires_at = ?').bind(Date.now() - 1).run();
    const res = await call(e, callback, { cookie });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('state_expired');
    expect(await e.DB.prepare("SELECT 1 FROM connections WHERE tenant_id = 'late' AND system = 'hubspot'").first()).toBeNull();
  });

  it('sends the admin back to the console when they deny consent', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    const start = await call(e, '/v1/tenants/acme/connect/hubspot/start', { cookie });
    const back = await consent(start.headers.get('location')!, 'deny');
    const res = await call(e, back.pathname + back.search, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('error=access_denied');
  });

  it('disconnect revokes the refresh token at HubSpot and deletes the credentials', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    await call(e, await approveFlow(e, 'acme', cookie, 'hubspot'), { cookie });
    const row = await e.DB.prepare("SELECT 1 FROM connections WHERE tenant_id = 'acme' AND system = 'hubspot'").first();
    expect(row).not.toBeNull();
    const del = await call(e, '/v1/tenants/acme/connections/hubspot', { method: 'DELETE', cookie });
    expect(del.status).toBe(204);
    expect(await e.DB.prepare("SELECT 1 FROM connections WHERE tenant_id = 'acme' AND system = 'hubspot'").first()).toBeNull();
    const audit = (await (await call(e, '/v1/tenants/acme/audit?entityType=connection&entityId=hubspot', { key })).json()) as { items: { action: string; after: unknown }[] };
    expect(audit.items[0]).toMatchObject({ action: 'connection.delete', after: { revokedAtVendor: true } });
  });
});
