/**
 * Identity sync: links the tenant's company records across systems with the scorer.
 *
 * 1. Ingest: page through every connected system's company records and store each one's fields
 *    and blocking keys (`identity_records`, `identity_keys`); records gone from a vendor are
 *    dropped once its pages are all read; open review cases about a record that changed since
 *    they were raised are superseded, so the passes below score it as it is now.
 * 2. CRM pass (link-crm.ts): every CRM company (HubSpot, then Salesforce) joins a twin's account
 *    or becomes an account, and gets its ERP customer and CS account where the scorer matches.
 * 3. ERP pass (link-erp.ts): ERP customers no CRM company claimed become accounts of their own,
 *    with their CS account.
 * Each page of 100 records is one D1 batch of lookups and one of writes; `review` decisions raise
 * cases for a person (never re-raised once decided). Re-running is idempotent: existing links
 * are kept, only missing links are added. Memory holds one page at a time, never a whole tenant.
 */
import type { Env } from '../../env.js';
import { ConcordError } from '../../errors.js';
import type { MatchRecord } from '../../ports/index.js';
import { portsFor } from '../../ports/registry.js';
import { loadConnection, type System } from '../../storage/connections.js';
import { dropUnseenRecords, recordsPage, upsertRecords } from '../../storage/identity-records.js';
import { loadThresholds } from '../../storage/identity-settings.js';
import { tenantMatrix } from '../../storage/ownership.js';
import type { ServiceContext } from '../context.js';
import { linkCrmPage } from './link-crm.js';
import { linkErpPage } from './link-erp.js';
import type { SyncStats } from './link-page.js';
import { storedRecord } from './records.js';
import { supersedeChangedCases } from './supersede.js';
import { refreshAccounts } from './survive.js';

export type { SyncStats } from './link-page.js';

/** The CRMs a tenant may have, in the order their records become accounts. */
export const CRMS: System[] = ['hubspot', 'salesforce'];
/** The systems a CRM company is linked to. */
export const TARGETS: System[] = ['netsuite', 'vitally'];
export const ERPS: System[] = ['netsuite'];
/** Stored records resolved per D1 round trip. */
const LINK_PAGE = 100;

/** Runs `fn` on one system's stored records, page by page in id order. */
async function eachPage(db: D1Database, tenantId: string, system: System, fn: (page: Awaited<ReturnType<typeof recordsPage>>) => Promise<void>): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const page = await recordsPage(db, tenantId, system, after, LINK_PAGE);
    if (page.length === 0) return;
    after = page[page.length - 1]!.externalId;
    await fn(page);
  }
}

/** Whether any review case of the tenant is open (one indexed read). */
async function hasOpenCases(db: D1Database, tenantId: string): Promise<boolean> {
  return (await db.prepare(`SELECT 1 AS open FROM review_cases WHERE tenant_id = ? AND status = 'open' LIMIT 1`).bind(tenantId).first<{ open: number }>()) !== null;
}

/** Whether the tenant has `system` connected. */
export async function connected(env: Env, tenantId: string, system: System): Promise<boolean> {
  try {
    await loadConnection(env, tenantId, system);
    return true;
  } catch (err) {
    if (err instanceof ConcordError && err.error.kind === 'not_connected') return false;
    throw err;
  }
}

/** The company records of one connected system, through its role's port. */
async function recordPages(env: Env, ctx: ServiceContext, system: System): Promise<AsyncIterable<MatchRecord[]>> {
  const ports = portsFor(env, ctx, { flow: 'identity-sync', actor: 'system:identity-sync' });
  switch (system) {
    case 'hubspot':
    case 'salesforce':
      return (await ports.crm(system)).companies();
    case 'netsuite':
      return (await ports.erp()).customers();
    case 'vitally':
      return (await ports.cs()).accounts();
  }
}

/**
 * Reads every record of one connected system and stores its identity evidence; drops records
 * gone from the vendor. With `supersede` (every run that links afterwards; not a dry run), the
 * open review cases about a record that recorded other identity fields than the record has now
 * are closed as superseded, as continuous linking does (decision 52), so the link passes score
 * the record as it is and may ask again; tenants with no open case skip that lookup.
 */
export async function ingest(env: Env, ctx: ServiceContext, system: System, opts: { supersede: boolean } = { supersede: true }): Promise<number> {
  const seenAt = new Date().toISOString();
  const supersede = opts.supersede && (await hasOpenCases(env.DB, ctx.tenantId));
  let count = 0;
  let superseded = 0;
  for await (const page of await recordPages(env, ctx, system)) {
    if (page.length === 0) continue;
    const stored = page.map((r) => storedRecord(system, r));
    await env.DB.batch(upsertRecords(env.DB, ctx.tenantId, system, stored, seenAt));
    if (supersede) superseded += (await supersedeChangedCases(env.DB, ctx, system, stored)).size;
    count += page.length;
  }
  if (superseded > 0) ctx.log.info('identity_sync.superseded', { system, records: superseded });
  // Only after every page was read: a record missing now is gone from the vendor.
  await env.DB.batch(dropUnseenRecords(env.DB, ctx.tenantId, system, seenAt));
  return count;
}

export async function syncIdentity(env: Env, ctx: ServiceContext & { actor: string }): Promise<SyncStats> {
  const stats: SyncStats = { candidates: {}, crmRecords: 0, accountsCreated: 0, linksCreated: {}, duplicatesFolded: 0, reviews: 0, skippedSystems: [] };
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
  for (const system of [...targets, ...crms]) stats.candidates[system] = await ingest(env, ctx, system);
  const [thresholds, matrix] = await Promise.all([loadThresholds(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  for (const [index, system] of crms.entries()) {
    const plan = { crmSystem: system, primaryCrm: index === 0, targets, crms, thresholds };
    await eachPage(env.DB, ctx.tenantId, system, async (page) => {
      stats.crmRecords += page.length;
      await refreshAccounts(env.DB, ctx.tenantId, await linkCrmPage(env.DB, ctx, stats, plan, page), matrix);
    });
  }
  for (const erpSystem of targets.filter((t) => ERPS.includes(t))) {
    const plan = { erpSystem, csSystems: targets.filter((t) => !ERPS.includes(t)), thresholds };
    await eachPage(env.DB, ctx.tenantId, erpSystem, async (page) => {
      await refreshAccounts(env.DB, ctx.tenantId, await linkErpPage(env.DB, ctx, stats, plan, page), matrix);
    });
  }
  ctx.log.info('identity_sync.done', { ...stats });
  return stats;
}

