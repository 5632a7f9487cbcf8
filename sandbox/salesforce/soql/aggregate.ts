/**
 * Aggregate SOQL: `GROUP BY` with `COUNT()`, `COUNT(field)`, `COUNT_DISTINCT`, `SUM`, `AVG`, `MIN`
 * and `MAX`, `HAVING` and `ORDER BY` over the groups. Each group is one `AggregateResult` record
 * (`attributes` has a type and no url); aggregates without an alias are named `expr0`, `expr1`, ...
 * in SELECT order, and a grouped relationship field keeps only its field name (`Account.Name`
 * answers as `Name`). Without GROUP BY the whole result is one group, even when no row matched.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_agg_functions.htm
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_groupby.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../../seed/types.js';
import { malformed } from '../errors.js';
import type { SObjectType } from '../schema.js';
import { NUMBER_TYPES, compile, sortValue } from './filter.js';
import type { AggregateCall, AggregateItem, Condition, Literal, SoqlQuery } from './parser.js';
import { resolvePath, valueAt, type ResolvedPath, type Scalar } from './paths.js';

type Group = { rows: SalesforceRecord[] };

const pathKey = (p: ResolvedPath) => [...p.hops.map((h) => h.name), p.leaf.name].join('.').toLowerCase();

/** A resolved aggregate call, its field's type checked against the function. */
interface Aggregate {
  call: AggregateCall;
  path: ResolvedPath | null;
}

function resolveCall(type: SObjectType, call: AggregateCall): Aggregate {
  if (call.field === null) return { call, path: null };
  const path = resolvePath(type, call.field);
  const t = path.leaf.type;
  const numeric = NUMBER_TYPES.has(t);
  const ok =
    call.fn === 'SUM' || call.fn === 'AVG' ? numeric : call.fn === 'MIN' || call.fn === 'MAX' ? t !== 'boolean' && t !== 'textarea' : t !== 'textarea';
  if (!ok) throw malformed(`field ${path.leaf.name} does not support aggregate operator ${call.fn}`);
  return { call, path };
}

/** Strips floating-point noise from sums and averages of money. */
const tidy = (n: number) => Math.round(n * 1e8) / 1e8;

function compute(ds: SalesforceDataset, type: SObjectType, agg: Aggregate, rows: SalesforceRecord[]): Scalar {
  if (!agg.path) return rows.length;
  const path = agg.path;
  const values = rows.map((r) => valueAt(ds, type, r, path)).filter((v): v is Exclude<Scalar, null> => v !== null);
  switch (agg.call.fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size;
    case 'SUM':
      return values.length ? tidy(values.reduce<number>((s, v) => s + Number(v), 0)) : null;
    case 'AVG':
      return values.length ? tidy(values.reduce<number>((s, v) => s + Number(v), 0) / values.length) : null;
    case 'MIN':
    case 'MAX': {
      if (!values.length) return null;
      const sign = agg.call.fn === 'MIN' ? -1 : 1;
      return values.reduce((best, v) => (sign * compareScalars(sortValue(v, path.leaf), sortValue(best, path.leaf)) > 0 ? v : best));
    }
  }
}

