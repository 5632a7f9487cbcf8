/**
 * Canonical accounts: the paged list with each account's links, one account, and its 360 view.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { getAccount, listAccounts } from '../../storage/identity.js';
import { fromBase64Url, toBase64Url } from '../../storage/crypto.js';
import { accountView } from '../../services/account-view.js';
import type { AppEnv } from '../context.js';
import { parseWith, query } from '../validate.js';
import { serviceContext } from '../../services/context.js';
import { viewAnswer } from '../view-answer.js';

const AccountIdSchema = z.string().regex(/^acc_[a-f0-9]{32}$/, 'an account id like acc_<32 hex>');

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      try {
        const decoded = new TextDecoder().decode(fromBase64Url(value));
        if (decoded.startsWith('a:') && AccountIdSchema.safeParse(decoded.slice(2)).success) return decoded.slice(2);
      } catch {
        // fall through to the issue below
      }
      ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
      return z.NEVER;
    }),
});

const ViewQuery = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() });

export function accountRoutes() {
  const r = new Hono<AppEnv>();

  r.get('/', async (c) => {
    const q = query(c, ListQuery);
    const rows = await listAccounts(c.env.DB, c.get('tenantId'), q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? toBase64Url(new TextEncoder().encode(`a:${page[page.length - 1]!.id}`)) : null;
    return c.json({
      items: page.map((a) => ({ id: a.id, name: a.name, links: a.links.map((l) => ({ system: l.system, externalId: l.externalId })) })),
      next,
    });
  });

  r.get('/:id', async (c) => {
    const id = parseWith(AccountIdSchema, c.req.param('id'), 400);
    const account = await getAccount(c.env.DB, c.get('tenantId'), id);
    if (!account) fail({ kind: 'not_found', entity: 'account', id });
    return c.json(account);
  });

  r.get('/:id/view', async (c) => {
    const id = parseWith(AccountIdSchema, c.req.param('id'), 400);
    const q = query(c, ViewQuery);
    const trace = c.get('trace');
    trace?.authenticated();
    // Background work (a stale view's revalidation) starts once the answer is written out.
    const out = viewAnswer(c);
    const view = await accountView(c.env, serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log'), trace }, { maxWaitMs: 3_000 }), id, {
      refresh: q.refresh === '1' || q.refresh === 'true',
      waitUntil: out.waitUntil,
      written: out.written,
    });
    return out.json(view);
  });
  return r;
}
