/**
 * Runs a parsed SuiteQL query over a tenant's in-memory NetSuite rows:
 *   FROM/JOIN (joins.ts) -> WHERE -> ROWNUM -> GROUP BY/HAVING -> ORDER BY -> DISTINCT
 *   -> OFFSET/FETCH FIRST -> the REST page (limit/offset query parameters).
 * Only the requested page is projected. Dates leave as text in the account's date format; NULL
 * columns are left out of an item, as NetSuite does.
 */
import type { NetSuiteDataset } from '../../seed/types.js';
import { conjuncts, exprKey, hasAggregate, children, type Expr, type SelectQuery } from './ast.js';
import { Compiler } from './compile.js';
import { DEFAULT_DATE_PREFERENCES, storedTime, type NetSuiteDatePreferences } from './dates.js';
import { SuiteQlError } from './errors.js';
import { joinedRows } from './joins.js';
import { parseSuiteQl } from './parser.js';
import { compareForSort, present, type Compiled, type JRow, type Scope } from './scope.js';
import { TABLES } from './tables.js';

export { likeMatch } from './compile.js';

/** One page of results plus the total match count. */
export interface SuiteQlPage {
  items: Record<string, unknown>[];
  totalResults: number;
}

/** The account settings a query runs under. */
export interface SuiteQlOptions {
  prefs?: NetSuiteDatePreferences;
  /** "Today" as YYYY-MM-DD (SYSDATE); default: the current UTC date. */
  today?: string;
}

type Row = { r: JRow; g?: readonly JRow[] };

/** Parse and run `query` against `ds`, returning rows [offset, offset+limit). */
export function runSuiteQl(query: string, ds: NetSuiteDataset, limit: number, offset: number, opts: SuiteQlOptions = {}): SuiteQlPage {
  const q = parseSuiteQl(query);
  const sources = [...q.from, ...q.joins.map((j) => j.source)].map((s) => {
    const def = TABLES[s.table];
    if (!def) throw new SuiteQlError(`Invalid search type: ${s.table}.`);
    return { alias: s.alias, table: s.table, def };
  });
  if (new Set(sources.map((s) => s.alias)).size !== sources.length) throw new SuiteQlError('Search error occurred: a table alias is used twice (ORA-00918).');
  const today = storedTime(opts.today ?? new Date().toISOString().slice(0, 10)) ?? 0;
  const scope: Scope = { sources, ds, prefs: opts.prefs ?? DEFAULT_DATE_PREFERENCES, today };
  const c = new Compiler(scope);

  const { where, rownum } = splitRownum(q.where);
  const filter = where ? c.condition(where, false) : null;
  const rows: JRow[] = [];
  for (const r of joinedRows(q, c, ds)) {
    if (filter && filter(r) !== true) continue;
    rows.push(r);
    // ROWNUM numbers rows as WHERE passes them, before GROUP BY and ORDER BY (Oracle semantics).
    if (rownum !== null && rows.length >= rownum) break;
  }

  // NetSuite names an unaliased column by its field name and any other expression exprN.
  let exprN = 0;
  const select = q.select === '*' ? starItems(scope) : q.select.map((s) => ({ expr: s.expr, name: s.alias ?? (s.expr.kind === 'column' ? s.expr.name : `expr${++exprN}`) }));
  const grouped = q.groupBy.length > 0 || q.having !== null || select.some((s) => hasAggregate(s.expr));
  let units: Row[] = grouped ? groups(q, c, rows) : rows.map((r) => ({ r }));
  const cols = select.map((s) => ({ name: s.name, c: compileItem(c, s.expr, grouped, q.groupBy) }));

  if (q.orderBy.length > 0) {
    const keys = q.orderBy.map((o) => ({ c: orderKey(c, o.expr, select, cols, grouped, q.groupBy), desc: o.descending }));
    const decorated = units.map((u) => ({ u, k: keys.map((k) => k.c.get(u.r, u.g)) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const d = compareForSort(a.k[i], b.k[i], keys[i]!.c.type, keys[i]!.desc);
        if (d !== 0) return d;
      }
      return 0;
    });
    units = decorated.map((d) => d.u);
  }
  const project = (u: Row) => {
    const out: Record<string, unknown> = { links: [] };
    for (const col of cols) {
      const v = present(col.c.get(u.r, u.g), col.c.type, scope);
      if (v !== null && v !== undefined && !(col.name in out)) out[col.name] = v;
    }
    return out;
  };
  let items: Record<string, unknown>[] | null = null;
  if (q.distinct) {
    const seen = new Set<string>();
    items = units.map(project).filter((item) => { const k = JSON.stringify(item); return seen.has(k) ? false : (seen.add(k), true); });
  }
  const total = items ? items.length : units.length;
  const start = Math.min(q.offset, total);
  const end = q.fetch === null ? total : Math.min(total, start + q.fetch);
  const pageStart = start + offset;
  const pageEnd = Math.min(end, pageStart + limit);
  const page = pageStart >= pageEnd ? [] : items ? items.slice(pageStart, pageEnd) : units.slice(pageStart, pageEnd).map(project);
  return { items: page, totalResults: end - start };
}

