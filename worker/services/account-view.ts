/**
 * Serving the account 360 view from its cache (`view:v3:<tenant>:<account>` in KV, plus a
 * per-isolate copy, account-view-hot.ts); building it lives in account-view-build.ts, the
 * background revalidation in account-view-revalidate.ts.
 *
 * Freshness, per request:
 * - this isolate has a copy younger than FRESH_MS: served as is (no round trip at all);
 * - this isolate has an older copy: served at once, its `ok` sections marked `stale` with their
 *   age, and revalidated in the background (stale-while-revalidate). Nothing on the request path
 *   waits for the rebuild, the coordinator, the limiter or a vendor, so a slow ERP costs a stale
 *   read nothing (docs/performance.md);
 * - no copy here: one KV read, then the same two cases;
 * - not cached anywhere (or `refresh`): built now.
 * Builds go through the account's ViewCoordinator Durable Object, which runs one build at a time
 * per account: 50 concurrent cold requests cause one upstream fetch per source, not 50.
 * A source that fails keeps its last good sections, marked `stale` with the error code, or shows
 * `unavailable` with the code when there is nothing to fall back on (stale-if-error).
 */
import type { Env } from '../env.js';
import type { CsPart } from '../model/changes.js';
import type { AccountView } from '../model/index.js';
import type { BuildRequest } from '../storage/objects/view-coordinator.js';
import { coordinatorFor } from '../storage/objects/view-shards.js';
import { cacheKey, readCache, servedFromCache, type Servable } from './account-view-cache.js';
import { forget, hotCopy, isFresh, remember, servableFromView } from './account-view-hot.js';
import { coordinatedBuild, revalidateInBackground } from './account-view-revalidate.js';
import type { ServiceContext } from './context.js';

export { buildAccountView } from './account-view-build.js';
export { FRESH_MS } from './account-view-hot.js';

export interface ViewOptions {
  refresh?: boolean;
  /** Keeps a background revalidation alive after the response (ExecutionContext.waitUntil). */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Resolves when the answer has been written out; a background revalidation starts then (http/view-answer.ts). */
  written?: Promise<void>;
  /**
   * The caller has just looked in the cache for this account and found nothing
   * (`cachedAccountView` answered `miss`): build without asking KV a second time.
   */
  knownMiss?: boolean;
  /**
   * The account's ERP and CS record ids as the caller just read them with its link (a card): a
   * build starts those calls at once, alongside its own account read, which checks them.
   */
  sourceIds?: BuildRequest['sourceIds'];
}

/** What the cache holds for an account, served (fresh, or stale and revalidating) or not. */
type CacheAnswer = { served: AccountView } | { cached: Servable | null };

/**
 * The cache step shared by `accountView` and `cachedAccountView`: this isolate's copy, else one
 * KV read. A fresh copy is served; a stale one is served and revalidated in the background when
 * the caller can keep that alive (`waitUntil`); `accept` may refuse a copy before either happens.
 */
async function fromCache(env: Env, ctx: ServiceContext, accountId: string, opts: ViewOptions, accept?: (view: AccountView) => boolean): Promise<CacheAnswer | { refused: true }> {
  const trace = ctx.trace;
  const key = cacheKey(ctx.tenantId, accountId);
  const started = trace?.elapsed() ?? 0;
  const note = (what: string) => trace?.add('cache', started, trace.elapsed() - started, what);
  let cached: Servable | null = hotCopy(key) ?? null;
  const where = cached ? 'memory' : 'kv';
  if (!cached) {
    cached = await readCache(env, key);
    if (cached) remember(key, cached);
  }
  if (cached && accept && !accept(cached.view)) {
    note(`${where}, not this record's`);
    return { refused: true };
  }
  if (cached && isFresh(cached)) {
    note(`${where}, fresh`);
    return { served: servedFromCache(cached, 'fresh') };
  }
  if (cached && opts.waitUntil) {
    // Queued in this isolate's background; the request waits for none of it.
    revalidateInBackground(env, ctx, accountId, opts.waitUntil, opts.written);
    note(`${where}, stale: revalidating in the background`);
    return { served: servedFromCache(cached, 'stale') };
  }
  note(cached ? `${where}, stale` : `${where}, miss`);
  return { cached };
}

/** Serve the account 360 view: from cache when fresh, stale-while-revalidate, or built now. */
export async function accountView(env: Env, ctx: ServiceContext, accountId: string, opts: ViewOptions = {}): Promise<AccountView> {
  let cached: Servable | null = null;
  if (!opts.refresh && !opts.knownMiss) {
    const answer = await fromCache(env, ctx, accountId, opts);
    if ('served' in answer) return answer.served;
    if ('cached' in answer) cached = answer.cached;
  }
  const request = {
    mode: opts.refresh ? ('refresh' as const) : ('cold' as const),
    ...(!opts.refresh && !cached ? { noCachedView: true } : {}),
    ...(opts.sourceIds ? { sourceIds: opts.sourceIds } : {}),
  };
  const build = () => coordinatedBuild(env, ctx, accountId, request);
  const view = await (ctx.trace ? ctx.trace.span('coordinator', build) : build());
  remember(cacheKey(ctx.tenantId, accountId), servableFromView(view));
  return view;
}

/**
 * The account's cached view, served as `accountView` serves it (fresh, or stale and revalidated
 * in the background), but only if `accept` approves the cached copy: `refused` when it does not,
 * `miss` when nothing is cached. Builds nothing. Cards use it to serve a remembered record -> account link with no link read: the view
 * lists the account's records, so it confirms the link itself (services/crm-record.ts `rememberedRecord`).
 */
export async function cachedAccountView(
  env: Env,
  ctx: ServiceContext,
  accountId: string,
  accept: (view: AccountView) => boolean,
  opts: Required<Pick<ViewOptions, 'waitUntil'>> & Pick<ViewOptions, 'written'>,
): Promise<{ view: AccountView } | { miss: true } | { refused: true }> {
  const answer = await fromCache(env, ctx, accountId, opts, accept);
  if ('served' in answer) return { view: answer.served };
  return 'refused' in answer ? answer : { miss: true };
}

/**
 * Drops the cached view of an account (this isolate's copy, the coordinator's just-built copy and
 * KV) after a source record or a link changed, so the next request builds it anew. Other
 * isolates serve their copies (as `stale` once older than FRESH_MS, while they rebuild), and KV
 * deletes reach every location within ~60 s.
 */
export async function invalidateAccountView(env: Env, tenantId: string, accountId: string): Promise<void> {
  const key = cacheKey(tenantId, accountId);
  forget(key);
  await Promise.all([env.KV.delete(key), coordinatorFor(env, tenantId, accountId).forget(tenantId, accountId)]);
}

/**
 * Rebuilds a cached view at once after a change in `sources` (the change pipeline, not a
 * request): this isolate's copy is dropped, and the account's coordinator fetches those sources
 * again (of the CS source only the `csParts` that changed, when given and the rest is fresh),
 * keeps the others' fresh answers and stores the result before answering. Null when no
 * view of the account is cached: there is nothing to rebuild, the next request builds it.
 */
export async function rebuildAccountView(env: Env, ctx: ServiceContext, accountId: string, sources: readonly ('netsuite' | 'vitally')[], csParts?: readonly CsPart[]): Promise<AccountView | null> {
  const key = cacheKey(ctx.tenantId, accountId);
  forget(key);
  if (!(await readCache(env, key))) return null;
  const view = await coordinatedBuild(env, ctx, accountId, { refetch: [...sources], ...(csParts ? { csParts: [...csParts] } : {}) });
  remember(key, servableFromView(view));
  return view;
}
