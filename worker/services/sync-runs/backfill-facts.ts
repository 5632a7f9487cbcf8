/**
 * Backfill's writes, per page of accounts: every Concord property the change pipeline writes
 * (links, receivables, payments, contract dates and ARR, health, onboarding, renewal risk, finance
 * hold) onto each linked HubSpot company and Salesforce Account, so a first install or a newly
 * connected system does not wait for each account's next change.
 *
 * The values are the pipeline's own: an account whose digest (`account_states`) already holds
 * every linked source has its facts derived from it under the tenant's policy, as reconcile does
 * (reconcile-facts.ts); one the pipeline never read, or read before a system was connected, is
 * read through the pipeline's effects (flows/account-changes/effects.ts: the parts never read, the
 * view rebuilt if cached, the digest stored as the baseline of later history lines). What those
 * reads would fetch account by account is fetched for the whole page first (decision 61): the ERP
 * sections of the page's customers in one SuiteQL query and their last payments in another, and
 * the CS sections from the run's bulk read of the CS platform (cs-stage.ts); an account neither
 * bulk read found is read on its own as before.
 *
 * The accounts pass reads no vendor per account: Vitally lists no score histories workspace-wide,
 * so its CS reading holds each account's current score (from the bulk-read account record) without
 * its series. Its digest keeps the score without trend (policies/account-facts
 * `healthSeriesPending`), and what the series implies (the health trend, and the renewal risk,
 * which weighs it) is left unwritten rather than guessed (counted `historyPending`). The run's
 * trailing `cs-history` phase (the history pass) then pages through the accounts again: each
 * account whose digest still lacks the series has it read (one Vitally call, within Vitally's
 * budget) with the same bulk records, its digest stored complete and the facts that now differ
 * written by the same writer; every other account's facts are derived from its digest, so a write
 * that failed in an earlier attempt of the page is made and nothing written is sent again. An
 * account changed meanwhile was completed by the change pipeline (its digest holds the series) and
 * is not read again. Lifecycle
 * automations open no episode and file no task here, and billing is not released: those follow
 * from a change, and the account's next change opens them as it would have.
 *
 * The writes go through the pipeline's writer (flows/account-changes/crm-facts.ts): the guarded
 * `writeAccountFacts`, one batched call set per CRM for the step's pages (HubSpot batch updates of 100,
 * Salesforce Collections of 200), only the facts that differ from what `crm_fact_writes` records,
 * recorded there after. The ERP and CS ids go on each CRM's primary record only (HubSpot keeps
 * `concord_erp_customer_id` unique; a folded duplicate is not the customer's record).
 *
 * An account whose source answers a business error (a customer deleted since the link) is counted
 * failed and the page goes on; a technical failure (rate limit, 5xx, timeout) fails the step after
 * the page's other writes (a failed bulk read of the page's customers: before any), and its retry
 * resumes the page (what was written is not resent).
 */
import type { Env } from '../../env.js';
import { ConcordError, decisionFor } from '../../errors.js';
import { todayUtc } from '../../model/index.js';
import { writeCrmFacts, type FactsToWrite } from '../../flows/account-changes/crm-facts.js';
import { accountEffects, type AutomationSettings, type PrefetchedCs, type PrefetchedErp } from '../../flows/account-changes/effects.js';
import { csSectionsOf, erpSectionsOf } from '../account-view-build.js';
import { portsFor } from '../../ports/registry.js';
import { csInputsMissing, deriveFacts, healthSeriesPending, type AccountLinks, type AccountState } from '../../policies/account-facts/index.js';
import type { AutomationPolicy } from '../../policies/automations/index.js';
import type { AccountFacts } from '../../ports/facts.js';
import type { CsBulkItem, CsPort } from '../../ports/index.js';
import { loadStates, type StoredState } from '../../storage/account-changes.js';
import type { System } from '../../storage/connections.js';
import { sourceIdOf, type AccountRow, type LinkedRecord } from '../../storage/identity.js';
import type { SyncCounts, SyncRun } from '../../storage/sync-runs.js';
import { loadAutomationPolicy } from '../automation-policy.js';
import type { ServiceContext } from '../context.js';

