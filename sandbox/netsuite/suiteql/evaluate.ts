/**
 * Runs a parsed SuiteQL query over a tenant's in-memory NetSuite rows. Columns are checked against
 * the table definition first (unknown column -> error, as NetSuite does); rows are filtered by
 * reference, sorted only when asked, and only the requested page is projected. Comparison follows
 * SQL three-valued logic: anything compared with NULL is unknown, and unknown rows are not returned.
 */
import type { NetSuiteDataset } from '../../seed/types.js';
import { SuiteQlError } from './errors.js';
import { parseSuiteQl, type Expr, type Operand, type SelectItem, type SelectQuery } from './parser.js';
import { TABLES, type ColumnKind, type Row, type TableDef } from './tables.js';
import { wildcardMatch } from '../../core/wildcard.js';

/** One page of results plus the total match count. */
export interface SuiteQlPage {
  items: Record<string, unknown>[];
  totalResults: number;
}

type Mode = 'number' | 'date' | 'text' | 'id';
type Getter = (row: Row) => unknown;
type Predicate = (row: Row) => boolean | null;

/** Parse and run `query` against `ds`, returning rows [offset, offset+limit). */
export function runSuiteQl(query: string, ds: NetSuiteDataset, limit: number, offset: number): SuiteQlPage {
  const ast = parseSuiteQl(query);
  const table = TABLES[ast.table];
  if (!table) throw new SuiteQlError(`Record '${ast.table}' was not found. Tables available in the sandbox: ${Object.keys(TABLES).join(', ')}.`);
  const c = new Compiler(ast, table);
  const where = ast.where ? c.predicate(ast.where) : null;
  const matches: Row[] = [];
  for (const row of candidates(ast, table, ds)) if (!where || where(row) === true) matches.push(row);

  if (ast.select !== '*' && ast.select.some((s) => s.kind === 'aggregate')) {
    return { items: offset > 0 ? [] : [c.aggregateRow(ast.select, matches)], totalResults: 1 };
  }
  if (ast.orderBy.length > 0) {
    const keys = ast.orderBy.map((o) => ({ get: c.getter(c.orderOperand(o.operand)), mode: c.mode(c.orderOperand(o.operand)), desc: o.descending }));
    matches.sort((a, b) => {
      for (const k of keys) {
        const d = compareForSort(k.get(a), k.get(b), k.mode, k.desc);
        if (d !== 0) return d;
      }
      return 0;
    });
  }
  const page = matches.slice(offset, offset + limit);
  const project = c.projector();
  return { items: page.map(project), totalResults: matches.length };
}

/**
 * Rows worth evaluating: when the WHERE is `idColumn = literal` (alone or AND-ed with more), the
 * rows with that value from a lazily built index instead of the whole table, so one customer's
 * invoices are found without scanning every transaction. The full predicate still runs on them.
 * The index is rebuilt when the table grows or is a second old (writes change rows in place).
 */
const INDEX_MAX_AGE_MS = 1000;
const indexes = new WeakMap<readonly Row[], { builtAt: number; length: number; byColumn: Map<string, Map<string, Row[]>> }>();

/** Ids compare as numbers when they look like numbers ('0042' = 42), as text otherwise. */
const idKey = (v: unknown): string => {
  const text = String(v).trim();
  return /^-?\d{1,15}$/.test(text) ? String(Number(text)) : text;
};

function equalityOnId(expr: Expr | null, table: TableDef): { column: string; value: string } | null {
  if (!expr) return null;
  if (expr.kind === 'and') return equalityOnId(expr.left, table) ?? equalityOnId(expr.right, table);
  if (expr.kind !== 'compare' || expr.op !== '=') return null;
  const [col, lit] = expr.left.kind === 'column' ? [expr.left, expr.right] : [expr.right, expr.left];
  if (col.kind !== 'column' || lit.kind !== 'literal' || lit.value === null) return null;
  const name = col.name.toLowerCase();
  return table.columns[name] === 'id' ? { column: name, value: idKey(lit.value) } : null;
}

