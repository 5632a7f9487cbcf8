/**
 * Resolution: finds a subject's candidates by blocking key in D1, scores each pair with the pure
 * scorer and decides with the tenant's thresholds. `resolveCandidate` is the one entry point for
 * "which existing customer is this?" (the resolve API and closed-won's customer resolution);
 * identity sync runs the same `scoreSubjects` + `decide` page by page.
 */
import {
  decide,
  profileOf,
  recordKey,
  scorePair,
  type IdentityFields,
  type IdentityProfile,
  type IdentityThresholds,
  type PairContext,
  type Resolution,
  type ScoredCandidate,
} from '../../policies/identity/index.js';
import type { System } from '../../storage/connections.js';
import { linksOf } from '../../storage/identity.js';
import { candidatesByKeys, keptApartFrom, toCandidates, type CandidateRow, type KeptApartRow } from '../../storage/identity-records.js';
import { loadThresholds } from '../../storage/identity-settings.js';
import { raiseReviewCase } from '../../storage/reviews.js';
import { keysOf } from './records.js';

/** What is being resolved. */
export interface Subject {
  fields: IdentityFields;
  /** The subject's own stored record, if it is one (left out of its candidates; its rejections apply). */
  ref?: { system: System; externalId: string } | null;
  /** The record the subject's own external-id hint points at. */
  hint?: { system: System; externalId: string } | null;
  /** The account the subject already belongs to. */
  accountId?: string | null;
}

const LABEL: Readonly<Record<System, string>> = { hubspot: 'HubSpot company', salesforce: 'Salesforce account', netsuite: 'NetSuite customer', vitally: 'Vitally account' };

/** "NetSuite customer 1042". */
export function recordLabel(r: { system: System; externalId: string }): string {
  return `${LABEL[r.system]} ${r.externalId}`;
}

/**
 * Profiles by record, so a page of subjects that share candidates (one brand's records, say)
 * normalises each record once.
 */
export class ProfileCache {
  private readonly byRecord = new Map<string, IdentityProfile>();

  of(system: System, externalId: string, fields: IdentityFields): IdentityProfile {
    const key = recordKey(system, externalId);
    let p = this.byRecord.get(key);
    if (!p) {
      p = profileOf(fields);
      this.byRecord.set(key, p);
    }
    return p;
  }
}

/** Statements that fetch a subject's candidates and the records a person kept apart from it. */
export function lookupStatements(db: D1Database, tenantId: string, s: Subject, systems?: readonly System[] | null): D1PreparedStatement[] {
  const keys = keysOf(s.fields, s.ref ?? null, s.hint ?? null);
  return [
    candidatesByKeys(db, tenantId, keys, { systems: systems ?? null }),
    s.ref ? keptApartFrom(db, tenantId, s.ref.system, s.ref.externalId) : db.prepare('SELECT NULL AS system WHERE 0'),
  ];
}

function hintContext(s: Subject, c: CandidateRow): PairContext['hint'] {
  const self = s.ref ? recordKey(s.ref.system, s.ref.externalId) : null;
  const cKey = recordKey(c.system, c.externalId);
  if (c.hint && self && recordKey(c.hint.system, c.hint.externalId) === self) {
    return { kind: 'self', text: `${recordLabel(c)} names ${recordLabel(s.ref!)} as its CRM record (external id)` };
  }
  if (s.hint && recordKey(s.hint.system, s.hint.externalId) === cKey) return { kind: 'self', text: `The record names ${recordLabel(c)} as its CRM record (external id)` };
  // A hint at a record of an account says something only about a subject that has an account:
  // a subject without one may well be part of that account (a CRM duplicate).
  if (c.hint && c.hintAccountId && s.accountId) {
    if (c.hintAccountId === s.accountId) return { kind: 'self', text: `${recordLabel(c)} names ${recordLabel(c.hint)}, a record of this account (external id)` };
    return { kind: 'other', text: `${recordLabel(c)} names ${recordLabel(c.hint)}, which belongs to another account (external id)` };
  }
  return null;
}

/**
 * Scores a subject against its candidate rows. `accountOf` may override a row's account (links
 * decided earlier in the same sync page, not written yet). Records a person kept apart from the
 * subject, and every record of an account holding one, carry the `kept_apart` conflict.
 */
export function scoreRows(
  s: Subject,
  rows: readonly CandidateRow[],
  keptApart: readonly KeptApartRow[],
  accountOf: (row: CandidateRow) => string | null = (row) => row.accountId,
  profiles: ProfileCache = new ProfileCache(),
): ScoredCandidate<CandidateRow>[] {
  const profile = s.ref ? profiles.of(s.ref.system, s.ref.externalId, s.fields) : profileOf(s.fields);
  const self = s.ref ? recordKey(s.ref.system, s.ref.externalId) : null;
  const apartRecords = new Map(keptApart.map((k) => [recordKey(k.system, k.externalId), k.decidedBy]));
  const apartAccounts = new Map(keptApart.flatMap((k) => (k.accountId ? [[k.accountId, k.decidedBy] as const] : [])));
  return rows
    .filter((row) => recordKey(row.system, row.externalId) !== self)
    .map((row) => {
      const accountId = accountOf(row);
      const keptApartBy = apartRecords.get(recordKey(row.system, row.externalId)) ?? (accountId ? apartAccounts.get(accountId) : undefined) ?? null;
      const score = scorePair(profile, profiles.of(row.system, row.externalId, row.fields), { hint: hintContext(s, row), keptApartBy });
      return { record: { ...row, accountId }, accountId, score };
    });
}

