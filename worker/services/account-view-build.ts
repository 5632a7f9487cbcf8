/**
 * Building the account 360 view: canonical account + links from D1, ERP and CS sections fetched
 * in parallel through the ports, each section given its explicit state (model/section-state.ts):
 *
 * - the account has no record in the source system: `not_linked`;
 * - the source answered: `ok` with the data, or `none` when it has none (no current contract,
 *   no health score, no onboarding project, no open escalation);
 * - the source failed: its last good answer from KV as `stale` with the error code
 *   (stale-if-error; a last answer of "none" stays `none`), else `unavailable` with the code.
 *
 * Round trips before the first upstream call are what a cold view costs beyond the vendors, so
 * the build starts everything at once that does not depend on the account (the account and its
 * links in one D1 batch, both sources' connections and tokens and their limiter permits, one
 * round trip per vendor) and starts both sources' calls together the moment the account is read,
 * or at once when the caller already read which records they are (a card's link read). The last
 * good answers in KV are read only when a source failed (docs/performance.md).
 *
 * Runs inside the account's ViewCoordinator (one build at a time per account).
 */
import type { Env } from '../env.js';
import { ConcordError, fail, toProblem } from '../errors.js';
import {
  AccountViewSchema,
  SCHEMA_VERSION,
  answered,
  assessRenewalRisk,
  sectionData,
  todayUtc,
  type AccountView,
  type Section,
} from '../model/index.js';
import type { CsPart } from '../model/changes.js';
import { accountFromResults, accountStatements, sourceIdOf, type LinkedAccount } from '../storage/identity.js';
import { automationPolicyStatement, policyFromRow } from './automation-policy.js';
import { CACHE_VERSION, ageSeconds, cacheKey, freshnessOf, readCache, type Cached, type SourceRecord, type SourceSections } from './account-view-cache.js';
import { openSource, readCs, readErp } from './account-view-sources.js';
import { daysBetween, healthTrend, summarizeReceivables } from '../model/index.js';
import { portsFor } from '../ports/registry.js';
import type { CsAccountSnapshot, ErpAccountSnapshot } from '../ports/index.js';
import { financeHoldOf } from '../policies/automations/finance-hold.js';
import { renewalHoldOf } from '../policies/automations/renewal-hold.js';
import type { AccountState } from '../policies/account-facts/state.js';
import { accountStateStatement, stateFromResult } from '../storage/account-changes.js';
import type { ServiceContext } from './context.js';

/** The view only reads; its ports would refuse and record any write under this origin. */
const VIEW_READER = { flow: 'account-view', actor: 'concord' } as const;

/** How long KV keeps a view to fall back on when a source fails. */
const KEEP_SECONDS = 24 * 3600;

/** What became of one source in this build. */
type Outcome<S> =
  | { kind: 'not_linked' }
  | { kind: 'answered'; fetchedAt: string; sections: S }
  | { kind: 'fallback'; fetchedAt: string; sections: S; error: string }
  | { kind: 'failed'; error: string };

export function errorCode(err: unknown): string {
  return err instanceof ConcordError ? toProblem(err.error).code : 'internal_error';
}

/** The state of one section from its source's outcome; `pick` takes the section out of the source's answer. */
function stateOf<S, T>(outcome: Outcome<S>, pick: (sections: S) => T | null): Section<T> {
  switch (outcome.kind) {
    case 'not_linked':
      return { state: 'not_linked' };
    case 'failed':
      return { state: 'unavailable', error: outcome.error };
    case 'answered':
      return answered(pick(outcome.sections));
    case 'fallback': {
      const data = pick(outcome.sections);
      return data === null ? { state: 'none' } : { state: 'stale', data, ageSeconds: ageSeconds(outcome.fetchedAt), error: outcome.error };
    }
  }
}

/** The sections of a source that answered now or earlier, else null. */
function sectionsOf<S>(outcome: Outcome<S>): S | null {
  return outcome.kind === 'answered' || outcome.kind === 'fallback' ? outcome.sections : null;
}

/** A promise whose rejection is handled later (by whoever awaits it), never reported as unhandled. */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * The ERP's sections of one customer (the change pipeline's read when no view is cached,
 * worker/flows/account-changes): the view's snapshot in one call where the ERP can, else its three reads.
 */
export async function fetchNetSuite(env: Env, ctx: ServiceContext, customerId: string, today: string): Promise<SourceSections['netsuite']> {
  const erp = await portsFor(env, ctx, VIEW_READER).erp();
  const snapshot = erp.accountSnapshot
    ? await erp.accountSnapshot(customerId, today)
    : await Promise.all([erp.accountFacts(customerId), erp.openInvoices(customerId), erp.currentContract(customerId, today)]).then(([f, i, c]) => ({ facts: f, invoices: i, contract: c }));
  return erpSectionsOf(snapshot, today);
}

