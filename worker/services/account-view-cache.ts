/**
 * What the account view keeps in KV (`view:v3:<tenant>:<account>`) and how a cached view is
 * served later: its freshness stamps recomputed for now, and its sections aged (an `ok` section
 * served after the freshness window becomes `stale` with its age).
 *
 * The key carries the view's schema version: a view cached by an older broker (v1's `null`
 * sections, v2 without the finance hold) is never read back and served under the v3 contract;
 * it simply expires.
 */
import { z } from 'zod';
import {
  SOURCE_SECTIONS,
  aged,
  type AccountView,
  type ContractSection,
  type Escalation,
  type FreshnessEntry,
  type HealthSection,
  type OnboardingSection,
  type ReceivablesSection,
  type Section,
  type SystemName,
} from '../model/index.js';

/** Version of the cached record (the view's schema version); part of the key so older records are never read. */
export const CACHE_VERSION = 3;

/** What one source answered; `null` means the source answered and has none. */
export interface SourceSections {
  netsuite: {
    facts: Omit<AccountView['account'], 'id' | 'name'> | null;
    /** Null only when the ERP knows neither a currency nor an invoice of the customer (totals need a currency). */
    receivables: ReceivablesSection | null;
    contract: ContractSection | null;
  };
  vitally: {
    health: HealthSection | null;
    onboarding: OnboardingSection | null;
    /** Open escalations; null when there are none. */
    escalations: Escalation[] | null;
    /** The CS platform's web app for this tenant (see CsPort.webAppUrl). */
    webApp: string | null;
  };
}

/** A source's last good answer and when it was fetched. */
export interface SourceRecord<K extends keyof SourceSections> {
  fetchedAt: string;
  sections: SourceSections[K];
}

/** The cached record: the view as built plus each source's last good answer (for stale-if-error). */
export interface Cached {
  v: typeof CACHE_VERSION;
  view: AccountView;
  sources: Partial<{ [K in keyof SourceSections]: SourceRecord<K> }>;
}

const CachedSchema = z.object({
  v: z.literal(CACHE_VERSION),
  view: z.object({ schemaVersion: z.number() }).passthrough(),
  sources: z.record(z.string(), z.object({ fetchedAt: z.string(), sections: z.unknown() })),
});

/** KV key of an account's view. */
export const cacheKey = (tenantId: string, accountId: string) => `view:v${CACHE_VERSION}:${tenantId}:${accountId}`;

/** The part of a KV namespace the cache reads (kept structural so this module loads outside workerd). */
interface KvReader {
  get(key: string, type: 'json'): Promise<unknown>;
}

/** The cached record, or null when there is none (or it is not a record of this version). */
export async function readCache(env: { KV: KvReader }, key: string): Promise<Cached | null> {
  const parsed = CachedSchema.safeParse(await env.KV.get(key, 'json'));
  return parsed.success ? (parsed.data as unknown as Cached) : null;
}

/** Whole seconds since `fetchedAt` (never negative). */
export function ageSeconds(fetchedAt: string, now = Date.now()): number {
  return Math.max(0, Math.floor((now - Date.parse(fetchedAt)) / 1000));
}

/** A freshness stamp for data fetched at `fetchedAt` (null: never fetched). */
export function freshnessOf(fetchedAt: string | null, status: FreshnessEntry['status'], error?: string): FreshnessEntry {
  return { status, fetchedAt, ageSeconds: fetchedAt ? ageSeconds(fetchedAt) : null, ...(error ? { error } : {}) };
}

/** A view with the fetch instant of each source behind it (a KV record, or the per-isolate copy). */
export interface Servable {
  view: AccountView;
  sources: Partial<Record<SystemName, { fetchedAt: string }>>;
}

/** The cached view as served now: freshness stamps recomputed, sections aged per their source. */
export function servedFromCache(cached: Servable, status: 'fresh' | 'stale'): AccountView {
  const freshness = { ...cached.view.freshness };
  const ages: Partial<Record<SystemName, { ageSeconds: number; fresh: boolean }>> = {};
  for (const [system, s] of Object.entries(cached.sources) as [SystemName, { fetchedAt: string }][]) {
    const previous = cached.view.freshness[system];
    // A source that was already failing keeps its error code next to its age.
    const entry = freshnessOf(s.fetchedAt, previous?.status === 'fresh' ? status : 'stale', previous?.error);
    freshness[system] = entry;
    ages[system] = { ageSeconds: entry.ageSeconds ?? 0, fresh: entry.status === 'fresh' };
  }
  const view: AccountView = { ...cached.view, freshness };
  const sections = view as unknown as Record<(typeof SOURCE_SECTIONS)[number], Section<unknown>>;
  for (const key of SOURCE_SECTIONS) {
    const owner = view.owners[key];
    const age = owner ? ages[owner] : undefined;
    if (age) sections[key] = aged(sections[key], age.ageSeconds, age.fresh);
  }
  return view;
}
