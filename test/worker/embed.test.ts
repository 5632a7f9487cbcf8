/**
 * Embed tokens and the CSM panel's endpoints inside workerd: a token minted with the tenant API
 * key opens exactly one account of one tenant, read-only, from any origin (CORS), until it expires.
 */
import { SELF } from 'cloudflare:test';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { allAccounts, connectWithPortal, syncIdentity, testEnv, type AccountItem } from './cards-helpers.js';
import { api, provision } from './helpers.js';

interface Problem {
  code: string;
  detail?: string;
  errors?: { path: string }[];
}

let key: string;
let otherKey: string;
let account: AccountItem;
let secondAccount: AccountItem;

async function mint(tenant: string, tenantKey: string, body: unknown): Promise<Response> {
  return api(`/v1/tenants/${tenant}/embed-tokens`, { method: 'POST', key: tenantKey, body: JSON.stringify(body) });
}

async function tokenFor(accountId: string): Promise<string> {
  const res = await mint('demo', key, { accountId, ttlSeconds: 600 });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

/** A token signed with the broker's key but with claims of our choosing (what a forger cannot do). */
async function craft(claims: { tenant: string; sub: string; iat: number; exp: number }, secret = testEnv.CONCORD_EMBED_SECRET): Promise<string> {
  return new SignJWT({ tenant: claims.tenant })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('concord')
    .setAudience('concord-embed')
    .setSubject(claims.sub)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(secret));
}

const panel = (path: string, token: string, init: RequestInit = {}) =>
  SELF.fetch(`http://broker.test/v1/embed${path}`, { ...init, headers: { authorization: `Bearer ${token}`, origin: 'https://crm.customer.example', ...init.headers } });

beforeAll(async () => {
  key = await connectWithPortal('demo');
  otherKey = await provision('other');
  await syncIdentity('demo', key);
  const accounts = await allAccounts('demo', key);
  // An account identity sync made from a CRM company and then linked to its NetSuite customer (an
  // ERP-only account is made from its NetSuite record, so it has no "Linked NetSuite" line).
  account = accounts.filter((a) => a.links.some((l) => l.system === 'hubspot') && a.links.some((l) => l.system === 'netsuite')).sort((a, b) => a.id.localeCompare(b.id))[0]!;
  secondAccount = accounts.find((a) => a.id !== account.id)!;
});

describe('embed tokens', () => {
  it('open the view and history of their account from any origin', async () => {
    const token = await tokenFor(account.id);
    const view = await panel(`/accounts/${account.id}/view`, token);
    expect(view.status).toBe(200);
    expect(view.headers.get('access-control-allow-origin')).toBe('*');
    expect(view.headers.get('access-control-allow-credentials')).toBeNull();
    expect(((await view.json()) as { account: { id: string } }).account.id).toBe(account.id);

    const audit = await panel(`/accounts/${account.id}/audit`, token);
    expect(audit.status).toBe(200);
    const body = (await audit.json()) as { items: { at: string; actor: string; action: string; source: string; summary: string }[] };
    // Identity sync created and linked this account: the panel shows it in words, Concord's own work.
    const created = body.items.find((i) => i.action === 'account.create');
    expect(created?.actor).toBe('system:identity-sync');
    expect(created?.summary).toBe(`Account created as "${account.name}"`);
    expect(created?.source).toBe('Concord');
    expect(body.items.some((i) => i.action === 'identity.link' && /^Linked NetSuite record \S+/.test(i.summary) && i.source === 'Concord')).toBe(true);
  });

  it('answer CORS preflight for the Authorization header', async () => {
    const res = await SELF.fetch(`http://broker.test/v1/embed/accounts/${account.id}/view`, {
      method: 'OPTIONS',
      headers: { origin: 'https://crm.customer.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('refuse another account of the same tenant with 403', async () => {
    const token = await tokenFor(account.id);
    const res = await panel(`/accounts/${secondAccount.id}/view`, token);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect((await panel(`/accounts/${secondAccount.id}/audit`, token)).status).toBe(403);
  });

  it('refuse expired, forged and missing tokens with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await panel(`/accounts/${account.id}/view`, await craft({ tenant: 'demo', sub: account.id, iat: now - 1200, exp: now - 600 }));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as Problem).detail).toMatch(/expired/);
    const forged = await panel(`/accounts/${account.id}/view`, await craft({ tenant: 'demo', sub: account.id, iat: now, exp: now + 600 }, 'a-different-secret-of-enough-length-0123'));
    expect(forged.status).toBe(401);
    // Longer-lived than the broker ever mints: refused although correctly signed.
    const tooLong = await panel(`/accounts/${account.id}/view`, await craft({ tenant: 'demo', sub: account.id, iat: now, exp: now + 7200 }));
    expect(tooLong.status).toBe(401);
    const missing = await SELF.fetch(`http://broker.test/v1/embed/accounts/${account.id}/view`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("never open another tenant's account", async () => {
    // The other tenant cannot mint a token for demo's account...
    expect((await mint('other', otherKey, { accountId: account.id })).status).toBe(404);
    // ...and a token naming tenant `other` with demo's account id finds nothing.
    const now = Math.floor(Date.now() / 1000);
    const res = await panel(`/accounts/${account.id}/view`, await craft({ tenant: 'other', sub: account.id, iat: now, exp: now + 600 }));
    expect(res.status).toBe(404);
    const audit = (await (await panel(`/accounts/${account.id}/audit`, await craft({ tenant: 'other', sub: account.id, iat: now, exp: now + 600 }))).json()) as {
      items: unknown[];
    };
    expect(audit.items).toEqual([]);
  });

  it('are minted only with the tenant API key, for at most an hour', async () => {
    expect((await api('/v1/tenants/demo/embed-tokens', { method: 'POST', body: JSON.stringify({ accountId: account.id }) })).status).toBe(401);
    const tooLong = await mint('demo', key, { accountId: account.id, ttlSeconds: 7200 });
    expect(tooLong.status).toBe(422);
    expect(((await tooLong.json()) as Problem).errors?.map((e) => e.path)).toEqual(['ttlSeconds']);
    const res = await mint('demo', key, { accountId: account.id });
    const body = (await res.json()) as { expiresAt: string };
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600 * 1000);
  });
});
