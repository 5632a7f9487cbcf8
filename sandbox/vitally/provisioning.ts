/**
 * Vitally writes a closed-won flow makes to provision a customer, as Vitally documents them:
 * - `POST /resources/accounts` {externalId, name, traits?, organizationId?}: externalId and name
 *   are required; a create with an externalId that exists updates that account (traits merge)
 *   instead of adding a second one, as Vitally's tasks are documented to do ("unique on
 *   externalId"). `accountOwnerId` can only be set to null through the API (owners are set in-app).
 *   https://docs.vitally.io/en/articles/9880654-rest-api-accounts
 * - `GET /resources/admins/search?email=`: the team member (CSM) with that e-mail.
 *   https://docs.vitally.io/en/articles/9880663-rest-api-admins
 * - `GET /resources/projectTemplates`, `POST /resources/projects` {templateId, accountId, name?,
 *   targetStartDate?, targetCompletionDate?, ownedByVitallyUserId?, traits?}: a project is made
 *   from a template, whose milestones become its tasks, due relative to the target start. Projects
 *   have no externalId: a repeated create makes a second project.
 *   https://docs.vitally.io/pushing-data-to-vitally/rest-api/projects
 * - `POST /resources/tasks` {accountId, name, externalId?, description?, dueDate?, assignedToId?,
 *   completedAt?, tags?, traits?}: unique on externalId (a repeat updates); a task's projects are
 *   set in-app only. `GET /resources/tasks[/:id]` and `/resources/accounts/:id/tasks` list account
 *   tasks and the tasks of projects. https://docs.vitally.io/en/articles/9880855-rest-api-tasks
 * Errors: 400 `{error:"Bad request", message}`, 404 `{error:"Not found", message}`.
 */
import { projectJson, projectStamp, taskJson, taskStamp } from './serialize.js';
import { accountById, accountByExternalId, findAccount } from './accounts.js';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { SandboxEnv } from '../core/auth.js';
import { readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { addDays } from '../seed/prng.js';
import type { VitallyAccount, VitallyAccountTask, VitallyDataset, VitallyProject, VitallyTask } from '../seed/types.js';
import { keptPageOf, pageParams, paginate, sortedPage, type Stamp } from './paging.js';
import { vitallyWebhooksFor } from './webhooks.js';

const traits = z.record(z.string().min(1).max(200), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]));
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected an ISO date');

const accountCreate = z.object({
  externalId: z.string().min(1).max(255),
  name: z.string().min(1).max(500),
  traits: traits.optional(),
  organizationId: z.string().max(255).nullable().optional(),
  accountOwnerId: z.null({ error: 'accountOwnerId can only be set to null through the REST API; account owners are assigned in Vitally' }).optional(),
}).strict();

const projectCreate = z.object({
  templateId: z.string().min(1),
  accountId: z.string().min(1).optional(),
  organizationId: z.string().min(1).optional(),
  name: z.string().min(1).max(500).optional(),
  targetStartDate: day.optional(),
  targetCompletionDate: day.optional(),
  ownedByVitallyUserId: z.string().nullable().optional(),
  projectStatusId: z.string().nullable().optional(),
  projectCategoryId: z.string().nullable().optional(),
  traits: traits.optional(),
}).strict();

