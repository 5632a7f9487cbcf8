/**
 * CRM search semantics, pure: filter groups are OR-ed, filters inside a group AND-ed; operators
 * as documented for `POST /crm/v3/objects/{type}/search`.
 * https://developers.hubspot.com/docs/api/crm/search#filter-search-results
 */
import { z } from 'zod';
import type { HubSpotProperty } from '../seed/types.js';
import { wildcardMatch as matchWildcard } from '../core/wildcard.js';

const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** One filter of a search request. */
export const filterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
export type Filter = z.infer<typeof filterSchema>;

/** Search limits: 5 groups, 6 filters per group, 18 filters in all. */
export const searchRequestSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema).max(6) })).max(5).default([]),
  sorts: z
    .array(
      z.preprocess(
        // @hubspot/api-client types `sorts` as string[]; callers often pass JSON-encoded sort objects.
        (v) => {
          if (typeof v !== 'string' || !v.trim().startsWith('{')) return v;
          try {
            return JSON.parse(v) as unknown;
          } catch {
            return v;
          }
        },
        z.union([z.string(), z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') })]),
      ),
    )
    .default([]),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(0).max(200).default(10),
  after: z.union([z.string(), z.number()]).transform(String).optional(),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;

type PropType = HubSpotProperty['type'];

/** Turns a property value into something comparable for its declared type. */
function comparable(raw: string, type: PropType | undefined): number | string {
  if (type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw.toLowerCase();
  }
  if (type === 'date' || type === 'datetime') {
    // HubSpot accepts epoch milliseconds or ISO 8601 for date filters.
    const asNum = Number(raw);
    const t = /^\d+$/.test(raw) && Number.isFinite(asNum) ? asNum : Date.parse(raw);
    return Number.isFinite(t) ? t : raw.toLowerCase();
  }
  return raw.toLowerCase();
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Word tokens of a text value, for CONTAINS_TOKEN. */
function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}@.\-_]+/u).filter(Boolean);
}

/**
 * `*` in a CONTAINS_TOKEN value is a wildcard; the rest matches literally (case-insensitive).
 * Linear-time (sandbox/core/wildcard.ts), so `*a*a*a*...` cannot backtrack exponentially.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  return matchWildcard(Array.from(text.toLowerCase()), Array.from(pattern.toLowerCase()), (c) => c === '*', (c, ch) => c === ch);
}

/** True when the record's properties satisfy one filter. */
export function matchesFilter(props: Record<string, string | null>, filter: Filter, type: PropType | undefined): boolean {
  const raw = props[filter.propertyName];
  const present = raw !== null && raw !== undefined && raw !== '';
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return present;
    case 'NOT_HAS_PROPERTY':
      return !present;
    case 'IN':
    case 'NOT_IN': {
      const set = (filter.values ?? []).map((v) => comparable(v, type));
      const hit = present && set.some((v) => compare(comparable(raw, type), v) === 0);
      return filter.operator === 'IN' ? hit : !hit;
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const pattern = filter.value ?? '';
      const hit = present && (wildcardMatch(pattern, raw) || tokens(raw).some((t) => wildcardMatch(pattern, t)));
      return filter.operator === 'CONTAINS_TOKEN' ? hit : !hit;
    }
    case 'NEQ':
      return !present || compare(comparable(raw, type), comparable(filter.value ?? '', type)) !== 0;
    default:
      break;
  }
  if (!present) return false;
  const v = comparable(raw, type);
  const target = comparable(filter.value ?? '', type);
  switch (filter.operator) {
    case 'EQ':
      return compare(v, target) === 0;
    case 'LT':
      return compare(v, target) < 0;
    case 'LTE':
      return compare(v, target) <= 0;
    case 'GT':
      return compare(v, target) > 0;
    case 'GTE':
      return compare(v, target) >= 0;
    case 'BETWEEN':
      return compare(v, target) >= 0 && compare(v, comparable(filter.highValue ?? '', type)) <= 0;
  }
}

/** OR over groups of AND-ed filters; no groups matches everything. */
export function matchesFilterGroups(
  props: Record<string, string | null>,
  groups: SearchRequest['filterGroups'],
  typeOf: (name: string) => PropType | undefined,
): boolean {
  if (groups.length === 0) return true;
  return groups.some((g) => g.filters.every((f) => matchesFilter(props, f, typeOf(f.propertyName))));
}

/** Free-text `query`: a prefix match on any word of the default searchable properties. */
export function matchesQuery(props: Record<string, string | null>, query: string, searchable: string[]): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return searchable.some((name) => {
    const value = props[name];
    return typeof value === 'string' && (value.toLowerCase().startsWith(q) || tokens(value).some((t) => t.startsWith(q)));
  });
}

/** Sort comparator for `sorts` (string entries sort ascending; a leading '-' sorts descending). */
export function sortComparator(
  sorts: SearchRequest['sorts'],
  typeOf: (name: string) => PropType | undefined,
): (a: { id: string; properties: Record<string, string | null> }, b: { id: string; properties: Record<string, string | null> }) => number {
  const keys = sorts.map((s) =>
    typeof s === 'string' ? { name: s.replace(/^-/, ''), desc: s.startsWith('-') } : { name: s.propertyName, desc: s.direction === 'DESCENDING' },
  );
  return (a, b) => {
    for (const k of keys) {
      const av = a.properties[k.name];
      const bv = b.properties[k.name];
      if (av === bv) continue;
      // Records without the property sort last either way.
      if (av === null || av === undefined || av === '') return 1;
      if (bv === null || bv === undefined || bv === '') return -1;
      const c = compare(comparable(av, typeOf(k.name)), comparable(bv, typeOf(k.name)));
      if (c !== 0) return k.desc ? -c : c;
    }
    return Number(a.id) - Number(b.id);
  };
}
