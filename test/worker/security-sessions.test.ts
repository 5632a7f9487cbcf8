/**
 * Issue 8, item 5: console sessions live on the server (D1 `sessions`, an opaque id in the
 * cookie): logout and replacing the API key that opened one end it, only the API key mints one
 * (a cookie cannot mint a fresh session for itself), and each has an absolute lifetime.
 */
import { describe, expect, it } from 'vitest';
import { OPERATOR_KEY, call, keyFor, oauthEnv, provision, session } from './connect-flow.js';

const e = await oauthEnv(`sess-${crypto.randomUUID().slice(0, 8)}`);

const works = async (cookie: string, tenant = 'acme') => (await call(e, `/v1/tenants/${tenant}/connections`, { cookie })).status;

describe('console sessions', () => {
  it('end on logout: the same cookie no longer opens anything', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    expect(await works(cookie)).toBe(200);
    expect((await call(e, '/v1/tenants/acme/session', { method: 'DELETE', cookie })).status).toBe(204);
    expect(await works(cookie)).toBe(401);
  });

  it('end when the API key that opened them is replaced', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    expect(await works(cookie)).toBe(200);
    const replaced = await call(e, '/v1/operator/tenants/acme', { method: 'PUT', key: OPERATOR_KEY, body: JSON.stringify({ name: 'Acme', apiKey: `${keyFor('acme')}-rotated` }) });
    expect(replaced.status).toBe(200);
    expect(await works(cookie)).toBe(401);
  });

  it('are minted only with the API key, never by a cookie for itself', async () => {
    const key = await provision(e, 'acme');
    const cookie = await session(e, 'acme', key);
    const renewed = await call(e, '/v1/tenants/acme/session', { method: 'POST', cookie });
    expect(renewed.status).toBe(401);
    expect(renewed.headers.get('set-cookie')).toBeNull();
  });

  it('keep an opaque id in the cookie and have an absolute lifetime', async () => {
    const key = await provision(e, 'acme');
    const res = await call(e, '/v1/tenants/acme/session', { method: 'POST', key });
    expect(res.status).toBe(201);
    const { expiresAt } = (await res.json()) as { expiresAt: string };
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(7.9 * 3600_000);
    expect(lifetime).toBeLessThanOrEqual(8 * 3600_000);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const id = cookie.split('=')[1]!;
    // Not a JWT naming the tenant: nothing in the cookie means anything without the server's row.
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await works(cookie)).toBe(200);
    // The row's absolute expiry passes (as 8 hours later): the cookie stops working.
    await e.DB.prepare('UPDATE sessions SET expires_at = ?').bind(Date.now() - 1000).run();
    expect(await works(cookie)).toBe(401);
    // Stored only as a hash.
    const raw = JSON.stringify((await e.DB.prepare('SELECT * FROM sessions').all()).results);
    expect(raw).not.toContain(id);
  });
});
