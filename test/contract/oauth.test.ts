/**
 * The sandbox's OAuth servers as the vendors' clients see them: HubSpot and Salesforce
 * authorization-code flows with PKCE (single-use codes, vendor-shaped responses and errors,
 * refresh, revoke, introspect) and NetSuite client credentials with PS256/ES256 JWT assertions.
 * Issued tokens open the emulators through the official clients.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import { SignJWT, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authorize, form, pkce, redirectUri, registerClient } from './oauth-support.js';

const sandboxUrl = inject('sandboxUrl');
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  client = await registerClient();
});

describe('HubSpot OAuth', () => {
  const hubspotCode = async (challenge: string) =>
    authorize('/hubspot/oauth/authorize', { client_id: client.clientId, redirect_uri: redirectUri, scope: 'oauth crm.objects.companies.read', state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256' });

  it('exchanges a code once for HubSpot-shaped tokens that open the CRM API', async () => {
    const { verifier, challenge } = pkce();
    const code = await hubspotCode(challenge);
    const fields = { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code, code_verifier: verifier };
    const res = await form('/hubspot/oauth/2026-03/token', fields);
    expect(res.status).toBe(200);
    const t = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number; token_type: string; hub_id: number };
    expect(t).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
    expect(t.hub_id).toBeGreaterThan(0);
    const hs = new Client({ accessToken: t.access_token, basePath: `${sandboxUrl}/hubspot`, numberOfApiCallRetries: 0 });
    expect((await hs.crm.companies.basicApi.getPage(1)).results).toHaveLength(1);
    // Single use: the same code again is refused in HubSpot's error shape.
    const again = await form('/hubspot/oauth/2026-03/token', fields);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ status: 'BAD_AUTH_CODE' });
  });

  it('refuses a wrong PKCE verifier, a different redirect_uri and a wrong client secret', async () => {
    const { challenge } = pkce();
    const base = { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri };
    const wrongVerifier = await form('/hubspot/oauth/2026-03/token', { ...base, code: await hubspotCode(challenge), code_verifier: pkce().verifier });
    expect(wrongVerifier.status).toBe(400);
    const { verifier, challenge: c2 } = pkce();
    const wrongRedirect = await form('/hubspot/oauth/2026-03/token', { ...base, redirect_uri: 'http://127.0.0.1:9/other', code: await hubspotCode(c2), code_verifier: verifier });
    expect(await wrongRedirect.json()).toMatchObject({ status: 'MISMATCH_REDIRECT_URI_AUTH_CODE' });
    const { verifier: v3, challenge: c3 } = pkce();
    const wrongSecret = await form('/hubspot/oauth/v1/token', { ...base, client_secret: 'nope-nope-nope', code: await hubspotCode(c3), code_verifier: v3 });
    expect(await wrongSecret.json()).toMatchObject({ status: 'BAD_CLIENT_ID' });
  });

  it('refreshes with the same refresh token until it is revoked', async () => {
    const { verifier, challenge } = pkce();
    const code = await hubspotCode(challenge);
    const first = (await (await form('/hubspot/oauth/2026-03/token', { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code, code_verifier: verifier })).json()) as { refresh_token: string };
    const refresh = { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: first.refresh_token };
    const r1 = await form('/hubspot/oauth/2026-03/token', refresh);
    expect(r1.status).toBe(200);
    expect(((await r1.json()) as { refresh_token: string }).refresh_token).toBe(first.refresh_token);
    const revoke = await fetch(`${sandboxUrl}/hubspot/oauth/v1/refresh-tokens/${first.refresh_token}`, { method: 'DELETE' });
    expect(revoke.status).toBe(204);
    const r2 = await form('/hubspot/oauth/2026-03/token', refresh);
    expect(await r2.json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
  });

  it('shows an error page, not a redirect, for an unknown client', async () => {
    const res = await fetch(`${sandboxUrl}/hubspot/oauth/authorize?client_id=nobody&redirect_uri=${encodeURIComponent(redirectUri)}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
  });
});

describe('Salesforce OAuth', () => {
  it('requires PKCE, returns instance_url/id/issued_at/signature without expires_in, and jsforce reads with it', async () => {
    const noPkce = await fetch(`${sandboxUrl}/salesforce/services/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri })}`);
    expect(noPkce.status).toBe(400);
    const { verifier, challenge } = pkce();
    const code = await authorize('/salesforce/services/oauth2/authorize', { response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, state: 'sf', code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await form('/salesforce/services/oauth2/token', { grant_type: 'authorization_code', code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code_verifier: verifier });
    expect(res.status).toBe(200);
    const t = (await res.json()) as Record<string, string>;
    expect(t).not.toHaveProperty('expires_in');
    expect(t['instance_url']).toBe(`${sandboxUrl}/salesforce`);
    expect(t['signature']).toBe(createHmac('sha256', client.clientSecret).update(t['id']! + t['issued_at']!).digest('base64'));
    const conn = new jsforce.Connection({ instanceUrl: t['instance_url']!, accessToken: t['access_token']!, version: '62.0' });
    const q = await conn.query('SELECT Id FROM Account LIMIT 1');
    expect(q.records.length).toBe(1);

    const introspect = await form('/salesforce/services/oauth2/introspect', { token: t['access_token']!, token_type_hint: 'access_token', client_id: client.clientId, client_secret: client.clientSecret });
    const info = (await introspect.json()) as { active: boolean; exp: number };
    expect(info.active).toBe(true);
    expect(info.exp * 1000).toBeGreaterThan(Date.now());

    const refreshed = await form('/salesforce/services/oauth2/token', { grant_type: 'refresh_token', refresh_token: t['refresh_token']!, client_id: client.clientId, client_secret: client.clientSecret });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).not.toHaveProperty('refresh_token');
    expect((await form('/salesforce/services/oauth2/revoke', { token: t['refresh_token']! })).status).toBe(200);
    const dead = await form('/salesforce/services/oauth2/token', { grant_type: 'refresh_token', refresh_token: t['refresh_token']!, client_id: client.clientId, client_secret: client.clientSecret });
    expect(await dead.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('NetSuite client credentials (M2M)', () => {
  const tokenUrl = () => `${sandboxUrl}/netsuite/services/rest/auth/oauth2/v1/token`;
  const assertion = async (alg: 'PS256' | 'ES256', key: CryptoKey, kid: string, claims: { aud?: string; ttl?: number; iss?: string } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: ['rest_webservices'] })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuer(claims.iss ?? 'contract-ns-client')
      .setAudience(claims.aud ?? tokenUrl())
      .setIssuedAt(now)
      .setExpirationTime(now + (claims.ttl ?? 3000))
      .sign(key);
  };
  const exchange = (jwt: string) =>
    form('/netsuite/services/rest/auth/oauth2/v1/token', { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });

  it('issues a 60-minute token for a PS256 assertion signed by a registered certificate, and SuiteQL accepts it', async () => {
    const { publicKey, privateKey } = await generateKeyPair('PS256', { extractable: true });
    const certificateId = `contract-ps-${randomBytes(3).toString('hex')}`;
    const reg = await fetch(`${sandboxUrl}/__sandbox/netsuite/certificates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', certificateId, publicKeyPem: await exportSPKI(publicKey) }) });
    expect(reg.status).toBe(201);
    const res = await exchange(await assertion('PS256', privateKey, certificateId));
    expect(res.status).toBe(200);
    const t = (await res.json()) as { access_token: string; expires_in: string };
    expect(t.expires_in).toBe('3600');
    const q = await fetch(`${sandboxUrl}/netsuite/services/rest/query/v1/suiteql?limit=1`, { method: 'POST', headers: { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json', prefer: 'transient' }, body: JSON.stringify({ q: 'SELECT id FROM customer' }) });
    expect(q.status).toBe(200);
  });

  it('refuses a wrong audience, an assertion living over an hour, an unknown kid and a key that does not match', async () => {
    const demo = (await (await fetch(`${sandboxUrl}/__sandbox/netsuite/demo-credentials?tenant=demo`)).json()) as { clientId: string; certificateId: string; privateKey: string };
    const { importPKCS8 } = await import('jose');
    const key = await importPKCS8(demo.privateKey, 'ES256');
    const iss = demo.clientId;
    expect((await exchange(await assertion('ES256', key, demo.certificateId, { iss }))).status).toBe(200);
    expect((await exchange(await assertion('ES256', key, demo.certificateId, { iss, aud: 'https://elsewhere.example/token' }))).status).toBe(400);
    expect((await exchange(await assertion('ES256', key, demo.certificateId, { iss, ttl: 2 * 3600 }))).status).toBe(400);
    expect((await exchange(await assertion('ES256', key, 'unknown-cert', { iss }))).status).toBe(401);
    // The certificate is bound to its integration's client id.
    expect((await exchange(await assertion('ES256', key, demo.certificateId, { iss: 'someone-else' }))).status).toBe(401);
    const stranger = await generateKeyPair('ES256', { extractable: true });
    expect((await exchange(await assertion('ES256', stranger.privateKey, demo.certificateId, { iss }))).status).toBe(400);
    // The demo private key is PKCS#8 PEM, as NetSuite's certificate upload expects its pair to be.
    expect(await exportPKCS8(stranger.privateKey)).toContain('BEGIN PRIVATE KEY');
  });
});

/**
 * HubSpot app uninstalls (sandbox/hubspot/installs.ts), on a private sandbox: an uninstall kills
 * every OAuth token of the portal, which other files sharing the contract sandbox would feel.
 */