function candidates(ast: SelectQuery, table: TableDef, ds: NetSuiteDataset): readonly Row[] {
  const rows = table.rows(ds);
  const eq = equalityOnId(ast.where, table);
  if (!eq || rows.length < 256) return rows;
  let idx = indexes.get(rows);
  if (!idx || idx.length !== rows.length || Date.now() - idx.builtAt > INDEX_MAX_AGE_MS) {
    idx = { builtAt: Date.now(), length: rows.length, byColumn: new Map() };
    indexes.set(rows, idx);
  }
  let byValue = idx.byColumn.get(eq.column);
  if (!byValue) {
    byValue = new Map();
    for (const row of rows) {
      const v = row[eq.column];
      if (v === null || v === undefined) continue;
      const key = idKey(v);
      const list = byValue.get(key);
      if (list) list.push(row);
      else byValue.set(key, [row]);
    }
    idx.byColumn.set(eq.column, byValue);
  }
  return byValue.get(eq.value) ?? [];
}

class Compiler {
  constructor(private readonly q: SelectQuery, private readonly table: TableDef) {}

  column(op: Extract<Operand, { kind: 'column' }>): ColumnKind {
    if (op.qualifier && op.qualifier !== this.q.table && op.qualifier !== this.q.alias) {
      throw new SuiteQlError(`Unknown table or alias '${op.qualifier}' in '${op.qualifier}.${op.name}'.`);
    }
    const kind = this.table.columns[op.name];
    if (!kind) throw new SuiteQlError(`Field '${op.name}' for record '${this.q.table}' was not found. Reason: NOT_EXPOSED - Not available for channel SEARCH`);
    return kind;
  }

  mode(op: Operand): Mode {
    switch (op.kind) {
      case 'column': {
        const k = this.column(op);
        return k === 'number' ? 'number' : k === 'date' || k === 'datetime' ? 'date' : k === 'id' ? 'id' : 'text';
      }
      case 'literal':
        return typeof op.value === 'number' ? 'number' : 'text';
      case 'date':
        return 'date';
      case 'fn':
        this.mode(op.arg);
        return 'text';
    }
  }

  getter(op: Operand): Getter {
    switch (op.kind) {
      case 'column': {
        this.column(op);
        const name = op.name;
        return (row) => row[name] ?? null;
      }
      case 'literal': {
        const v = op.value;
        return () => v;
      }
      case 'date': {
        const v = op.value;
        return () => v;
      }
      case 'fn': {
        const inner = this.getter(op.arg);
        const f = op.fn === 'upper' ? (s: string) => s.toUpperCase() : (s: string) => s.toLowerCase();
        return (row) => {
          const v = inner(row);
          return v === null ? null : f(String(v));
        };
      }
    }
  }

  /** ORDER BY may name a select-list alias. */
  orderOperand(op: Operand): Operand {
    if (op.kind === 'column' && !op.qualifier && !this.table.columns[op.name] && this.q.select !== '*') {
      const aliased = this.q.select.find((s) => s.alias === op.name);
      if (aliased?.kind === 'value') return aliased.operand;
    }
    return op;
  }

  predicate(e: Expr): Predicate {
    switch (e.kind) {
      case 'and': {
        const l = this.predicate(e.left);
        const r = this.predicate(e.right);
        return (row) => {
          const a = l(row);
          if (a === false) return false;
          const b = r(row);
          return b === false ? false : a === null || b === null ? null : true;
        };
      }
      case 'or': {
        const l = this.predicate(e.left);
        const r = this.predicate(e.right);
        return (row) => {
          const a = l(row);
          if (a === true) return true;
          const b = r(row);
          return b === true ? true : a === null || b === null ? null : false;
        };
      }
      case 'not': {
        const inner = this.predicate(e.expr);
        return (row) => {
          const v = inner(row);
          return v === null ? null : !v;
        };
      }
      case 'isnull': {
        const g = this.getter(e.operand);
        return (row) => (g(row) === null) !== e.negated;
      }
      case 'compare':
        return this.comparison(e.left, e.op, e.right);
      case 'in': {
        const tests = e.list.map((item) => this.comparison(e.operand, '=', item));
        return (row) => {
          let unknown = false;
          for (const t of tests) {
            const v = t(row);
            if (v === true) return !e.negated;
            if (v === null) unknown = true;
          }
          return unknown ? null : e.negated;
        };
      }
      case 'like': {
        const g = this.getter(e.operand);
        const pg = this.getter(e.pattern);
        this.mode(e.operand);
        return (row) => {
          const v = g(row);
          const p = pg(row);
          if (v === null || p === null) return null;
          return likeMatch(String(v), String(p)) !== e.negated;
        };
      }
    }
  }