/** The ERP sections of what the ERP port read of a customer (one read, or a backfill's page read at once). */
export function erpSectionsOf({ facts, invoices, contract }: ErpAccountSnapshot, today: string): SourceSections['netsuite'] {
  const currency = facts.currency ?? invoices[0]?.currency ?? contract?.currency;
  const receivables = currency ? summarizeReceivables(invoices, today, currency) : summarizeReceivables(invoices, today);
  return {
    facts,
    receivables,
    contract: contract ? { ...contract, daysToRenewal: daysBetween(today, contract.renewalDate) } : null,
  };
}
/** The CS platform's sections of one account (also read by the change pipeline). */
export async function fetchVitally(env: Env, ctx: ServiceContext, accountId: string): Promise<SourceSections['vitally']> {
  const cs = await portsFor(env, ctx, VIEW_READER).cs();
  const [health, onboarding, escalations] = await Promise.all([cs.health(accountId), cs.onboarding(accountId), cs.escalations(accountId)]);
  return csSectionsOf({ health, onboarding, escalations }, cs.webAppUrl?.() ?? null);
}

/** The CS sections of what the CS port read of an account (one read, or a backfill's bulk read). */
export function csSectionsOf(snapshot: CsAccountSnapshot, webApp: string | null): SourceSections['vitally'] {
  const { health, onboarding, escalations } = snapshot;
  return {
    health: health ? { ...health, trend: healthTrend(health.history) } : null,
    onboarding,
    escalations: escalations.length > 0 ? escalations : null,
    webApp,
  };
}

/** The record ids a view reads from the ERP and the CS platform (null: not linked there). */
export type SourceIds = LinkedAccount['sourceIds'];

export interface BuildOptions {
  /** Lets the KV write and the limiter's reports finish after the view is returned (off the critical path). */
  waitUntil?: (p: Promise<unknown>) => void;
  /**
   * Resolves once the caller has the view: the KV write and the limiter's usage reports start
   * then, so they do not compete with the answer (default: at once). A concurrency slot
   * (NetSuite) still goes back the moment its read ends.
   */
  answered?: Promise<void>;
  /** The caller just found no cached view in KV: there is no last good answer to read back. */
  noCachedView?: boolean;
  /**
   * Fetch only these sources (the change pipeline rebuilding after their change); the others keep
   * their cached answer while it is fresh (younger than `freshMs`), else they are fetched too.
   */
  refetch?: readonly (keyof SourceSections)[];
  freshMs?: number;
  /**
   * With `refetch` naming the CS source: only these parts of it changed. While its cached answer
   * is fresh, only they are read again and the rest is kept, under the cached answer's fetch time
   * (the oldest part's); otherwise the whole source is read.
   */
  csParts?: readonly CsPart[];
  /**
   * The account's ERP and CS record ids as the caller read them with a CRM record's link (a
   * card, storage/identity.ts `linkedAccountFor`): their reads start at once, alongside the
   * account read, not after it. The account read checks them: if the links changed in between,
   * the early reads are dropped and the build starts again from the account it read.
   */
  sourceIds?: SourceIds;
}

/**
 * Fetch every source and store the result; runs inside the ViewCoordinator. Rebuilds on top of
 * whatever is cached so a failing source can fall back to its last good sections.
 */
