/** The tenant's audit log, newest first, filterable by entity. */
import { Hono } from 'hono';
import { z } from 'zod';
import { listAudit } from '../../storage/audit.js';
import type { AppEnv } from '../context.js';
import { query } from '../validate.js';

const AuditQuery = z.object({
  entityType: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  entityId: z.string().max(200).optional(),
  before: z.string().datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function auditRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/', async (c) => {
    const q = query(c, AuditQuery);
    const items = await listAudit(c.env.DB, c.get('tenantId'), q);
    return c.json({ items, next: items.length === q.limit ? items[items.length - 1]!.at : null });
  });
  return r;
}
