/** Identity sync (link CRM companies to ERP customers and CS accounts) and its exceptions. */
import { Hono } from 'hono';
import { syncIdentity } from '../../services/identity-sync.js';
import type { AppEnv } from '../context.js';
import { serviceContext } from '../../services/context.js';

export function identityRoutes() {
  const r = new Hono<AppEnv>();
  r.post('/sync', async (c) => {
    const stats = await syncIdentity(c.env, { ...serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 60_000 }), actor: c.get('actor') });
    return c.json(stats);
  });
  r.get('/exceptions', async (c) => {
    const { results } = await c.env.DB.prepare(
      `SELECT id, kind, system, external_id AS externalId, detail, status, created_at AS createdAt FROM match_exceptions
       WHERE tenant_id = ? AND status = 'open' ORDER BY created_at, id LIMIT 200`,
    )
      .bind(c.get('tenantId'))
      .all<{ detail: string }>();
    return c.json({ items: results.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown })) });
  });
  return r;
}