export async function buildAccountView(env: Env, ctx: ServiceContext, accountId: string, opts: BuildOptions = {}): Promise<AccountView> {
  const waitUntil = opts.waitUntil ?? (() => {});
  const afterAnswer = opts.answered ?? Promise.resolve();
  const background = { waitUntil, answered: afterAnswer };
  const trace = ctx.trace;
  const timed = <T>(name: string, p: Promise<T>): Promise<T> => (trace ? trace.span(name, () => p) : p);
  const key = cacheKey(ctx.tenantId, accountId);
  const ports = portsFor(env, ctx, VIEW_READER);

  // Everything that does not need the account starts now, alongside the account read: both
  // sources' connections and tokens, and their limiter permits (given back unused if the account
  // is not linked to a source). The last good answers in KV are read only when they are needed: a
  // change's rebuild keeps the unchanged source's (read now), a failed source falls back on its
  // own (read once it failed); a build whose sources answer reads no KV record at all.
  let lastGood: Promise<Cached | null> | null = null;
  const cachedRead = () => (lastGood ??= later(opts.noCachedView ? Promise.resolve(null) : readCache(env, key)));
  if (opts.refetch) cachedRead();
  const erpSource = openSource(ctx, timed('token-erp', ports.erp()));
  const csSource = openSource(ctx, timed('token-cs', ports.cs()));
  const today = todayUtc();
  // The caller named the records to read (a card read them with its link): their calls start now.
  const hint = opts.sourceIds && !opts.refetch ? opts.sourceIds : null;
  const early = {
    ns: hint?.netsuite ? later(readErp(erpSource, hint.netsuite, today, background)) : null,
    vt: hint?.vitally ? later(readCs(csSource, hint.vitally, background)) : null,
  };
  // A source whose read never started gives its permits back here (a read gives them back itself).
  const closeUnread = () => {
    if (!early.ns) erpSource.close(background);
    if (!early.vt) csSource.close(background);
  };
  // The tenant's automation policy and the change pipeline's digest of the account ride in the
  // account's D1 batch: the finance hold below is judged with the tenant's thresholds, and the
  // renewal hold read from the digest the CRM fact is written from, at no extra round trip.
  const accountRead = env.DB.batch([...accountStatements(env.DB, ctx.tenantId, accountId), automationPolicyStatement(env.DB, ctx.tenantId), accountStateStatement(env.DB, ctx.tenantId, accountId)]);
  const [accountRows, linkRows, policyRow, stateRow] = await (trace ? trace.span('account', () => accountRead, hint ? 'upstream calls started alongside' : undefined) : accountRead);
  const account = accountFromResults(accountRows, linkRows);
  const policy = policyFromRow(policyRow);
  const state = stateFromResult<AccountState>(stateRow);
  if (!account) {
    closeUnread();
    fail({ kind: 'not_found', entity: 'account', id: accountId });
  }
  const netsuiteId = sourceIdOf(account.links, 'netsuite');
  const vitallyId = sourceIdOf(account.links, 'vitally');
  if (hint && (hint.netsuite !== netsuiteId || hint.vitally !== vitallyId)) {
    // The links changed since the caller read them: what was started may be another record's.
    closeUnread();
    ctx.log.info('account_view.source_ids_changed', {});
    const { sourceIds: _unused, ...rest } = opts;
    return buildAccountView(env, ctx, accountId, rest);
  }

  // A change's rebuild keeps the unchanged source's fresh answer instead of asking it again.
  const previous = opts.refetch ? await cachedRead().catch(() => null) : null;
  const reused = <K extends keyof SourceSections>(system: K): SourceRecord<K> | null => {
    const prev = previous?.sources[system] as SourceRecord<K> | undefined;
    if (!opts.refetch || opts.refetch.includes(system) || !prev) return null;
    return Date.now() - Date.parse(prev.fetchedAt) < (opts.freshMs ?? 60_000) ? prev : null;
  };
  const nsReused = reused('netsuite');
  const vtReused = reused('vitally');
  // A CS change naming its parts: the other parts kept from a fresh cached answer.
  const vtPrev = previous?.sources.vitally as SourceRecord<'vitally'> | undefined;
  const vtPartial =
    opts.csParts && opts.refetch?.includes('vitally') && vtPrev && Date.now() - Date.parse(vtPrev.fetchedAt) < (opts.freshMs ?? 60_000) ? { parts: opts.csParts, previous: vtPrev } : null;
  if ((!netsuiteId || nsReused) && !early.ns) erpSource.close(background);
  if ((!vitallyId || vtReused) && !early.vt) csSource.close(background);
  const [ns, vt] = await Promise.allSettled([
    netsuiteId ? (nsReused ? Promise.resolve(nsReused.sections) : (early.ns ?? readErp(erpSource, netsuiteId, today, background))) : Promise.resolve(null),
    vitallyId
      ? vtReused
        ? Promise.resolve(vtReused.sections)
        : (early.vt ?? readCs(csSource, vitallyId, background, vtPartial ? { parts: vtPartial.parts, previous: vtPartial.previous.sections } : undefined))
      : Promise.resolve(null),
  ]);
  const assemblyStart = trace?.elapsed() ?? 0;
  const answeredNow = (linked: boolean, r: PromiseSettledResult<unknown>) => !linked || (r.status === 'fulfilled' && Boolean(r.value));
  const cached = answeredNow(Boolean(netsuiteId), ns) && answeredNow(Boolean(vitallyId), vt) ? null : await cachedRead().catch(() => null);

  const now = new Date().toISOString();
  const sources: Cached['sources'] = {};
  const freshness: AccountView['freshness'] = {};
  // Per source: the new answer, else the last good one (stale), else nothing (error).
  const settle = <K extends keyof SourceSections>(system: K, linked: boolean, result: PromiseSettledResult<SourceSections[K] | null>): Outcome<SourceSections[K]> => {
    if (!linked) return { kind: 'not_linked' };
    if (result.status === 'fulfilled' && result.value) {
      // A reused answer keeps the time it was fetched, and so does one partly read again (its oldest part's).
      const at = (system === 'netsuite' ? nsReused : system === 'vitally' ? (vtReused ?? vtPartial?.previous) : null)?.fetchedAt ?? now;
      (sources as Record<string, unknown>)[system] = { fetchedAt: at, sections: result.value };
      freshness[system] = freshnessOf(at, 'fresh');
      return { kind: 'answered', fetchedAt: at, sections: result.value };
    }
    const code = result.status === 'rejected' ? errorCode(result.reason) : 'internal_error';
    ctx.log.warn('account_view.source_failed', { system, code });
    const previous = cached?.sources[system];
    if (previous) {
      (sources as Record<string, unknown>)[system] = previous;
      freshness[system] = freshnessOf(previous.fetchedAt, 'stale', code);
      return { kind: 'fallback', fetchedAt: previous.fetchedAt, sections: previous.sections as SourceSections[K], error: code };
    }
    freshness[system] = freshnessOf(null, 'error', code);
    return { kind: 'failed', error: code };
  };
  const erpOutcome = settle('netsuite', Boolean(netsuiteId), ns);
  const csOutcome = settle('vitally', Boolean(vitallyId), vt);
  const erp = sectionsOf(erpOutcome);
  const cs = sectionsOf(csOutcome);

  const receivables = stateOf(erpOutcome, (s) => s.receivables);
  const contract = stateOf(erpOutcome, (s) => s.contract);
  const health = stateOf(csOutcome, (s) => s.health);
  const onboarding = stateOf(csOutcome, (s) => s.onboarding);
  const escalations = stateOf(csOutcome, (s) => s.escalations);
  const riskInputs = {
    receivables: sectionData(receivables),
    contract: sectionData(contract),
    health: sectionData(health),
    escalations: sectionData(escalations) ?? [],
  };
  const anyData = [riskInputs.receivables, riskInputs.contract, riskInputs.health, sectionData(onboarding), sectionData(escalations)].some((d) => d !== null);
  const view: AccountView = {
    schemaVersion: SCHEMA_VERSION,
    tenant: ctx.tenantId,
    account: {
      id: account.id,
      name: account.name,
      legalName: erp?.facts?.legalName ?? null,
      domain: erp?.facts?.domain ?? null,
      taxId: erp?.facts?.taxId ?? null,
      currency: erp?.facts?.currency ?? erp?.receivables?.currency ?? null,
      billTo: erp?.facts?.billTo ?? null,
      shipTo: erp?.facts?.shipTo ?? null,
    },
    links: account.links.map((l) => ({ system: l.system, externalId: l.externalId })),
    receivables,
    contract,
    health,
    onboarding,
    escalations,
    risk: anyData ? assessRenewalRisk(riskInputs, today) : null,
    // The same policy and thresholds (the tenant's) the change pipeline writes to the CRM as the
    // financeHold property; none while the tenant has the finance hold off.
    financeHold: policy.financeHold.enabled ? financeHoldOf(riskInputs.receivables, policy.financeHold) : null,
    // What the pipeline wrote as the renewalHold property (same digest, same rule), with why.
    renewalHold: renewalHoldOf(policy.onboardingStalled, state, Boolean(vitallyId)),
    owners: {
      receivables: netsuiteId ? 'netsuite' : null,
      contract: netsuiteId ? 'netsuite' : null,
      health: vitallyId ? 'vitally' : null,
      onboarding: vitallyId ? 'vitally' : null,
      escalations: vitallyId ? 'vitally' : null,
    },
    freshness,
    sourceLinks: cs?.webApp ? { vitally: cs.webApp } : {},
  };
  // A mapping bug must not reach a card as a half-valid view: validate before serving or caching.
  const checked = AccountViewSchema.safeParse(view);
  if (!checked.success) {
    ctx.log.error('account_view.invalid', { issues: checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) });
    fail({ kind: 'internal', message: 'account view failed validation' });
  }
  trace?.add('assembly', assemblyStart, trace.elapsed() - assemblyStart);
  if (Object.keys(sources).length > 0) {
    // Off the critical path: written once the caller has the view; other isolates find it in KV then.
    trace?.add('cache-write', trace.elapsed(), 0, 'KV put after the answer');
    const record: Cached = { v: CACHE_VERSION, view: checked.data, sources };
    waitUntil(
      afterAnswer
        .then(() => env.KV.put(key, JSON.stringify(record), { expirationTtl: KEEP_SECONDS }))
        .catch((err: unknown) => ctx.log.warn('account_view.cache_write_failed', { error: err instanceof Error ? err.message : String(err) })),
    );
  }
  return checked.data;
}
