/**
 * The account 360 view: canonical account + links from D1, ERP and CS sections fetched in
 * parallel through the ports, cached in KV (`view:v1:<tenant>:<account>`).
 *
 * Freshness, per request:
 * - cached and younger than FRESH_MS: served as is (warm path: one KV read, no upstream call);
 * - cached but older: served at once, marked `stale` with its age, and rebuilt in the background
 *   (stale-while-revalidate), so a slow ERP never sits on the request path;
 * - not cached (or `refresh`): built now.
 * Builds go through the account's ViewCoordinator Durable Object, which runs one build at a time
 * per account: 50 concurrent cold requests cause one upstream fetch per source, not 50.
 * A source that fails keeps its last good sections, marked `stale`, or shows `error` with a
 * stable code when there is nothing to fall back on (stale-if-error).
 */
import { z } from 'zod';
import { NetSuiteErp } from '../connectors/netsuite/index.js';
import { VitallyCs } from '../connectors/vitally/index.js';
import type { Env } from '../env.js';
import { ConcordError, fail, toProblem } from '../errors.js';
import {
  AccountViewSchema,
  SCHEMA_VERSION,
  assessRenewalRisk,
  daysBetween,
  healthTrend,
  summarizeReceivables,
  todayUtc,
  type AccountView,
  type FreshnessEntry,
} from '../model/index.js';
import type { System } from '../storage/connections.js';
import { getAccount } from '../storage/identity.js';
import { connectionFor, type ServiceContext } from './context.js';
import { currencyLookup } from './reference.js';

/** A cached view younger than this is served without asking the sources. */
export const FRESH_MS = 60_000;
/** How long KV keeps a view to fall back on when a source fails. */
const KEEP_SECONDS = 24 * 3600;

type SourceSections = {
  netsuite: Pick<AccountView, 'receivables' | 'contract'> & { facts: Omit<AccountView['account'], 'id' | 'name'> | null };
  vitally: Pick<AccountView, 'health' | 'onboarding' | 'escalations'>;
};

const CachedSchema = z.object({
  v: z.literal(1),
  view: z.unknown(),
  sources: z.record(z.string(), z.object({ fetchedAt: z.string(), sections: z.unknown() })),
});
interface Cached {
  v: 1;
  view: AccountView;
  sources: Partial<{ [K in keyof SourceSections]: { fetchedAt: string; sections: SourceSections[K] } }>;
}

const cacheKey = (tenantId: string, accountId: string) => `view:v1:${tenantId}:${accountId}`;

function errorCode(err: unknown): string {
  return err instanceof ConcordError ? toProblem(err.error).code : 'internal_error';
}

function freshnessOf(fetchedAt: string | null, status: FreshnessEntry['status'], error?: string): FreshnessEntry {
  const ageSeconds = fetchedAt ? Math.max(0, Math.floor((Date.now() - Date.parse(fetchedAt)) / 1000)) : null;
  return { status, fetchedAt, ageSeconds, ...(error ? { error } : {}) };
}

async function fetchNetSuite(env: Env, ctx: ServiceContext, customerId: string, today: string): Promise<SourceSections['netsuite']> {
  const erp = new NetSuiteErp(await connectionFor(env, ctx, 'netsuite'), ctx, currencyLookup(env, ctx));
  const [facts, invoices, contract] = await Promise.all([erp.accountFacts(customerId), erp.openInvoices(customerId), erp.currentContract(customerId, today)]);
  const currency = facts.currency ?? invoices[0]?.currency ?? contract?.currency;
  const receivables = currency ? summarizeReceivables(invoices, today, currency) : summarizeReceivables(invoices, today);
  return {
    facts,
    receivables,
    contract: contract ? { ...contract, daysToRenewal: daysBetween(today, contract.renewalDate) } : null,
  };
}

async function fetchVitally(env: Env, ctx: ServiceContext, accountId: string): Promise<SourceSections['vitally']> {
  const cs = new VitallyCs(await connectionFor(env, ctx, 'vitally'), ctx);
  const [health, onboarding, escalations] = await Promise.all([cs.health(accountId), cs.onboarding(accountId), cs.escalations(accountId)]);
  return { health: health ? { ...health, trend: healthTrend(health.history) } : null, onboarding, escalations };
}

