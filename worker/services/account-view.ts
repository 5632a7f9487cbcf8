/**
 * Serving the account 360 view from its cache (`view:v2:<tenant>:<account>` in KV, plus a
 * per-isolate copy); building it lives in account-view-build.ts.
 *
 * Freshness, per request:
 * - cached and younger than FRESH_MS: served as is (warm path: one KV read, no upstream call);
 * - cached but older: served at once, its `ok` sections marked `stale` with their age, and
 *   rebuilt in the background (stale-while-revalidate), so a slow ERP never sits on the request path;
 * - not cached (or `refresh`): built now.
 * Builds go through the account's ViewCoordinator Durable Object, which runs one build at a time
 * per account: 50 concurrent cold requests cause one upstream fetch per source, not 50.
 * A source that fails keeps its last good sections, marked `stale` with the error code, or shows
 * `unavailable` with the code when there is nothing to fall back on (stale-if-error).
 */
import type { Env } from '../env.js';
import { ConcordError } from '../errors.js';
import type { AccountView, FreshnessEntry } from '../model/index.js';
import type { System } from '../storage/connections.js';
import { errorCode } from './account-view-build.js';
import { cacheKey, readCache, servedFromCache, type Servable } from './account-view-cache.js';
import type { ServiceContext } from './context.js';

export { buildAccountView } from './account-view-build.js';

/** A cached view younger than this is served without asking the sources. */
export const FRESH_MS = 60_000;

export interface ViewOptions {
  refresh?: boolean;
  /** Keeps a background revalidation alive after the response (ExecutionContext.waitUntil). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * Per-isolate copies of recently served views (LRU, bounded): the warm path then costs no KV
 * read. Only ever served while fresh, and for at most `HOT_MS` after this isolate read or built
 * it: a change's rebuild (worker/flows/account-changes) runs in the queue consumer's isolate, and
 * other isolates see it in KV within that window instead of serving their own copy for a minute.
 */
const hot = new Map<string, Servable & { at: number }>();
const HOT_MAX = 256;
export const HOT_MS = 2_000;

const newest = (s: Servable) => Math.max(...Object.values(s.sources).map((x) => Date.parse(x.fetchedAt)), 0);

function remember(key: string, cached: Servable): void {
  // A request that read the KV copy just before a change's rebuild replaced it must not put the
  // older copy back over the rebuilt one.
  const current = hot.get(key);
  if (current && newest(current) > newest(cached)) return;
  hot.delete(key);
  hot.set(key, { ...cached, at: Date.now() });
  if (hot.size > HOT_MAX) hot.delete(hot.keys().next().value!);
}

function isFresh(cached: Servable): boolean {
  const oldest = Math.min(...Object.values(cached.sources).map((s) => Date.parse(s.fetchedAt)));
  return Number.isFinite(oldest) && Date.now() - oldest < FRESH_MS;
}

/** The serving-side record of a view just built (the sources' answers stay in KV for stale-if-error). */
function servableFromView(view: AccountView): Servable {
  const sources: Servable['sources'] = {};
  for (const [system, f] of Object.entries(view.freshness) as [System, FreshnessEntry][]) {
    if (f.fetchedAt) sources[system] = { fetchedAt: f.fetchedAt };
  }
  return { view, sources };
}

/** Serve the account 360 view: from cache when fresh, stale-while-revalidate, or built now. */
export async function accountView(env: Env, ctx: ServiceContext, accountId: string, opts: ViewOptions = {}): Promise<AccountView> {
  const key = cacheKey(ctx.tenantId, accountId);
  const mem = opts.refresh ? undefined : hot.get(key);
  if (mem && Date.now() - mem.at < HOT_MS && isFresh(mem)) return servedFromCache(mem, 'fresh');
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
  remember(key, servableFromView(view));
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

/**
 * Rebuilds a cached view at once after a change in `sources` (the change pipeline, not a
 * request): this isolate's copy is dropped, and the account's coordinator fetches those sources
 * again, keeps the others' fresh answers and stores the result before answering. Null when no
 * view of the account is cached: there is nothing to rebuild, the next request builds it.
 */
export async function rebuildAccountView(env: Env, ctx: ServiceContext, accountId: string, sources: readonly ('netsuite' | 'vitally')[]): Promise<AccountView | null> {
  const key = cacheKey(ctx.tenantId, accountId);
  hot.delete(key);
  if (!(await readCache(env, key))) return null;
  const view = await coordinatedBuild(env, ctx, accountId, true, [...sources]);
  remember(key, servableFromView(view));
  return view;
}

/** Build through the account's coordinator so concurrent builds of one account coalesce. */
function coordinatedBuild(env: Env, ctx: ServiceContext, accountId: string, refresh = false, refetch?: ('netsuite' | 'vitally')[]): Promise<AccountView> {
  const stub = env.VIEWS.get(env.VIEWS.idFromName(`${ctx.tenantId}:${accountId}`));
  return stub.build({ tenantId: ctx.tenantId, accountId, correlationId: ctx.correlationId, refresh, ...(refetch ? { refetch } : {}) }).then((result) => {
    if (!result.ok) throw new ConcordError(result.error);
    return result.view as AccountView;
  });
}