/** The CRMs whose records carry Concord's facts. */
const CRM_SYSTEMS: readonly System[] = ['hubspot', 'salesforce'];

/** Accounts read at once (each read holds vendor slots; the tenant's limiter paces the rest). */
const CONCURRENCY = 6;

/** The policy with its episode automations off: a backfill reads, it does not act. */
function readOnly(policy: AutomationPolicy): AutomationPolicy {
  return {
    ...policy,
    healthDrop: { ...policy.healthDrop, enabled: false },
    onboardingStalled: { ...policy.onboardingStalled, enabled: false },
    renewalRisk: { ...policy.renewalRisk, enabled: false },
  };
}

/** A business failure (the record is gone, refused): counted, the page goes on. Anything else fails the step. */
function isBusiness(err: unknown): boolean {
  return err instanceof ConcordError && decisionFor(err.error, 0).action === 'stop';
}

/** The CS platform's bulk read for the page (cs-stage.ts): its port and the stored records per CS account. */
export interface BulkCs {
  port: Pick<CsPort, 'snapshotFromBulk'>;
  items: ReadonlyMap<string, { items: CsBulkItem[]; readAt: string }>;
}

/**
 * The CS sections of an account from the bulk read, as the pipeline's own read makes them
 * (`csSectionsOf`), under the time the oldest of its records was read; null when the bulk read
 * did not find the account (created since: read as before).
 */
async function csFromBulk(bulk: BulkCs | undefined, csAccountId: string | null, scoreHistory: boolean): Promise<PrefetchedCs | undefined> {
  const held = csAccountId ? bulk?.items.get(csAccountId) : undefined;
  if (!held || !held.items.some((i) => i.list === 'accounts')) return undefined;
  const snapshot = await bulk!.port.snapshotFromBulk!(csAccountId!, held.items, { scoreHistory });
  return { fetchedAt: held.readAt, ...csSectionsOf(snapshot, null), ...(snapshot.scoreOnly ? { scoreOnly: true } : {}) };
}

/**
 * The ERP sections of the page's accounts whose digest lacks them, read at once (NetSuite: one
 * SuiteQL query for the page's customers and one for their last payments, instead of two per
 * account), keyed by customer id; a customer the ERP did not answer is read per account as before.
 */
async function erpInBulk(env: Env, ctx: ServiceContext, run: SyncRun, accounts: readonly AccountRow[], byAccount: ReadonlyMap<string, LinkedRecord[]>, states: ReadonlyMap<string, StoredState<AccountState>>): Promise<Map<string, PrefetchedErp>> {
  const out = new Map<string, PrefetchedErp>();
  const ids = accounts.filter((a) => !states.get(a.id)?.state.erp).flatMap((a) => sourceIdOf(byAccount.get(a.id) ?? [], 'netsuite') ?? []);
  if (ids.length === 0) return out;
  const ports = portsFor(env, ctx, { flow: `sync-${run.kind}`, actor: `sync:${run.id}` });
  if ((await ports.systemFor('erp', 'netsuite')) !== 'netsuite') return out;
  const erp = await ports.erp();
  if (!erp.accountSnapshots || !erp.lastPaymentDates) return out;
  const fetchedAt = new Date().toISOString();
  const today = todayUtc();
  const [snapshots, payments] = await Promise.all([erp.accountSnapshots(ids, today), erp.lastPaymentDates(ids)]);
  for (const [id, snapshot] of snapshots) {
    const sections = erpSectionsOf(snapshot, today);
    out.set(id, { fetchedAt, receivables: sections.receivables, contract: sections.contract, lastPayment: payments.get(id) ?? null });
  }
  return out;
}

/**
 * Which phase of the backfill writes: `accounts` reads no score history (the CS reading is the
 * bulk read's, with the current score only), `history` reads the score series of each account
 * whose digest still lacks it and writes what depends on it.
 */