  private comparison(left: Operand, op: string, right: Operand): Predicate {
    const ml = this.mode(left);
    const mr = this.mode(right);
    const mode: Mode = ml === 'date' || mr === 'date' ? 'date' : ml === 'number' || mr === 'number' ? 'number' : 'text';
    for (const side of [left, right]) {
      if (side.kind !== 'literal' || side.value === null) continue;
      if (mode === 'number' && Number.isNaN(Number(side.value))) throw new SuiteQlError(`Invalid number: '${side.value}' (ORA-01722).`);
      if (mode === 'date' && toTime(side.value) === null) throw new SuiteQlError(`'${side.value}' is not a date; use TO_DATE('YYYY-MM-DD', 'YYYY-MM-DD').`);
    }
    const gl = this.getter(left);
    const gr = this.getter(right);
    const conv = mode === 'number' ? toNumber : mode === 'date' ? toTime : (v: unknown) => (v === null ? null : String(v));
    return (row) => {
      const a = conv(gl(row));
      const b = conv(gr(row));
      if (a === null || b === null) return null;
      switch (op) {
        case '=': return a === b;
        case '<>': return a !== b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        default: return a >= b;
      }
    };
  }

  projector(): (row: Row) => Record<string, unknown> {
    if (this.q.select === '*') {
      const cols = Object.keys(this.table.columns);
      return (row) => withoutNulls(cols.map((c) => [c, row[c]]));
    }
    let expr = 0;
    const cols = this.q.select.map((s) => {
      if (s.kind !== 'value') throw new Error('unreachable: aggregate in row projection');
      const name = s.alias ?? (s.operand.kind === 'column' ? s.operand.name : `expr${++expr}`);
      return [name, this.getter(s.operand)] as const;
    });
    return (row) => withoutNulls(cols.map(([n, g]) => [n, g(row)]));
  }

  aggregateRow(items: SelectItem[], rows: Row[]): Record<string, unknown> {
    let expr = 0;
    const out: [string, unknown][] = [];
    for (const s of items) {
      if (s.kind !== 'aggregate') throw new SuiteQlError('Selecting a plain column next to COUNT/SUM needs GROUP BY, which the sandbox does not support (ORA-00937).');
      const name = s.alias ?? `expr${++expr}`;
      if (!s.column) {
        out.push([name, rows.length]);
        continue;
      }
      const g = this.getter(s.column);
      const mode = this.mode(s.column);
      const values = rows.map(g).filter((v) => v !== null);
      if (s.fn === 'count') out.push([name, values.length]);
      else if (s.fn === 'sum' || s.fn === 'avg') {
        const nums = values.map(toNumber).filter((n): n is number => n !== null);
        const sum = Math.round(nums.reduce((a, b) => a + b, 0) * 100) / 100;
        out.push([name, nums.length === 0 ? null : s.fn === 'sum' ? sum : Math.round((sum / nums.length) * 100) / 100]);
      } else {
        const sorted = values.slice().sort((a, b) => compareForSort(a, b, mode, false));
        out.push([name, (s.fn === 'min' ? sorted[0] : sorted[sorted.length - 1]) ?? null]);
      }
    }
    return withoutNulls(out);
  }
}

/** SuiteQL's REST response leaves NULL columns out of each item. */
function withoutNulls(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = { links: [] };
  for (const [k, v] of entries) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isNaN(n) ? null : n;
}

function toTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  return Number.isNaN(t) ? null : t;
}

function compareForSort(a: unknown, b: unknown, mode: Mode, desc: boolean): number {
  // Oracle default: NULLS LAST ascending, NULLS FIRST descending.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : desc ? -1 : 1;
  if (b === null || b === undefined) return desc ? 1 : -1;
  let d: number;
  if (mode === 'number' || (mode === 'id' && toNumber(a) !== null && toNumber(b) !== null)) d = (toNumber(a) ?? 0) - (toNumber(b) ?? 0);
  else d = String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return desc ? -d : d;
}

/**
 * SQL LIKE: % matches any run, _ one character, everything else itself (case-sensitive, as in
 * Oracle). Linear-time (sandbox/core/wildcard.ts), so hostile patterns
 * such as '%a%a%a%…' cannot cause the catastrophic backtracking a RegExp could.
 */
export function likeMatch(text: string, pattern: string): boolean {
  return wildcardMatch(Array.from(text), Array.from(pattern), (c) => c === '%', (c, ch) => c === '_' || c === ch);
}