/** `WHERE ROWNUM <= n AND ...`: the ROWNUM bound comes out; any other use of ROWNUM is refused. */
function splitRownum(where: Expr | null): { where: Expr | null; rownum: number | null } {
  let rownum: number | null = null;
  const rest: Expr[] = [];
  for (const cond of conjuncts(where)) {
    if (cond.kind === 'compare' && (cond.left.kind === 'rownum' || cond.right.kind === 'rownum')) {
      const flipped = cond.left.kind !== 'rownum';
      const bound = flipped ? cond.left : cond.right;
      const op = flipped ? ({ '>=': '<=', '>': '<' } as Record<string, string>)[cond.op] : cond.op;
      if (bound.kind === 'literal' && typeof bound.value === 'number' && (op === '<=' || op === '<')) {
        const n = Math.max(0, Math.floor(op === '<' ? bound.value - 1 : bound.value));
        rownum = rownum === null ? n : Math.min(rownum, n);
        continue;
      }
    }
    rest.push(cond);
  }
  const joined = rest.reduce<Expr | null>((acc, e) => (acc ? { kind: 'and', left: acc, right: e } : e), null);
  return { where: joined, rownum };
}

function starItems(scope: Scope): { expr: Expr; name: string }[] {
  return scope.sources.flatMap((s) => Object.keys(s.def.columns).map((name) => ({ expr: { kind: 'column', qualifier: s.alias, name } as Expr, name })));
}

/** Rows grouped by the GROUP BY keys (one group of everything when there is no GROUP BY). */
function groups(q: SelectQuery, c: Compiler, rows: JRow[]): Row[] {
  if (q.groupBy.length === 0) return [{ r: rows[0] ?? c.scope.sources.map(() => null), g: rows }];
  const keys = q.groupBy.map((e) => c.value(e, false));
  const map = new Map<string, JRow[]>();
  for (const r of rows) {
    const k = JSON.stringify(keys.map((key) => key.get(r)));
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  const out = [...map.values()].map((g) => ({ r: g[0]!, g }));
  if (q.having) {
    checkGrouped(q.having, q.groupBy);
    const having = c.condition(q.having, true);
    return out.filter((u) => having(u.r, u.g) === true);
  }
  return out;
}

/** ORA-00979: in a grouped query every column outside an aggregate must be a GROUP BY key. */
function checkGrouped(e: Expr, groupBy: Expr[]): void {
  if (groupBy.some((k) => exprKey(k) === exprKey(e))) return;
  if (e.kind === 'call' && ['count', 'sum', 'min', 'max', 'avg'].includes(e.name)) return;
  if (e.kind === 'column') throw new SuiteQlError(`Search error occurred: '${e.qualifier ? `${e.qualifier}.` : ''}${e.name}' is not a GROUP BY expression (ORA-00979).`);
  for (const child of children(e)) checkGrouped(child, groupBy);
}

function compileItem(c: Compiler, e: Expr, grouped: boolean, groupBy: Expr[]): Compiled {
  if (grouped) checkGrouped(e, groupBy);
  return c.value(e, grouped);
}

/** ORDER BY a select alias, a select position (ORDER BY 2) or any expression. */
function orderKey(c: Compiler, e: Expr, select: { expr: Expr; name: string }[], cols: { name: string; c: Compiled }[], grouped: boolean, groupBy: Expr[]): Compiled {
  if (e.kind === 'literal' && typeof e.value === 'number') {
    const col = cols[e.value - 1];
    if (!col || !Number.isInteger(e.value)) throw new SuiteQlError(`Search error occurred: ORDER BY position ${e.value} is out of range (ORA-01785).`);
    return col.c;
  }
  if (e.kind === 'column' && e.qualifier === null) {
    // A select-list name wins over a table column of the same name, as in Oracle.
    const i = select.findIndex((s) => s.name === e.name);
    if (i >= 0) return cols[i]!.c;
  }
  return compileItem(c, e, grouped, groupBy);
}
