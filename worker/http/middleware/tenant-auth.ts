/**
 * Admin API authentication: `Authorization: Bearer <tenant API key>`. Keys are stored as SHA-256
 * hashes; the key must belong to the tenant named in the path, so one tenant's key never opens
 * another tenant's data (401 for an unknown key, 403 for a key of another tenant).
 */
import type { MiddlewareHandler } from 'hono';
import { fail } from '../../errors.js';
import { findApiKey } from '../../storage/tenants.js';
import { sha256Hex } from '../../storage/crypto.js';
import type { AppEnv } from '../context.js';

export const tenantAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const tenant = c.req.param('tenant');
  if (!tenant) fail({ kind: 'not_found', entity: 'tenant' });
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S{16,256})$/i.exec(header);
  if (!match) fail({ kind: 'unauthorized', message: 'Send the tenant API key as "Authorization: Bearer <key>".' });
  const hash = await sha256Hex(match[1]!);
  // Looked up on every request (one indexed D1 read) so a revoked key stops working at once.
  const entry = await findApiKey(c.env.DB, hash);
  if (!entry) fail({ kind: 'unauthorized', message: 'Unknown or revoked API key.' });
  if (entry.tenantId !== tenant) fail({ kind: 'forbidden', message: 'This API key does not belong to this tenant.' });
  c.set('tenantId', entry.tenantId);
  c.set('actor', `api_key:${entry.label}`);
  c.set('log', c.get('log').with({ tenant: entry.tenantId }));
  await next();
};
