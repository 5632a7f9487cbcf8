/**
 * Continuous linking: a CRM company created or renamed (name, domain) after the first sync is
 * resolved as soon as its change event arrives, with the same rule and the same page linker as
 * identity sync (link-crm.ts), so a company linked by webhook and one linked by a full sync end
 * the same way. The company is read back from the CRM (the event carries one property, not the
 * record), its identity evidence stored, then linked: a confident match joins the account of its
 * ERP customer / CS account (or a CRM twin), an ambiguous one raises a review case, and a company
 * with no match becomes an account of its own. Accounts whose links changed get their surviving
 * fields recomputed and their cached view dropped.
 *
 * The ERP side likewise (`linkErpCustomers`): a customer created or changed in the ERP after the
 * first sync, named by the change pipeline, is read back by id and stored; the CRM companies the
 * scorer finds for it are linked again through the CRM linker, so the customer joins its
 * company's account by the same rule; a customer no company claims becomes an account of its own
 * with its CS account, as in the ERP pass of identity sync (link-erp.ts). A customer an open
 * review case is about is left to that case (its evidence refreshed, nothing scored) unless its
 * identifying fields changed since the case was raised.
 *
 * On every side, a record whose identifying fields changed since an open review case about it
 * was raised has that case closed as superseded (supersede.ts) before it is scored again, so the
 * queue never holds a question about a record as it no longer is.
 *
 * The CS side (`linkCsAccounts`): a CS account created after the first sync (a CSM adding a
 * customer in Vitally), named by the change pipeline, is read back by id and stored; the CRM
 * companies the scorer finds for it are linked again (the company's account takes it as its CS
 * account, as in sync); one still unlinked then joins the account of the ERP customer it
 * confidently matches when that account has no CS account yet (an ERP-only customer, which the
 * CRM pass never sees), or raises a review case when the match is doubtful. A CS account nothing
 * matches stays unlinked: Concord makes accounts from CRM companies and ERP customers only.
 */
import type { Env } from '../../env.js';
import { portsFor } from '../../ports/registry.js';
import type { System } from '../../storage/connections.js';
import { auditStatement } from '../../storage/audit.js';
import { accountIdFor, deleteEmptyAccount, forgetLinkLookup, insertLink, linkedRecord, linksOf, moveLinks } from '../../storage/identity.js';
import { sameIdentityFields, type IdentityThresholds } from '../../policies/identity/index.js';
import type { StoredRecord } from '../../storage/identity-records.js';
import { upsertRecords } from '../../storage/identity-records.js';
import { loadThresholds } from '../../storage/identity-settings.js';
import { openCaseFields } from '../../storage/reviews.js';
import { tenantMatrix } from '../../storage/ownership.js';
import { invalidateAccountView } from '../account-view.js';
import type { ServiceContext } from '../context.js';
import { linkCrmPage } from './link-crm.js';
import { linkErpPage } from './link-erp.js';
import type { SyncStats } from './link-page.js';
import { storedRecord } from './records.js';
import { supersedeChangedCases } from './supersede.js';
import { raiseReviews, resolveCandidate } from './resolve.js';
import { refreshAccounts } from './survive.js';
import { CRMS, ERPS, TARGETS, connected } from './sync.js';

/** Company properties whose change can change who the company is. */
export const IDENTITY_PROPERTIES: ReadonlySet<string> = new Set(['name', 'domain', 'website', 'country', 'city', 'address', 'zip']);

/** Companies read and linked per CRM call (HubSpot batch read takes 100 ids). */
const PAGE = 100;

/**
 * A company renamed into who it really is may sit alone in an account it was given when nothing
 * matched. When the scorer now matches it confidently to a record of another account (its ERP
 * customer's, say), it joins that account and its empty one is dropped; an account with more
 * records than the company is never merged this way (that is a person's decision: review).
 */
