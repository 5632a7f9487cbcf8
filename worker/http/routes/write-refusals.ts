/**
 * What the write guard refused (mounted at /v1/tenants/:tenant/write-refusals): per refused
 * attribute, the flow, the target system, the canonical field, its owner and what was attempted,
 * newest first. `accountId` narrows to one account; `before` pages by time.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { InstantSchema } from '../../model/index.js';
import { listRefusals } from '../../storage/write-refusals.js';
import type { AppEnv } from '../context.js';
import { query } from '../validate.js';

const ListQuery = z
  .object({
    accountId: z.string().min(1).max(64).optional(),
    before: InstantSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export function writeRefusalRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/', async (c) => {
    const q = query(c, ListQuery);
    const items = await listRefusals(c.env.DB, c.get('tenantId'), q);
    return c.json({ items, next: items.length === q.limit ? items.at(-1)!.at : null });
  });
  return r;
}
