/**
 * What a HubSpot access token stands for, on the sandbox: the 2026-03 introspection endpoint and
 * the legacy `GET /oauth/v1/access-tokens/:token` name the portal (`hub_id`), user, app and the
 * scopes granted in the OAuth flow; a dead token (uninstalled app, forged, refresh token, another
 * vendor's) is inactive. An app proves the portal behind a token this way, not from a request.
 * Runs on a sandbox of its own: an uninstall kills every OAuth token of the portal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../sandbox/server.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { authorize, form as formAt, pkce, redirectUri, registerClient } from './oauth-support.js';
import { seededPortal } from './hubspot-support.js';

let sandboxUrl = '';
let close: () => Promise<void> = async () => {};
let client: { clientId: string; clientSecret: string };
let seed: Record<'demo' | 'other', TenantDataset>;
const SCOPE = 'oauth crm.objects.companies.read crm.objects.deals.read';

beforeAll(async () => {
  const listener = await createSandbox().listen(0);
  sandboxUrl = listener.url;
  close = () => listener.close();
  client = await registerClient(sandboxUrl);
  seed = { demo: await seededPortal('demo'), other: await seededPortal('other') };
});
afterAll(() => close());

const form = (path: string, fields: Record<string, string>) => formAt(path, fields, sandboxUrl);
async function token(tenant: 'demo' | 'other'): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** One OAuth install for `demo`: the token endpoint's answer. */
async function install(): Promise<{ access_token: string; refresh_token: string; hub_id: number }> {
  const { verifier, challenge } = pkce();
  const code = await authorize('/hubspot/oauth/authorize', { client_id: client.clientId, redirect_uri: redirectUri, scope: SCOPE, state: 'ti', code_challenge: challenge, code_challenge_method: 'S256' }, sandboxUrl);
  const res = await form('/hubspot/oauth/2026-03/token', { grant_type: 'authorization_code', code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code_verifier: verifier });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string; hub_id: number };
}

const introspect = (tok: string, secret = client.clientSecret) => form('/hubspot/oauth/2026-03/token/introspect', { client_id: client.clientId, client_secret: secret, token: tok, token_type_hint: 'access_token' });

describe('HubSpot token metadata', () => {
  it('introspection names the portal, user, app and granted scopes of an OAuth token', async () => {
    const t = await install();
    const res = await introspect(t.access_token);
    expect(res.status).toBe(200);
    const info = (await res.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      token_use: 'access_token',
      active: true,
      token: t.access_token,
      hub_id: seed.demo.hubspot.portalId,
      client_id: client.clientId,
      scopes: SCOPE.split(' '),
      token_type: 'access',
      is_private_distribution: false,
    });
    expect(info.hub_id).toBe(t.hub_id);
    for (const key of ['user_id', 'app_id', 'expires_in']) expect(typeof info[key], key).toBe('number');
    expect(info.expires_in as number).toBeGreaterThan(1700);
    expect(info.expires_in as number).toBeLessThanOrEqual(1800);
    expect(info.signed_access_token).toMatchObject({ hubId: seed.demo.hubspot.portalId, appId: info.app_id, userId: info.user_id });

    // The legacy metadata endpoint says the same; a refreshed token keeps the grant's scopes.
    const legacy = (await (await fetch(`${sandboxUrl}/hubspot/oauth/v1/access-tokens/${t.access_token}`)).json()) as Record<string, unknown>;
    expect(legacy).toMatchObject({ token: t.access_token, hub_id: seed.demo.hubspot.portalId, app_id: info.app_id, user_id: info.user_id, user: info.user, hub_domain: info.hub_domain, scopes: SCOPE.split(' '), token_type: 'access' });
    const refreshed = (await (await form('/hubspot/oauth/2026-03/token', { grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: client.clientId, client_secret: client.clientSecret })).json()) as { access_token: string };
    expect(((await (await introspect(refreshed.access_token)).json()) as { scopes: string[] }).scopes).toEqual(SCOPE.split(' '));
  });

  it("a private-app token names its own portal; each tenant's portal differs", async () => {
    const other = (await (await introspect(await token('other'))).json()) as { active: boolean; hub_id: number; scopes: string[] };
    expect(other).toMatchObject({ active: true, hub_id: seed.other.hubspot.portalId });
    expect(other.hub_id).not.toBe(seed.demo.hubspot.portalId);
    expect(other.scopes).toContain('crm.objects.companies.read');
  });

  it('dead tokens are inactive: uninstalled, forged, a refresh token, another vendor, and a bad client secret is refused', async () => {
    const t = await install();
    expect(await (await introspect('sbx_forged.token')).json()).toEqual({ active: false });
    expect(await (await introspect(t.refresh_token)).json()).toEqual({ active: false });
    const salesforce = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'salesforce', tenant: 'demo' }) });
    expect(await (await introspect(((await salesforce.json()) as { accessToken: string }).accessToken)).json()).toEqual({ active: false });
    const badClient = await introspect(t.access_token, 'wrong-secret');
    expect(badClient.status).toBe(400);
    expect(await badClient.json()).toMatchObject({ status: 'BAD_CLIENT_ID' });

    const uninstalled = await fetch(`${sandboxUrl}/hubspot/appinstalls/2026-03/external-install`, { method: 'DELETE', headers: { authorization: `Bearer ${t.access_token}` } });
    expect(uninstalled.status).toBe(204);
    expect(await (await introspect(t.access_token)).json()).toEqual({ active: false });
    const legacy = await fetch(`${sandboxUrl}/hubspot/oauth/v1/access-tokens/${t.access_token}`);
    expect(legacy.status).toBe(404);
    expect(await legacy.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
  });
});
