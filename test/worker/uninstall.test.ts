/**
 * HubSpot uninstall and vendor-revoked tokens, against a private sandbox (an uninstall kills every
 * OAuth token of the sandbox portal, which other files sharing the estate would feel):
 * (a) uninstall through the broker calls HubSpot's uninstall API and deletes the tokens;
 * (b) an uninstall from HubSpot's side is found by the next refresh, which deletes the tokens
 *     once and answers a stable error; reconnecting works again;
 * (c) a 5xx from the token endpoint during a refresh deletes nothing;
 * (d) Salesforce's invalid_grant on refresh is treated like HubSpot's BAD_REFRESH_TOKEN.
 */
import { describe, expect, inject, it } from 'vitest';
import { loadConnectionFresh, updateCredentials } from '../../worker/storage/connections.js';
import { approveFlow, call, oauthEnv, provision, session } from './connect-flow.js';
import { privateSandbox } from './sandbox-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    uninstallSandboxUrl: string;
  }
}

const SB = inject('uninstallSandboxUrl');
const sandbox = privateSandbox(SB, 'hubspot');

// The broker's env pointed at the private sandbox, with a client app registered there.
const e = await oauthEnv(`uninstall-${crypto.randomUUID().slice(0, 8)}`, SB);

/** Provision `tenant` and connect its HubSpot through the OAuth flow (the sandbox's demo portal). */
async function connected(tenant: string): Promise<{ key: string; cookie: string }> {
  const key = await provision(e, tenant);
  const cookie = await session(e, tenant, key);
  // Tokens carry their issue time in ms; keep a new install clear of an uninstall's instant.
  await new Promise((r) => setTimeout(r, 5));
  const back = await call(e, await approveFlow(e, tenant, cookie, 'hubspot'), { cookie });
  expect(back.status).toBe(302);
  expect(back.headers.get('location')).toContain('connected=hubspot');
  return { key, cookie };
}

async function expireAccessToken(tenant: string): Promise<void> {
  const conn = await loadConnectionFresh(e, tenant, 'hubspot');
  if (conn.credentials.type !== 'oauth2') throw new Error('expected oauth2');
  await updateCredentials(e, conn, { ...conn.credentials, expiresAt: Date.now() - 5_000 });
}

