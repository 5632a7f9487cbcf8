/**
 * Runs a parsed SOQL query over the org's records: resolves field paths (relationship fields
 * such as `Account.Name` and `Owner.Name` included) against the describe metadata, filters,
 * sorts, applies LIMIT/OFFSET and shapes records the way the REST API returns them; child
 * relationship subqueries nest a `{totalSize, done, records}` result (or null) per parent;
 * aggregate and GROUP BY queries answer AggregateResult records (aggregate.ts).
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../../seed/types.js';
import { SalesforceError } from '../errors.js';
import { fieldValue, recordUrl } from '../records.js';
import { findChildRelationship } from '../relationships.js';
import { resolveSObject, type SObjectType } from '../schema.js';
import { allRecords, isDeleted, sameId } from '../store.js';
import { aggregateRecords } from './aggregate.js';
import { compile, sortValue } from './filter.js';
import type { SoqlQuery } from './parser.js';
import { parentOf, resolvePath, valueAt, type ResolvedPath } from './paths.js';

export { dateRange, likeMatcher } from './filter.js';

/** Salesforce caps OFFSET at 2,000. */
export const MAX_OFFSET = 2000;

/** The result of a query before paging: matched count and the shaped records. */
export interface QueryResult {
  type: SObjectType;
  totalSize: number;
  records: Record<string, unknown>[];
  count: boolean;
}

interface RunOptions {
  today: string;
  version: string;
  includeDeleted: boolean;
}

/** Filters, sorts and pages the rows of `type` a query selects (`within`: a subquery's parent). */
function selectRows(ds: SalesforceDataset, type: SObjectType, q: SoqlQuery, opts: RunOptions, within?: (r: SalesforceRecord) => boolean): SalesforceRecord[] {
  if (q.offset !== undefined && q.offset > MAX_OFFSET) throw new SalesforceError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
  const where = q.where ? compile(ds, type, q.where, opts.today) : () => true;
  const order = q.orderBy.map((k) => {
    if (k.call) throw new SalesforceError(400, 'MALFORMED_QUERY', 'Aggregate functions in ORDER BY need an aggregate query');
    return { ...k, path: resolvePath(type, k.field) };
  });
  let rows = allRecords(ds, type).filter((r) => (opts.includeDeleted || !isDeleted(r)) && (!within || within(r)) && where(r));
  if (order.length) {
    rows = [...rows].sort((a, b) => {
      for (const k of order) {
        const av = sortValue(valueAt(ds, type, a, k.path), k.path.leaf);
        const bv = sortValue(valueAt(ds, type, b, k.path), k.path.leaf);
        if (av === bv) continue;
        if (av === null) return k.nullsLast ? 1 : -1;
        if (bv === null) return k.nullsLast ? -1 : 1;
        const c = av < bv ? -1 : 1;
        return k.desc ? -c : c;
      }
      return 0;
    });
  }
  const start = q.offset ?? 0;
  return rows.slice(start, q.limit === undefined ? undefined : start + q.limit);
}

/** One record with the selected fields; relationship fields nest as `{Account: {attributes, Name}}`. */
function shape(ds: SalesforceDataset, type: SObjectType, rec: SalesforceRecord, selected: ResolvedPath[], version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type, url: recordUrl(version, type, rec.Id) } };
  for (const path of selected) {
    if (path.hops.length === 0) {
      out[path.leaf.name] = fieldValue(type, rec, path.leaf.name);
      continue;
    }
    let target = out;
    for (let i = 0; i < path.hops.length; i++) {
      const name = path.hops[i]!.name;
      const parent = parentOf(ds, rec, path, i + 1);
      if (!parent) {
        // No parent: the relationship is null (and stays null for later paths through it).
        if (!(name in target)) target[name] = null;
        break;
      }
      const existing = target[name];
      if (existing && typeof existing === 'object') target = existing as Record<string, unknown>;
      else {
        const fresh: Record<string, unknown> = { attributes: { type: parent.type, url: recordUrl(version, parent.type, parent.rec.Id) } };
        target[name] = fresh;
        target = fresh;
      }
      if (i === path.hops.length - 1) target[path.leaf.name] = fieldValue(parent.type, parent.rec, path.leaf.name);
    }
  }
  return out;
}

/** A child-relationship subquery, resolved against the parent type: its child type and lookup field. */
function resolveSubquery(parent: SObjectType, sub: SoqlQuery): { sub: SoqlQuery; type: SObjectType; field: string; selected: ResolvedPath[] } {
  const rel = findChildRelationship(parent, sub.from);
  if (!rel) {
    throw new SalesforceError(
      400,
      'INVALID_TYPE',
      `Didn't understand relationship '${sub.from}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  if (sub.select.kind !== 'fields') throw new SalesforceError(400, 'MALFORMED_QUERY', 'Subqueries select fields only: no COUNT() or aggregate functions');
  return { sub, type: rel.childSObject, field: rel.field, selected: sub.select.fields.map((f) => resolvePath(rel.childSObject, f)) };
}

/** Runs a parsed query for one tenant's org. `includeDeleted` is `queryAll`. */
export function executeSoql(ds: SalesforceDataset, q: SoqlQuery, opts: RunOptions): QueryResult {
  const type = resolveSObject(q.from);
  if (!type) throw new SalesforceError(400, 'INVALID_TYPE', `sObject type '${q.from}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
  if (q.select.kind === 'aggregate' || q.groupBy) {
    if (q.offset !== undefined && q.offset > MAX_OFFSET) throw new SalesforceError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    const where = q.where ? compile(ds, type, q.where, opts.today) : () => true;
    const rows = allRecords(ds, type).filter((r) => (opts.includeDeleted || !isDeleted(r)) && where(r));
    const records = aggregateRecords(ds, type, q, rows, opts.today);
    return { type, totalSize: records.length, records, count: false };
  }
  // Resolve every path before touching a row, so a bad field fails even on an empty result.
  const selected = q.select.kind === 'fields' ? q.select.fields.map((f) => resolvePath(type, f)) : [];
  const subqueries = q.select.kind === 'fields' ? (q.select.subqueries ?? []).map((s) => resolveSubquery(type, s)) : [];
  const rows = selectRows(ds, type, q, opts);
  if (q.select.kind === 'count') return { type, totalSize: rows.length, records: [], count: true };
  const records = rows.map((rec) => {
    const out = shape(ds, type, rec, selected, opts.version);
    for (const s of subqueries) {
      const children = selectRows(ds, s.type, s.sub, opts, (r) => typeof r[s.field] === 'string' && sameId(r[s.field] as string, rec.Id));
      // A parent without children gets null, not an empty result.
      out[findChildRelationship(type, s.sub.from)!.relationshipName!] = children.length
        ? { totalSize: children.length, done: true, records: children.map((c) => shape(ds, s.type, c, s.selected, opts.version)) }
        : null;
    }
    return out;
  });
  return { type, totalSize: records.length, records, count: false };
}
