/**
 * Vitally REST emulator, mounted at `/vitally` (real base: https://{subdomain}.rest.vitally.io).
 * Accounts (by Vitally id or externalId), health score history, projects and tasks, conversations,
 * notes and trait updates, each in the shape Vitally documents (serialize.ts). Lists page with
 * `limit`/`from`/`next` and order by `updatedAt` (the default) or `createdAt` (`sortBy`).
 * Auth: HTTP Basic with the sandbox token as user name (Bearer also accepted). Errors are
 * `{error, message?}` JSON. The 1,000/min sliding window and its RateLimit-* headers live in the
 * fault/limit layer (sandbox/vitally/limits.ts via core/faults.ts).
 * https://docs.vitally.io/pushing-data-to-vitally/rest-api
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { requireVendorToken, type SandboxEnv } from '../core/auth.js';
import { readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import type { VitallyDataset } from '../seed/types.js';
import { VitallyBadRequest, keptPageOf, pageParams, paginate, sortedPage, workspaceChanged } from './paging.js';
import { provisioningRoutes } from './provisioning.js';
import { accountById, findAccount, noteExternalId } from './accounts.js';

export { findAccount };
import { accountJson, conversationJson, conversationStamp, noteJson, projectJson, taskJson } from './serialize.js';

const traitValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const accountPatch = z.object({
  name: z.string().min(1).max(500).optional(),
  externalId: z.string().min(1).max(255).nullable().optional(),
  traits: z.record(z.string().min(1).max(200), traitValue).optional(),
}).strict();
/** POST /resources/notes (https://docs.vitally.io/pushing-data-to-vitally/rest-api/notes): `accountId`, `note` and `noteDate` are required. */
const noteBody = z.object({
  accountId: z.string().min(1).max(255),
  note: z.string().min(1).max(100_000),
  noteDate: z.iso.datetime({ offset: true }),
  subject: z.string().max(500).nullable().optional(),
  authorId: z.string().max(255).nullable().optional(),
  externalId: z.string().max(255).nullable().optional(),
  categoryId: z.string().max(255).nullable().optional(),
  tags: z.array(z.string().max(200)).max(100).optional(),
  traits: z.record(z.string().min(1).max(200), traitValue).optional(),
}).strict();

class VitallyNotFound extends Error {}


const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/**
 * Each account's score history, indexed once per size of the dataset's list (points are only
 * ever appended, admin.ts and the seed): the history route filtered every point of the estate per
 * call, about 1.3 million at SANDBOX_SCALE=100, once per account a backfill completes.
 */
const scoreIndex = new WeakMap<VitallyDataset['healthScores'], { length: number; byAccount: Map<string, VitallyDataset['healthScores']> }>();

function scoresOf(ds: VitallyDataset, accountId: string): VitallyDataset['healthScores'] {
  let index = scoreIndex.get(ds.healthScores);
  if (!index || index.length !== ds.healthScores.length) {
    const byAccount = new Map<string, VitallyDataset['healthScores']>();
    for (const h of ds.healthScores) {
      const list = byAccount.get(h.accountId);
      if (list) list.push(h);
      else byAccount.set(h.accountId, [h]);
    }
    index = { length: ds.healthScores.length, byAccount };
    scoreIndex.set(ds.healthScores, index);
  }
  return index.byAccount.get(accountId) ?? [];
}

