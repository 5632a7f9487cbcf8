/**
 * The steps of a sync run, one page each (services/sync-runs/index.ts drives them):
 * - `ingest`: one connected system's records become identity evidence (as identity sync does);
 * - `link-crm`, `link-erp`: 100 stored records linked with the scorer (link-crm.ts, link-erp.ts);
 *   a dry run links nothing;
 * - `accounts`: 100 accounts. Reconcile compares their records' master fields under the ownership
 *   matrix (policies/reconcile/drift.ts), repairs what the write guard allows in systems Concord
 *   writes master fields into (HubSpot companies, Salesforce Accounts) and files the rest as
 *   exceptions; it then compares Concord's facts on the CRM records with what Concord would write
 *   now and writes them again where they drifted (reconcile-facts.ts); backfill writes every
 *   Concord property the change pipeline writes (links, receivables, contract, health...) onto
 *   every CRM record, only what differs from what was last written (backfill-facts.ts), except
 *   what needs an account's CS score series, which the accounts phase does not read;
 * - `cs-history` (backfill): 100 accounts again; each whose digest lacks its score series has it
 *   read, and the facts depending on it (health trend, renewal risk) written (backfill-facts.ts).
 */
import type { Env } from '../../env.js';
import type { SystemName } from '../../model/primitives.js';
import { accountDrift, type DriftItem } from '../../policies/reconcile/drift.js';
import type { CompanyFieldsUpdate } from '../../ports/index.js';
import { portsFor } from '../../ports/registry.js';
import type { System } from '../../storage/connections.js';
import { linkedRecords, listAccounts, toLinkedRecords, type AccountRow } from '../../storage/identity.js';
import { recordsPage } from '../../storage/identity-records.js';
import { loadThresholds } from '../../storage/identity-settings.js';
import { tenantMatrix } from '../../storage/ownership.js';
import type { DriftRow, SyncCounts, SyncCursor, SyncRun } from '../../storage/sync-runs.js';
import type { ServiceContext } from '../context.js';
import { linkCrmPage } from '../identity/link-crm.js';
import { linkErpPage } from '../identity/link-erp.js';
import type { SyncStats } from '../identity/link-page.js';
import { refreshAccounts } from '../identity/survive.js';
import { CRMS, ERPS, TARGETS, connected, ingest } from '../identity/sync.js';
import { pageFacts, writePagesFacts, type BackfillPass, type PageFacts } from './backfill-facts.js';
import { bulkCs, stageCsPages } from './cs-stage.js';
import { csItemsOf, deleteCsItemsOf, deleteRunCsItems } from '../../storage/sync-cs-items.js';
import { reconcileFacts } from './reconcile-facts.js';

export const PAGE = 100;
/**
 * Pages of accounts a backfill's accounts or cs-history step reads and writes at once: their reads
 * overlap and their facts go out together, so HubSpot's batches of 100 are full (a page of 100
 * accounts holds about 56 HubSpot companies) and the run makes a third of the queue hops.
 */
export const BACKFILL_PAGES = 3;

/** CS systems (their port may read in bulk: cs-stage.ts). */
const CS_SYSTEMS: readonly System[] = ['vitally'];

/** Systems Concord writes master fields into (the connector has `writeCompanyFields`). */
const REPAIRABLE: ReadonlySet<SystemName> = new Set(['hubspot', 'salesforce']);

/** What a step did: the next cursor, progress made and outcome counts. */
export interface StepResult {
  next: SyncCursor;
  done: number;
  counts: SyncCounts;
  drift?: DriftRow[];
  /** Run in the batch that records the step (e.g. the bulk-read rows the step used, deleted). */
  statements?: D1PreparedStatement[];
}

export interface Systems {
  crms: System[];
  targets: System[];
  all: System[];
}

export async function connectedSystems(env: Env, tenantId: string): Promise<Systems> {
  const crms: System[] = [];
  for (const s of CRMS) if (await connected(env, tenantId, s)) crms.push(s);
  const targets: System[] = [];
  for (const s of TARGETS) if (await connected(env, tenantId, s)) targets.push(s);
  return { crms, targets, all: [...targets, ...crms] };
}

const emptyStats = (): SyncStats => ({ candidates: {}, crmRecords: 0, accountsCreated: 0, linksCreated: {}, duplicatesFolded: 0, reviews: 0, skippedSystems: [] });
const linkedCount = (s: SyncStats) => Object.values(s.linksCreated).reduce((a, b) => a + (b ?? 0), 0);

