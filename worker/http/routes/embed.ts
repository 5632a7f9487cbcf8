/**
 * Read-only endpoints for the embeddable CSM account-review panel (widgets/), mounted at /v1/embed:
 * - GET /v1/embed/accounts/:id/view   -> the AccountView
 * - GET /v1/embed/accounts/:id/audit  -> {items:[{at, actor, action, source, summary}], next}
 *   (the account's history, services/account-history.ts; `next` goes back as `before`)
 * Auth: `Authorization: Bearer <embed token>` (services/embed-token.ts); a token opens only the
 * account and tenant it names. CORS is open (any origin, no credentials): the panel is embedded in
 * customers' own pages, and the bearer token, not a cookie, is the credential.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { accountView } from '../../services/account-view.js';
import { accountHistory, HistoryCursor } from '../../services/account-history.js';
import { verifyEmbedToken } from '../../services/embed-token.js';
import type { AppEnv } from '../context.js';
import { TIMING_HEADERS } from '../middleware/server-timing.js';
import { parseWith, query } from '../validate.js';
import { serviceContext } from '../../services/context.js';
import { viewAnswer } from '../view-answer.js';

const AccountId = z.string().regex(/^acc_[a-f0-9]{32}$/, 'an account id like acc_<32 hex>');
const ViewQuery = z.object({ refresh: z.enum(['0', '1', 'true', 'false']).optional() });
const AuditQuery = z.object({
  before: HistoryCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** Verifies the embed token and that it was minted for the account in the path. */
const embedAuth = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const match = /^Bearer\s+([A-Za-z0-9_.-]{20,4096})$/i.exec(c.req.header('authorization') ?? '');
  if (!match) fail({ kind: 'unauthorized', message: 'Send the embed token as "Authorization: Bearer <token>".' });
  const grant = await verifyEmbedToken(c.env, match[1]!);
  const id = parseWith(AccountId, c.req.param('id'), 400);
  if (id !== grant.accountId) fail({ kind: 'forbidden', message: 'This embed token is for another account.' });
  c.set('tenantId', grant.tenantId);
  c.set('actor', `embed:${grant.accountId}`);
  c.set('log', c.get('log').with({ tenant: grant.tenantId }));
  await next();
};

export function embedRoutes() {
  const r = new Hono<AppEnv>();
  r.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'X-Correlation-Id'],
      exposeHeaders: ['X-Correlation-Id', ...TIMING_HEADERS],
      maxAge: 600,
      credentials: false,
    }),
  );
  r.use('/accounts/:id/*', embedAuth());

  r.get('/accounts/:id/view', async (c) => {
    const q = query(c, ViewQuery);
    const trace = c.get('trace');
    trace?.authenticated();
    // Background work (a stale view's revalidation) starts once the answer is written out.
    const out = viewAnswer(c);
    const view = await accountView(c.env, serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log'), trace }, { maxWaitMs: 3_000 }), c.req.param('id'), {
      refresh: q.refresh === '1' || q.refresh === 'true',
      waitUntil: out.waitUntil,
      written: out.written,
    });
    return out.json(view);
  });

  r.get('/accounts/:id/audit', async (c) => {
    const q = query(c, AuditQuery);
    const page = await accountHistory(c.env.DB, c.get('tenantId'), c.req.param('id'), q);
    c.header('cache-control', 'no-store');
    return c.json(page);
  });
  return r;
}
