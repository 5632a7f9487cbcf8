/**
 * Identity sync: links the tenant's CRM companies (HubSpot, then Salesforce when both are
 * connected) to ERP customers and CS accounts.
 *
 * 1. Ingest: page through the ERP's customers and the CS platform's accounts and store each
 *    record's match keys (normalised name, domain, tax id, CRM hint) in `identity_candidates`.
 * 2. Link: page through CRM companies; for each, look candidates up by key (indexed D1 queries,
 *    one batch per page) and let the pure matcher decide. A matched record already linked to
 *    another account means this CRM company is a duplicate of that account's company: it is
 *    folded into the same canonical account (and reported), never given a second customer.
 *    Ambiguous matches are reported, not guessed.
 * Re-running is idempotent: existing links are kept; only missing links are added.
 * Memory holds one page at a time, never a whole tenant.
 */
import type { Env } from '../env.js';
import { ConcordError } from '../errors.js';
import { externalIdHintFor, matchIdentity, matchKeys, type IdentityCandidate } from '../policies/identity/index.js';
import type { MatchRecord } from '../ports/index.js';
import { portsFor } from '../ports/registry.js';
import { auditStatement } from '../storage/audit.js';
import { loadConnection, type System } from '../storage/connections.js';
import {
  findCandidates,
  insertAccount,
  insertException,
  insertLink,
  linksOf,
  newAccountId,
  upsertCandidate,
  type CandidateRow,
} from '../storage/identity.js';
import type { ServiceContext } from './context.js';

export interface SyncStats {
  candidates: Partial<Record<System, number>>;
  crmRecords: number;
  accountsCreated: number;
  linksCreated: Partial<Record<System, number>>;
  duplicatesFolded: number;
  ambiguous: number;
  skippedSystems: System[];
}

const TARGETS: System[] = ['netsuite', 'vitally'];

async function connected(env: Env, tenantId: string, system: System): Promise<boolean> {
  try {
    await loadConnection(env, tenantId, system);
    return true;
  } catch (err) {
    if (err instanceof ConcordError && err.error.kind === 'not_connected') return false;
    throw err;
  }
}

async function ingest(env: Env, ctx: ServiceContext, system: System, pages: AsyncIterable<MatchRecord[]>): Promise<number> {
  const seenAt = new Date().toISOString();
  let count = 0;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const stmts = page.map((r) => {
      const keys = matchKeys(r);
      return upsertCandidate(env.DB, ctx.tenantId, { system, externalId: r.externalId, name: r.name, nameKey: keys.name, domainKey: keys.domain, taxKey: keys.taxId, hint: r.crmHint }, seenAt);
    });
    await env.DB.batch(stmts);
    count += page.length;
  }
  return count;
}

/** The CRMs a tenant may have, in the order their records become accounts. */
const CRMS: System[] = ['hubspot', 'salesforce'];

export async function syncIdentity(env: Env, ctx: ServiceContext & { actor: string }): Promise<SyncStats> {
  const ports = portsFor(env, ctx, { flow: 'identity-sync', actor: ctx.actor });
  const stats: SyncStats = { candidates: {}, crmRecords: 0, accountsCreated: 0, linksCreated: {}, duplicatesFolded: 0, ambiguous: 0, skippedSystems: [] };
  const crms: System[] = [];
  for (const system of CRMS) {
    if (await connected(env, ctx.tenantId, system)) crms.push(system);
    else stats.skippedSystems.push(system);
  }
  if (crms.length === 0) throw new ConcordError({ kind: 'not_connected', system: 'hubspot' });
  const targets: System[] = [];
  for (const system of TARGETS) {
    if (await connected(env, ctx.tenantId, system)) targets.push(system);
    else stats.skippedSystems.push(system);
  }
  if (targets.includes('netsuite')) {
    const erp = await ports.erp();
    stats.candidates.netsuite = await ingest(env, ctx, 'netsuite', erp.customers());
  }
  if (targets.includes('vitally')) {
    const cs = await ports.cs();
    stats.candidates.vitally = await ingest(env, ctx, 'vitally', cs.accounts());
  }
  // CRM records are candidates too: a company typed in twice is found by its twin's keys even
  // when neither copy matches the ERP (e.g. the copy without a domain), and a second CRM's
  // account finds the first CRM's company.
  const crmPorts = new Map<System, { companies(): AsyncIterable<MatchRecord[]> }>();
  for (const system of crms) {
    const port = await ports.crm(system);
    crmPorts.set(system, port);
    stats.candidates[system] = await ingest(env, ctx, system, port.companies());
  }
  for (const [index, system] of crms.entries()) {
    await linkCrm(env, ctx, stats, { crmSystem: system, primaryCrm: index === 0, pages: crmPorts.get(system)!.companies(), targets, crms });
  }
  ctx.log.info('identity_sync.done', { ...stats });
  return stats;
}

interface LinkPlan {
  crmSystem: System;
  /** The first CRM's records become accounts; a later CRM's records join them where they match. */
  primaryCrm: boolean;
  pages: AsyncIterable<MatchRecord[]>;
  targets: System[];
  crms: System[];
}