/** The phase after `phase` for this run (a backfill reads the CS platform in bulk before its accounts). */
function after(run: SyncRun, phase: SyncCursor['phase']): SyncCursor {
  const order: SyncCursor['phase'][] = run.dryRun ? ['ingest', 'accounts', 'done'] : run.kind === 'backfill' ? ['ingest', 'link-crm', 'link-erp', 'cs-stage', 'accounts', 'cs-history', 'done'] : ['ingest', 'link-crm', 'link-erp', 'accounts', 'done'];
  return { phase: order[order.indexOf(phase) + 1] ?? 'done', index: 0, after: null };
}

/** Backfill: a few pages of the CS platform's workspace-wide lists stored for the accounts phase (cs-stage.ts). */
export async function csStageStep(env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems): Promise<StepResult> {
  const cs = await bulkCs(env, ctx, run, sys.targets.some((t) => CS_SYSTEMS.includes(t)));
  if (!cs) return { next: after(run, 'cs-stage'), done: 0, counts: {} };
  const { next, records } = await stageCsPages(env, ctx, run, cs);
  return { next: next ? { phase: 'cs-stage', ...next } : after(run, 'cs-stage'), done: 0, counts: { csRecords: records } };
}

export async function ingestStep(env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems): Promise<StepResult> {
  const system = sys.all[run.cursor.index];
  if (!system) return { next: after(run, 'ingest'), done: 0, counts: {} };
  // A dry run links nothing, so it leaves the review queue as it is too.
  const n = await ingest(env, ctx, system, { supersede: !run.dryRun });
  const next = run.cursor.index + 1 < sys.all.length ? { phase: 'ingest' as const, index: run.cursor.index + 1, after: null } : after(run, 'ingest');
  return { next, done: 0, counts: { ingested: n } };
}

