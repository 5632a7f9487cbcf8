/**
 * The CRM pass of identity sync: each CRM company (HubSpot first, then Salesforce) is resolved
 * against the CRM records already in accounts (a twin joins that account; a CRM duplicate is
 * folded in with `is_primary = 0`) and, per ERP / CS system, against that system's records.
 * Everything is decided by `scoreRows` + `decide`, the rule `resolveCandidate` applies.
 */
import type { IdentityThresholds, MatchOption } from '../../policies/identity/index.js';
import type { System } from '../../storage/connections.js';
import { linksOf } from '../../storage/identity.js';
import { recordsPage, toCandidates, type CandidateRow, type KeptApartRow } from '../../storage/identity-records.js';
import type { ServiceContext } from '../context.js';
import { PageWriter, type SyncStats } from './link-page.js';
import { ProfileCache, lookupStatements, resolveScored, scoreRows, withAccountEvidence, type Subject } from './resolve.js';

/** How one CRM's records are linked. */
export interface CrmPlan {
  crmSystem: System;
  /** The first CRM's records become accounts; a later CRM's records join them where they match. */
  primaryCrm: boolean;
  targets: System[];
  crms: System[];
  thresholds: IdentityThresholds;
}

type PageRecord = Awaited<ReturnType<typeof recordsPage>>[number];

/** Links one page of CRM records; returns the accounts whose links changed. */
export async function linkCrmPage(db: D1Database, ctx: ServiceContext, stats: SyncStats, plan: CrmPlan, page: PageRecord[]): Promise<Set<string>> {
  const { crmSystem, targets, crms, thresholds } = plan;
  const subjects: Subject[] = page.map((r) => ({ fields: r.fields, ref: { system: crmSystem, externalId: r.externalId }, hint: r.hint }));
  // Links first: a company already linked to every target needs no lookup (a re-run is cheap).
  const links = await db.batch(page.map((r) => linksOf(db, ctx.tenantId, crmSystem, r.externalId)));
  const existingOf = links.map((res) => res.results as { accountId: string; system: System }[]);
  const needy = page.flatMap((_, i) => (existingOf[i]!.length > 0 && targets.every((t) => existingOf[i]!.some((l) => l.system === t)) ? [] : [i]));
  const lookups = needy.length ? await db.batch(needy.flatMap((i) => lookupStatements(db, ctx.tenantId, subjects[i]!))) : [];
  const out = new PageWriter(db, ctx, stats);
  const profiles = new ProfileCache();

  needy.forEach((i, n) => {
    const record = page[i]!;
    const subject = subjects[i]!;
    const existing = existingOf[i]!;
    let accountId = existing[0]?.accountId ?? out.claimedBy(crmSystem, record.externalId);
    const have = new Set(existing.map((l) => l.system));
    subject.accountId = accountId;
    const rows = toCandidates(lookups[n * 2]!.results);
    const kept = (lookups[n * 2 + 1]!.results as KeptApartRow[]).filter((k) => k.system);
    let scored = scoreRows(subject, rows, kept, out.accountOf, profiles);
    const accountHasCrm = (account: string) => scored.some((c) => c.accountId === account && c.record.system === crmSystem);

    // A company without an account: is it a CRM twin of an existing account?
    let joined: { accountId: string; duplicate: boolean; score: number } | null = null;
    const reviews: MatchOption<CandidateRow>[] = [];
    if (!accountId) {
      const twin = resolveScored(scored.filter((c) => c.accountId !== null), thresholds, (row) => crms.includes(row.system));
      if (twin.decision === 'match') {
        const best = twin.matches[0]!;
        joined = { accountId: best.accountId!, duplicate: best.record.system === crmSystem || accountHasCrm(best.accountId!), score: best.score };
      } else if (twin.decision === 'review') reviews.push(...twin.matches);
    }
    if (joined) {
      // Hints at records of the joined account now speak for the subject: score again as its member.
      subject.accountId = joined.accountId;
      scored = scoreRows(subject, rows, kept, out.accountOf, profiles);
      for (const c of scored) if (c.accountId === joined.accountId) have.add(c.record.system);
    }

    // Per target system: which record is it? The records matched so far count as the account's evidence.
    const toLink: { option: MatchOption<CandidateRow>; system: System }[] = [];
    const matched: CandidateRow[] = [];
    for (const system of targets) {
      if (have.has(system)) continue;
      const isTarget = (row: CandidateRow) => row.system === system;
      const res = resolveScored(withAccountEvidence(scored, matched, profiles, isTarget), thresholds, isTarget);
      if (res.decision === 'review') reviews.push(...res.matches);
      if (res.decision !== 'match') continue;
      const best = res.matches[0]!;
      const owner = best.accountId;
      if (owner === null) {
        toLink.push({ option: best, system });
        matched.push(best.record);
      } else if (!accountId && !joined) {
        // Its ERP / CS record already belongs to an account: the company is part of that account.
        joined = { accountId: owner, duplicate: plan.primaryCrm || accountHasCrm(owner), score: best.score };
      } else if (owner !== (accountId ?? joined?.accountId)) {
        reviews.push(best); // the record is linked to another account: a person decides
      }
    }

    if (!accountId && joined) {
      accountId = joined.accountId;
      if (joined.duplicate) {
        stats.duplicatesFolded++;
        out.audit('identity.fold_duplicate', accountId, { system: crmSystem, externalId: record.externalId, score: joined.score });
      }
      out.link(accountId, crmSystem, record.externalId, joined.duplicate ? 'duplicate' : 'crm_match', !joined.duplicate, { score: joined.score });
    } else if (!accountId) {
      accountId = out.createAccount({ system: crmSystem, externalId: record.externalId, name: record.fields.name });
    }
    for (const { option, system } of toLink) {
      if (out.claimedBy(option.record.system, option.record.externalId)) continue;
      out.link(accountId, system, option.record.externalId, 'scored', true, { score: option.score, evidence: option.reasons.filter((r) => r.weight > 0).map((r) => r.code) });
    }
    for (const option of reviews) out.review(subject, accountId, option);
  });
  return out.flush();
}
