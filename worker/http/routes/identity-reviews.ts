/**
 * The identity review queue: list and read cases (both records side by side, score, reasons),
 * decide them (approve, reject, link to another account), and split a wrong link.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { fail } from '../../errors.js';
import { decideReview, recordLabel, ReviewDecisionSchema, splitLink, SplitSchema } from '../../services/identity/index.js';
import { getReviewCase, listReviewCases, type ReviewCase, type ReviewStatus } from '../../storage/reviews.js';
import type { AppEnv } from '../context.js';
import { jsonBody, query } from '../validate.js';

const STATUS_FILTER: Readonly<Record<'open' | 'decided' | 'all', readonly ReviewStatus[]>> = {
  open: ['open'],
  decided: ['approved', 'rejected', 'linked', 'superseded'],
  all: ['open', 'approved', 'rejected', 'linked', 'superseded'],
};

const ListQuery = z.object({
  status: z.enum(['open', 'decided', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^rv_[a-f0-9]{24}$/, 'a case id from a previous page').optional(),
});

const CaseId = z.string().regex(/^rv_[a-f0-9]{24}$/);

/** A case as the API shows it: each side with a label, its fields and its account. */
export function reviewView(rc: ReviewCase) {
  const side = (s: ReviewCase['subject']) => ({ system: s.system, externalId: s.externalId, label: recordLabel(s), accountId: s.accountId, accountWhenRaised: s.accountWhenRaised ?? null, fields: s.fields });
  return {
    id: rc.id,
    status: rc.status,
    score: rc.score,
    reasons: rc.reasons,
    subject: side(rc.subject),
    candidate: side(rc.candidate),
    createdAt: rc.createdAt,
    decidedAt: rc.decidedAt,
    decidedBy: rc.decidedBy,
    decision: rc.decision,
  };
}

export function identityReviewRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/reviews', async (c) => {
    const q = query(c, ListQuery);
    const cases = await listReviewCases(c.env.DB, c.get('tenantId'), { statuses: STATUS_FILTER[q.status], limit: q.limit + 1, after: q.cursor ?? null });
    const page = cases.slice(0, q.limit);
    return c.json({ items: page.map(reviewView), next: cases.length > q.limit ? page[page.length - 1]!.id : null });
  });

  r.get('/reviews/:id', async (c) => {
    const id = c.req.param('id');
    const rc = CaseId.safeParse(id).success ? await getReviewCase(c.env.DB, c.get('tenantId'), id) : null;
    if (!rc) fail({ kind: 'not_found', entity: 'review_case', id, code: 'review_not_found' });
    return c.json(reviewView(rc));
  });

  r.post('/reviews/:id/decision', async (c) => {
    const id = c.req.param('id');
    const body = await jsonBody(c, ReviewDecisionSchema);
    if (!CaseId.safeParse(id).success) fail({ kind: 'not_found', entity: 'review_case', id, code: 'review_not_found' });
    const out = await decideReview(c.env, { tenantId: c.get('tenantId'), actor: c.get('actor'), correlationId: c.get('correlationId') }, id, body);
    return c.json({ case: reviewView(out.case), result: out.result, replayed: out.replayed });
  });

  r.post('/split', async (c) => {
    const body = await jsonBody(c, SplitSchema);
    const result = await splitLink(c.env, { tenantId: c.get('tenantId'), actor: c.get('actor'), correlationId: c.get('correlationId') }, body);
    return c.json(result);
  });
  return r;
}