export type BackfillPass = 'accounts' | 'history';

/**
 * The facts of one account: from its complete digest, else read through the pipeline's effects
 * (digest stored). In the `history` pass a digest holding the current score without its series
 * is read again with the series; `pending` says the facts still lack what the series implies.
 */
async function factsOf(env: Env, ctx: ServiceContext, account: AccountRow, recs: readonly LinkedRecord[], settings: AutomationSettings, stored: StoredState<AccountState> | undefined, pass: BackfillPass, digests: D1PreparedStatement[], bulk?: BulkCs, erpRead?: ReadonlyMap<string, PrefetchedErp>): Promise<{ facts: AccountFacts; pending: boolean; seriesRead: boolean } | null> {
  const links: AccountLinks = { accountId: account.id, erpCustomerId: sourceIdOf(recs, 'netsuite'), csAccountId: sourceIdOf(recs, 'vitally') };
  // Pending: the score is known, its series (trend, and the renewal risk that weighs it) not yet.
  const pendingOf = (facts: AccountFacts) => links.csAccountId !== null && facts.healthScore !== undefined && facts.healthTrend === undefined;
  const complete = (!links.erpCustomerId || stored?.state.erp) && (!links.csAccountId || stored?.state.cs);
  const seriesDue = pass === 'history' && links.csAccountId !== null && healthSeriesPending(stored?.state.cs);
  if (complete && !seriesDue) {
    const facts = deriveFacts(stored?.state ?? { v: 1 }, links, todayUtc(), settings.policy.financeHold);
    const pending = pendingOf(facts);
    // Completed by an earlier, failed attempt of this page: its digest is this run's bulk reading
    // with a score (the accounts pass stores such a reading without its series, so only this pass
    // completes one).
    const cs = stored?.state.cs;
    const held = links.csAccountId ? bulk?.items.get(links.csAccountId) : undefined;
    const earlier = pass === 'history' && !pending && !!cs?.health && held !== undefined && cs.fetchedAt === held.readAt;
    return { facts, pending, seriesRead: earlier };
  }
  // The CS reading from the bulk read, when the pipeline would read the CS source (the digest lacks
  // it or its inputs): the accounts pass without the score history (no call), the history pass with it.
  const csOld = stored?.state.cs;
  const cs = csOld && !csInputsMissing(csOld) ? undefined : await csFromBulk(bulk, links.csAccountId, pass === 'history');
  const erp = links.erpCustomerId ? erpRead?.get(links.erpCustomerId) : undefined;
  const effects = await accountEffects(env, ctx, account.id, { erp: false, cs: false, seq: 0 }, stored, settings, { account, ...(cs ? { cs } : {}), ...(erp ? { erp } : {}) });
  if (!effects) return null;
  // Stored with the page's other digests in one batch, before the page's CRM writes.
  digests.push(...effects.statements);
  const pending = pendingOf(effects.facts);
  return { facts: effects.facts, pending, seriesRead: seriesDue && !pending };
}

/** One page's facts, gathered (its digests stored) and not yet written. */
export interface PageFacts {
  counts: SyncCounts;
  items: FactsToWrite[];
  failures: unknown[];
}

/**
 * Writes the facts of one or more pages gathered by `pageFacts` in one call set per CRM (a step
 * of the accounts phase gathers a few pages at once, so their records fill HubSpot's batches of
 * 100). Answers the pages' counts together: CRM records written and calls (`written`, `calls`
 * in the accounts pass, `historyWritten`, `historyCalls` in the history pass), failed accounts,
 * refused facts, and the accounts completed (`accountsCompleted`: every fact known, or
 * `historyPending`: the facts that need the score series left for the history pass; in the
 * history pass `historyCompleted`: the series read and what depends on it written, counted once
 * by the attempt of the page that succeeds, also for accounts an earlier failed attempt completed).
 * A technical failure of any page fails the call after the other writes.
 */
