/**
 * NetSuite M2M (client credentials with a JWT assertion) and Vitally API keys: credentials are
 * proven against the sandbox before they are stored, refused ones are a clear 422, and expired
 * NetSuite tokens are renewed with a new assertion.
 */
import { describe, expect, it } from 'vitest';
import { call, oauthEnv, provision, rawStorage, sandboxUrl } from './connect-flow.js';

const e = await oauthEnv(`m2m-${crypto.randomUUID().slice(0, 8)}`);

interface DemoCredentials {
  accountId: string;
  clientId: string;
  certificateId: string;
  privateKey: string;
}

async function demoNetSuite(): Promise<DemoCredentials> {
  return (await (await fetch(`${sandboxUrl()}/__sandbox/netsuite/demo-credentials?tenant=demo`)).json()) as DemoCredentials;
}

async function vitallyKey(): Promise<string> {
  const res = await fetch(`${sandboxUrl()}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'vitally', tenant: 'demo' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('NetSuite M2M', () => {
  it('connects with a certificate key after fetching a token, and the connection reads', async () => {
    const key = await provision(e, 'acme');
    const creds = await demoNetSuite();
    const res = await call(e, '/v1/tenants/acme/connections/netsuite', { method: 'POST', key, body: JSON.stringify(creds) });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({ system: 'netsuite', baseUrl: `${sandboxUrl()}/netsuite`, externalAccount: creds.accountId, status: 'connected' });
    expect((await call(e, '/v1/tenants/acme/connect/netsuite/check', { method: 'POST', key })).status).toBe(200);
    const raw = await rawStorage(e);
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain(creds.privateKey.split('\n')[1]!);
    expect(raw).not.toContain('sbx_');
  });

  it('refuses a certificate id the account does not know, and a key that is not a key', async () => {
    const key = await provision(e, 'acme');
    const creds = await demoNetSuite();
    const wrongCert = await call(e, '/v1/tenants/acme/connections/netsuite', { method: 'POST', key, body: JSON.stringify({ ...creds, certificateId: 'not-registered-cert' }) });
    expect(wrongCert.status).toBe(422);
    expect(((await wrongCert.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('credentials_refused');
    const notAKey = await call(e, '/v1/tenants/acme/connections/netsuite', {
      method: 'POST',
      key,
      body: JSON.stringify({ ...creds, privateKey: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(80)}\n-----END PRIVATE KEY-----` }),
    });
    expect(notAKey.status).toBe(422);
    expect(((await notAKey.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('privateKey');
    const missing = await call(e, '/v1/tenants/acme/connections/netsuite', { method: 'POST', key, body: JSON.stringify({ accountId: creds.accountId }) });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { errors: { path: string }[] }).errors.map((i) => i.path)).toEqual(expect.arrayContaining(['clientId', 'certificateId', 'privateKey']));
  });

  it('accepts the admin console field names (privateKeyPem, empty subdomain)', async () => {
    const key = await provision(e, 'acme');
    const { privateKey, ...creds } = await demoNetSuite();
    const ns = await call(e, '/v1/tenants/acme/connections/netsuite', { method: 'POST', key, body: JSON.stringify({ ...creds, privateKeyPem: privateKey }) });
    expect(ns.status).toBe(201);
    const vitally = await call(e, '/v1/tenants/acme/connections/vitally', { method: 'POST', key, body: JSON.stringify({ subdomain: '', apiKey: await vitallyKey() }) });
    expect(vitally.status).toBe(201);
  });

  it('renews an expired token with a new assertion', async () => {
    const key = await provision(e, 'acme');
    const creds = await demoNetSuite();
    await call(e, '/v1/tenants/acme/connections/netsuite', { method: 'POST', key, body: JSON.stringify(creds) });
    const { loadConnectionFresh, updateCredentials } = await import('../../worker/storage/connections.js');
    const conn = await loadConnectionFresh(e, 'acme', 'netsuite');
    if (conn.credentials.type !== 'netsuite_m2m') throw new Error('expected netsuite_m2m');
    await updateCredentials(e, conn, { ...conn.credentials, expiresAt: Date.now() - 1000 });
    expect((await call(e, '/v1/tenants/acme/connect/netsuite/check', { method: 'POST', key })).status).toBe(200);
    const after = await loadConnectionFresh(e, 'acme', 'netsuite');
    if (after.credentials.type !== 'netsuite_m2m') throw new Error('expected netsuite_m2m');
    expect(after.credentials.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(after.credentials.accessToken).toMatch(/^sbx_/);
  });
});

describe('Vitally API key', () => {
  it('connects a key that reads, and refuses one that does not', async () => {
    const key = await provision(e, 'acme');
    const good = await call(e, '/v1/tenants/acme/connections/vitally', { method: 'POST', key, body: JSON.stringify({ apiKey: await vitallyKey() }) });
    expect(good.status).toBe(201);
    expect(await good.json()).toMatchObject({ system: 'vitally', status: 'connected' });
    const bad = await call(e, '/v1/tenants/acme/connections/vitally', { method: 'POST', key, body: JSON.stringify({ apiKey: 'sk_live_wrong_key_123456' }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('apiKey');
    expect(await rawStorage(e)).not.toContain('sbx_');
  });
});