const rowCount = async (tenant: string) =>
  (await e.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = ? AND system = 'hubspot'").bind(tenant).first<{ n: number }>())!.n;

async function audit(tenant: string, key: string): Promise<{ action: string; after: unknown; correlationId: string }[]> {
  const res = await call(e, `/v1/tenants/${tenant}/audit?entityType=connection&entityId=hubspot`, { key });
  return ((await res.json()) as { items: { action: string; after: unknown; correlationId: string }[] }).items;
}

const check = (tenant: string, key: string, correlationId?: string) =>
  call(e, `/v1/tenants/${tenant}/connect/hubspot/check`, { method: 'POST', key, ...(correlationId ? { headers: { 'x-correlation-id': correlationId } } : {}) });

const uninstalls = async () => ((await (await fetch(`${SB}/__sandbox/hubspot/uninstalls?tenant=demo`)).json()) as { items: { via: string }[] }).items;

describe('HubSpot uninstall', () => {
  it('(a) through the broker: HubSpot is told, the tokens are deleted and audited; a second uninstall is a 404', async () => {
    const { key } = await connected('un-a');
    expect((await check('un-a', key)).status).toBe(200);
    const before = (await uninstalls()).length;

    const res = await call(e, '/v1/tenants/un-a/connections/hubspot/uninstall', { method: 'POST', key, headers: { 'x-correlation-id': 'corr-uninstall-a' } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ system: 'hubspot', status: 'not_connected', vendor: 'uninstalled' });
    expect(text).not.toContain('sbx_');
    // The sandbox saw HubSpot's uninstall API called (not its admin route).
    expect((await uninstalls()).slice(before)).toEqual([expect.objectContaining({ via: 'api' })]);

    expect(await rowCount('un-a')).toBe(0);
    const list = (await (await call(e, '/v1/tenants/un-a/connections', { key })).json()) as { items: { system: string }[] };
    expect(list.items.map((i) => i.system)).not.toContain('hubspot');
    const entries = await audit('un-a', key);
    expect(entries[0]).toMatchObject({ action: 'connection.uninstall', after: { vendor: 'uninstalled', credentialsDeleted: true }, correlationId: 'corr-uninstall-a' });
    expect(JSON.stringify(entries)).not.toContain('sbx_');

    const again = await call(e, '/v1/tenants/un-a/connections/hubspot/uninstall', { method: 'POST', key });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { code: string }).code).toBe('connection_not_found');
    const after = await check('un-a', key);
    expect(after.status).toBe(409);
    expect(((await after.json()) as { code: string }).code).toBe('system_not_connected');
  });

  it('(b) uninstalled from HubSpot\'s UI: the next refresh deletes the tokens once, the API answers a stable error, reconnecting works', async () => {
    const { key, cookie } = await connected('un-b');
    const res = await sandbox.post('/__sandbox/hubspot/uninstall', { tenant: 'demo' });
    expect(res.status).toBe(200);
    await expireAccessToken('un-b');

    // Several calls at once need a refresh: one refused refresh, one deletion, one audit row.
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => check('un-b', key, `corr-revoked-${i}`)));
    const codes = await Promise.all(results.map(async (r) => `${r.status} ${((await r.json()) as { code: string }).code}`));
    for (const c of codes) expect(['502 upstream_auth_failed', '409 system_not_connected']).toContain(c);
    // The call that found out says the credentials were refused.
    expect(codes).toContain('502 upstream_auth_failed');
    expect(await rowCount('un-b')).toBe(0);
    const revoked = (await audit('un-b', key)).filter((a) => a.action === 'connection.revoked_by_vendor');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.correlationId).toMatch(/^corr-revoked-\d$/);
    expect(revoked[0]!.after).toMatchObject({ credentialsDeleted: true });

    // From then on a stable "not connected", no refresh attempts.
    for (let i = 0; i < 2; i++) {
      const later = await check('un-b', key);
      expect(later.status).toBe(409);
      expect(((await later.json()) as { code: string }).code).toBe('system_not_connected');
    }
    expect((await audit('un-b', key)).filter((a) => a.action === 'connection.revoked_by_vendor')).toHaveLength(1);

    // Reinstalling through the OAuth flow issues working tokens again.
    await new Promise((r) => setTimeout(r, 5));
    const back = await call(e, await approveFlow(e, 'un-b', cookie, 'hubspot'), { cookie });
    expect(back.status).toBe(302);
    expect((await check('un-b', key)).status).toBe(200);
    await expireAccessToken('un-b');
    expect((await check('un-b', key)).status).toBe(200);
    expect((await call(e, '/v1/tenants/un-b/connections/hubspot', { method: 'DELETE', key })).status).toBe(204);
  });

  it('(b2) uninstalling when HubSpot no longer has the install (its 401) still deletes locally and says so', async () => {
    const { key } = await connected('un-b2');
    await sandbox.post('/__sandbox/hubspot/uninstall', { tenant: 'demo' });
    const res = await call(e, '/v1/tenants/un-b2/connections/hubspot/uninstall', { method: 'POST', key });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ vendor: 'already_uninstalled' });
    expect(await rowCount('un-b2')).toBe(0);
    expect((await audit('un-b2', key))[0]).toMatchObject({ action: 'connection.uninstall', after: { vendor: 'already_uninstalled' } });
  });

  it('(c) a 5xx from the token endpoint during a refresh deletes nothing', async () => {
    const { key } = await connected('un-c');
    await expireAccessToken('un-c');
    await sandbox.faults({ hubspot: { errorRate: 1 } });
    try {
      const res = await check('un-c', key);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { code: string }).code).toBe('upstream_error');
    } finally {
      await sandbox.faults({});
    }
    expect(await rowCount('un-c')).toBe(1);
    expect((await audit('un-c', key)).map((a) => a.action)).not.toContain('connection.revoked_by_vendor');
    expect((await check('un-c', key)).status).toBe(200);
    expect((await call(e, '/v1/tenants/un-c/connections/hubspot', { method: 'DELETE', key })).status).toBe(204);
  });

  it('(d) Salesforce: a refresh token refused with invalid_grant is removed the same way', async () => {
    const key = await provision(e, 'un-d');
    const cookie = await session(e, 'un-d', key);
    expect((await call(e, await approveFlow(e, 'un-d', cookie, 'salesforce'), { cookie })).status).toBe(302);
    const conn = await loadConnectionFresh(e, 'un-d', 'salesforce');
    if (conn.credentials.type !== 'oauth2') throw new Error('expected oauth2');
    // As if the connected app's access was revoked in Salesforce's setup.
    await updateCredentials(e, conn, { ...conn.credentials, refreshToken: 'sbx_revoked.refresh-token-0000', expiresAt: Date.now() - 5_000 });
    const res = await call(e, '/v1/tenants/un-d/connect/salesforce/check', { method: 'POST', key, headers: { 'x-correlation-id': 'corr-sf-revoked' } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { code: string }).code).toBe('upstream_auth_failed');
    expect((await e.DB.prepare("SELECT COUNT(*) AS n FROM connections WHERE tenant_id = 'un-d'").first<{ n: number }>())!.n).toBe(0);
    const entries = ((await (await call(e, '/v1/tenants/un-d/audit?entityType=connection&entityId=salesforce', { key })).json()) as { items: { action: string; correlationId: string }[] }).items;
    expect(entries[0]).toMatchObject({ action: 'connection.revoked_by_vendor', correlationId: 'corr-sf-revoked' });
    const later = await call(e, '/v1/tenants/un-d/connect/salesforce/check', { method: 'POST', key });
    expect(((await later.json()) as { code: string }).code).toBe('system_not_connected');
  });
});
