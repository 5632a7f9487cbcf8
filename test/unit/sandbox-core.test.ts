/**
 * Sandbox core helpers: reading the vendor token from Bearer or Basic headers, per-vendor token
 * checks, the seeded PRNG and calendar arithmetic the seed relies on.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { extractToken, requireVendorToken, type SandboxEnv } from '../../sandbox/core/auth.js';
import { issueToken } from '../../sandbox/core/tokens.js';
import { Prng, addDays } from '../../sandbox/seed/prng.js';

describe('extractToken', () => {
  it('reads Bearer tokens and the user part of Basic credentials', () => {
    expect(extractToken('Bearer abc.def')).toBe('abc.def');
    expect(extractToken('bearer   abc')).toBe('abc');
    expect(extractToken(`Basic ${Buffer.from('sbx_key:').toString('base64')}`)).toBe('sbx_key');
    expect(extractToken(`Basic ${Buffer.from('sbx_key').toString('base64')}`)).toBe('sbx_key');
  });

  it('returns null for missing or malformed headers', () => {
    expect(extractToken(undefined)).toBeNull();
    expect(extractToken('')).toBeNull();
    expect(extractToken('Bearer')).toBeNull();
    expect(extractToken('Digest abc')).toBeNull();
    expect(extractToken(`Basic ${Buffer.from(':password').toString('base64')}`)).toBeNull();
  });
});

describe('requireVendorToken', () => {
  const app = new Hono<SandboxEnv>();
  app.use('*', requireVendorToken('vitally', (c) => c.json({ error: 'Unauthorized' }, 401)));
  app.get('/whoami', (c) => c.json({ tenant: c.get('tenant') }));

  it('lets a token for this vendor through and exposes its tenant', async () => {
    const res = await app.request('/whoami', { headers: { authorization: `Bearer ${issueToken('vitally', 'other')}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ tenant: 'other' });
  });

  it("answers in the vendor's shape for another vendor's token, a refresh token or a forgery", async () => {
    for (const token of [issueToken('netsuite', 'demo'), issueToken('vitally', 'demo', 'refresh'), `${issueToken('vitally', 'demo')}x`]) {
      const res = await app.request('/whoami', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'Unauthorized' });
    }
  });
});

describe('seed PRNG and dates', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = new Prng('demo|2026-11-26');
    const b = new Prng('demo|2026-11-26');
    const c = new Prng('other|2026-11-26');
    const seq = (p: Prng) => Array.from({ length: 5 }, () => p.next());
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Prng(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('adds days across month, year and leap-day boundaries like Date does', () => {
    expect(addDays('2026-11-26', 5)).toBe('2026-12-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    for (let d = -800; d <= 800; d += 37) {
      const ref = new Date(Date.UTC(2026, 10, 26 + d)).toISOString().slice(0, 10);
      expect(addDays('2026-11-26', d)).toBe(ref);
    }
  });
});

describe('anchor dates from outside', () => {
  it('refuses impossible dates without throwing', async () => {
    const { isAnchorDate } = await import('../../sandbox/seed/generate.js');
    expect(isAnchorDate('9999-99-99')).toBe(false);
    expect(isAnchorDate('2026-02-30')).toBe(false);
    expect(isAnchorDate('2026-11-26')).toBe(true);
  });
});
