/**
 * Operations endpoints of a tenant:
 * - `GET  /v1/tenants/:tenant/ops/quota`: per vendor, the limit Concord enforces and its
 *   consumption (calls, 429s, limiter waits, what the vendor says is left);
 * - `POST /v1/tenants/:tenant/ops/crm/company-updates`: bulk write of CRM company properties
 *   (batched 100 per call, paced by the tenant's limiter), for write-back backfills and the
 *   write-throughput benchmark. At most 2,000 updates per request; send several in parallel,
 *   the limiter paces them together.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../../env.js';
import { limitsFor, type LimiterEnv } from '../../connectors/limits/durable.js';
import { HubSpotCrm } from '../../connectors/hubspot/index.js';
import { loadConnection } from '../../storage/connections.js';
import { quotaOf } from '../../ops/quota.js';
import type { AppEnv } from '../context.js';
import { jsonBody } from '../validate.js';

const CompanyUpdatesSchema = z
  .object({
    updates: z
      .array(
        z
          .object({
            externalId: z.string().regex(/^\d{1,20}$/, 'a HubSpot record id'),
            properties: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, 'a property name'), z.string().max(65_536)).refine((p) => Object.keys(p).length > 0, 'at least one property'),
          })
          .strict(),
      )
      .min(1)
      .max(2000),
  })
  .strict();

export function opsRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/quota', async (c) => {
    const tenantId = c.get('tenantId');
    const vendors = await quotaOf(c.env as Env & LimiterEnv, tenantId);
    return c.json({ tenant: tenantId, at: new Date().toISOString(), vendors });
  });

  r.post('/crm/company-updates', async (c) => {
    const tenantId = c.get('tenantId');
    const { updates } = await jsonBody(c, CompanyUpdatesSchema);
    const conn = await loadConnection(c.env, tenantId, 'hubspot');
    // Bulk work may wait for the window to roll (up to ~10 s for HubSpot), unlike a card read.
    const ctx = { tenantId, correlationId: c.get('correlationId'), log: c.get('log'), limits: limitsFor(c.env as Env & LimiterEnv, tenantId, { maxWaitMs: 60_000 }) };
    const crm = new HubSpotCrm(conn, ctx);
    const started = Date.now();
    const result = await crm.updateCompanies(updates, { concurrency: 4 });
    return c.json({ ...result, ms: Date.now() - started });
  });
  return r;
}