function compareScalars(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** `HAVING COUNT(Id) > 1`: an aggregate compared with a number, text or date literal. */
function aggregateHolds(value: Scalar, op: string, lit: Literal): boolean {
  if (lit.kind === 'null') return op === '=' ? value === null : op === '!=' ? value !== null : false;
  if (value === null) return op === '!=';
  const right = lit.kind === 'number' ? lit.value : 'value' in lit ? String(lit.value).toLowerCase() : '';
  const left = typeof right === 'number' ? Number(value) : String(value).toLowerCase();
  const c = compareScalars(left, right);
  switch (op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

/** HAVING as a group predicate: aggregates per group, grouped fields on the group's first row. */
function havingPredicate(ds: SalesforceDataset, type: SObjectType, cond: Condition, grouped: Set<string>, today: string): (g: Group) => boolean {
  switch (cond.kind) {
    case 'and':
    case 'or': {
      const parts = cond.items.map((c) => havingPredicate(ds, type, c, grouped, today));
      return cond.kind === 'and' ? (g) => parts.every((p) => p(g)) : (g) => parts.some((p) => p(g));
    }
    case 'not': {
      const inner = havingPredicate(ds, type, cond.item, grouped, today);
      return (g) => !inner(g);
    }
    case 'agg': {
      const agg = resolveCall(type, cond.call);
      return (g) => aggregateHolds(compute(ds, type, agg, g.rows), cond.op, cond.value);
    }
    default: {
      if (!grouped.has(pathKey(resolvePath(type, cond.field)))) throw malformed(`Field must be grouped or aggregated: ${cond.field}`);
      const test = compile(ds, type, cond, today);
      return (g) => g.rows.length > 0 && test(g.rows[0]!);
    }
  }
}

/** The AggregateResult records of an aggregate or GROUP BY query over the rows WHERE kept. */
export function aggregateRecords(ds: SalesforceDataset, type: SObjectType, q: SoqlQuery, rows: SalesforceRecord[], today: string): Record<string, unknown>[] {
  const items: AggregateItem[] =
    q.select.kind === 'aggregate' ? q.select.items : q.select.kind === 'fields' && !q.select.subqueries ? q.select.fields.map((field) => ({ kind: 'field' as const, field })) : [];
  if (q.select.kind === 'fields' && q.select.subqueries) throw malformed('Aggregate queries cannot have child-relationship subqueries');
  const groupPaths = (q.groupBy ?? []).map((f) => resolvePath(type, f));
  for (const p of groupPaths) if (p.leaf.type === 'textarea') throw malformed(`field '${p.leaf.name}' can not be grouped in a query call`);
  const grouped = new Set(groupPaths.map(pathKey));

  let unnamed = 0;
  const columns = items.map((item) => {
    if (item.kind === 'field') {
      const path = resolvePath(type, item.field);
      if (!grouped.has(pathKey(path))) throw malformed(`Field must be grouped or aggregated: ${item.field}`);
      return { name: item.alias ?? path.leaf.name, value: (g: Group) => (g.rows.length ? valueAt(ds, type, g.rows[0]!, path) : null) };
    }
    const agg = resolveCall(type, item.call);
    return { name: item.alias ?? `expr${unnamed++}`, value: (g: Group) => compute(ds, type, agg, g.rows) };
  });

  let groups: Group[];
  if (groupPaths.length === 0) groups = [{ rows }];
  else {
    const byKey = new Map<string, Group>();
    for (const r of rows) {
      const key = JSON.stringify(groupPaths.map((p) => valueAt(ds, type, r, p)));
      const g = byKey.get(key) ?? { rows: [] };
      g.rows.push(r);
      byKey.set(key, g);
    }
    groups = [...byKey.values()];
  }
  if (q.having) {
    const keep = havingPredicate(ds, type, q.having, grouped, today);
    groups = groups.filter(keep);
  }
  if (q.orderBy.length) {
    const keys = q.orderBy.map((k) => {
      if (k.call) {
        const agg = resolveCall(type, k.call);
        return {
          ...k,
          at: (g: Group) => {
            const v = compute(ds, type, agg, g.rows);
            return typeof v === 'number' || v === null || !agg.path ? (v as number | null) : sortValue(v, agg.path.leaf);
          },
        };
      }
      const path = resolvePath(type, k.field);
      if (!grouped.has(pathKey(path))) throw malformed(`Ordered field must be grouped or aggregated: ${k.field}`);
      return { ...k, at: (g: Group) => sortValue(g.rows.length ? valueAt(ds, type, g.rows[0]!, path) : null, path.leaf) };
    });
    groups = [...groups].sort((a, b) => {
      for (const k of keys) {
        const av = k.at(a);
        const bv = k.at(b);
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
  groups = groups.slice(start, q.limit === undefined ? undefined : start + q.limit);
  return groups.map((g) => {
    const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
    for (const col of columns) out[col.name] = col.value(g);
    return out;
  });
}