async function joinFromSingleton(env: Env, ctx: ServiceContext, system: System, r: StoredRecord, targets: System[], crms: System[], thresholds: IdentityThresholds): Promise<string | null> {
  const { results } = await linksOf(env.DB, ctx.tenantId, system, r.externalId).all<{ accountId: string }>();
  const own = results[0]?.accountId;
  if (!own) return null;
  const size = await env.DB.prepare(`SELECT COUNT(*) AS n FROM identity_links WHERE tenant_id = ? AND entity = 'account' AND canonical_id = ?`).bind(ctx.tenantId, own).first<{ n: number }>();
  if ((size?.n ?? 0) !== 1) return null;
  const res = await resolveCandidate(env.DB, ctx.tenantId, r.fields, { systems: [...targets, ...crms], ref: { system, externalId: r.externalId }, thresholds });
  const best = res.decision === 'match' ? res.matches[0]! : null;
  if (!best?.accountId || best.accountId === own) return null;
  const audit = (entityId: string, after: unknown) =>
    auditStatement(env.DB, { tenantId: ctx.tenantId, actor: 'system:identity-link', action: 'identity.merge', entityType: 'account', entityId, after, correlationId: ctx.correlationId });
  const detail = { system, externalId: r.externalId, from: own, into: best.accountId, score: best.score, evidence: best.reasons.filter((x) => x.weight > 0).map((x) => x.text) };
  await env.DB.batch([moveLinks(env.DB, ctx.tenantId, own, best.accountId), deleteEmptyAccount(env.DB, ctx.tenantId, own), audit(best.accountId, detail), audit(own, detail)]);
  forgetLinkLookup(ctx.tenantId, system, r.externalId);
  return best.accountId;
}

/** What linking the changed companies did. */
export interface IncrementalResult extends SyncStats {
  /** Ids the CRM no longer has (deleted or merged away): nothing to link. */
  missing: string[];
  /** Records left to the open review case about them (unchanged since it was raised): not scored again. */
  waiting: string[];
  /** Accounts whose links changed. */
  accountsTouched: string[];
}

/**
 * Resolves and links the given companies of one CRM now. Idempotent: a company already linked
 * to every connected system only has its evidence refreshed.
 */
