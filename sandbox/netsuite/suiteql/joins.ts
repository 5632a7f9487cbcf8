/**
 * FROM and JOIN: the joined rows a query's WHERE then filters. The first table's rows come from
 * the id-equality index when the WHERE pins one of its id columns to a literal or a list of
 * literals (one customer's invoices, or a page of customers', are found without scanning every
 * transaction). Each further table is joined by hash on
 * an equality between one of its columns and the tables before it (`t.entity = c.id`, from ON or,
 * for non-ANSI joins, from WHERE), else by nested loop. The full ON/WHERE condition still runs on
 * every candidate, so an index or a hash only ever saves work, never changes an answer.
 */
import type { NetSuiteDataset } from '../../seed/types.js';
import { conjuncts, type Expr, type SelectQuery } from './ast.js';
import type { Compiler } from './compile.js';
import { SuiteQlError } from './errors.js';
import { resolveColumn, type JRow, type Scope } from './scope.js';
import type { Row } from './tables.js';
import { netsuiteVersion } from '../version.js';

/** Refuse joins that would build more rows than this (a missing join condition, usually). */
export const MAX_JOINED_ROWS = 2_000_000;

/**
 * Column indexes per table rows, kept while the account's records are unchanged (the version of
 * ../version.ts, bumped by every write) and the table holds as many rows.
 */
const indexes = new WeakMap<readonly Row[], { version: number; length: number; byColumn: Map<string, Map<string, Row[]>> }>();
const placeIndexes = new WeakMap<readonly Row[], Map<Row, number>>();

/** Ids compare as numbers when they look like numbers ('0042' = 42), as text otherwise. */
export const idKey = (v: unknown): string => {
  const text = String(v).trim();
  return /^-?\d{1,15}$/.test(text) ? String(Number(text)) : text;
};

/** Which source a column reference belongs to, or -1 when it is not a plain column of `scope`. */
function sourceOf(scope: Scope, e: Expr): { index: number; name: string; kind: string } | null {
  if (e.kind !== 'column') return null;
  try {
    const { index, kind } = resolveColumn(scope, e.qualifier, e.name);
    return { index, name: e.name, kind };
  } catch {
    return null;
  }
}

/**
 * Rows of the first table worth joining: by index when WHERE has `idColumn = literal` or
 * `idColumn IN (literal, ...)` (a page of customers, as a backfill asks: at SANDBOX_SCALE=100 a
 * scan of 500,000 transactions tested against 100 ids took about a second a query).
 */
function firstRows(q: SelectQuery, scope: Scope, rows: readonly Row[], version: number): readonly Row[] {
  if (rows.length < 256) return rows;
  for (const cond of conjuncts(q.where)) {
    if (cond.kind === 'in' && !cond.negated && cond.list.length > 0 && cond.list.every((l) => l.kind === 'literal' && l.value !== null)) {
      const ref = sourceOf(scope, cond.operand);
      if (!ref || ref.index !== 0 || ref.kind !== 'id') continue;
      const picked = new Set<Row>();
      for (const lit of cond.list) for (const row of lookup(rows, version, ref.name, idKey((lit as { value: string | number }).value))) picked.add(row);
      // In the table's own order, as a scan would give them.
      const position = positions(rows, picked);
      return [...picked].sort((a, b) => position.get(a)! - position.get(b)!);
    }
    if (cond.kind !== 'compare' || cond.op !== '=') continue;
    const [col, lit] = cond.left.kind === 'column' ? [cond.left, cond.right] : [cond.right, cond.left];
    if (lit.kind !== 'literal' || lit.value === null) continue;
    const ref = sourceOf(scope, col);
    if (!ref || ref.index !== 0 || ref.kind !== 'id') continue;
    return lookup(rows, version, ref.name, idKey(lit.value));
  }
  return rows;
}

function indexOf(rows: readonly Row[], version: number): { version: number; length: number; byColumn: Map<string, Map<string, Row[]>> } {
  let idx = indexes.get(rows);
  if (!idx || idx.length !== rows.length || idx.version !== version) {
    idx = { version, length: rows.length, byColumn: new Map() };
    indexes.set(rows, idx);
  }
  return idx;
}

/**
 * Each row's place in its table, for the rows asked about. A row's place does not depend on its
 * column values, so the map outlives the column indexes (dropped by every write): it is checked against
 * the table for each row asked about and built again only when a row moved (rebuilding it every
 * second was a tenth of the sandbox's time in a scale-100 backfill).
 */
function positions(rows: readonly Row[], asked: Iterable<Row>): Map<Row, number> {
  let position = placeIndexes.get(rows);
  const holds = (p: Map<Row, number>) => {
    for (const row of asked) if (rows[p.get(row) ?? -1] !== row) return false;
    return true;
  };
  if (!position || !holds(position)) {
    position = new Map(rows.map((row, i) => [row, i]));
    placeIndexes.set(rows, position);
  }
  return position;
}

function lookup(rows: readonly Row[], version: number, column: string, key: string): readonly Row[] {
  const idx = indexOf(rows, version);
  let byValue = idx.byColumn.get(column);
  if (!byValue) {
    byValue = new Map();
    for (const row of rows) {
      const v = row[column];
      if (v === null || v === undefined) continue;
      const k = idKey(v);
      const list = byValue.get(k);
      if (list) list.push(row);
      else byValue.set(k, [row]);
    }
    idx.byColumn.set(column, byValue);
  }
  return byValue.get(key) ?? [];
}

/** An equality usable as a hash key: a column of source `i` against an id/text column of earlier sources. */
function hashKey(scope: Scope, conds: Expr[], i: number): { column: string; other: { index: number; name: string } } | null {
  for (const cond of conds) {
    if (cond.kind !== 'compare' || cond.op !== '=') continue;
    const a = sourceOf(scope, cond.left);
    const b = sourceOf(scope, cond.right);
    if (!a || !b || a.kind === 'number' || b.kind === 'number') continue;
    if (a.index === i && b.index < i) return { column: a.name, other: b };
    if (b.index === i && a.index < i) return { column: b.name, other: a };
  }
  return null;
}

/** Every joined row the query's tables give before WHERE (ON conditions already applied). */
export function joinedRows(q: SelectQuery, c: Compiler, ds: NetSuiteDataset): JRow[] {
  const scope = c.scope;
  const version = netsuiteVersion(ds);
  let out: JRow[] = firstRows(q, scope, scope.sources[0]!.def.rows(ds), version).map((row) => [row]);
  const whereConds = conjuncts(q.where);
  for (let i = 1; i < scope.sources.length; i++) {
    const join = q.joins[i - 1];
    const rows = scope.sources[i]!.def.rows(ds);
    const conds = join ? conjuncts(join.on) : whereConds;
    const on = join ? c.condition(join.on, false) : null;
    const key = hashKey(scope, conds, i);
    const next: JRow[] = [];
    for (const left of out) {
      const candidates = key ? lookup(rows, version, key.column, idKey(left[key.other.index]?.[key.other.name] ?? '\u0000')) : rows;
      let matched = false;
      for (const row of candidates) {
        const joined = [...left, row];
        if (on && on(joined) !== true) continue;
        matched = true;
        next.push(joined);
      }
      if (!matched && join?.type === 'left') next.push([...left, null]);
      if (next.length > MAX_JOINED_ROWS) throw new SuiteQlError(`Search error occurred: the join builds more than ${MAX_JOINED_ROWS} rows; add a join condition.`);
    }
    out = next;
  }
  return out;
}
