/**
 * The SuiteQL functions the emulator runs: aggregates (COUNT, SUM, MIN, MAX, AVG, COUNT(DISTINCT)),
 * UPPER, LOWER, NVL, COALESCE, TO_CHAR, TO_DATE, TO_NUMBER, ROUND, ABS, TRUNC, SYSDATE/CURRENT_DATE
 * and BUILTIN.DF (the display value of a reference: a customer's entity id for `entity`, a
 * currency's name, "Invoice : Open" for a transaction status). NetSuite's lists:
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_158513731864.html and
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_161950565221.html
 * Other functions are refused with NetSuite's "Invalid or unsupported search".
 */
import { AGGREGATES, type Expr } from './ast.js';
import type { Compiler } from './compile.js';
import { dayOf, formatAccountDate, formatAccountDateTime, oracleFormat, oracleParse, parseAccountDate } from './dates.js';
import { SuiteQlError, unsupported } from './errors.js';
import { compareForSort, resolveColumn, toNumber, type Compiled, type JRow } from './scope.js';
import { transactionStatusName } from './tables.js';

type Call = Extract<Expr, { kind: 'call' }>;

function arity(e: Call, min: number, max = min): void {
  if (e.args.length < min || e.args.length > max) {
    throw new SuiteQlError(`Search error occurred: ${e.name.toUpperCase()} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${e.args.length} (ORA-00909).`);
  }
}

/** Compile a function call. */
export function compileCall(c: Compiler, e: Call, agg: boolean): Compiled {
  if (AGGREGATES.has(e.name)) return aggregate(c, e, agg);
  if (e.distinct) throw new SuiteQlError(`Search error occurred: DISTINCT is only allowed inside an aggregate, not ${e.name.toUpperCase()} (ORA-30482).`);
  const scope = c.scope;
  switch (e.name) {
    case 'upper':
    case 'lower': {
      arity(e, 1);
      const v = c.value(e.args[0]!, agg);
      const up = e.name === 'upper';
      return { type: 'text', get: (r, g) => { const x = v.get(r, g); return x === null ? null : up ? String(x).toUpperCase() : String(x).toLowerCase(); } };
    }
    case 'nvl':
    case 'coalesce': {
      arity(e, 2, e.name === 'nvl' ? 2 : 32);
      const args = e.args.map((a) => c.value(a, agg));
      const type = args.find((a) => a.type !== 'null')?.type ?? 'null';
      return { type, get: (r, g) => { for (const a of args) { const v = a.get(r, g); if (v !== null) return v; } return null; } };
    }
    case 'to_char': {
      arity(e, 1, 2);
      const v = c.value(e.args[0]!, agg);
      const format = e.args[1] ? literalText(e.args[1], 'TO_CHAR format') : null;
      if (v.type === 'date' || v.type === 'datetime') {
        if (format !== null) oracleFormat(0, format); // reject a bad model before any row is read
        const show = format !== null ? (ms: number) => oracleFormat(ms, format) : v.type === 'date' ? (ms: number) => formatAccountDate(ms, scope.prefs.dateFormat) : (ms: number) => formatAccountDateTime(ms, scope.prefs);
        return { type: 'text', get: (r, g) => { const x = v.get(r, g) as number | null; return x === null ? null : show(x); } };
      }
      return { type: 'text', get: (r, g) => { const x = v.get(r, g); return x === null ? null : String(x); } };
    }
    case 'to_date': {
      arity(e, 1, 2);
      const v = c.value(e.args[0]!, agg);
      if (v.type === 'date' || v.type === 'datetime') return { type: 'date', get: v.get };
      const format = e.args[1] ? literalText(e.args[1], 'TO_DATE format') : null;
      // Without a model Oracle reads the text in the session's format: NetSuite's date preference.
      const read = (text: string): number => {
        if (format !== null) return oracleParse(text, format);
        const ms = parseAccountDate(text, scope.prefs.dateFormat);
        if (ms === null) throw new SuiteQlError(`Search error occurred: '${text}' does not match the account's date format ${scope.prefs.dateFormat} (ORA-01861); give TO_DATE a format.`);
        return ms;
      };
      if (e.args[0]!.kind === 'literal' && typeof e.args[0]!.value === 'string') {
        const ms = read(e.args[0]!.value);
        return { type: 'date', get: () => ms };
      }
      return { type: 'date', get: (r, g) => { const x = v.get(r, g); return x === null ? null : read(String(x)); } };
    }
    case 'to_number': {
      arity(e, 1);
      const n = c.numeric(e.args[0]!, agg);
      return { type: 'number', get: n };
    }
    case 'abs': {
      arity(e, 1);
      const n = c.numeric(e.args[0]!, agg);
      return { type: 'number', get: (r, g) => { const x = n(r, g); return x === null ? null : Math.abs(x); } };
    }
    case 'round': {
      arity(e, 1, 2);
      const n = c.numeric(e.args[0]!, agg);
      const places = e.args[1] ? c.numeric(e.args[1], agg) : () => 0;
      return { type: 'number', get: (r, g) => { const x = n(r, g); const p = places(r, g) ?? 0; if (x === null) return null; const f = 10 ** p; return Math.round(x * f) / f; } };
    }
    case 'trunc': {
      arity(e, 1);
      const v = c.value(e.args[0]!, agg);
      if (v.type === 'date' || v.type === 'datetime') return { type: 'date', get: (r, g) => { const x = v.get(r, g) as number | null; return x === null ? null : dayOf(x); } };
      const n = c.numeric(e.args[0]!, agg);
      return { type: 'number', get: (r, g) => { const x = n(r, g); return x === null ? null : Math.trunc(x); } };
    }
    case 'sysdate':
    case 'current_date': {
      const today = scope.today;
      return { type: 'date', get: () => today };
    }
    case 'builtin.df':
      return displayValue(c, e);
    default:
      throw unsupported(`the function ${e.name.toUpperCase()} is not emulated`);
  }
}