/**
 * The account is the unit: a record matched for the subject a moment ago (its ERP customer, say)
 * is the same legal entity, so a candidate may also be scored against it and keep the better
 * score (a CS account that names only the ERP's domain). Candidates with a conflict keep theirs;
 * `only` limits the rescoring to the records that may be the answer.
 */
export function withAccountEvidence(
  scored: readonly ScoredCandidate<CandidateRow>[],
  linked: readonly { system: System; externalId: string; fields: IdentityFields }[],
  cache: ProfileCache = new ProfileCache(),
  only: (row: CandidateRow) => boolean = () => true,
): ScoredCandidate<CandidateRow>[] {
  if (linked.length === 0) return [...scored];
  const profiles = linked.map((r) => ({ label: recordLabel(r), profile: cache.of(r.system, r.externalId, r.fields) }));
  return scored.map((c) => {
    if (c.score.conflict || !only(c.record)) return c;
    const candidate = cache.of(c.record.system, c.record.externalId, c.record.fields);
    let best = c;
    for (const { label, profile } of profiles) {
      const score = scorePair(profile, candidate);
      if (score.raw > best.score.raw) best = { ...c, score: { ...score, reasons: score.reasons.map((r) => ({ ...r, text: `${label}: ${r.text}` })) } };
    }
    return best;
  });
}

/**
 * The decision for a subject given its scored candidates; `eligible` says which records may be
 * the answer (the other records of their accounts still count, conflicts above all).
 */
export function resolveScored(
  scored: readonly ScoredCandidate<CandidateRow>[],
  thresholds: IdentityThresholds,
  eligible?: (row: CandidateRow) => boolean,
): Resolution<CandidateRow> {
  return decide(scored, thresholds, { label: recordLabel, ...(eligible ? { eligible } : {}) });
}

/** Options of {@link resolveCandidate}. */
export interface ResolveOptions {
  /** Only records of these systems are candidates (e.g. `['netsuite']`: which ERP customer is this?). */
  systems?: readonly System[];
  /** The subject's own record, when it is one. */
  ref?: { system: System; externalId: string } | null;
  thresholds?: IdentityThresholds;
}

/**
 * Which existing customer is this company? Looks its candidates up by blocking key, scores them
 * and decides with the tenant's thresholds: `match` (one account or record, safely), `review`
 * (a person should decide; `raiseReviews` puts the question in the queue) or `new`. For a
 * closed-won deal: `resolveCandidate(db, tenant, companyFields, { systems: ['netsuite'], ref:
 * { system: 'hubspot', externalId: companyId } })`, then use, ask about, or create the customer.
 */
export async function resolveCandidate(db: D1Database, tenantId: string, fields: IdentityFields, opts: ResolveOptions = {}): Promise<Resolution<CandidateRow>> {
  const subject: Subject = { fields, ref: opts.ref ?? null };
  // Candidates of every system: an account's other records speak for it even when only some
  // systems may be the answer (its ERP customer's tax id rules a CRM company out).
  const statements = lookupStatements(db, tenantId, subject);
  if (subject.ref) statements.push(linksOf(db, tenantId, subject.ref.system, subject.ref.externalId));
  const [thresholds, results] = await Promise.all([opts.thresholds ?? loadThresholds(db, tenantId), db.batch(statements)]);
  const rows = toCandidates(results[0]!.results);
  const kept = (results[1]!.results as KeptApartRow[]).filter((k) => k.system);
  // The subject's own account, when it is a linked record: hints at that account's records are its own.
  subject.accountId = subject.ref ? ((results[2]!.results[0] as { accountId?: string } | undefined)?.accountId ?? null) : null;
  const only = opts.systems;
  return resolveScored(scoreRows(subject, rows, kept), thresholds, only ? (row) => only.includes(row.system) : undefined);
}

/**
 * Puts a `review` resolution of a stored record in the review queue: one case per option, unless
 * the pair was raised or decided before. Returns the statements (run them in one batch).
 */
export function raiseReviews(
  db: D1Database,
  tenantId: string,
  subject: { system: System; externalId: string; fields: IdentityFields; accountId: string | null },
  resolution: Resolution<CandidateRow>,
  audit: { actor: string; correlationId: string },
): D1PreparedStatement[] {
  if (resolution.decision !== 'review') return [];
  return resolution.matches
    .filter((m) => subject.accountId === null || m.accountId !== subject.accountId)
    .flatMap((m) =>
      raiseReviewCase(
        db,
        tenantId,
        {
          subject,
          candidate: { system: m.record.system, externalId: m.record.externalId, fields: m.record.fields, accountId: m.accountId },
          score: m.score,
          reasons: m.reasons,
        },
        audit,
      ),
    );
}
