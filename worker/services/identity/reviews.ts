/**
 * Review decisions: a person approves a case (link the two records), rejects it (keep them
 * apart, remembered so no sync raises the pair again), or links the subject to another account.
 * Each decision is one D1 batch with its audit entries; deciding a decided case again with the
 * same decision answers the stored result (idempotent), a different decision is a 409. A case
 * superseded (one of its records changed or left the CRM, supersede.ts) is refused with 409
 * `review_superseded`, whatever the decision.
 */
import { z } from 'zod';
import type { Env } from '../../env.js';
import { fail } from '../../errors.js';
import { IdSchema } from '../../model/primitives.js';
import { auditStatement } from '../../storage/audit.js';
import { deleteEmptyAccount, deleteLink, getAccount, insertAccount, insertLink, moveLinks, newAccountId } from '../../storage/identity.js';
import { keepApart } from '../../storage/identity-records.js';
import { closeReviewCase, getReviewCase, supersedeOpenCases, type ReviewCase, type ReviewStatus } from '../../storage/reviews.js';
import { afterLinkChange, assertCanJoin, placements, type RecordRef } from './accounts.js';

/** A decision on a review case. */
export const ReviewDecisionSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('approve').describe('Link the two records: they are the same company.') }),
  z.strictObject({ decision: z.literal('reject').describe('Keep them apart: different companies (remembered).') }),
  z.strictObject({ decision: z.literal('link').describe('Link the subject record to another account instead.'), accountId: IdSchema }),
]);
/** A decision on a review case. */
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

const CLOSED_AS: Readonly<Record<ReviewDecision['decision'], Exclude<ReviewStatus, 'open'>>> = { approve: 'approved', reject: 'rejected', link: 'linked' };

/** Who decides, for the audit. */
export interface DecisionContext {
  tenantId: string;
  actor: string;
  correlationId: string;
}

/** What a decision did. */
export interface DecisionResult {
  decision: ReviewDecision['decision'];
  /** The account the records ended up in (null for a rejection). */
  accountId: string | null;
  /** Links added, moved or accounts merged, as written. */
  changes: string[];
}

