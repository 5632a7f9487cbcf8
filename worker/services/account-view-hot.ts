/**
 * This isolate's copies of recently served account views (LRU, bounded): a fresh copy is served
 * with no round trip at all, a stale one is served at once while it is revalidated in the
 * background. Other isolates keep their own copies; KV is the copy they share.
 */
import type { AccountView, FreshnessEntry } from '../model/index.js';
import type { System } from '../storage/connections.js';
import type { Servable } from './account-view-cache.js';

/** A cached view younger than this is served without asking the sources. */
export const FRESH_MS = 60_000;

/**
 * After a build in which a source failed, the account's view is not revalidated in the background
 * for this long (the coordinator answers from that build meanwhile): a failing vendor is asked
 * again after a pause, not once per stale read.
 */
export const FAILED_SOURCE_PAUSE_MS = 30_000;

const hot = new Map<string, Servable & { at: number }>();
const HOT_MAX = 256;
/**
 * How long this isolate serves its own copy before asking KV again: a change's rebuild
 * (worker/flows/account-changes) runs in the queue consumer's isolate, and other isolates see it
 * in KV within this window instead of serving their own copy for a minute.
 */
export const HOT_MS = 2_000;

/** Keep (or replace) this isolate's copy of the view under `key`; never an older copy over a newer one. */
export function remember(key: string, cached: Servable): void {
  // A request that read the KV copy just before a change's rebuild replaced it must not put the
  // older copy back over the rebuilt one.
  const current = hot.get(key);
  if (current && newestFetch(current) > newestFetch(cached)) return;
  hot.delete(key);
  hot.set(key, { ...cached, at: Date.now() });
  if (hot.size > HOT_MAX) hot.delete(hot.keys().next().value!);
}

/** This isolate's copy, while it is younger than HOT_MS here (then KV is asked again). */
export function hotCopy(key: string): Servable | undefined {
  const copy = hot.get(key);
  return copy && Date.now() - copy.at < HOT_MS ? copy : undefined;
}

export function forget(key: string): void {
  hot.delete(key);
}

/** The serving-side record of a view just built (the sources' answers stay in KV for stale-if-error). */
export function servableFromView(view: AccountView): Servable {
  const sources: Servable['sources'] = {};
  for (const [system, f] of Object.entries(view.freshness) as [System, FreshnessEntry][]) {
    if (f.fetchedAt) sources[system] = { fetchedAt: f.fetchedAt };
  }
  return { view, sources };
}

/** True while the oldest source behind the view is younger than FRESH_MS. */
export function isFresh(cached: Servable): boolean {
  const oldest = Math.min(...Object.values(cached.sources).map((s) => Date.parse(s.fetchedAt)));
  return Number.isFinite(oldest) && Date.now() - oldest < FRESH_MS;
}

/** The newest fetch behind a view (to tell which of two copies is newer). */
export function newestFetch(cached: Servable): number {
  return Math.max(0, ...Object.values(cached.sources).map((s) => Date.parse(s.fetchedAt)).filter(Number.isFinite));
}