/** Build the Vitally routes (mounted at `/vitally`). */
export function vitallyApp(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.use('/resources/*', requireVendorToken('vitally', (c) => c.json({ error: 'Unauthorized', message: 'Provide your API key as the Basic auth user name.' }, 401)));
  app.use('/resources/*', bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'Payload too large', message: 'Request bodies are limited to 1 MiB' }, 413) }));
  const ds = (c: Context<SandboxEnv>) => state.dataset(c.get('tenant')).vitally;
  // Every write may change what a list holds or its order: the kept orders (keptPageOf) are dropped.
  app.use('/resources/*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const workspace = ds(c);
    workspaceChanged(workspace);
    await next();
    workspaceChanged(workspace);
  });
  const account = (c: Context<SandboxEnv>) => {
    const a = findAccount(ds(c), c.req.param('id') ?? '');
    if (!a) throw new VitallyNotFound(`Account ${c.req.param('id')} not found`);
    return a;
  };
  const body = async (c: Context<SandboxEnv>) => {
    const raw = await readJson(c);
    if (!raw.ok) throw new VitallyBadRequest(raw.error);
    return raw.value;
  };

  /** One page of serialized records in the order `sortBy` asks (updatedAt by default). */
  const list = (c: Context<SandboxEnv>, rows: Record<string, unknown>[]) => c.json(sortedPage(c, rows));

  app.get('/resources/accounts', (c) => c.json(keptPageOf(c, ds(c), 'accounts', () => ds(c).accounts, (a) => ({ id: a.id, createdAt: a.createdAt, updatedAt: a.updatedAt }), accountJson)));

  app.get('/resources/accounts/:id', (c) => c.json(accountJson(account(c))));

  // Not in Vitally's public reference with an example answer: the sandbox serves the account's
  // weekly score history, oldest first (see test/fixtures/vitally/README.md).
  app.get('/resources/accounts/:id/healthScores', (c) => {
    const a = account(c);
    const { limit, from } = pageParams(c);
    return c.json(paginate(scoresOf(ds(c), a.id), (h) => `${h.date}|${h.id}`, limit, from));
  });

  app.get('/resources/accounts/:id/projects', (c) => {
    const a = account(c);
    return list(c, ds(c).projects.filter((p) => p.accountId === a.id).map(projectJson));
  });

  // GET /resources/accounts/:id/tasks: provisioning.ts (account tasks and project milestones together).

  app.get('/resources/accounts/:id/conversations', (c) => {
    const a = account(c);
    return list(c, ds(c).conversations.filter((x) => x.accountId === a.id).map((x) => conversationJson(x, a)));
  });

  // Every conversation of the workspace (https://docs.vitally.io/en/articles/9880665-rest-api-conversations).
  app.get('/resources/conversations', (c) => {
    const page = keptPageOf(c, ds(c), 'conversations', () => ds(c).conversations, conversationStamp, (x) => x);
    return c.json({ results: page.results.map((x) => conversationJson(x, accountById(ds(c), x.accountId))), next: page.next });
  });

  app.get('/resources/accounts/:id/notes', (c) => {
    const a = account(c);
    return list(c, ds(c).notes.filter((n) => n.accountId === a.id).map(noteJson));
  });

  // Notes are unique on externalId: a second POST with the same externalId updates the note
  // instead of adding one (how integrations stay idempotent).
  app.post('/resources/notes', async (c) => {
    const parsed = noteBody.safeParse(await body(c));
    if (!parsed.success) throw new VitallyBadRequest(issues(parsed.error));
    const b = parsed.data;
    const a = accountById(ds(c), b.accountId);
    if (!a) throw new VitallyBadRequest(`accountId ${b.accountId} is not a Vitally account id`);
    const now = new Date().toISOString();
    const existing = b.externalId ? ds(c).notes.find((n) => n.externalId === b.externalId) : undefined;
    if (existing) {
      Object.assign(existing, { accountId: a.id, subject: b.subject ?? existing.subject, note: b.note, noteDate: b.noteDate, updatedAt: now, ...(b.tags ? { tags: b.tags } : {}), ...(b.traits ? { traits: b.traits } : {}) });
      return c.json(noteJson(existing));
    }
    const note = {
      id: crypto.randomUUID(), accountId: a.id, subject: b.subject ?? null, note: b.note, noteDate: b.noteDate, authorId: b.authorId ?? null,
      externalId: b.externalId ?? null, createdAt: now, updatedAt: now, categoryId: b.categoryId ?? null, tags: b.tags ?? [], traits: b.traits ?? {},
    };
    ds(c).notes.push(note);
    return c.json(noteJson(note));
  });

  const update = async (c: Context<SandboxEnv>) => {
    const a = account(c);
    const parsed = accountPatch.safeParse(await body(c));
    if (!parsed.success) throw new VitallyBadRequest(issues(parsed.error));
    const { name, externalId, traits } = parsed.data;
    if (externalId && ds(c).accounts.some((x) => x !== a && x.externalId === externalId)) throw new VitallyBadRequest(`externalId ${externalId} belongs to another account`);
    if (name !== undefined) a.name = name;
    if (externalId !== undefined) {
      a.externalId = externalId;
      noteExternalId(ds(c), a);
    }
    // Traits merge key by key, as Vitally's trait updates do; other traits stay.
    if (traits) Object.assign(a.traits, traits);
    a.updatedAt = new Date().toISOString();
    return c.json(accountJson(a));
  };
  app.put('/resources/accounts/:id', update);
  app.patch('/resources/accounts/:id', update);

  // Account create, admins, project templates, projects and tasks (provisioning.ts).
  app.route('/', provisioningRoutes(state));

  app.onError((err, c) => {
    if (err instanceof VitallyNotFound) return c.json({ error: 'Not found', message: err.message }, 404);
    if (err instanceof VitallyBadRequest) return c.json({ error: 'Bad request', message: err.message }, 400);
    console.error('[sandbox/vitally] unexpected error', err);
    return c.json({ error: 'Internal server error' }, 500);
  });
  return app;
}
