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
 * Runs inside the account's ViewCoordinator (one build at a time per account).
 */
import type { Env } from '../env.js';
import { ConcordError, fail, toProblem } from '../errors.js';
import {
  AccountViewSchema,
  SCHEMA_VERSION,
  answered,
  assessRenewalRisk,
  daysBetween,
  healthTrend,
  sectionData,
  summarizeReceivables,
  todayUtc,
  type AccountView,
  type Section,
} from '../model/index.js';
import type { System } from '../storage/connections.js';
import { getAccount } from '../storage/identity.js';
import { ageSeconds, cacheKey, freshnessOf, readCache, type Cached, type SourceRecord, type SourceSections } from './account-view-cache.js';
import { portsFor } from '../ports/registry.js';
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

/** The ERP's sections of one customer (also read by the change pipeline, worker/flows/account-changes). */
export async function fetchNetSuite(env: Env, ctx: ServiceContext, customerId: string, today: string): Promise<SourceSections['netsuite']> {
  const erp = await portsFor(env, ctx, VIEW_READER).erp();
  const [facts, invoices, contract] = await Promise.all([erp.accountFacts(customerId), erp.openInvoices(customerId), erp.currentContract(customerId, today)]);
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
  return {
    health: health ? { ...health, trend: healthTrend(health.history) } : null,
    onboarding,
    escalations: escalations.length > 0 ? escalations : null,
    webApp: cs.webAppUrl?.() ?? null,
  };
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

/**
 * Fetch every source and store the result; runs inside the ViewCoordinator. Rebuilds on top of
 * whatever is cached so a failing source can fall back to its last good sections.
 */
export async function buildAccountView(
  env: Env,
  ctx: ServiceContext,
  accountId: string,
  /** Lets the KV write finish after the view is returned (it is off the request's critical path). */
  waitUntil: (p: Promise<unknown>) => void = () => {},
  /**
   * Fetch only these sources (a change pipeline rebuilding after their change); the others keep
   * their cached answer while it is fresh (younger than `freshMs`), else they are fetched too.
   */
  opts: { refetch?: readonly (keyof SourceSections)[]; freshMs?: number } = {},
): Promise<AccountView> {
  const key = cacheKey(ctx.tenantId, accountId);
  const cached = await readCache(env, key);
  const account = await getAccount(env.DB, ctx.tenantId, accountId);
  if (!account) fail({ kind: 'not_found', entity: 'account', id: accountId });
  const primary = (system: System) => account.links.find((l) => l.system === system && l.isPrimary)?.externalId ?? account.links.find((l) => l.system === system)?.externalId;
  const today = todayUtc();
  const netsuiteId = primary('netsuite');
  const vitallyId = primary('vitally');

  const reused = <K extends keyof SourceSections>(system: K): SourceRecord<K> | null => {
    const previous = cached?.sources[system] as SourceRecord<K> | undefined;
    if (!opts.refetch || opts.refetch.includes(system) || !previous) return null;
    return Date.now() - Date.parse(previous.fetchedAt) < (opts.freshMs ?? 60_000) ? previous : null;
  };
  const nsReused = reused('netsuite');
  const vtReused = reused('vitally');
  const [ns, vt] = await Promise.allSettled([
    netsuiteId ? (nsReused ? Promise.resolve(nsReused.sections) : fetchNetSuite(env, ctx, netsuiteId, today)) : Promise.resolve(null),
    vitallyId ? (vtReused ? Promise.resolve(vtReused.sections) : fetchVitally(env, ctx, vitallyId)) : Promise.resolve(null),
  ]);

  const now = new Date().toISOString();
  const fetchedAtOf = { netsuite: nsReused?.fetchedAt ?? now, vitally: vtReused?.fetchedAt ?? now };
  const sources: Cached['sources'] = {};
  const freshness: AccountView['freshness'] = {};
  // Per source: the new answer, else the last good one (stale), else nothing (error).
  const settle = <K extends keyof SourceSections>(system: K, linked: boolean, result: PromiseSettledResult<SourceSections[K] | null>): Outcome<SourceSections[K]> => {
    if (!linked) return { kind: 'not_linked' };
    if (result.status === 'fulfilled' && result.value) {
      const at = fetchedAtOf[system];
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
  if (Object.keys(sources).length > 0) {
    waitUntil(
      env.KV.put(key, JSON.stringify({ v: 2, view: checked.data, sources } satisfies Cached), { expirationTtl: KEEP_SECONDS }).catch((err: unknown) =>
        ctx.log.warn('account_view.cache_write_failed', { error: err instanceof Error ? err.message : String(err) }),
      ),
    );
  }
  return checked.data;
}
