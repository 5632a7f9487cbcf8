/**
 * Salesforce's Identity Service on the sandbox, as an integration uses it to prove which org a
 * token belongs to: the token answer's `id` (identity URL) resolves with the token, to the
 * documented identity answer (`organization_id`, `user_id`, `username`, `urls`, ...); jsforce's
 * `identity()` finds it through the version resource; `/services/oauth2/userinfo` answers the
 * OpenID Connect claims; bad or foreign tokens get the 403 plain-text refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { authorize, form, pkce, redirectUri, registerClient } from './oauth-support.js';
import { VERSION, connect, instanceUrl, salesforceToken, seededOrg } from './salesforce-support.js';

let seed: Record<'demo' | 'other', TenantDataset>;
/** The token endpoint's answer of one authorization-code flow for `demo`. */
let tokenAnswer: Record<string, string>;
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  seed = { demo: await seededOrg('demo'), other: await seededOrg('other') };
  client = await registerClient();
  const { verifier, challenge } = pkce();
  const code = await authorize('/salesforce/services/oauth2/authorize', { response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, state: 'id', code_challenge: challenge, code_challenge_method: 'S256' });
  const res = await form('/salesforce/services/oauth2/token', { grant_type: 'authorization_code', code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code_verifier: verifier });
  expect(res.status).toBe(200);
  tokenAnswer = (await res.json()) as Record<string, string>;
});

const get = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('identity URL', () => {
  it("the token answer's id resolves, with the token, to the org and user it names", async () => {
    const id = tokenAnswer['id']!;
    const org = seed.demo.salesforce.orgId;
    expect(id).toMatch(new RegExp(`^${instanceUrl}/id/${org}/005[A-Za-z0-9]{15}$`));
    const res = await get(id, tokenAnswer['access_token']);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const userId = id.split('/').pop()!;
    const user = seed.demo.salesforce.User.find((u) => u.Id === userId)!;
    expect(body).toMatchObject({
      id,
      asserted_user: true,
      user_id: userId,
      organization_id: org,
      username: user.Username,
      display_name: `${user.FirstName} ${user.LastName}`,
      email: user.Email,
      first_name: user.FirstName,
      last_name: user.LastName,
      active: true,
      user_type: 'STANDARD',
      status: { created_date: null, body: null },
      photos: { picture: expect.any(String), thumbnail: expect.any(String) },
    });
    for (const key of ['nick_name', 'email_verified', 'timezone', 'addr_country', 'mobile_phone', 'is_lightning_login_user', 'language', 'locale', 'utcOffset', 'last_modified_date', 'is_app_installed']) expect(body, key).toHaveProperty(key);
    const urls = body.urls as Record<string, string>;
    expect(urls.rest).toBe(`${instanceUrl}/services/data/v{version}/`);
    expect(urls.enterprise).toBe(`${instanceUrl}/services/Soap/c/{version}/${org.slice(0, 15)}`);
    // `version=latest` fills the newest version in; the token also works as oauth_token.
    const latest = (await (await get(`${id}?format=json&version=latest&oauth_token=${encodeURIComponent(tokenAnswer['access_token']!)}`)).json()) as { urls: Record<string, string> };
    expect(latest.urls.sobjects).toBe(`${instanceUrl}/services/data/v66.0/sobjects/`);
  });

  it("jsforce's identity() finds the URL through the version resource and reads org and user", async () => {
    const conn = connect(tokenAnswer['access_token']!);
    const resources = (await conn.request(`/services/data/v${VERSION}`)) as Record<string, string>;
    expect(resources.identity).toBe(tokenAnswer['id']);
    const who = await conn.identity();
    expect(who).toMatchObject({ organization_id: seed.demo.salesforce.orgId, user_id: tokenAnswer['id']!.split('/').pop() });
  });

  it("another org's token proves its own org and cannot read demo's identity", async () => {
    const other = await salesforceToken('other');
    const own = (await connect(other).identity()) as { organization_id: string; id: string };
    expect(own.organization_id).toBe(seed.other.salesforce.orgId);
    expect(own.organization_id).not.toBe(seed.demo.salesforce.orgId);
    const foreign = await get(tokenAnswer['id']!, other);
    expect(foreign.status).toBe(403);
  });

  it('refuses a missing or bad token with 403 and one word of text', async () => {
    const missing = await get(tokenAnswer['id']!);
    expect([missing.status, await missing.text()]).toEqual([403, 'Missing_OAuth_Token']);
    const bad = await get(tokenAnswer['id']!, 'sbx_forged.token');
    expect([bad.status, await bad.text()]).toEqual([403, 'Bad_OAuth_Token']);
    const hubspot = await fetch(`${instanceUrl.replace('/salesforce', '')}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo' }) });
    const hubspotToken = ((await hubspot.json()) as { accessToken: string }).accessToken;
    expect((await get(tokenAnswer['id']!, hubspotToken)).status).toBe(403);
  });
});

describe('UserInfo endpoint', () => {
  it('answers the OpenID Connect claims of the token user, on GET and POST', async () => {
    const url = `${instanceUrl}/services/oauth2/userinfo`;
    const res = await get(url, tokenAnswer['access_token']);
    expect(res.status).toBe(200);
    const info = (await res.json()) as Record<string, unknown>;
    const userId = tokenAnswer['id']!.split('/').pop()!;
    const user = seed.demo.salesforce.User.find((u) => u.Id === userId)!;
    expect(info).toMatchObject({
      sub: tokenAnswer['id'],
      user_id: userId,
      organization_id: seed.demo.salesforce.orgId,
      preferred_username: user.Username,
      name: `${user.FirstName} ${user.LastName}`,
      given_name: user.FirstName,
      family_name: user.LastName,
      email: user.Email,
      email_verified: true,
      active: true,
      user_type: 'STANDARD',
    });
    expect(info.urls).toHaveProperty('rest');
    const posted = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${tokenAnswer['access_token']}` } });
    expect(((await posted.json()) as { organization_id: string }).organization_id).toBe(seed.demo.salesforce.orgId);
    const bad = await get(url, 'sbx_forged.token');
    expect([bad.status, await bad.text()]).toEqual([403, 'Bad_OAuth_Token']);
  });

  it('introspection names the same identity URL as the token answer', async () => {
    const res = await form('/salesforce/services/oauth2/introspect', { token: tokenAnswer['access_token']!, token_type_hint: 'access_token', client_id: client.clientId, client_secret: client.clientSecret });
    const info = (await res.json()) as { active: boolean; sub: string; username: string };
    expect(info).toMatchObject({ active: true, sub: tokenAnswer['id'], username: 'admin@demo.sandbox.example' });
  });
});