export async function writePagesFacts(env: Env, ctx: ServiceContext, run: SyncRun, pages: readonly PageFacts[], pass: BackfillPass): Promise<SyncCounts> {
  const counts: SyncCounts = {};
  for (const page of pages) for (const [k, v] of Object.entries(page.counts) as [keyof SyncCounts, number][]) counts[k] = (counts[k] ?? 0) + v;
  const items = pages.flatMap((p) => p.items);
  const failures = pages.flatMap((p) => p.failures);
  if (items.length > 0) {
    const report = await writeCrmFacts(env, ctx, items, { flow: `sync-${run.kind}`, actor: `sync:${run.id}` });
    const [written, calls] = pass === 'accounts' ? (['written', 'calls'] as const) : (['historyWritten', 'historyCalls'] as const);
    for (const s of Object.values(report.systems)) {
      counts[written] = (counts[written] ?? 0) + s.records;
      counts[calls] = (counts[calls] ?? 0) + s.calls;
      counts.refused = (counts.refused ?? 0) + s.refused.length;
    }
    counts.failed = (counts.failed ?? 0) + report.failedAccounts.size;
    failures.push(...report.failedAccounts.values());
  }
  const technical = failures.find((e) => !isBusiness(e));
  if (technical !== undefined) throw technical;
  return counts;
}

/** The facts of a page's accounts, read as the header says, with the page's digests stored; written by `writePagesFacts`. */
export async function pageFacts(env: Env, ctx: ServiceContext, run: SyncRun, accounts: readonly AccountRow[], byAccount: ReadonlyMap<string, LinkedRecord[]>, bulk?: BulkCs, pass: BackfillPass = 'accounts'): Promise<PageFacts> {
  const counts: SyncCounts = pass === 'accounts' ? { written: 0, calls: 0, failed: 0, refused: 0, accountsCompleted: 0, historyPending: 0 } : { historyWritten: 0, historyCalls: 0, failed: 0, refused: 0, historyCompleted: 0 };
  const withCrm = accounts.filter((a) => (byAccount.get(a.id) ?? []).some((r) => CRM_SYSTEMS.includes(r.system)));
  if (withCrm.length === 0) return { counts, items: [], failures: [] };
  const [states, policy] = await Promise.all([loadStates<AccountState>(env.DB, ctx.tenantId, withCrm.map((a) => a.id)), loadAutomationPolicy(env.DB, ctx.tenantId)]);
  const settings: AutomationSettings = { goLiveMilestone: null, policy: readOnly(policy) };
  const erpRead = await erpInBulk(env, ctx, run, withCrm, byAccount, states);

  const items: FactsToWrite[] = [];
  const digests: D1PreparedStatement[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < withCrm.length) {
      const account = withCrm[next++]!;
      const recs = byAccount.get(account.id) ?? [];
      try {
        const got = await factsOf(env, ctx, account, recs, settings, states.get(account.id), pass, digests, bulk, erpRead);
        if (!got) continue;
        const { facts } = got;
        if (pass === 'accounts') counts[got.pending ? 'historyPending' : 'accountsCompleted']!++;
        else if (got.seriesRead) counts.historyCompleted!++;
        for (const crm of CRM_SYSTEMS) {
          const mine = recs.filter((r) => r.system === crm);
          const main = mine.find((r) => r.isPrimary) ?? mine[0];
          if (!main) continue;
          items.push({ accountId: account.id, facts, targets: [{ system: crm, recordId: main.externalId }] });
          const { erpCustomerId: _erp, csAccountId: _cs, ...rest } = facts;
          const others = mine.filter((r) => r !== main).map((r) => ({ system: crm, recordId: r.externalId }));
          if (others.length) items.push({ accountId: account.id, facts: rest, targets: others });
        }
      } catch (err) {
        failures.push(err);
        counts.failed!++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, withCrm.length) }, lane));
  // The digests read (one batch for the page, each under its version's compare-and-set); the writes follow (writePagesFacts).
  if (digests.length > 0) await env.DB.batch(digests);
  return { counts, items, failures };
}