function literalText(e: Expr, what: string): string {
  if (e.kind !== 'literal' || typeof e.value !== 'string') throw new SuiteQlError(`Search error occurred: ${what} must be a string literal.`);
  return e.value;
}

/** BUILTIN.DF(column): the referenced record's display name; other columns show their own value. */
function displayValue(c: Compiler, e: Call): Compiled {
  arity(e, 1);
  const arg = e.args[0]!;
  if (arg.kind !== 'column') throw new SuiteQlError('Search error occurred: BUILTIN.DF takes a field, e.g. BUILTIN.DF(t.entity).');
  const { index } = resolveColumn(c.scope, arg.qualifier, arg.name);
  const source = c.scope.sources[index]!;
  if (source.table === 'transaction' && arg.name === 'status') {
    return { type: 'text', get: (r) => { const row = r[index]; return row ? transactionStatusName(row['type'], row['status']) : null; } };
  }
  const display = source.def.display?.[arg.name];
  if (!display) {
    const v = c.value(arg, false);
    return { type: 'text', get: (r, g) => { const x = v.get(r, g); return x === null ? null : v.type === 'date' ? formatAccountDate(x as number, c.scope.prefs.dateFormat) : v.type === 'datetime' ? formatAccountDateTime(x as number, c.scope.prefs) : String(x); } };
  }
  const lookup = display(c.scope.ds);
  const name = arg.name;
  return { type: 'text', get: (r) => { const v = r[index]?.[name]; return v === null || v === undefined ? null : lookup(String(v)); } };
}

/** COUNT/SUM/MIN/MAX/AVG over the rows of a group. */
function aggregate(c: Compiler, e: Call, agg: boolean): Compiled {
  if (!agg) throw new SuiteQlError(`Search error occurred: ${e.name.toUpperCase()} is not allowed here (ORA-00934: group function is not allowed here).`);
  arity(e, 1);
  const arg = e.args[0]!;
  if (arg.kind === 'star') {
    if (e.name !== 'count') throw new SuiteQlError(`Search error occurred: ${e.name.toUpperCase()}(*) is not valid; only COUNT(*).`);
    return { type: 'number', get: (_r, g) => g?.length ?? 0 };
  }
  // Aggregates do not nest (ORA-00935), so the argument is compiled per row.
  const inner = c.value(arg, false);
  const values = (g: readonly JRow[] | undefined): unknown[] => {
    const out: unknown[] = [];
    for (const row of g ?? []) {
      const v = inner.get(row);
      if (v !== null && v !== undefined) out.push(v);
    }
    return e.distinct ? [...new Map(out.map((v) => [typeof v === 'number' ? v : String(v), v])).values()] : out;
  };
  switch (e.name) {
    case 'count':
      return { type: 'number', get: (_r, g) => values(g).length };
    case 'sum':
    case 'avg': {
      if (inner.type === 'date' || inner.type === 'datetime') throw new SuiteQlError(`Search error occurred: ${e.name.toUpperCase()} of a date (ORA-00932).`);
      const avg = e.name === 'avg';
      return {
        type: 'number',
        get: (_r, g) => {
          const nums = values(g).map(toNumber).filter((n): n is number => n !== null);
          if (nums.length === 0) return null;
          const sum = nums.reduce((a, b) => a + b, 0);
          return Math.round((avg ? sum / nums.length : sum) * 1e6) / 1e6;
        },
      };
    }
    default: {
      const max = e.name === 'max';
      return {
        type: inner.type,
        get: (_r, g) => {
          let best: unknown = null;
          for (const v of values(g)) if (best === null || (max ? compareForSort(v, best, inner.type, false) > 0 : compareForSort(v, best, inner.type, false) < 0)) best = v;
          return best;
        },
      };
    }
  }
}