async function readCache(env: Env, key: string): Promise<Cached | null> {
  const parsed = CachedSchema.safeParse(await env.KV.get(key, 'json'));
  return parsed.success ? (parsed.data as Cached) : null;
}

/** The cached view with its freshness stamps recomputed for now. */
function servedFromCache(cached: Cached, status: 'fresh' | 'stale'): AccountView {
  const freshness = { ...cached.view.freshness };
  for (const [system, s] of Object.entries(cached.sources) as [System, { fetchedAt: string }][]) {
    const previous = cached.view.freshness[system];
    // A source that was already failing keeps its error code next to its age.
    freshness[system] = freshnessOf(s.fetchedAt, previous?.status === 'fresh' ? status : 'stale', previous?.error);
  }
  return { ...cached.view, freshness };
}

export interface ViewOptions {
  refresh?: boolean;
  /** Keeps a background revalidation alive after the response (ExecutionContext.waitUntil). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * Per-isolate copies of recently served views (LRU, bounded): the warm path then costs no KV
 * read. Only ever served while fresh; a stale copy sends the request back to KV.
 */
const hot = new Map<string, Cached>();
const HOT_MAX = 256;

function remember(key: string, cached: Cached): void {
  hot.delete(key);
  hot.set(key, cached);
  if (hot.size > HOT_MAX) hot.delete(hot.keys().next().value!);
}

function isFresh(cached: Cached): boolean {
  const oldest = Math.min(...Object.values(cached.sources).map((s) => Date.parse(s.fetchedAt)));
  return Number.isFinite(oldest) && Date.now() - oldest < FRESH_MS;
}

/** The serving-side record of a view just built (sections stay in KV for stale-if-error). */
function cachedFromView(view: AccountView): Cached {
  const sources: Cached['sources'] = {};
  for (const [system, f] of Object.entries(view.freshness) as [keyof SourceSections, FreshnessEntry][]) {
    if (f.fetchedAt) (sources as Record<string, { fetchedAt: string; sections: unknown }>)[system] = { fetchedAt: f.fetchedAt, sections: null };
  }
  return { v: 1, view, sources };
}

/** Serve the account 360 view: from cache when fresh, stale-while-revalidate, or built now. */
export async function accountView(env: Env, ctx: ServiceContext, accountId: string, opts: ViewOptions = {}): Promise<AccountView> {
  const key = cacheKey(ctx.tenantId, accountId);
  const mem = opts.refresh ? undefined : hot.get(key);
  if (mem && isFresh(mem)) return servedFromCache(mem, 'fresh');
  const cached = opts.refresh ? null : await readCache(env, key);
  if (cached) {
    remember(key, cached);
    if (isFresh(cached)) return servedFromCache(cached, 'fresh');
    if (opts.waitUntil) {
      opts.waitUntil(
        coordinatedBuild(env, ctx, accountId).catch((err: unknown) => ctx.log.warn('account_view.revalidate_failed', { code: errorCode(err) })),
      );
      return servedFromCache(cached, 'stale');
    }
  }
  const view = await coordinatedBuild(env, ctx, accountId, opts.refresh ?? false);
  remember(key, cachedFromView(view));
  return view;
}

/**
 * Drops the cached view of an account (this isolate's copy, the coordinator's just-built copy and
 * KV) after a source record or a link changed, so the next request builds it anew. Other
 * isolates' fresh copies age out within FRESH_MS, and KV deletes reach every location within its
 * ~60 s propagation.
 */
export async function invalidateAccountView(env: Env, tenantId: string, accountId: string): Promise<void> {
  const key = cacheKey(tenantId, accountId);
  hot.delete(key);
  await Promise.all([env.KV.delete(key), env.VIEWS.get(env.VIEWS.idFromName(`${tenantId}:${accountId}`)).forget()]);
}

/** Build through the account's coordinator so concurrent builds of one account coalesce. */
function coordinatedBuild(env: Env, ctx: ServiceContext, accountId: string, refresh = false): Promise<AccountView> {
  const stub = env.VIEWS.get(env.VIEWS.idFromName(`${ctx.tenantId}:${accountId}`));
  return stub.build({ tenantId: ctx.tenantId, accountId, correlationId: ctx.correlationId, refresh }).then((result) => {
    if (!result.ok) throw new ConcordError(result.error);
    return result.view as AccountView;
  });
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
): Promise<AccountView> {
  const key = cacheKey(ctx.tenantId, accountId);
  const cached = await readCache(env, key);
  const account = await getAccount(env.DB, ctx.tenantId, accountId);
  if (!account) fail({ kind: 'not_found', entity: 'account', id: accountId });
  const primary = (system: System) => account.links.find((l) => l.system === system && l.isPrimary)?.externalId ?? account.links.find((l) => l.system === system)?.externalId;
  const today = todayUtc();
  const netsuiteId = primary('netsuite');
  const vitallyId = primary('vitally');

  const [ns, vt] = await Promise.allSettled([
    netsuiteId ? fetchNetSuite(env, ctx, netsuiteId, today) : Promise.resolve(null),
    vitallyId ? fetchVitally(env, ctx, vitallyId) : Promise.resolve(null),
  ]);

  const now = new Date().toISOString();
  const sources: Cached['sources'] = {};
  const freshness: AccountView['freshness'] = {};
  // Per source: the new sections, else the last good ones (stale), else nothing (error).
  const settle = <K extends keyof SourceSections>(system: K, linked: boolean, result: PromiseSettledResult<SourceSections[K] | null>): SourceSections[K] | null => {
    if (!linked) return null;
    if (result.status === 'fulfilled' && result.value) {
      sources[system] = { fetchedAt: now, sections: result.value } as Cached['sources'][K];
      freshness[system] = freshnessOf(now, 'fresh');
      return result.value;
    }
    const code = result.status === 'rejected' ? errorCode(result.reason) : 'internal_error';
    ctx.log.warn('account_view.source_failed', { system, code });
    const previous = cached?.sources[system];
    if (previous) {
      sources[system] = previous;
      freshness[system] = freshnessOf(previous.fetchedAt, 'stale', code);
      return previous.sections as SourceSections[K];
    }
    freshness[system] = freshnessOf(null, 'error', code);
    return null;
  };
  const erp = settle('netsuite', Boolean(netsuiteId), ns);
  const cs = settle('vitally', Boolean(vitallyId), vt);

  const receivables = erp?.receivables ?? null;
  const contract = erp?.contract ?? null;
  const health = cs?.health ?? null;
  const escalations = cs?.escalations ?? null;
  const view: AccountView = {
    schemaVersion: SCHEMA_VERSION,
    tenant: ctx.tenantId,
    account: {
      id: account.id,
      name: account.name,
      legalName: erp?.facts?.legalName ?? null,
      domain: erp?.facts?.domain ?? null,
      taxId: erp?.facts?.taxId ?? null,
      currency: erp?.facts?.currency ?? receivables?.currency ?? null,
      billTo: erp?.facts?.billTo ?? null,
      shipTo: erp?.facts?.shipTo ?? null,
    },
    links: account.links.map((l) => ({ system: l.system, externalId: l.externalId })),
    receivables,
    contract,
    health,
    onboarding: cs?.onboarding ?? null,
    escalations,
    risk: erp || cs ? assessRenewalRisk({ receivables, health, contract, escalations: escalations ?? [] }, today) : null,
    owners: {
      receivables: netsuiteId ? 'netsuite' : null,
      contract: netsuiteId ? 'netsuite' : null,
      health: vitallyId ? 'vitally' : null,
      onboarding: vitallyId ? 'vitally' : null,
      escalations: vitallyId ? 'vitally' : null,
    },
    freshness,
  };
  // A mapping bug must not reach a card as a half-valid view: validate before serving or caching.
  const checked = AccountViewSchema.safeParse(view);
  if (!checked.success) {
    ctx.log.error('account_view.invalid', { issues: checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) });
    fail({ kind: 'internal', message: 'account view failed validation' });
  }
  if (Object.keys(sources).length > 0) {
    waitUntil(
      env.KV.put(key, JSON.stringify({ v: 1, view: checked.data, sources } satisfies Cached), { expirationTtl: KEEP_SECONDS }).catch((err: unknown) =>
        ctx.log.warn('account_view.cache_write_failed', { error: err instanceof Error ? err.message : String(err) }),
      ),
    );
  }
  return checked.data;
}
