/**
 * Issue 8, item 1: the app's client secret never leaves for a host a tenant chose. Salesforce
 * login hosts are checked strictly wherever credentials are read, vendor URLs are built from
 * parsed, allowlisted host names, `PUT .../connections/:system` takes no OAuth tokens, and the
 * base URLs a tenant may set are an allowlist per vendor (plain http only for loopback, and only
 * in the explicit development mode).
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { loginBase } from '../../worker/services/oauth/salesforce.js';
import { planFor } from '../../worker/services/oauth/refresh.js';
import { call, oauthEnv, provision } from './connect-flow.js';
import { sandboxToken } from './helpers.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';

const dev = await oauthEnv(`hosts-${crypto.randomUUID().slice(0, 8)}`);
/** The same broker with the development mode off, as in production. */
const prod: OAuthEnv = { ...dev, CONCORD_DEV_MODE: undefined };

interface Problem {
  code: string;
  errors?: { path: string; code: string }[];
}

const put = (e: OAuthEnv, tenant: string, key: string, system: string, body: unknown) =>
  call(e, `/v1/tenants/${tenant}/connections/${system}`, { method: 'PUT', key, body: JSON.stringify(body) });

describe('PUT /connections/:system takes no OAuth tokens', () => {
  it('refuses oauth2 credentials for Salesforce (the authHost exfiltration path) and HubSpot, in any mode', async () => {
    const key = await provision(dev, 'acme');
    const stolen = { type: 'oauth2', accessToken: 'access-0123456789', refreshToken: 'refresh-0123456789', expiresAt: 0, authHost: 'evil.example/' };
    for (const e of [dev, prod]) {
      const sf = await put(e, 'acme', key, 'salesforce', { baseUrl: `${env.SANDBOX_URL}/salesforce`, credentials: stolen });
      expect(sf.status).toBe(422);
      const hs = await put(e, 'acme', key, 'hubspot', { baseUrl: `${env.SANDBOX_URL}/hubspot`, credentials: { ...stolen, authHost: undefined } });
      expect(hs.status).toBe(422);
    }
    const list = (await (await call(dev, '/v1/tenants/acme/connections', { key })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it('outside development mode refuses any HubSpot or Salesforce token through PUT (OAuth only)', async () => {
    const key = await provision(prod, 'acme');
    for (const system of ['hubspot', 'salesforce'] as const) {
      const res = await put(prod, 'acme', key, system, { baseUrl: system === 'hubspot' ? 'https://api.hubapi.com' : 'https://acme.my.salesforce.com', credentials: { type: 'bearer', accessToken: await sandboxToken(system, 'demo') } });
      expect(res.status).toBe(422);
      const p = (await res.json()) as Problem;
      expect(p.errors?.[0]).toMatchObject({ path: 'credentials', code: 'oauth_required' });
    }
  });
});

describe('base URLs a tenant may set', () => {
  it('are an allowlist per vendor', async () => {
    const key = await provision(prod, 'acme');
    const refused = [
      ['netsuite', 'https://evil.example'],
      ['netsuite', 'https://1234567.suitetalk.api.netsuite.com.evil.io'],
      ['vitally', 'https://acme.rest.vitally.io@evil.example'],
      ['vitally', 'https://evil.example/acme.rest.vitally.io'],
      ['netsuite', `${env.SANDBOX_URL}/netsuite`],
    ] as const;
    for (const [system, baseUrl] of refused) {
      const res = await put(prod, 'acme', key, system, { baseUrl, credentials: { type: 'bearer', accessToken: 'token-0123456789' } });
      expect(res.status, `${system} ${baseUrl}`).toBe(422);
      expect(((await res.json()) as Problem).errors?.[0]?.path).toBe('baseUrl');
    }
  });

  it('allow plain http to loopback only in development mode (the sandbox estate)', async () => {
    const key = await provision(dev, 'acme');
    const res = await put(dev, 'acme', key, 'vitally', { baseUrl: `${env.SANDBOX_URL}/vitally`, credentials: { type: 'api_key', apiKey: await sandboxToken('vitally', 'demo') } });
    expect(res.status).toBe(200);
  });
});

describe('Salesforce login hosts', () => {
  it('are checked strictly wherever stored credentials are used (a row written before the fix cannot send the secret away)', async () => {
    for (const bad of ['evil.example/', 'evil.example', 'acme.my.salesforce.com.evil.io', 'acme.my.salesforce.com/x', 'a@b.my.salesforce.com', 'acme.my.salesforce.com?x=1', 'acme.my.salesforce.com#x']) {
      expect(() => loginBase(prod, bad), bad).toThrow();
      const conn = { tenantId: 'acme', system: 'salesforce' as const, baseUrl: 'https://acme.my.salesforce.com', externalAccount: null, status: 'connected', credentials: { type: 'oauth2' as const, accessToken: 'a-0123456789', refreshToken: 'r-0123456789', expiresAt: 0, authHost: bad } };
      expect(() => planFor(prod, conn), bad).toThrow();
    }
  });

  it('build the vendor URL from the parsed host name', async () => {
    const real: OAuthEnv = { ...prod, HUBSPOT_AUTH_URL: undefined, HUBSPOT_API_URL: undefined, NETSUITE_API_URL: undefined, VITALLY_API_URL: undefined, SALESFORCE_LOGIN_URL: undefined, SALESFORCE_TEST_LOGIN_URL: undefined, SALESFORCE_MY_DOMAIN_URL: undefined };
    expect(loginBase(real, 'login')).toBe('https://login.salesforce.com');
    expect(loginBase(real, 'test')).toBe('https://test.salesforce.com');
    expect(loginBase(real, 'acme.my.salesforce.com')).toBe('https://acme.my.salesforce.com');
    expect(loginBase(real, 'acme--sbx.sandbox.my.salesforce.com')).toBe('https://acme--sbx.sandbox.my.salesforce.com');
  });
});