/** Decides review case `id`; returns the case after the decision and what it changed. */
export async function decideReview(env: Env, ctx: DecisionContext, id: string, decision: ReviewDecision): Promise<{ case: ReviewCase; result: DecisionResult; replayed: boolean }> {
  const db = env.DB;
  const c = (await getReviewCase(db, ctx.tenantId, id)) ?? fail({ kind: 'not_found', entity: 'review_case', id, code: 'review_not_found' });
  if (c.status === 'superseded') {
    // Its question no longer stands (a record changed or left the CRM): deciding it would act on
    // records as they no longer are. The open case raised since, if any, is the one to decide.
    const why = (c.decision as { reason?: string } | null)?.reason ?? 'superseded';
    fail({ kind: 'conflict', code: 'review_superseded', message: `Review case ${id} was superseded (${why.replace('_', ' ')}); decide the open case about these records instead.` });
  }
  if (c.status !== 'open') {
    const stored = c.decision as DecisionResult | null;
    const same = c.status === CLOSED_AS[decision.decision] && (decision.decision !== 'link' || stored?.accountId === decision.accountId);
    if (!same) fail({ kind: 'conflict', code: 'review_already_decided', message: `Review case ${id} is already ${c.status}.` });
    return { case: c, result: stored!, replayed: true };
  }
  const subject: RecordRef = { system: c.subject.system, externalId: c.subject.externalId };
  const candidate: RecordRef = { system: c.candidate.system, externalId: c.candidate.externalId };
  const at = new Date().toISOString();
  const audit = (action: string, entityType: string, entityId: string, after: unknown, before?: unknown) =>
    auditStatement(db, { tenantId: ctx.tenantId, actor: ctx.actor, action, entityType, entityId, after, before, correlationId: ctx.correlationId });
  const [s, k] = await placements(db, ctx.tenantId, [subject, candidate]);
  const writes: D1PreparedStatement[] = [];
  const changes: string[] = [];
  let accountId: string | null = null;
  const affected: (string | null)[] = [s!.accountId, k!.accountId];

  if (decision.decision === 'reject') {
    writes.push(...keepApart(db, ctx.tenantId, subject, candidate, ctx.actor, at));
    changes.push('kept apart');
  } else if (decision.decision === 'approve') {
    if (s!.accountId && s!.accountId === k!.accountId) {
      accountId = s!.accountId;
    } else if (s!.accountId && k!.accountId) {
      // Both already belong to accounts: the subject's account joins the candidate's.
      for (const l of s!.links) assertCanJoin(l, k!.links, k!.accountId);
      accountId = k!.accountId;
      writes.push(moveLinks(db, ctx.tenantId, s!.accountId, accountId), deleteEmptyAccount(db, ctx.tenantId, s!.accountId));
      writes.push(audit('identity.merge', 'account', accountId, { mergedFrom: s!.accountId, links: s!.links }));
      changes.push(`account ${s!.accountId} merged into ${accountId}`);
    } else if (!s!.accountId && !k!.accountId) {
      accountId = newAccountId();
      writes.push(insertAccount(db, ctx.tenantId, accountId, c.subject.fields.name), audit('account.create', 'account', accountId, { name: c.subject.fields.name }));
      writes.push(insertLink(db, ctx.tenantId, accountId, { ...subject, rule: 'manual', isPrimary: true }));
      writes.push(insertLink(db, ctx.tenantId, accountId, { ...candidate, rule: 'manual', isPrimary: candidate.system !== subject.system }));
      writes.push(audit('identity.link', 'account', accountId, { subject, candidate, rule: 'manual', reviewCase: id }));
      changes.push(`account ${accountId} created for ${subject.system} ${subject.externalId} and ${candidate.system} ${candidate.externalId}`);
    } else {
      // One of the two is in an account: the other joins it.
      const [inAccount, links, joining] = s!.accountId ? [s!.accountId, s!.links, candidate] : [k!.accountId!, k!.links, subject];
      assertCanJoin(joining, links, inAccount);
      accountId = inAccount;
      writes.push(insertLink(db, ctx.tenantId, accountId, { ...joining, rule: 'manual', isPrimary: !links.some((l) => l.system === joining.system) }));
      writes.push(audit('identity.link', 'account', accountId, { ...joining, rule: 'manual', reviewCase: id }));
      changes.push(`${joining.system} ${joining.externalId} linked to ${accountId}`);
    }
  } else {
    const target = (await getAccount(db, ctx.tenantId, decision.accountId)) ?? fail({ kind: 'not_found', entity: 'account', id: decision.accountId });
    accountId = target.id;
    affected.push(accountId);
    if (s!.accountId !== accountId) {
      assertCanJoin(subject, target.links, accountId);
      if (s!.accountId) {
        writes.push(deleteLink(db, ctx.tenantId, s!.accountId, subject.system, subject.externalId), deleteEmptyAccount(db, ctx.tenantId, s!.accountId));
      }
      const primary = !target.links.some((l) => l.system === subject.system && l.isPrimary);
      writes.push(insertLink(db, ctx.tenantId, accountId, { ...subject, rule: 'manual', isPrimary: primary }));
      writes.push(audit('identity.link', 'account', accountId, { ...subject, rule: 'manual', reviewCase: id, from: s!.accountId }));
      changes.push(`${subject.system} ${subject.externalId} linked to ${accountId}`);
    }
    // The candidate was not the subject's company (unless it is in the chosen account).
    if (k!.accountId !== accountId) {
      writes.push(...keepApart(db, ctx.tenantId, subject, candidate, ctx.actor, at));
      changes.push('kept apart from the candidate');
    }
  }

  const result: DecisionResult = { decision: decision.decision, accountId, changes };
  writes.push(closeReviewCase(db, ctx.tenantId, id, CLOSED_AS[decision.decision], result, ctx.actor, at));
  if (decision.decision !== 'reject') writes.push(supersedeOpenCases(db, ctx.tenantId, subject, candidate.system, id, ctx.actor, at));
  writes.push(audit(`identity.review.${decision.decision}`, 'review_case', id, result, { status: 'open' }));
  await db.batch(writes);
  if (decision.decision !== 'reject') await afterLinkChange(env, ctx.tenantId, [...affected, accountId], [subject, candidate, ...s!.links, ...k!.links]);
  const after = (await getReviewCase(db, ctx.tenantId, id))!;
  return { case: after, result, replayed: false };
}