describe('HubSpot app uninstall', () => {
  let base = '';
  let close: () => Promise<void> = async () => {};
  const app = { clientId: 'concord-local', clientSecret: 'concord-local-secret' };

  beforeAll(async () => {
    const { createSandbox } = await import('../../sandbox/server.js');
    const listener = await createSandbox().listen(0);
    base = listener.url;
    close = () => listener.close();
  });
  afterAll(() => close());

  const tokenAt = (fields: Record<string, string>) =>
    fetch(`${base}/hubspot/oauth/2026-03/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, ...fields }) });

  /** Install the app in the demo portal through the consent page; returns the token response. */
  async function install(): Promise<{ access_token: string; refresh_token: string; hub_id: number }> {
    const { verifier, challenge } = pkce();
    const params = { client_id: app.clientId, redirect_uri: redirectUri, scope: 'oauth', state: 'st-u', code_challenge: challenge, code_challenge_method: 'S256' };
    const res = await fetch(`${base}/hubspot/oauth/authorize`, { method: 'POST', body: new URLSearchParams({ ...params, decision: 'approve', sandbox_tenant: 'demo' }), redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const t = await tokenAt({ grant_type: 'authorization_code', redirect_uri: redirectUri, code, code_verifier: verifier });
    expect(t.status).toBe(200);
    return (await t.json()) as { access_token: string; refresh_token: string; hub_id: number };
  }
  const companies = (token: string) => fetch(`${base}/hubspot/crm/v3/objects/companies?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const uninstall = (token: string) => fetch(`${base}/hubspot/appinstalls/2026-03/external-install`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });

  it('DELETE external-install answers 204 and kills the portal\'s OAuth tokens, not its private-app tokens; a reinstall works', async () => {
    const staticToken = ((await (await fetch(`${base}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo', lifetime: 'static' }) })).json()) as { accessToken: string }).accessToken;
    const a = await install();
    const b = await install();
    expect((await companies(a.access_token)).status).toBe(200);
    // Private-app tokens cannot uninstall.
    expect((await uninstall(staticToken)).status).toBe(403);

    const res = await uninstall(a.access_token);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    // Every token issued to the portal is dead: access tokens get HubSpot's 401, refresh tokens BAD_REFRESH_TOKEN.
    for (const t of [a, b]) {
      const read = await companies(t.access_token);
      expect(read.status).toBe(401);
      expect(await read.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
      const refresh = await tokenAt({ grant_type: 'refresh_token', refresh_token: t.refresh_token });
      expect(refresh.status).toBe(400);
      expect(await refresh.json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
    }
    // Uninstalling again: the token no longer opens the API.
    expect((await uninstall(a.access_token)).status).toBe(401);
    expect((await companies(staticToken)).status).toBe(200);
    const seen = (await (await fetch(`${base}/__sandbox/hubspot/uninstalls?tenant=demo`)).json()) as { items: { via: string; portalId: number }[] };
    expect(seen.items).toEqual([expect.objectContaining({ via: 'api', portalId: a.hub_id })]);

    await new Promise((r) => setTimeout(r, 5));
    const again = await install();
    expect((await companies(again.access_token)).status).toBe(200);
    expect((await tokenAt({ grant_type: 'refresh_token', refresh_token: again.refresh_token })).status).toBe(200);
  });

  it('POST /__sandbox/hubspot/uninstall does the same as an admin uninstalling from HubSpot\'s UI', async () => {
    await new Promise((r) => setTimeout(r, 5));
    const t = await install();
    const res = await fetch(`${base}/__sandbox/hubspot/uninstall`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'demo' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tenant: 'demo', via: 'admin', portalId: t.hub_id });
    expect((await companies(t.access_token)).status).toBe(401);
    expect(await (await tokenAt({ grant_type: 'refresh_token', refresh_token: t.refresh_token })).json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
    const meta = await fetch(`${base}/hubspot/oauth/v1/refresh-tokens/${t.refresh_token}`);
    expect(meta.status).toBe(400);
    expect((await fetch(`${base}/__sandbox/hubspot/uninstall`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'nobody' }) })).status).toBe(400);
  });
});
