/**
 * Vitally REST emulator, mounted at `/vitally` (real base: https://{subdomain}.rest.vitally.io).
 * Accounts (by Vitally id or externalId), health score history, onboarding projects,
 * conversations, notes and trait updates. Auth: HTTP Basic with the sandbox token as user name
 * (Bearer also accepted). Errors are `{error, message?}` JSON. The 1,000/min budget and its
 * RateLimit-* headers live in the fault/limit layer (sandbox/vitally/limits.ts via core/faults.ts).
 * https://docs.vitally.io/en/articles/9880209-rest-api-overview
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { requireVendorToken, type SandboxEnv } from '../core/auth.js';
import { readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import type { VitallyAccount, VitallyDataset } from '../seed/types.js';
import { VitallyBadRequest, pageParams, paginate } from './paging.js';
import { provisioningRoutes } from './provisioning.js';

const traitValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const accountPatch = z.object({
  name: z.string().min(1).max(500).optional(),
  externalId: z.string().min(1).max(255).nullable().optional(),
  traits: z.record(z.string().min(1).max(200), traitValue).optional(),
}).strict();
const noteBody = z.object({
  note: z.string().min(1).max(100_000),
  subject: z.string().max(500).nullable().optional(),
  noteDate: z.iso.datetime({ offset: true }).optional(),
  authorId: z.string().max(255).nullable().optional(),
  externalId: z.string().max(255).nullable().optional(),
}).strict();

class VitallyNotFound extends Error {}

/** Find an account by Vitally id first, then by externalId. */
export function findAccount(ds: VitallyDataset, key: string): VitallyAccount | undefined {
  return ds.accounts.find((a) => a.id === key) ?? ds.accounts.find((a) => a.externalId === key);
}

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** Build the Vitally routes (mounted at `/vitally`). */
export function vitallyApp(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.use('/resources/*', requireVendorToken('vitally', (c) => c.json({ error: 'Unauthorized', message: 'Provide your API key as the Basic auth user name.' }, 401)));
  app.use('/resources/*', bodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'Payload too large', message: 'Request bodies are limited to 1 MiB' }, 413) }));
  const ds = (c: Context<SandboxEnv>) => state.dataset(c.get('tenant')).vitally;
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

  app.get('/resources/accounts', (c) => {
    const { limit, from } = pageParams(c);
    const sortBy = c.req.query('sortBy') ?? 'createdAt';
    if (sortBy !== 'createdAt' && sortBy !== 'updatedAt') throw new VitallyBadRequest('sortBy must be createdAt or updatedAt');
    return c.json(paginate(ds(c).accounts, (a) => `${a[sortBy]}|${a.id}`, limit, from));
  });

  app.get('/resources/accounts/:id', (c) => c.json(account(c)));

  app.get('/resources/accounts/:id/healthScores', (c) => {
    const a = account(c);
    const { limit, from } = pageParams(c);
    return c.json(paginate(ds(c).healthScores.filter((h) => h.accountId === a.id), (h) => `${h.date}|${h.id}`, limit, from));
  });

  app.get('/resources/accounts/:id/projects', (c) => {
    const a = account(c);
    const { limit, from } = pageParams(c);
    return c.json(paginate(ds(c).projects.filter((p) => p.accountId === a.id), (p) => `${p.createdAt}|${p.id}`, limit, from));
  });

  app.get('/resources/accounts/:id/conversations', (c) => {
    const a = account(c);
    const { limit, from } = pageParams(c);
    return c.json(paginate(ds(c).conversations.filter((x) => x.accountId === a.id), (x) => `${x.createdAt}|${x.id}`, limit, from));
  });

  app.get('/resources/accounts/:id/notes', (c) => {
    const a = account(c);
    const { limit, from } = pageParams(c);
    return c.json(paginate(ds(c).notes.filter((n) => n.accountId === a.id), (n) => `${n.createdAt}|${n.id}`, limit, from));
  });

  app.post('/resources/accounts/:id/notes', async (c) => {
    const a = account(c);
    const parsed = noteBody.safeParse(await body(c));
    if (!parsed.success) throw new VitallyBadRequest(issues(parsed.error));
    const now = new Date().toISOString();
    // A note with a known externalId is updated, not duplicated (how integrations stay idempotent).
    const existing = parsed.data.externalId ? ds(c).notes.find((n) => n.accountId === a.id && n.externalId === parsed.data.externalId) : undefined;
    if (existing) {
      Object.assign(existing, { subject: parsed.data.subject ?? existing.subject, note: parsed.data.note, noteDate: parsed.data.noteDate ?? existing.noteDate });
      return c.json(existing);
    }
    const note = {
      id: crypto.randomUUID(), accountId: a.id, subject: parsed.data.subject ?? null, note: parsed.data.note,
      noteDate: parsed.data.noteDate ?? now, authorId: parsed.data.authorId ?? null, externalId: parsed.data.externalId ?? null, createdAt: now,
    };
    ds(c).notes.push(note);
    return c.json(note);
  });

  const update = async (c: Context<SandboxEnv>) => {
    const a = account(c);
    const parsed = accountPatch.safeParse(await body(c));
    if (!parsed.success) throw new VitallyBadRequest(issues(parsed.error));
    const { name, externalId, traits } = parsed.data;
    if (externalId && ds(c).accounts.some((x) => x !== a && x.externalId === externalId)) throw new VitallyBadRequest(`externalId ${externalId} belongs to another account`);
    if (name !== undefined) a.name = name;
    if (externalId !== undefined) a.externalId = externalId;
    // Traits merge key by key, as Vitally's trait updates do; other traits stay.
    if (traits) Object.assign(a.traits, traits);
    a.updatedAt = new Date().toISOString();
    return c.json(a);
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
