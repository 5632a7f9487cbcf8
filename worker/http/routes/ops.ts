/**
 * Operations endpoints of a tenant:
 * - `GET  /v1/tenants/:tenant/ops/quota`: per vendor, the limit Concord enforces and its
 *   consumption (calls, 429s, limiter waits, what the vendor says is left);
 * - `POST /v1/tenants/:tenant/ops/crm/company-updates`: bulk write of Concord's account facts
 *   onto CRM companies / Accounts (batched per the CRM's limit, paced by the tenant's limiter),
 *   through the write guard like every vendor write, and audited. At most 2,000 updates per
 *   request; send several in parallel, the limiter paces them together;
 * - `POST /v1/tenants/:tenant/ops/poll`: run the ERP, CS and Salesforce Account change poll of this tenant now (what
 *   the Cron Trigger does every minute), answering what each stream found;
 * - `GET  /v1/tenants/:tenant/ops/intake`: per source, the last change recorded (pushed or
 *   polled) with its lag (recorded minus the vendor's stamp), the polls' checkpoints per stream
 *   (and how far behind now each is), and how many accounts wait for their change effects;
 * - `GET|PUT /v1/tenants/:tenant/ops/automations`: the tenant's automation policy, each
 *   automation with its thresholds and sentences, and whether billing waits for go-live
 *   (routes/automations.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Env } from '../../env.js';
import type { LimiterEnv } from '../../connectors/limits/durable.js';
import { quotaOf } from '../../ops/quota.js';
import { ACCOUNT_FACTS } from '../../ports/facts.js';
import { portsFor } from '../../ports/registry.js';
import { serviceContext } from '../../services/context.js';
import { auditStatement } from '../../storage/audit.js';
import { checkpoints } from '../../storage/poll-checkpoints.js';
import { pollTenant } from '../../flows/account-changes/poll.js';
import type { AppEnv } from '../context.js';
import { automationRoutes } from './automations.js';
import { jsonBody, parseWith } from '../validate.js';

const Amount = z.number().finite().min(0).max(1e12);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** Concord's account facts (ports/facts.ts); null clears one on the CRM record. */
export const AccountFactsSchema = z
  .object({
    concordAccountId: z.string().min(1).max(64).nullable(),
    erpCustomerId: z.string().min(1).max(64).nullable(),
    csAccountId: z.string().min(1).max(64).nullable(),
    openAr: Amount.nullable(),
    overdueAr: Amount.nullable(),
    oldestOverdueDays: z.number().int().min(0).max(100_000).nullable(),
    disputedAr: Amount.nullable(),
    lastPaymentDate: Day.nullable(),
    contractEnd: Day.nullable(),
    renewalDate: Day.nullable(),
    arr: Amount.nullable(),
    healthScore: z.number().int().min(0).max(100).nullable(),
    healthTrend: z.enum(['up', 'flat', 'down']).nullable(),
    onboardingStage: z.string().min(1).max(64).nullable(),
    renewalRisk: z.enum(['low', 'medium', 'high']).nullable(),
    financeHold: z.boolean().nullable(),
    renewalHold: z.boolean().nullable(),
  } satisfies Record<keyof typeof ACCOUNT_FACTS, z.ZodType>)
  .partial()
  .strict()
  .refine((f) => Object.keys(f).length > 0, 'at least one fact');

const CompanyUpdatesSchema = z
  .object({
    updates: z
      .array(z.object({ externalId: z.string().min(1).max(64).regex(/^[A-Za-z0-9]+$/, 'a CRM record id'), facts: AccountFactsSchema }).strict())
      .min(1)
      .max(2000),
  })
  .strict();

/** Which CRM to write to when a tenant has both; default: the first connected one. */
const QuerySchema = z.object({ system: z.enum(['hubspot', 'salesforce']).optional() }).strict();

export function opsRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/quota', async (c) => {
    const tenantId = c.get('tenantId');
    const vendors = await quotaOf(c.env as Env & LimiterEnv, tenantId);
    return c.json({ tenant: tenantId, at: new Date().toISOString(), vendors });
  });

  r.post('/poll', async (c) => {
    const report = await pollTenant(c.env, c.get('tenantId'), c.get('log'), c.get('correlationId'));
    return c.json(report);
  });

  r.get('/intake', async (c) => {
    const tenantId = c.get('tenantId');
    const now = Date.now();
    const sources = [];
    for (const source of ['netsuite', 'vitally', 'salesforce']) {
      const [cps, last] = await Promise.all([
        checkpoints(c.env.DB, tenantId, source),
        c.env.DB.prepare('SELECT object_type AS objectType, object_id AS objectId, occurred_at AS occurredAt, recorded_at AS recordedAt, status FROM events WHERE tenant_id = ? AND system = ? ORDER BY recorded_at DESC LIMIT 1')
          .bind(tenantId, source)
          .first<{ objectType: string; objectId: string; occurredAt: number; recordedAt: string; status: string }>(),
      ]);
      const streams = [...cps.values()].map((cp) => ({
        stream: cp.stream,
        checkpoint: new Date(cp.checkpointMs).toISOString(),
        behindMs: Math.max(0, now - cp.checkpointMs),
        lastRunAt: cp.lastRunAt,
        lastFound: cp.lastFound,
        lastError: cp.lastError,
      }));
      const lastEvent = last
        ? { objectType: last.objectType, objectId: last.objectId, changedAt: new Date(last.occurredAt).toISOString(), recordedAt: last.recordedAt, lagMs: Math.max(0, Date.parse(last.recordedAt) - last.occurredAt), status: last.status }
        : null;
      if (streams.length > 0 || lastEvent) sources.push({ source, lastEvent, streams });
    }
    const waiting = await c.env.DB.prepare('SELECT COUNT(*) AS n FROM account_dirty WHERE tenant_id = ?').bind(tenantId).first<{ n: number }>();
    return c.json({ tenant: tenantId, sources, accountsWaiting: waiting?.n ?? 0 });
  });

  r.route('/automations', automationRoutes());

  r.post('/crm/company-updates', async (c) => {
    const tenantId = c.get('tenantId');
    const { system } = parseWith(QuerySchema, c.req.query(), 400);
    const { updates } = await jsonBody(c, CompanyUpdatesSchema);
    // Bulk work may wait for the window to roll (up to ~10 s for HubSpot), unlike a card read.
    const ctx = serviceContext(c.env, { tenantId, correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 60_000 });
    const crm = await portsFor(c.env, ctx, { flow: 'ops.company-updates', actor: c.get('actor') }).crm(system);
    const started = Date.now();
    const result = await crm.writeAccountFacts!(
      updates.map((u) => ({ recordId: u.externalId, facts: u.facts })),
      { concurrency: 4 },
    );
    await auditStatement(c.env.DB, {
      tenantId,
      actor: c.get('actor'),
      action: 'crm.facts.bulk_write',
      entityType: 'connection',
      entityId: crm.system,
      after: { records: updates.length, updated: result.updated, failed: result.failed.length, calls: result.calls, refused: result.refused ?? [] },
      correlationId: c.get('correlationId'),
    }).run();
    return c.json({ system: crm.system, ...result, ms: Date.now() - started });
  });
  return r;
}
