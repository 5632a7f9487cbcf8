/**
 * Operator API: provisioning tenants and their admin API keys. Guarded by CONCORD_OPERATOR_KEY
 * (constant-time compare); disabled when the key is not configured.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { config } from '../../env.js';
import { fail } from '../../errors.js';
import { auditStatement } from '../../storage/audit.js';
import { sha256Hex, timingSafeEqual } from '../../storage/crypto.js';
import { keyOwner, upsertTenant } from '../../storage/tenants.js';
import { forgetApiKeys } from '../middleware/tenant-auth.js';
import type { AppEnv } from '../context.js';
import { jsonBody, parseWith } from '../validate.js';
import { externalAccountRoutes } from './external-accounts.js';
import { vaultRoutes } from './vault.js';

export const TenantIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2-63 characters');

const ProvisionSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      // No control characters or lone surrogates: the name is shown in consoles and logs.
      .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'no control characters'),
    apiKey: z.string().min(24, 'at least 24 characters').max(256).regex(/^\S+$/, 'no whitespace'),
    label: z.string().regex(/^[a-z0-9_-]{1,40}$/).default('default'),
  })
  .strict();

export function operatorRoutes() {
  const r = new Hono<AppEnv>();
  r.use('*', async (c, next) => {
    const expected = config(c.env).CONCORD_OPERATOR_KEY;
    if (!expected) fail({ kind: 'forbidden', message: 'The operator API is disabled (CONCORD_OPERATOR_KEY is not set).' });
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    // Compare hashes so the comparison time does not depend on the key's length or content.
    if (!timingSafeEqual(await sha256Hex(given), await sha256Hex(expected))) fail({ kind: 'unauthorized', message: 'Operator key required.' });
    c.set('actor', 'operator');
    await next();
  });

  /** Create or update a tenant and register its admin API key (stored hashed). */
  r.put('/tenants/:tenant', async (c) => {
    const tenantId = parseWith(TenantIdSchema, c.req.param('tenant'), 400);
    const body = await jsonBody(c, ProvisionSchema);
    const keyHash = await sha256Hex(body.apiKey);
    // A key registered to another tenant would silently stay theirs: say so instead of a 201.
    const owner = await keyOwner(c.env.DB, keyHash);
    if (owner && owner !== tenantId) fail({ kind: 'conflict', code: 'api_key_in_use', message: 'This API key is registered to another tenant; generate a new key for this one.' });
    const { created } = await upsertTenant(c.env.DB, { id: tenantId, name: body.name }, { hash: keyHash, label: body.label });
    // The replaced key must stop working in this isolate now, not when its cache entry ages out.
    forgetApiKeys();
    await auditStatement(c.env.DB, {
      tenantId,
      actor: 'operator',
      action: created ? 'tenant.create' : 'tenant.update',
      entityType: 'tenant',
      entityId: tenantId,
      after: { name: body.name, keyLabel: body.label },
      correlationId: c.get('correlationId'),
    }).run();
    return c.json({ id: tenantId, name: body.name, created }, created ? 201 : 200);
  });

  /** Vault maintenance (key rotation), behind the same operator key. */
  r.route('/vault', vaultRoutes());
  /** Releasing a squatted HubSpot portal / Salesforce org for its rightful owner. */
  r.route('/external-accounts', externalAccountRoutes());
  return r;
}
