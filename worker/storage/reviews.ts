/**
 * The identity review queue in D1: one case per (subject, candidate) record pair that the scorer
 * sent to a person, with both records as they were when raised, the score and the reasons, and
 * once decided, who decided what.
 */
import type { IdentityFields, Reason } from '../policies/identity/index.js';
import type { System } from './connections.js';

/**
 * Review case states. `superseded`: the question is moot: another decision answered it (the
 * subject was linked elsewhere), one of its records changed who it is and was scored again, or a
 * record left the CRM (deleted or merged away).
 */
export const REVIEW_STATUSES = ['open', 'approved', 'rejected', 'linked', 'superseded'] as const;
/** A review case state. */
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** One side of a case. */
export interface ReviewSide {
  system: System;
  externalId: string;
  fields: IdentityFields;
  /**
   * The account the record belongs to: when raising a case, where it was then (stored); read back,
   * where it is now (a sync or a later link may have placed it since), so the queue never shows a
   * linked record as unlinked.
   */
  accountId: string | null;
  /** Read back: the account the record belonged to when the case was raised. */
  accountWhenRaised?: string | null;
}

/** A stored review case. */
export interface ReviewCase {
  id: string;
  subject: ReviewSide;
  candidate: ReviewSide;
  score: number;
  reasons: Reason[];
  status: ReviewStatus;
  decision: unknown;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** A new case id. */
export function newReviewId(): string {
  return `rv_${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/**
 * Statements that raise a case for a pair unless one exists (open or decided: a decided pair is
 * never raised again; a superseded one does not count, its question was replaced), auditing only
 * a case actually created. Returns [audit, insert].
 */
export function raiseReviewCase(
  db: D1Database,
  tenantId: string,
  c: { subject: ReviewSide; candidate: ReviewSide; score: number; reasons: Reason[] },
  audit: { actor: string; correlationId: string },
): D1PreparedStatement[] {
  const id = newReviewId();
  const pair = [tenantId, c.subject.system, c.subject.externalId, c.candidate.system, c.candidate.externalId] as const;
  const after = JSON.stringify({ subject: { system: c.subject.system, externalId: c.subject.externalId }, candidate: { system: c.candidate.system, externalId: c.candidate.externalId }, score: c.score });
  return [
    db
      .prepare(
        `INSERT INTO audit_log (tenant_id, id, at, actor, action, entity_type, entity_id, before_json, after_json, correlation_id)
         SELECT ?1, ?6, ?7, ?8, 'identity.review.raise', 'review_case', ?9, NULL, ?10, ?11
         WHERE NOT EXISTS (SELECT 1 FROM review_cases WHERE tenant_id = ?1 AND subject_system = ?2 AND subject_id = ?3 AND candidate_system = ?4 AND candidate_id = ?5
                             AND status <> 'superseded')`,
      )
      .bind(...pair, crypto.randomUUID(), new Date().toISOString(), audit.actor, id, after, audit.correlationId),
    db
      .prepare(
        `INSERT INTO review_cases (tenant_id, id, subject_system, subject_id, candidate_system, candidate_id, subject_json, candidate_json,
           subject_account_id, candidate_account_id, score, reasons_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .bind(
        tenantId, id, c.subject.system, c.subject.externalId, c.candidate.system, c.candidate.externalId,
        JSON.stringify(c.subject.fields), JSON.stringify(c.candidate.fields), c.subject.accountId, c.candidate.accountId, c.score, JSON.stringify(c.reasons),
      ),
  ];
}

/** The account a case's record belongs to now (the stored `*_account_id` columns say where it was when the case was raised). */
const accountNow = (side: 'subject' | 'candidate') =>
  `(SELECT l.canonical_id FROM identity_links l WHERE l.tenant_id = review_cases.tenant_id AND l.entity = 'account'
     AND l.system = review_cases.${side}_system AND l.external_id = review_cases.${side}_id) AS ${side}_account_now`;

const COLUMNS = `id, subject_system, subject_id, candidate_system, candidate_id, subject_json, candidate_json, subject_account_id, candidate_account_id,
  ${accountNow('subject')}, ${accountNow('candidate')},
  score, reasons_json, status, decision_json, decided_by, decided_at, created_at`;

interface Row {
  id: string;
  subject_system: System;
  subject_id: string;
  candidate_system: System;
  candidate_id: string;
  subject_json: string;
  candidate_json: string;
  subject_account_id: string | null;
  candidate_account_id: string | null;
  subject_account_now: string | null;
  candidate_account_now: string | null;
  score: number;
  reasons_json: string;
  status: ReviewStatus;
  decision_json: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
}

function fromRow(r: Row): ReviewCase {
  return {
    id: r.id,
    subject: { system: r.subject_system, externalId: r.subject_id, fields: JSON.parse(r.subject_json) as IdentityFields, accountId: r.subject_account_now, accountWhenRaised: r.subject_account_id },
    candidate: { system: r.candidate_system, externalId: r.candidate_id, fields: JSON.parse(r.candidate_json) as IdentityFields, accountId: r.candidate_account_now, accountWhenRaised: r.candidate_account_id },
    score: r.score,
    reasons: JSON.parse(r.reasons_json) as Reason[],
    status: r.status,
    decision: r.decision_json ? (JSON.parse(r.decision_json) as unknown) : null,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    createdAt: r.created_at,
  };
}

/** An open case about a record, with the record's fields as the case recorded them. */
export interface OpenCaseAbout {
  caseId: string;
  /** The record the case is about (subject or candidate). */
  externalId: string;
  side: 'subject' | 'candidate';
  fields: IdentityFields;
}

/** The open cases about these records of one system (as subject or candidate), one D1 read. */
export async function openCasesAbout(db: D1Database, tenantId: string, system: System, externalIds: readonly string[]): Promise<OpenCaseAbout[]> {
  if (externalIds.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT id AS caseId, subject_id AS externalId, 'subject' AS side, subject_json AS fields FROM review_cases
         WHERE tenant_id = ?1 AND status = 'open' AND subject_system = ?2 AND subject_id IN (SELECT value FROM json_each(?3))
       UNION ALL
       SELECT id, candidate_id, 'candidate', candidate_json FROM review_cases
         WHERE tenant_id = ?1 AND status = 'open' AND candidate_system = ?2 AND candidate_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(tenantId, system, JSON.stringify([...new Set(externalIds)]))
    .all<{ caseId: string; externalId: string; side: 'subject' | 'candidate'; fields: string }>();
  return results.map((r) => ({ ...r, fields: JSON.parse(r.fields) as IdentityFields }));
}

/**
 * The record's fields as each open case about it recorded them when it was raised (the record as
 * subject or as candidate), by record id; records no open case is about are absent.
 */
export async function openCaseFields(db: D1Database, tenantId: string, system: System, externalIds: readonly string[]): Promise<Map<string, IdentityFields[]>> {
  const out = new Map<string, IdentityFields[]>();
  if (externalIds.length === 0) return out;
  const { results } = await db
    .prepare(
      `SELECT subject_id AS id, subject_json AS fields FROM review_cases
         WHERE tenant_id = ?1 AND status = 'open' AND subject_system = ?2 AND subject_id IN (SELECT value FROM json_each(?3))
       UNION ALL
       SELECT candidate_id AS id, candidate_json AS fields FROM review_cases
         WHERE tenant_id = ?1 AND status = 'open' AND candidate_system = ?2 AND candidate_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(tenantId, system, JSON.stringify([...new Set(externalIds)]))
    .all<{ id: string; fields: string }>();
  for (const r of results) out.set(r.id, [...(out.get(r.id) ?? []), JSON.parse(r.fields) as IdentityFields]);
  return out;
}

/** Cases in `statuses`, oldest first for open work, `limit` per page after the case `after` (id cursor). */
export async function listReviewCases(db: D1Database, tenantId: string, opts: { statuses: readonly ReviewStatus[]; limit: number; after?: string | null }): Promise<ReviewCase[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM review_cases
       WHERE tenant_id = ?1 AND status IN (SELECT value FROM json_each(?2))
         AND (?3 IS NULL OR (created_at, id) > (SELECT created_at, id FROM review_cases WHERE tenant_id = ?1 AND id = ?3))
       ORDER BY created_at, id LIMIT ?4`,
    )
    .bind(tenantId, JSON.stringify(opts.statuses), opts.after ?? null, opts.limit)
    .all<Row>();
  return results.map(fromRow);
}

/** One case, or null. */
export async function getReviewCase(db: D1Database, tenantId: string, id: string): Promise<ReviewCase | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM review_cases WHERE tenant_id = ? AND id = ?`).bind(tenantId, id).first<Row>();
  return row ? fromRow(row) : null;
}

/** Statement that closes an open case with a decision (no effect on a case already decided). */
export function closeReviewCase(db: D1Database, tenantId: string, id: string, status: Exclude<ReviewStatus, 'open'>, decision: unknown, by: string, at: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE review_cases SET status = ?, decision_json = ?, decided_by = ?, decided_at = ? WHERE tenant_id = ? AND id = ? AND status = 'open'`)
    .bind(status, JSON.stringify(decision), by, at, tenantId, id);
}

/** Statement that supersedes the other open cases of a subject once it has been linked (they asked the same question). */
export function supersedeOpenCases(db: D1Database, tenantId: string, subject: { system: System; externalId: string }, candidateSystem: System, exceptId: string, by: string, at: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE review_cases SET status = 'superseded', decision_json = ?, decided_by = ?, decided_at = ?
       WHERE tenant_id = ? AND subject_system = ? AND subject_id = ? AND candidate_system = ? AND id <> ? AND status = 'open'`,
    )
    .bind(JSON.stringify({ supersededBy: exceptId }), by, at, tenantId, subject.system, subject.externalId, candidateSystem, exceptId);
}