export async function linkCrmCompanies(env: Env, ctx: ServiceContext, crmSystem: System, externalIds: readonly string[]): Promise<IncrementalResult> {
  const stats = emptyResult();
  const ids = [...new Set(externalIds)];
  if (ids.length === 0) return stats;
  const crms: System[] = [];
  for (const s of CRMS) if (await connected(env, ctx.tenantId, s)) crms.push(s);
  const targets: System[] = [];
  for (const s of TARGETS) {
    if (await connected(env, ctx.tenantId, s)) targets.push(s);
    else stats.skippedSystems.push(s);
  }
  const [thresholds, matrix] = await Promise.all([loadThresholds(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  const crm = await portsFor(env, ctx, { flow: 'identity-link', actor: 'system:identity-link' }).crm(crmSystem);
  const touched = new Set<string>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const part = ids.slice(i, i + PAGE);
    const records = await crm.companiesByIds!(part);
    const found = new Set(records.map((r) => r.externalId));
    stats.missing.push(...part.filter((id) => !found.has(id)));
    if (records.length === 0) continue;
    const stored = records.map((r) => storedRecord(crmSystem, r));
    await env.DB.batch(upsertRecords(env.DB, ctx.tenantId, crmSystem, stored, new Date().toISOString()));
    stats.crmRecords += stored.length;
    stats.candidates[crmSystem] = (stats.candidates[crmSystem] ?? 0) + stored.length;
    // A company renamed or re-addressed since a person was asked about it: that question is
    // closed as superseded before the company is scored again (decision 52).
    await supersedeChangedCases(env.DB, ctx, crmSystem, stored);
    for (const r of stored) {
      const joined = await joinFromSingleton(env, ctx, crmSystem, r, targets, crms.filter((c) => c !== crmSystem), thresholds);
      if (joined) touched.add(joined);
    }
    const plan = { crmSystem, primaryCrm: crms[0] === crmSystem || crms.length === 0, targets, crms: crms.length ? crms : [crmSystem], thresholds };
    const changed = await linkCrmPage(env.DB, ctx, stats, plan, stored.map((r) => ({ externalId: r.externalId, fields: r.fields, hint: r.hint })));
    for (const id of changed) touched.add(id);
    for (const r of stored) forgetLinkLookup(ctx.tenantId, crmSystem, r.externalId);
  }
  await refreshAccounts(env.DB, ctx.tenantId, touched, matrix);
  await Promise.all([...touched].map((accountId) => invalidateAccountView(env, ctx.tenantId, accountId)));
  stats.accountsTouched = [...touched];
  ctx.log.info('identity_link.done', { system: crmSystem, ...stats, accountsTouched: touched.size, missing: stats.missing.length, waiting: stats.waiting.length });
  return stats;
}

const emptyResult = (): IncrementalResult => ({ candidates: {}, crmRecords: 0, accountsCreated: 0, linksCreated: {}, duplicatesFolded: 0, reviews: 0, skippedSystems: [], missing: [], waiting: [], accountsTouched: [] });

/**
 * The CRM companies the scorer finds for these ERP or CS records (match or review), linked again
 * by the CRM linker: the company's account takes the record by the sync's rule, or a review case
 * is raised. Shared by the ERP and CS sides of continuous linking.
 */
async function relinkCompaniesOf(
  env: Env,
  ctx: ServiceContext,
  system: System,
  records: readonly StoredRecord[],
  acc: { crms: System[]; thresholds: IdentityThresholds; stats: IncrementalResult; touched: Set<string> },
): Promise<void> {
  const companies = new Map<System, Set<string>>();
  for (const r of records) {
    const res = await resolveCandidate(env.DB, ctx.tenantId, r.fields, { systems: acc.crms, ref: { system, externalId: r.externalId }, thresholds: acc.thresholds });
    if (res.decision === 'new') continue;
    for (const m of res.matches) companies.set(m.record.system, (companies.get(m.record.system) ?? new Set<string>()).add(m.record.externalId));
  }
  for (const [crmSystem, companyIds] of companies) {
    const linked = await linkCrmCompanies(env, ctx, crmSystem, [...companyIds]);
    acc.stats.crmRecords += linked.crmRecords;
    acc.stats.reviews += linked.reviews;
    for (const id of linked.accountsTouched) acc.touched.add(id);
  }
}

/**
 * Resolves and links the given customers of the ERP now (continuous linking of the ERP side).
 * Idempotent: a customer already in an account only has its evidence refreshed.
 */
export async function linkErpCustomers(env: Env, ctx: ServiceContext, erpSystem: System, externalIds: readonly string[]): Promise<IncrementalResult> {
  const stats = emptyResult();
  const ids = [...new Set(externalIds)];
  if (ids.length === 0) return stats;
  const erp = await portsFor(env, ctx, { flow: 'identity-link', actor: 'system:identity-link' }).erp();
  if (erp.system !== erpSystem || !erp.customersByIds) {
    ctx.log.warn('identity_link.erp_unsupported', { system: erpSystem });
    return stats;
  }
  const crms: System[] = [];
  for (const s of CRMS) if (await connected(env, ctx.tenantId, s)) crms.push(s);
  const csSystems: System[] = [];
  for (const s of TARGETS.filter((t) => !ERPS.includes(t))) if (await connected(env, ctx.tenantId, s)) csSystems.push(s);
  const [thresholds, matrix] = await Promise.all([loadThresholds(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  const touched = new Set<string>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const part = ids.slice(i, i + PAGE);
    const records = await erp.customersByIds(part);
    const found = new Set(records.map((r) => r.externalId));
    stats.missing.push(...part.filter((id) => !found.has(id)));
    if (records.length === 0) continue;
    const read = records.map((r) => storedRecord(erpSystem, r));
    await env.DB.batch(upsertRecords(env.DB, ctx.tenantId, erpSystem, read, new Date().toISOString()));
    stats.candidates[erpSystem] = (stats.candidates[erpSystem] ?? 0) + read.length;
    // A customer a person is asked about waits for that decision: scoring it again on each save
    // would only raise the same question again. Unless who it is changed since the case was raised.
    const asked = await openCaseFields(env.DB, ctx.tenantId, erpSystem, read.map((r) => r.externalId));
    const stored = read.filter((r) => {
      const then = asked.get(r.externalId);
      return !then || then.some((f) => !sameIdentityFields(f, r.fields));
    });
    // Changed since the case was raised: that case is superseded and the customer scored again.
    await supersedeChangedCases(env.DB, ctx, erpSystem, stored);
    stats.waiting.push(...read.filter((r) => !stored.includes(r)).map((r) => r.externalId));
    if (stored.length === 0) continue;
    // The CRM companies that may be these customers, linked again by the CRM linker: a confident
    // match takes the customer into the company's account, a doubtful one raises a review case.
    await relinkCompaniesOf(env, ctx, erpSystem, stored, { crms, thresholds, stats, touched });
    // Customers no company took: an account of their own (with their CS account), unless a
    // review case about them waits for a person.
    for (const r of stored) forgetLinkLookup(ctx.tenantId, erpSystem, r.externalId);
    const changed = await linkErpPage(env.DB, ctx, stats, { erpSystem, csSystems, thresholds }, stored.map((r) => ({ externalId: r.externalId, fields: r.fields, hint: r.hint })));
    for (const id of changed) touched.add(id);
    for (const r of stored) forgetLinkLookup(ctx.tenantId, erpSystem, r.externalId);
  }
  await refreshAccounts(env.DB, ctx.tenantId, touched, matrix);
  await Promise.all([...touched].map((accountId) => invalidateAccountView(env, ctx.tenantId, accountId)));
  stats.accountsTouched = [...touched];
  ctx.log.info('identity_link.erp_done', { system: erpSystem, ...stats, accountsTouched: touched.size, missing: stats.missing.length, waiting: stats.waiting.length });
  return stats;
}

/**
 * Resolves and links the given accounts of the CS system now (continuous linking of the CS side;
 * see the module header). Idempotent: an account already linked only has its evidence refreshed.
 */
export async function linkCsAccounts(env: Env, ctx: ServiceContext, csSystem: System, externalIds: readonly string[]): Promise<IncrementalResult> {
  const stats = emptyResult();
  const ids = [...new Set(externalIds)];
  if (ids.length === 0) return stats;
  const cs = await portsFor(env, ctx, { flow: 'identity-link', actor: 'system:identity-link' }).cs();
  if (cs.system !== csSystem || !cs.accountsByIds) {
    ctx.log.warn('identity_link.cs_unsupported', { system: csSystem });
    return stats;
  }
  const crms: System[] = [];
  for (const s of CRMS) if (await connected(env, ctx.tenantId, s)) crms.push(s);
  const erps: System[] = [];
  for (const s of ERPS) if (await connected(env, ctx.tenantId, s)) erps.push(s);
  const [thresholds, matrix] = await Promise.all([loadThresholds(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  const touched = new Set<string>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const part = ids.slice(i, i + PAGE);
    const records = await cs.accountsByIds(part);
    const found = new Set(records.map((r) => r.externalId));
    stats.missing.push(...part.filter((id) => !found.has(id)));
    if (records.length === 0) continue;
    const stored = records.map((r) => storedRecord(csSystem, r));
    await env.DB.batch(upsertRecords(env.DB, ctx.tenantId, csSystem, stored, new Date().toISOString()));
    stats.candidates[csSystem] = (stats.candidates[csSystem] ?? 0) + stored.length;
    await supersedeChangedCases(env.DB, ctx, csSystem, stored);
    const unlinked: StoredRecord[] = [];
    for (const r of stored) {
      forgetLinkLookup(ctx.tenantId, csSystem, r.externalId);
      if (!(await accountIdFor(env.DB, ctx.tenantId, csSystem, r.externalId))) unlinked.push(r);
    }
    // The CRM companies that may be this customer, linked again: their account takes it.
    await relinkCompaniesOf(env, ctx, csSystem, unlinked, { crms, thresholds, stats, touched });
    // Still unlinked: the account of the ERP customer it is, when that account has no CS account.
    for (const r of unlinked) {
      forgetLinkLookup(ctx.tenantId, csSystem, r.externalId);
      if (await accountIdFor(env.DB, ctx.tenantId, csSystem, r.externalId)) continue;
      const ref = { system: csSystem, externalId: r.externalId };
      const res = await resolveCandidate(env.DB, ctx.tenantId, r.fields, { systems: erps, ref, thresholds });
      const best = res.decision === 'match' ? res.matches[0]! : null;
      if (best?.accountId && !(await linkedRecord(env.DB, ctx.tenantId, best.accountId, csSystem))) {
        const evidence = best.reasons.filter((x) => x.weight > 0).map((x) => x.code);
        await env.DB.batch([
          insertLink(env.DB, ctx.tenantId, best.accountId, { system: csSystem, externalId: r.externalId, rule: 'scored', isPrimary: true }),
          auditStatement(env.DB, { tenantId: ctx.tenantId, actor: 'system:identity-link', action: 'identity.link', entityType: 'account', entityId: best.accountId, after: { system: csSystem, externalId: r.externalId, rule: 'scored', score: best.score, evidence }, correlationId: ctx.correlationId }),
        ]);
        stats.linksCreated[csSystem] = (stats.linksCreated[csSystem] ?? 0) + 1;
        forgetLinkLookup(ctx.tenantId, csSystem, r.externalId);
        touched.add(best.accountId);
      } else if (res.decision === 'review') {
        const statements = raiseReviews(env.DB, ctx.tenantId, { ...ref, fields: r.fields, accountId: null }, res, { actor: 'system:identity-link', correlationId: ctx.correlationId });
        if (statements.length) {
          await env.DB.batch(statements);
          stats.reviews++;
        }
      }
    }
  }
  await refreshAccounts(env.DB, ctx.tenantId, touched, matrix);
  await Promise.all([...touched].map((accountId) => invalidateAccountView(env, ctx.tenantId, accountId)));
  stats.accountsTouched = [...touched];
  ctx.log.info('identity_link.cs_done', { system: csSystem, ...stats, accountsTouched: touched.size, missing: stats.missing.length, waiting: stats.waiting.length });
  return stats;
}