const taskFields = {
  name: z.string().min(1).max(500),
  description: z.string().max(100_000).nullable().optional(),
  dueDate: day.nullable().optional(),
  assignedToId: z.string().nullable().optional(),
  completedById: z.string().nullable().optional(),
  completedAt: z.iso.datetime({ offset: true }).nullable().optional(),
  categoryId: z.string().nullable().optional(),
  tags: z.array(z.string().max(200)).max(50).optional(),
  traits: traits.optional(),
};
const taskCreate = z.object({ ...taskFields, accountId: z.string().min(1), externalId: z.string().min(1).max(255).optional() }).strict();
const taskUpdate = z.object(taskFields).partial().strict();

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code === 'unrecognized_keys' ? `${i.keys.join(', ')} cannot be set through the REST API` : i.message}`).join('; ');
const now = () => new Date().toISOString();

/** Rows created through these routes, for the duplicate counts of `GET /__sandbox/vitally/:tenant/stats`. */
const createdRows = new WeakMap<VitallyDataset, WeakSet<object>>();
function markCreated(ds: VitallyDataset, row: object): void {
  let set = createdRows.get(ds);
  if (!set) createdRows.set(ds, (set = new WeakSet()));
  set.add(row);
}
export function wasCreated(ds: VitallyDataset, row: object): boolean {
  return createdRows.get(ds)?.has(row) ?? false;
}

/** A project's milestone in Vitally's Task shape (the milestone itself stays on its project). */
function accountTask(t: VitallyAccountTask): Record<string, unknown> {
  return { ...t, organizationId: null, projects: [] };
}

/** A task of the dataset before serializing: an account task, or a project's milestone (account tasks first). */
type TaskRow = { p: null; t: VitallyAccountTask } | { p: VitallyProject; t: VitallyTask };

function taskRows(ds: VitallyDataset): TaskRow[] {
  return [...(ds.tasks ?? []).map((t): TaskRow => ({ p: null, t })), ...ds.projects.flatMap((p) => p.tasks.map((t): TaskRow => ({ p, t })))];
}

const taskRowStamp = (r: TaskRow): Stamp => (r.p ? taskStamp(r.p, r.t) : { id: r.t.id, createdAt: r.t.createdAt, updatedAt: r.t.updatedAt });
const taskRowJson = (r: TaskRow): Record<string, unknown> => (r.p ? taskJson(r.p, r.t) : accountTask(r.t));

/**
 * One account's tasks in the API's shape, without serializing every task of the dataset first
 * (about 200,000 at SANDBOX_SCALE=100, for each card's read).
 */
function accountTasks(ds: VitallyDataset, accountId: string): Record<string, unknown>[] {
  return [...(ds.tasks ?? []).filter((t) => t.accountId === accountId).map(accountTask), ...ds.projects.filter((p) => p.accountId === accountId).flatMap((p) => p.tasks.map((t) => taskJson(p, t)))];
}

/** Builds the provisioning routes (mounted inside the Vitally app, behind its auth). */
export function provisioningRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const webhooks = vitallyWebhooksFor(state);
  const ds = (c: Context<SandboxEnv>) => state.dataset(c.get('tenant')).vitally;
  const bad = (c: Context, message: string) => c.json({ error: 'Bad request', message }, 400);
  const missing = (c: Context, message: string) => c.json({ error: 'Not found', message }, 404);
  const body = async (c: Context<SandboxEnv>): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> => {
    const raw = await readJson(c);
    return raw.ok ? { ok: true, value: raw.value } : { ok: false, res: bad(c, raw.error) };
  };

  app.post('/resources/accounts', async (c) => {
    const raw = await body(c);
    if (!raw.ok) return raw.res;
    const parsed = accountCreate.safeParse(raw.value);
    if (!parsed.success) return bad(c, issues(parsed.error));
    const b = parsed.data;
    const existing = accountByExternalId(ds(c), b.externalId);
    if (existing) {
      existing.name = b.name;
      if (b.traits) Object.assign(existing.traits, b.traits);
      if (b.accountOwnerId === null) existing.accountOwnerId = null;
      existing.updatedAt = now();
      return c.json(existing);
    }
    const at = now();
    const account: VitallyAccount = { id: crypto.randomUUID(), externalId: b.externalId, name: b.name, traits: { ...(b.traits ?? {}) }, healthScore: null, mrr: null, accountOwnerId: null, churnedAt: null, createdAt: at, updatedAt: at };
    ds(c).accounts.push(account);
    markCreated(ds(c), account);
    return c.json(account);
  });

  app.get('/resources/admins/search', (c) => {
    const email = c.req.query('email');
    if (!email) return bad(c, 'email is required');
    const admin = (ds(c).admins ?? []).find((a) => a.email.toLowerCase() === email.toLowerCase());
    return admin ? c.json(admin) : missing(c, `No admin with email ${email}`);
  });

  app.get('/resources/projectTemplates', (c) => {
    const { limit, from } = pageParams(c);
    const rows = (ds(c).projectTemplates ?? []).map(({ tasks: _tasks, ...t }) => ({ ...t, traits: {} }));
    return c.json(paginate(rows, (t) => `${t.updatedAt}|${t.id}`, limit, from, 'desc'));
  });

  app.post('/resources/projects', async (c) => {
    const raw = await body(c);
    if (!raw.ok) return raw.res;
    const parsed = projectCreate.safeParse(raw.value);
    if (!parsed.success) return bad(c, issues(parsed.error));
    const b = parsed.data;
    if (b.organizationId) return bad(c, 'organizationId: Organizations are not enabled for this Vitally account; give accountId');
    if (!b.accountId) return bad(c, 'accountId: Required (or organizationId)');
    const account = accountById(ds(c), b.accountId);
    if (!account) return missing(c, `Account ${b.accountId} not found`);
    const template = (ds(c).projectTemplates ?? []).find((t) => t.id === b.templateId);
    if (!template) return missing(c, `Project template ${b.templateId} not found`);
    if (b.ownedByVitallyUserId && !(ds(c).admins ?? []).some((a) => a.id === b.ownedByVitallyUserId)) return bad(c, `ownedByVitallyUserId: no admin ${b.ownedByVitallyUserId}`);
    const start = (b.targetStartDate ?? state.anchorDate).slice(0, 10);
    const at = now();
    const project: VitallyProject = {
      id: crypto.randomUUID(), accountId: account.id, name: b.name ?? template.projectName, status: 'active', createdAt: at, updatedAt: at,
      templateId: template.id, targetStartDate: start, targetCompletionDate: b.targetCompletionDate?.slice(0, 10) ?? addDays(start, Math.max(0, ...template.tasks.map((t) => t.dueOffsetDays))),
      ownedByVitallyUserId: b.ownedByVitallyUserId ?? null, traits: { ...(b.traits ?? {}) },
      tasks: template.tasks.map((t, i) => ({ id: crypto.randomUUID(), name: t.name, order: i + 1, status: 'not_started' as const, dueDate: addDays(start, t.dueOffsetDays), completedAt: null })),
    };
    ds(c).projects.push(project);
    markCreated(ds(c), project);
    return c.json(project);
  });

  // Every project of the workspace, in the Project shape the account's list answers (serialize.ts).
  app.get('/resources/projects', (c) => c.json(keptPageOf(c, ds(c), 'projects', () => ds(c).projects, projectStamp, projectJson)));

  app.get('/resources/projects/:id', (c) => {
    const project = ds(c).projects.find((p) => p.id === c.req.param('id'));
    return project ? c.json(project) : missing(c, `Project ${c.req.param('id')} not found`);
  });

  app.post('/resources/tasks', async (c) => {
    const raw = await body(c);
    if (!raw.ok) return raw.res;
    const parsed = taskCreate.safeParse(raw.value);
    if (!parsed.success) return bad(c, issues(parsed.error));
    const b = parsed.data;
    if (!accountById(ds(c), b.accountId)) return missing(c, `Account ${b.accountId} not found`);
    const tasks = (ds(c).tasks ??= []);
    const at = now();
    const existing = b.externalId ? tasks.find((t) => t.externalId === b.externalId) : undefined;
    if (existing) {
      Object.assign(existing, { ...b, traits: { ...existing.traits, ...(b.traits ?? {}) }, updatedAt: at });
      webhooks.emit(c.get('tenant'), { type: 'task.updated', accountId: existing.accountId, id: existing.id, updatedAt: at });
      return c.json(accountTask(existing));
    }
    const task: VitallyAccountTask = {
      id: crypto.randomUUID(), externalId: b.externalId ?? null, accountId: b.accountId, name: b.name, description: b.description ?? null, dueDate: b.dueDate ?? null,
      assignedToId: b.assignedToId ?? null, completedById: b.completedById ?? null, completedAt: b.completedAt ?? null, categoryId: b.categoryId ?? null,
      tags: b.tags ?? [], traits: { ...(b.traits ?? {}) }, archivedAt: null, createdAt: at, updatedAt: at,
    };
    tasks.push(task);
    markCreated(ds(c), task);
    webhooks.emit(c.get('tenant'), { type: 'task.created', accountId: task.accountId, id: task.id, updatedAt: at });
    return c.json(accountTask(task));
  });

  app.put('/resources/tasks/:id', async (c) => {
    const raw = await body(c);
    if (!raw.ok) return raw.res;
    const parsed = taskUpdate.safeParse(raw.value);
    if (!parsed.success) return bad(c, issues(parsed.error));
    const b = parsed.data;
    const id = c.req.param('id');
    const own = (ds(c).tasks ?? []).find((t) => t.id === id || t.externalId === id);
    if (own) {
      Object.assign(own, { ...b, traits: { ...own.traits, ...(b.traits ?? {}) }, updatedAt: now() });
      webhooks.emit(c.get('tenant'), { type: b.completedAt ? 'task.completed' : 'task.updated', accountId: own.accountId, id: own.id, updatedAt: own.updatedAt });
      return c.json(accountTask(own));
    }
    for (const p of ds(c).projects) {
      const t = p.tasks.find((x) => x.id === id);
      if (!t) continue;
      if (b.name !== undefined) t.name = b.name;
      if (b.dueDate !== undefined) t.dueDate = b.dueDate?.slice(0, 10) ?? null;
      if (b.completedAt !== undefined) {
        t.completedAt = b.completedAt;
        t.status = b.completedAt ? 'completed' : 'not_started';
      }
      p.updatedAt = now();
      t.updatedAt = p.updatedAt;
      webhooks.emit(c.get('tenant'), { type: b.completedAt ? 'task.completed' : 'task.updated', accountId: p.accountId, id: t.id, updatedAt: t.updatedAt });
      return c.json(taskJson(p, t));
    }
    return missing(c, `Task ${id} not found`);
  });

  app.get('/resources/tasks', (c) => c.json(keptPageOf(c, ds(c), 'tasks', () => taskRows(ds(c)), taskRowStamp, taskRowJson)));

  app.get('/resources/tasks/:id', (c) => {
    const id = c.req.param('id');
    // A milestone has no externalId (taskJson); an account task may.
    const row = taskRows(ds(c)).find((r) => r.t.id === id || (r.p === null && r.t.externalId !== null && r.t.externalId === id));
    return row ? c.json(taskRowJson(row)) : missing(c, `Task ${id} not found`);
  });

  app.get('/resources/accounts/:id/tasks', (c) => {
    const account = findAccount(ds(c), c.req.param('id'));
    if (!account) return missing(c, `Account ${c.req.param('id')} not found`);
    return c.json(sortedPage(c, accountTasks(ds(c), account.id)));
  });

  return app;
}
