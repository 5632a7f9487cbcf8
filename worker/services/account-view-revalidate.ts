/**
 * Rebuilding views through the account's ViewCoordinator, and the background revalidation of
 * stale ones. Per isolate, a revalidation runs at most once per account at a time (another stale
 * read of the account joins it), at most BACKGROUND_MAX (one) at once, begun after the stale
 * answer has been written out (the route's `written` signal, http/view-answer.ts) (the rest wait
 * their turn on their own timers, `inTurn`, so a burst of stale reads does not turn into a burst
 * of builds competing with the requests being served), and after one in
 * which a source failed, the account is not revalidated again for FAILED_SOURCE_PAUSE_MS: a slow
 * or failing vendor never multiplies rebuilds. Each one first looks in KV (another isolate may
 * have rebuilt the view already; not when this isolate read it within HOT_MS), then asks the
 * coordinator, which runs one build per account
 * across isolates. It uses the bindings untraced: none of it is the request's work.
 */
import type { Env } from '../env.js';
import { ConcordError } from '../errors.js';
import type { AccountView } from '../model/index.js';
import { rawEnv } from '../ops/traced-env.js';
import type { BuildRequest } from '../storage/objects/view-coordinator.js';
import { coordinatorFor } from '../storage/objects/view-shards.js';
import { cacheKey, readCache } from './account-view-cache.js';
import { FAILED_SOURCE_PAUSE_MS, hotCopy, isFresh, remember, servableFromView } from './account-view-hot.js';
import { errorCode } from './account-view-build.js';
import type { ServiceContext } from './context.js';

/**
 * Background revalidations running at once in one isolate: one, so they take little of the
 * isolate's CPU from the requests it serves, and most of the ERP's concurrency pool stays free
 * for views a user waits for (docs/performance.md).
 */
export const BACKGROUND_MAX = 1;

/** Build through the account's coordinator so concurrent builds of one account coalesce. */
export async function coordinatedBuild(env: Env, ctx: ServiceContext, accountId: string, opts: Pick<BuildRequest, 'mode' | 'noCachedView' | 'refetch' | 'csParts' | 'sourceIds'> = {}): Promise<AccountView> {
  const stub = coordinatorFor(env, ctx.tenantId, accountId);
  const result = await stub.build({ tenantId: ctx.tenantId, accountId, correlationId: ctx.correlationId, ...opts });
  if (!result.ok) throw new ConcordError(result.error);
  return result.view as AccountView;
}

const running = new Map<string, Promise<void>>();
const pausedUntil = new Map<string, number>();
let active = 0;

/**
 * Runs `fn` once fewer than BACKGROUND_MAX revalidations run. A waiting revalidation checks again
 * on its own timers (5 ms, doubling to 100 ms) rather than being woken by the one that ends: each
 * runs in the `waitUntil` of the request that found its view stale, and workerd cancels the
 * continuation of a promise resolved from another request's context ("A promise was resolved or
 * rejected from a different request context"). A queue of resolvers therefore dropped every
 * revalidation that had to wait, and left its account marked running in the isolate for good,
 * so that account was never revalidated there again.
 */
async function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  for (let wait = 5; active >= BACKGROUND_MAX; wait = Math.min(wait * 2, 100)) await new Promise((resolve) => setTimeout(resolve, wait));
  active += 1;
  try {
    return await fn();
  } finally {
    active -= 1;
  }
}

function pause(key: string): void {
  const now = Date.now();
  if (pausedUntil.size > 1000) for (const [k, until] of pausedUntil) if (until <= now) pausedUntil.delete(k);
  pausedUntil.set(key, now + FAILED_SOURCE_PAUSE_MS);
}

async function revalidate(env: Env, ctx: ServiceContext, accountId: string, key: string): Promise<void> {
  // KV is asked first only once this isolate's copy is older than HOT_MS, as when serving: a copy
  // read from KV (or rebuilt here) in the last two seconds already says what KV has, and reading
  // and parsing the record again only took the isolate's time from the answers it serves.
  const mine = hotCopy(key);
  const kv = mine ? null : await readCache(env, key);
  if (kv && isFresh(kv)) {
    remember(key, kv);
    return;
  }
  const built = servableFromView(await coordinatedBuild(env, ctx, accountId, { mode: 'revalidate' }));
  remember(key, built);
  // Still not fresh: a source failed (its last good answer is in the view as stale).
  if (!isFresh(built)) pause(key);
}

/**
 * Revalidate the account's view in the background (kept alive by `waitUntil`). Returns at once;
 * does nothing when a revalidation of the account is running or paused.
 */
export function revalidateInBackground(env: Env, ctx: ServiceContext, accountId: string, waitUntil: (p: Promise<unknown>) => void, written?: Promise<void>): void {
  const key = cacheKey(ctx.tenantId, accountId);
  if (running.has(key) || (pausedUntil.get(key) ?? 0) > Date.now()) return;
  const background: ServiceContext = { tenantId: ctx.tenantId, correlationId: ctx.correlationId, log: ctx.log };
  // Begun once the stale answer has been written out (http/view-answer.ts), else on a later turn of the event loop.
  const job = (written ?? new Promise<void>((resolve) => setTimeout(resolve, 0)))
    .then(() => inTurn(() => revalidate(rawEnv(env), background, accountId, key)))
    .catch((err: unknown) => {
      pause(key);
      ctx.log.warn('account_view.revalidate_failed', { code: errorCode(err) });
    })
    .finally(() => running.delete(key));
  running.set(key, job);
  waitUntil(job);
}

/** True while a background revalidation of the account runs or waits its turn in this isolate (tests). */
export function isRevalidating(tenantId: string, accountId: string): boolean {
  return running.has(cacheKey(tenantId, accountId));
}