async function linkCrm(env: Env, ctx: ServiceContext, stats: SyncStats, plan: LinkPlan): Promise<void> {
  const { crmSystem, targets, crms } = plan;
  const audit = (action: string, entityType: string, entityId: string, after: unknown) =>
    auditStatement(env.DB, { tenantId: ctx.tenantId, actor: 'system:identity-sync', action, entityType, entityId, after, correlationId: ctx.correlationId });
  const asCandidates = (rows: CandidateRow[]): (IdentityCandidate & { row: CandidateRow })[] =>
    rows.map((row) => ({ system: row.system, externalId: row.externalId, name: row.name, domain: row.domainKey, taxId: row.taxKey, externalIdHint: row.hint, row }));
  const perRecord = 1 + targets.length + crms.length;

  for await (const page of plan.pages) {
    stats.crmRecords += page.length;
    // One round trip for all lookups of the page: existing links, candidates per target system,
    // then candidates among every CRM's records (twins).
    const lookups = page.flatMap((company) => {
      const keys = matchKeys(company);
      const hints: [string, string] = [externalIdHintFor({ system: crmSystem, externalId: company.externalId }), company.externalId];
      const byKeys = { nameKey: keys.name, domainKey: keys.domain, taxKey: keys.taxId };
      return [
        linksOf(env.DB, ctx.tenantId, crmSystem, company.externalId),
        ...targets.map((t) => findCandidates(env.DB, ctx.tenantId, t, { hints, ...byKeys })),
        ...crms.map((c) => findCandidates(env.DB, ctx.tenantId, c, { hints: ['', ''], ...byKeys })),
      ];
    });
    const results = await env.DB.batch(lookups);
    const writes: D1PreparedStatement[] = [];
    // Links decided earlier in this page, so two duplicates in one page fold together.
    const claimed = new Map<string, string>();

    page.forEach((company, i) => {
      const base = i * perRecord;
      const source = { system: crmSystem, externalId: company.externalId, name: company.name, domain: company.domain, taxId: company.taxId };
      const existing = results[base]!.results as { accountId: string; system: System; externalId: string }[];
      let accountId = existing[0]?.accountId ?? null;
      const have = new Set(existing.map((l) => l.system));
      const decisions: { system: System; candidate: CandidateRow; rule: string }[] = [];

      targets.forEach((system, t) => {
        if (have.has(system)) return;
        const decision = matchIdentity(source, asCandidates(results[base + 1 + t]!.results as CandidateRow[]));
        if (decision.kind === 'matched') {
          decisions.push({ system, candidate: decision.candidate.row, rule: decision.rule });
        } else if (decision.kind === 'ambiguous') {
          stats.ambiguous++;
          writes.push(
            insertException(env.DB, ctx.tenantId, {
              kind: 'ambiguous_match',
              system: crmSystem,
              externalId: company.externalId,
              detail: { target: system, rule: decision.rule, candidates: decision.candidates.map((c) => ({ externalId: c.externalId, name: c.name })) },
            }),
          );
        }
      });

      // Its CRM twin, if one has the same keys (never itself; name-only twins with different
      // domains are two companies, which the matcher reports as ambiguous and we leave apart).
      let twinAccount: string | null = null;
      let twinSameSystem = false;
      crms.forEach((system, k) => {
        if (twinAccount) return;
        const rows = (results[base + 1 + targets.length + k]!.results as CandidateRow[]).filter((row) => !(row.system === crmSystem && row.externalId === company.externalId));
        const twin = matchIdentity(source, asCandidates(rows));
        if (twin.kind !== 'matched') return;
        twinAccount = twin.candidate.row.linkedTo ?? claimed.get(`${system}:${twin.candidate.externalId}`) ?? null;
        twinSameSystem = system === crmSystem;
      });

      // A matched record that already belongs to an account makes this company part of it: a
      // duplicate when the account already has a record of this CRM, else its first record there.
      const erpOwner = decisions.map((d) => d.candidate.linkedTo ?? claimed.get(`${d.system}:${d.candidate.externalId}`)).find(Boolean) ?? null;
      const owner = erpOwner ?? twinAccount;
      const duplicate = owner !== null && (plan.primaryCrm || (erpOwner === null && twinSameSystem));
      if (!accountId && owner) {
        accountId = owner;
        if (duplicate) {
          stats.duplicatesFolded++;
          writes.push(
            insertException(env.DB, ctx.tenantId, { kind: 'crm_duplicate', system: crmSystem, externalId: company.externalId, detail: { accountId: owner, name: company.name } }),
            audit('identity.fold_duplicate', 'account', owner, { system: crmSystem, externalId: company.externalId }),
          );
        }
      }
      if (!accountId) {
        accountId = newAccountId();
        stats.accountsCreated++;
        writes.push(insertAccount(env.DB, ctx.tenantId, accountId, company.name), audit('account.create', 'account', accountId, { name: company.name }));
      }
      if (existing.length === 0) {
        writes.push(insertLink(env.DB, ctx.tenantId, accountId, { system: crmSystem, externalId: company.externalId, rule: owner && !duplicate ? 'crm_match' : 'source', isPrimary: !duplicate }));
        if (!plan.primaryCrm) {
          stats.linksCreated[crmSystem] = (stats.linksCreated[crmSystem] ?? 0) + 1;
          writes.push(audit('identity.link', 'account', accountId, { system: crmSystem, externalId: company.externalId }));
        }
        claimed.set(`${crmSystem}:${company.externalId}`, accountId);
      }
      for (const d of decisions) {
        const key = `${d.system}:${d.candidate.externalId}`;
        if (d.candidate.linkedTo || claimed.has(key)) continue;
        claimed.set(key, accountId);
        stats.linksCreated[d.system] = (stats.linksCreated[d.system] ?? 0) + 1;
        writes.push(
          insertLink(env.DB, ctx.tenantId, accountId, { system: d.system, externalId: d.candidate.externalId, rule: d.rule, isPrimary: true }),
          audit('identity.link', 'account', accountId, { system: d.system, externalId: d.candidate.externalId, rule: d.rule }),
        );
      }
    });
    if (writes.length) await env.DB.batch(writes);
  }
}
