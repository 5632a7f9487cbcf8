/**
 * Admin routes of the sandbox Vitally's changes, mounted at `/__sandbox/vitally`:
 *   PUT    /webhooks                {tenant, url, secret, maxAttempts?, retryBaseMs?, batchDelayMs?, timeoutMs?}
 *                                   a playbook posting to Concord (webhooks.ts); the secret is write-only
 *   GET    /webhooks?tenant=        the target (never the secret), pending count, every attempt
 *   DELETE /webhooks?tenant=        no more webhooks (only the broker's poll then sees changes)
 *   POST   /webhooks/flush          {tenant?, timeoutMs?} send what is pending and wait until idle
 *   POST   /:tenant/accounts/:id/health        {score, categories?} a new health score (0-10, Vitally's scale), with its
 *                                                                  category scores (e.g. productUsage, the adoption signal)
 *   POST   /:tenant/tasks/:id/complete         {completedAt?}     an onboarding milestone completed
 *   POST   /:tenant/accounts/:id/escalations   {subject, priority?} an escalation (conversation) opened
 *   POST   /:tenant/conversations/:id/close    {}                 an escalation closed
 * What a CSM (or Vitally's own scoring) does in Vitally: each changes the records as the REST API
 * then shows them (updatedAt bumped) and emits the playbook webhook. `:id` is the Vitally id (or,
 * for accounts, the externalId). Bad input is a 400/422 problem naming the field.
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { isSandboxTenant } from '../core/tokens.js';
import type { SandboxTenant, VitallyDataset } from '../seed/types.js';
import { findAccount } from './index.js';
import { workspaceChanged } from './paging.js';
import { vitallyWebhooksFor, webhookTargetSchema } from './webhooks.js';

const tenantQuery = z.object({ tenant: z.enum(['demo', 'other']) });
const flushBody = z.object({ tenant: z.enum(['demo', 'other']).optional(), timeoutMs: z.number().int().min(1).max(300_000).default(30_000) }).strict();
const healthBody = z.object({ score: z.number().min(0).max(10), categories: z.record(z.string().min(1).max(100), z.number().min(0).max(10)).optional() }).strict();
const completeBody = z.object({ completedAt: z.iso.datetime({ offset: true }).optional() }).strict();
const escalationBody = z.object({ subject: z.string().trim().min(1).max(500), priority: z.enum(['low', 'normal', 'high', 'urgent']).default('high') }).strict();
const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

class NotFound extends Error {}

/** Admin routes (mounted at `/__sandbox/vitally`). */
export function vitallyChangesAdminApp(state: SandboxState): Hono {
  const webhooks = vitallyWebhooksFor(state);
  const app = new Hono();

  app.put('/webhooks', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = webhookTargetSchema.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_webhook_target', 'Invalid Vitally webhook target', issues(parsed.error));
    webhooks.configure(parsed.data);
    return c.json(webhooks.view(parsed.data.tenant));
  });

  app.get('/webhooks', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    const view = webhooks.view(q.data.tenant);
    return view ? c.json(view) : problem(c, 404, 'no_webhook_target', 'No playbook webhook is set up for this tenant (PUT /__sandbox/vitally/webhooks)');
  });

  app.delete('/webhooks', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    webhooks.remove(q.data.tenant);
    return c.body(null, 204);
  });

  app.post('/webhooks/flush', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = flushBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_flush', 'Invalid flush request', issues(parsed.error));
    return c.json({ idle: await webhooks.drain(parsed.data.tenant, parsed.data.timeoutMs) });
  });

  /** Parses the body and runs `change` on the tenant's workspace; problems for bad input. */
  const action =
    <S extends z.ZodType>(schema: S, change: (ds: VitallyDataset, tenant: SandboxTenant, id: string, body: z.infer<S>) => Record<string, unknown>) =>
    async (c: Context) => {
      const tenant = c.req.param('tenant') ?? '';
      if (!isSandboxTenant(tenant)) return problem(c, 404, 'unknown_tenant', 'Unknown tenant', 'tenant must be demo or other');
      const body = await readJson(c, {});
      if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
      const parsed = schema.safeParse(body.value);
      if (!parsed.success) return problem(c, 422, 'invalid_action', 'Invalid request', issues(parsed.error));
      try {
        const workspace = state.dataset(tenant).vitally;
        try {
          return c.json(change(workspace, tenant, c.req.param('id') ?? '', parsed.data));
        } finally {
          workspaceChanged(workspace);
        }
      } catch (err) {
        if (err instanceof NotFound) return problem(c, 404, 'not_found', err.message);
        throw err;
      }
    };

  app.post(
    '/:tenant/accounts/:id/health',
    action(healthBody, (ds, tenant, id, b) => {
      const account = findAccount(ds, id);
      if (!account) throw new NotFound(`No Vitally account ${id}`);
      const at = new Date().toISOString();
      const date = [at.slice(0, 10), state.anchorDate].sort().pop()!;
      const score = Math.round(b.score * 10) / 10;
      // One score per day: today's point is replaced, as a rescoring of the same day would be.
      const point = ds.healthScores.find((h) => h.accountId === account.id && h.date === date);
      const categories = b.categories ?? {};
      if (point) Object.assign(point, { score, categories });
      else ds.healthScores.push({ id: randomUUID(), accountId: account.id, score, categories, date });
      account.healthScore = score;
      account.updatedAt = at;
      webhooks.emit(tenant, { type: 'account.health_score_changed', accountId: account.id, updatedAt: at });
      return { accountId: account.id, healthScore: score, date, updatedAt: at };
    }),
  );

  app.post(
    '/:tenant/tasks/:id/complete',
    action(completeBody, (ds, tenant, id, b) => {
      const project = ds.projects.find((p) => p.tasks.some((t) => t.id === id));
      const task = project?.tasks.find((t) => t.id === id);
      if (!project || !task) throw new NotFound(`No onboarding milestone (project task) ${id}`);
      const at = new Date().toISOString();
      task.status = 'completed';
      task.completedAt = b.completedAt ?? at;
      task.updatedAt = at;
      project.updatedAt = at;
      if (project.tasks.every((t) => t.status === 'completed')) project.status = 'completed';
      webhooks.emit(tenant, { type: 'task.completed', accountId: project.accountId, id: task.id, updatedAt: at });
      return { accountId: project.accountId, projectId: project.id, taskId: task.id, name: task.name, completedAt: task.completedAt, updatedAt: at };
    }),
  );

  app.post(
    '/:tenant/accounts/:id/escalations',
    action(escalationBody, (ds, tenant, id, b) => {
      const account = findAccount(ds, id);
      if (!account) throw new NotFound(`No Vitally account ${id}`);
      const at = new Date().toISOString();
      const conversation = { id: randomUUID(), accountId: account.id, subject: b.subject, priority: b.priority, status: 'open' as const, createdAt: at, updatedAt: at };
      ds.conversations.push(conversation);
      webhooks.emit(tenant, { type: 'conversation.created', accountId: account.id, id: conversation.id, updatedAt: at });
      return { accountId: account.id, conversationId: conversation.id, subject: b.subject, priority: b.priority, updatedAt: at };
    }),
  );

  app.post(
    '/:tenant/conversations/:id/close',
    action(z.object({}).strict(), (ds, tenant, id) => {
      const conversation = ds.conversations.find((x) => x.id === id);
      if (!conversation) throw new NotFound(`No conversation ${id}`);
      const at = new Date().toISOString();
      conversation.status = 'closed';
      conversation.updatedAt = at;
      webhooks.emit(tenant, { type: 'conversation.closed', accountId: conversation.accountId, id: conversation.id, updatedAt: at });
      return { accountId: conversation.accountId, conversationId: conversation.id, status: 'closed', updatedAt: at };
    }),
  );

  return app;
}
