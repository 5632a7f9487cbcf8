/**
 * The ERP pass of identity sync: an ERP customer no CRM company claimed (an ERP-only customer,
 * a sister entity) becomes an account of its own, with its CS account when the scorer matches
 * one. Customers a person is asked about (open review cases) wait for that decision: they would
 * otherwise become a second account of a customer that may already have one.
 */
import type { IdentityThresholds, MatchOption } from '../../policies/identity/index.js';
import type { System } from '../../storage/connections.js';
import { linksOf } from '../../storage/identity.js';
import { recordsPage, toCandidates, type CandidateRow, type KeptApartRow } from '../../storage/identity-records.js';
import type { ServiceContext } from '../context.js';
import { PageWriter, type SyncStats } from './link-page.js';
import { ProfileCache, lookupStatements, resolveScored, scoreRows, type Subject } from './resolve.js';

type PageRecord = Awaited<ReturnType<typeof recordsPage>>[number];

/** Statement: which of these ERP records are candidates of open review cases. */
function pendingReview(db: D1Database, tenantId: string, system: System, ids: readonly string[]): D1PreparedStatement {
  return db
    .prepare(
      `SELECT DISTINCT candidate_id AS externalId FROM review_cases
       WHERE tenant_id = ?1 AND status = 'open' AND candidate_system = ?2 AND candidate_id IN (SELECT value FROM json_each(?3))`,
    )
    .bind(tenantId, system, JSON.stringify(ids));
}

/** Links one page of ERP records that have no account yet; returns the accounts whose links changed. */
export async function linkErpPage(
  db: D1Database,
  ctx: ServiceContext,
  stats: SyncStats,
  plan: { erpSystem: System; csSystems: System[]; thresholds: IdentityThresholds },
  page: PageRecord[],
): Promise<Set<string>> {
  const { erpSystem, csSystems, thresholds } = plan;
  const subjects: Subject[] = page.map((r) => ({ fields: r.fields, ref: { system: erpSystem, externalId: r.externalId }, hint: r.hint }));
  const [pendingRows, ...links] = await db.batch([pendingReview(db, ctx.tenantId, erpSystem, page.map((r) => r.externalId)), ...page.map((r) => linksOf(db, ctx.tenantId, erpSystem, r.externalId))]);
  const pending = new Set((pendingRows!.results as { externalId: string }[]).map((r) => r.externalId));
  // Only customers with no account and no open question are looked up (a re-run is cheap).
  const needy = page.flatMap((r, i) => ((links[i]!.results as unknown[]).length === 0 && !pending.has(r.externalId) ? [i] : []));
  const lookups = needy.length ? await db.batch(needy.flatMap((i) => lookupStatements(db, ctx.tenantId, subjects[i]!, csSystems))) : [];
  const out = new PageWriter(db, ctx, stats);
  const profiles = new ProfileCache();

  needy.forEach((i, n) => {
    const record = page[i]!;
    const subject = subjects[i]!;
    const rows = toCandidates(lookups[n * 2]!.results);
    const kept = (lookups[n * 2 + 1]!.results as KeptApartRow[]).filter((k) => k.system);
    const scored = scoreRows(subject, rows, kept, out.accountOf, profiles);
    const accountId = out.createAccount({ system: erpSystem, externalId: record.externalId, name: record.fields.name });
    subject.accountId = accountId;
    const reviews: MatchOption<CandidateRow>[] = [];
    for (const system of csSystems) {
      const res = resolveScored(scored, thresholds, (row) => row.system === system && row.accountId === null);
      if (res.decision === 'review') reviews.push(...res.matches);
      if (res.decision !== 'match') continue;
      const best = res.matches[0]!;
      if (out.claimedBy(best.record.system, best.record.externalId)) continue;
      out.link(accountId, system, best.record.externalId, 'scored', true, { score: best.score, evidence: best.reasons.filter((r) => r.weight > 0).map((r) => r.code) });
    }
    for (const option of reviews) out.review(subject, accountId, option);
  });
  return out.flush();
}