export async function linkCrmStep(env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems): Promise<StepResult> {
  const system = sys.crms[run.cursor.index];
  if (!system) return { next: after(run, 'link-crm'), done: 0, counts: {} };
  const page = await recordsPage(env.DB, ctx.tenantId, system, run.cursor.after, PAGE);
  if (page.length === 0) {
    const next = run.cursor.index + 1 < sys.crms.length ? { phase: 'link-crm' as const, index: run.cursor.index + 1, after: null } : after(run, 'link-crm');
    return { next, done: 0, counts: {} };
  }
  const [thresholds, matrix] = await Promise.all([loadThresholds(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  const stats = emptyStats();
  const plan = { crmSystem: system, primaryCrm: run.cursor.index === 0, targets: sys.targets, crms: sys.crms, thresholds };
  await refreshAccounts(env.DB, ctx.tenantId, await linkCrmPage(env.DB, ctx, stats, plan, page), matrix);
  return {
    next: { phase: 'link-crm', index: run.cursor.index, after: page[page.length - 1]!.externalId },
    done: page.length,
    counts: { linked: linkedCount(stats), accountsCreated: stats.accountsCreated, reviews: stats.reviews },
  };
}

export async function linkErpStep(env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems): Promise<StepResult> {
  const erpSystem = sys.targets.find((t) => ERPS.includes(t));
  if (!erpSystem) return { next: after(run, 'link-erp'), done: 0, counts: {} };
  const page = await recordsPage(env.DB, ctx.tenantId, erpSystem, run.cursor.after, PAGE);
  if (page.length === 0) return { next: after(run, 'link-erp'), done: 0, counts: {} };
  const [thresholds, matrix] = await Promise.all([loadThresholds(env.DB, ctx.tenantId), tenantMatrix(env.DB, ctx.tenantId)]);
  const stats = emptyStats();
  const plan = { erpSystem, csSystems: sys.targets.filter((t) => !ERPS.includes(t)), thresholds };
  await refreshAccounts(env.DB, ctx.tenantId, await linkErpPage(env.DB, ctx, stats, plan, page), matrix);
  return {
    next: { phase: 'link-erp', index: 0, after: page[page.length - 1]!.externalId },
    done: page.length,
    counts: { linked: linkedCount(stats), accountsCreated: stats.accountsCreated, reviews: stats.reviews },
  };
}

/** One page of accounts with their linked records (fields as last ingested), also grouped by account. */
async function accountPage(env: Env, tenantId: string, afterId: string | null): Promise<AccountPage> {
  return withRecords(env, tenantId, await listAccounts(env.DB, tenantId, PAGE, afterId));
}

type AccountPage = { accounts: AccountRow[]; records: ReturnType<typeof toLinkedRecords>; byAccount: Records };

/** `accounts` with their linked records, in one read (a page of ids fits one statement's bound parameters). */
async function withRecords(env: Env, tenantId: string, accounts: AccountRow[]): Promise<AccountPage> {
  if (accounts.length === 0) return { accounts, records: [], byAccount: new Map() };
  const { results } = await linkedRecords(env.DB, tenantId, accounts.map((a) => a.id)).all();
  const records = toLinkedRecords(results);
  const byAccount: Records = new Map();
  for (const r of records) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
  return { accounts, records, byAccount };
}

/**
 * Up to BACKFILL_PAGES pages of accounts after `afterId`, in order (fewer at the end): the
 * accounts in one read, each page's records in a read of its own, the pages' reads at once.
 */
async function backfillPages(env: Env, tenantId: string, afterId: string | null): Promise<AccountPage[]> {
  const accounts = await listAccounts(env.DB, tenantId, PAGE * BACKFILL_PAGES, afterId);
  const pages: AccountRow[][] = [];
  for (let i = 0; i < accounts.length; i += PAGE) pages.push(accounts.slice(i, i + PAGE));
  return Promise.all(pages.map((page) => withRecords(env, tenantId, page)));
}

const accountsIn = (pages: readonly { accounts: readonly AccountRow[] }[]) => pages.reduce((n, p) => n + p.accounts.length, 0);
const lastIdOf = (pages: readonly { accounts: readonly AccountRow[] }[]) => pages[pages.length - 1]!.accounts.at(-1)!.id;

/** A page of the backfill's accounts with their CS accounts as the bulk read found them (cs-stage.ts): its CRM facts gathered in `pass`, to be written (writePagesFacts). */
async function backfillPage(env: Env, ctx: ServiceContext, run: SyncRun, cs: Awaited<ReturnType<typeof bulkCs>>, { accounts, records, byAccount }: AccountPage, pass: BackfillPass): Promise<{ facts: PageFacts; csIds: string[] }> {
  const csIds = records.filter((r) => CS_SYSTEMS.includes(r.system)).map((r) => r.externalId);
  const bulk = cs && csIds.length > 0 ? { port: cs, items: await csItemsOf(env.DB, ctx.tenantId, run.id, csIds) } : undefined;
  return { facts: await pageFacts(env, ctx, run, accounts, byAccount, bulk, pass), csIds };
}

/** The CS port a backfill step's pages read their staged records through (one per step), or null. */
const stepCs = (env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems) => bulkCs(env, ctx, run, sys.targets.some((t) => CS_SYSTEMS.includes(t)));

export async function accountsStep(env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems): Promise<StepResult> {
  if (run.kind === 'backfill') {
    const pages = await backfillPages(env, ctx.tenantId, run.cursor.after);
    if (pages.length === 0) return { next: after(run, 'accounts'), done: 0, counts: {} };
    const cs = await stepCs(env, ctx, run, sys);
    // The bulk read's records stay for the cs-history phase, which reads the same accounts' score series.
    const gathered = await Promise.all(pages.map(async (page) => (await backfillPage(env, ctx, run, cs, page, 'accounts')).facts));
    const counts = await writePagesFacts(env, ctx, run, gathered, 'accounts');
    return { next: { phase: 'accounts', index: 0, after: lastIdOf(pages) }, done: accountsIn(pages), counts };
  }
  const page = await accountPage(env, ctx.tenantId, run.cursor.after);
  const { accounts, byAccount } = page;
  if (accounts.length === 0) return { next: after(run, 'accounts'), done: 0, counts: {} };
  const next: SyncCursor = { phase: 'accounts', index: 0, after: accounts[accounts.length - 1]!.id };
  const ports = portsFor(env, ctx, { flow: `sync-${run.kind}`, actor: `sync:${run.id}` });
  return { next, done: accounts.length, ...(await reconcileAccounts(env, ctx, run, ports, accounts, byAccount)) };
}

/**
 * Backfill, after its accounts: the pages of accounts again, each account whose digest holds its
 * health score without the score series read with it (one Vitally call each, paced by the
 * limiter) and the facts that depend on it written (backfill-facts.ts, history pass). A page
 * retried after a failure reads only what its failed attempt did not complete. Skipped when the
 * accounts phase left nothing pending. The page's bulk-read records go with the page, what is
 * left of them (CS accounts no account is linked to) with the phase.
 */
export async function csHistoryStep(env: Env, ctx: ServiceContext, run: SyncRun, sys: Systems): Promise<StepResult> {
  const cleanup = () => ({ next: after(run, 'cs-history'), done: 0, counts: {}, statements: [deleteRunCsItems(env.DB, ctx.tenantId, run.id)] });
  if ((run.counts.historyPending ?? 0) === 0) return cleanup();
  const pages = await backfillPages(env, ctx.tenantId, run.cursor.after);
  if (pages.length === 0) return cleanup();
  const cs = await stepCs(env, ctx, run, sys);
  // The pages' reads together: more of them wait on Vitally's limiter at once, fewer on a page's slowest.
  const gathered = await Promise.all(pages.map((page) => backfillPage(env, ctx, run, cs, page, 'history')));
  const counts = await writePagesFacts(env, ctx, run, gathered.map((g) => g.facts), 'history');
  const csIds = gathered.flatMap((g) => g.csIds);
  return {
    next: { phase: 'cs-history', index: 0, after: lastIdOf(pages) },
    done: accountsIn(pages),
    counts,
    ...(csIds.length > 0 ? { statements: [deleteCsItemsOf(env.DB, ctx.tenantId, run.id, csIds)] } : {}),
  };
}

type Ports = ReturnType<typeof portsFor>;
type Records = Map<string, ReturnType<typeof toLinkedRecords>>;

/**
 * Reconcile: the drift of each account (master fields, then Concord's facts on its CRM records),
 * repaired where allowed (not in a dry run), reported.
 */
async function reconcileAccounts(env: Env, ctx: ServiceContext, run: SyncRun, ports: Ports, accounts: AccountRow[], byAccount: Records): Promise<{ counts: SyncCounts; drift: DriftRow[] }> {
  const matrix = await tenantMatrix(env.DB, ctx.tenantId);
  const items: (DriftItem & { accountId: string })[] = [];
  for (const a of accounts) {
    const recs = (byAccount.get(a.id) ?? []).flatMap((r) => (r.fields ? [{ system: r.system, externalId: r.externalId, fields: r.fields }] : []));
    items.push(...accountDrift(recs, matrix, (s) => REPAIRABLE.has(s)).map((d) => ({ ...d, accountId: a.id })));
  }
  const outcome = new Map<DriftItem, DriftRow['outcome']>();
  const repairs = items.filter((d) => d.action === 'repair');
  if (run.dryRun) for (const d of repairs) outcome.set(d, 'would_repair');
  else {
    for (const system of new Set(repairs.map((d) => d.system))) {
      const mine = repairs.filter((d) => d.system === system);
      // One update per record: every repaired field of it, with the owner's system as the source.
      const byRecord = new Map<string, CompanyFieldsUpdate>();
      for (const d of mine) {
        const u = byRecord.get(d.externalId) ?? { recordId: d.externalId, accountId: d.accountId, source: d.ownerSystem!, fields: {} };
        u.fields[d.field] = d.ownerValue!;
        byRecord.set(d.externalId, u);
      }
      const port = await ports.crm(system);
      const res = await port.writeCompanyFields!([...byRecord.values()]);
      const failed = new Set(res.failed.map((f) => f.externalId));
      const refused = new Set((res.refused ?? []).map((r) => r.attribute));
      for (const d of mine) outcome.set(d, failed.has(d.externalId) ? 'failed' : refused.has(d.field) ? 'refused' : 'repaired');
    }
  }
  const master: DriftRow[] = items.map((d) => ({
    accountId: d.accountId,
    field: d.canonicalField,
    system: d.system,
    externalId: d.externalId,
    value: d.value,
    owner: d.owner,
    ownerSystem: d.ownerSystem,
    ownerValue: d.ownerValue,
    action: d.action,
    outcome: outcome.get(d) ?? 'exception',
    reason: d.reason,
  }));
  const drift = [...master, ...(await reconcileFacts(env, ctx, run, ports, accounts, byAccount))];
  const count = (o: DriftRow['outcome']) => drift.filter((d) => d.outcome === o).length;
  return {
    drift,
    counts: { drift: drift.length, repaired: count('repaired'), wouldRepair: count('would_repair'), refused: count('refused'), failed: count('failed'), exceptions: count('exception') },
  };
}
