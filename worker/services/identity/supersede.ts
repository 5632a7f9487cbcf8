/**
 * Open review cases whose question no longer stands are closed as `superseded`, audited, and
 * leave the queue: a record renamed or re-addressed since the case was raised is scored again
 * as it is now (the new outcome, a link, a new case or an account of its own, then applies), and
 * a record that left the CRM (deleted, or merged into another) has nothing left to decide.
 * Approving a superseded case is refused (409 `review_superseded`, reviews.ts). The pair of a
 * superseded case may be asked again (the unique pair index leaves superseded cases out).
 */
import { sameIdentityFields, type IdentityFields } from '../../policies/identity/index.js';
import { auditStatement } from '../../storage/audit.js';
import type { System } from '../../storage/connections.js';
import { closeReviewCase, openCasesAbout, type OpenCaseAbout } from '../../storage/reviews.js';
import type { ServiceContext } from '../context.js';

/** Why a case was superseded, as its stored decision says. */
export type SupersededReason = 'record_changed' | 'record_deleted' | 'record_merged';

/** What a superseded case's decision holds. */
export interface SupersededDecision {
  reason: SupersededReason;
  record: { system: System; externalId: string };
  /** The record's identity fields when the case was raised and now (`record_changed`). */
  before?: IdentityFields;
  after?: IdentityFields;
  /** The record it was merged into (`record_merged`). */
  mergedInto?: string;
}

const ACTOR = 'system:identity-link';

/** Statements closing `cases` as superseded, each with its audit entry. */
function supersedeStatements(db: D1Database, ctx: ServiceContext, system: System, cases: readonly OpenCaseAbout[], decisionOf: (c: OpenCaseAbout) => SupersededDecision): D1PreparedStatement[] {
  const at = new Date().toISOString();
  return cases.flatMap((c) => {
    const decision = decisionOf(c);
    return [
      closeReviewCase(db, ctx.tenantId, c.caseId, 'superseded', decision, ACTOR, at),
      auditStatement(db, { tenantId: ctx.tenantId, actor: ACTOR, action: 'identity.review.supersede', entityType: 'review_case', entityId: c.caseId, before: { status: 'open' }, after: { ...decision, side: c.side, system }, correlationId: ctx.correlationId }),
    ];
  });
}

/**
 * Supersedes the open cases about these records that recorded other identity fields than the
 * records have now (run before scoring them again, so the new question can be raised). Returns
 * the ids of the records whose cases were superseded.
 */
export async function supersedeChangedCases(db: D1Database, ctx: ServiceContext, system: System, records: readonly { externalId: string; fields: IdentityFields }[]): Promise<Set<string>> {
  const now = new Map(records.map((r) => [r.externalId, r.fields]));
  const stale = (await openCasesAbout(db, ctx.tenantId, system, [...now.keys()])).filter((c) => !sameIdentityFields(c.fields, now.get(c.externalId)!));
  if (stale.length === 0) return new Set();
  await db.batch(supersedeStatements(db, ctx, system, stale, (c) => ({ reason: 'record_changed', record: { system, externalId: c.externalId }, before: c.fields, after: now.get(c.externalId)! })));
  ctx.log.info('identity_review.superseded', { system, cases: stale.length, reason: 'record_changed' });
  return new Set(stale.map((c) => c.externalId));
}

/** Statements superseding every open case about a record that left the CRM (for the caller's batch). */
export async function supersedeRemovedCases(db: D1Database, ctx: ServiceContext, system: System, externalId: string, mergedInto: string | null): Promise<D1PreparedStatement[]> {
  const open = await openCasesAbout(db, ctx.tenantId, system, [externalId]);
  return supersedeStatements(db, ctx, system, open, () => ({
    reason: mergedInto ? 'record_merged' : 'record_deleted',
    record: { system, externalId },
    ...(mergedInto ? { mergedInto } : {}),
  }));
}
