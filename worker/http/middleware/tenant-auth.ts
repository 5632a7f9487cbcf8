/**
 * Admin API authentication: `Authorization: Bearer <tenant API key>`. Keys are stored as SHA-256
 * hashes; the key must belong to the tenant named in the path, so one tenant's key never opens
 * another tenant's data (401 for an unknown key, 403 for a key of another tenant).
 * Without an Authorization header, a valid admin session cookie (POST /v1/tenants/:tenant/session,
 * see services/oauth/session.ts) authenticates the browser console the same way.
 */
import type { MiddlewareHandler } from 'hono';
import { fail } from '../../errors.js';
import { findApiKey } from '../../storage/tenants.js';
import { sha256Hex } from '../../storage/crypto.js';
import type { AppEnv } from '../context.js';
import { assertSameOrigin, readSession } from '../../services/oauth/session.js';

/**
 * Keys found valid in the last few seconds, per isolate: a D1 read per request would be the
 * largest cost of a cached card view. Revoking or replacing a key clears this isolate's copy
 * at once (`forgetApiKeys`); other isolates drop it within KEY_CACHE_MS.
 */
const KEY_CACHE_MS = 5_000;
const keyCache = new Map<string, { tenantId: string; label: string; until: number }>();

/** Forget cached keys (after a key is revoked or replaced). */
export function forgetApiKeys(): void {
  keyCache.clear();
}

async function lookupKey(db: D1Database, hash: string): Promise<{ tenantId: string; label: string } | null> {
  const hit = keyCache.get(hash);
  if (hit && hit.until > Date.now()) return hit;
  const entry = await findApiKey(db, hash);
  if (!entry) {
    keyCache.delete(hash);
    return null;
  }
  if (keyCache.size > 1000) keyCache.clear();
  keyCache.set(hash, { ...entry, until: Date.now() + KEY_CACHE_MS });
  return entry;
}

export const tenantAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const tenant = c.req.param('tenant');
  if (!tenant) fail({ kind: 'not_found', entity: 'tenant' });
  const header = c.req.header('authorization') ?? '';
  if (!header) {
    const session = await readSession(c);
    if (session) {
      if (session.tenantId !== tenant) fail({ kind: 'forbidden', message: 'This session belongs to another tenant.' });
      assertSameOrigin(c);
      c.set('tenantId', session.tenantId);
      c.set('actor', `session:${session.sessionId.slice(0, 8)}`);
      c.set('log', c.get('log').with({ tenant: session.tenantId }));
      return next();
    }
  }
  const match = /^Bearer\s+(\S{16,256})$/i.exec(header);
  if (!match) fail({ kind: 'unauthorized', message: 'Send the tenant API key as "Authorization: Bearer <key>".' });
  const hash = await sha256Hex(match[1]!);
  const entry = await lookupKey(c.env.DB, hash);
  if (!entry) fail({ kind: 'unauthorized', message: 'Unknown or revoked API key.' });
  if (entry.tenantId !== tenant) fail({ kind: 'forbidden', message: 'This API key does not belong to this tenant.' });
  c.set('tenantId', entry.tenantId);
  c.set('actor', `api_key:${entry.label}`);
  c.set('apiKeyHash', hash);
  c.set('log', c.get('log').with({ tenant: entry.tenantId }));
  await next();
};
