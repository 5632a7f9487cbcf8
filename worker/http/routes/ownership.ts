/**
 * The tenant's system-of-record matrix: the default (worker/policies/ownership) with the tenant's
 * override applied. `GET` lists every rule; `PUT` takes the whole list and stores only what
 * differs from the default, so a later change of the default reaches tenants who never set it.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { SystemRoleSchema } from '../../model/index.js';
import { DEFAULT_OWNERSHIP, OwnershipOverrideSchema, applyOwnershipOverride } from '../../policies/ownership/index.js';
import { auditStatement } from '../../storage/audit.js';
import { loadOwnershipOverride, saveOwnershipOverride } from '../../storage/ownership.js';
import type { AppEnv } from '../context.js';
import { jsonBody, parseWith } from '../validate.js';

const ROLES = SystemRoleSchema.options;

const PutSchema = z
  .object({
    rules: z
      .array(z.object({ entity: z.string().min(1).max(64), field: z.string().min(1).max(64), owner: SystemRoleSchema }).strict())
      .max(500),
  })
  .strict();

export function ownershipRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/', async (c) => {
    const matrix = applyOwnershipOverride(await loadOwnershipOverride(c.env.DB, c.get('tenantId')));
    const rules = Object.entries(matrix)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, owner]) => {
        const dot = key.indexOf('.');
        return { entity: key.slice(0, dot), field: key.slice(dot + 1), owner, allowed: ROLES, default: DEFAULT_OWNERSHIP[key] ?? null };
      });
    return c.json({ rules });
  });

  r.put('/', async (c) => {
    const body = await jsonBody(c, PutSchema);
    const tenantId = c.get('tenantId');
    const wanted = Object.fromEntries(body.rules.map((rule) => [`${rule.entity}.${rule.field}`, rule.owner]));
    // Unknown field keys fail here with their path, e.g. `rules.account.nope`.
    const override = parseWith(OwnershipOverrideSchema, Object.fromEntries(Object.entries(wanted).filter(([k, v]) => DEFAULT_OWNERSHIP[k] !== v)));
    const before = await loadOwnershipOverride(c.env.DB, tenantId);
    await c.env.DB.batch([
      saveOwnershipOverride(c.env.DB, tenantId, override),
      auditStatement(c.env.DB, { tenantId, actor: c.get('actor'), action: 'ownership.update', entityType: 'ownership', entityId: tenantId, before, after: override, correlationId: c.get('correlationId') }),
    ]);
    return c.json({ override });
  });
  return r;
}
