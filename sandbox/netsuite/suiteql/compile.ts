/**
 * Compiles expressions to closures over joined rows, once per query, so the per-row work is a few
 * function calls. Conditions follow SQL three-valued logic: anything compared with NULL is unknown
 * (null), and only rows whose condition is true are kept. Dates compare as instants; text compared
 * with a date is converted by the account's date format, as Oracle converts by NLS_DATE_FORMAT
 * (so `trandate < '11/25/2026'` works in an M/D/YYYY account and fails with ORA-01861 elsewhere).
 */
import type { Expr } from './ast.js';
import { parseAccountDate, storedTime } from './dates.js';
import { SuiteQlError } from './errors.js';
import { compileCall } from './functions.js';
import { asText, resolveColumn, toNumber, type Compiled, type JRow, type Scope, type Type } from './scope.js';
import { wildcardMatch } from '../../core/wildcard.js';

type Pred = (r: JRow, g?: readonly JRow[]) => boolean | null;

/** Compiles the expressions of one query. `allowAggregates` is false in WHERE and ON. */
export class Compiler {
  constructor(readonly scope: Scope) {}

  /** A value expression. */
  value(e: Expr, allowAggregates: boolean): Compiled {
    switch (e.kind) {
      case 'column': {
        const { index, kind } = resolveColumn(this.scope, e.qualifier, e.name);
        const name = e.name;
        if (kind === 'date' || kind === 'datetime') {
          return { type: kind, get: (r) => { const v = r[index]?.[name]; return typeof v === 'string' ? storedTime(v) : null; } };
        }
        return { type: kind, get: (r) => r[index]?.[name] ?? null };
      }
      case 'literal': {
        const v = e.value;
        return { type: v === null ? 'null' : typeof v === 'number' ? 'number' : 'text', get: () => v };
      }
      case 'call':
        return compileCall(this, e, allowAggregates);
      case 'neg': {
        const inner = this.numeric(e.expr, allowAggregates);
        return { type: 'number', get: (r, g) => { const v = inner(r, g); return v === null ? null : -v; } };
      }
      case 'binary':
        return this.binary(e, allowAggregates);
      case 'case':
        return this.caseExpr(e, allowAggregates);
      case 'rownum':
        throw new SuiteQlError('Search error occurred: Invalid or unsupported search. (ROWNUM is emulated only as a top-level WHERE condition ROWNUM <= n or ROWNUM < n.)');
      case 'star':
        throw new SuiteQlError('Search error occurred: * is only allowed as SELECT * or COUNT(*).');
      default:
        throw new SuiteQlError('Search error occurred: a condition is not allowed here (ORA-00904); use CASE WHEN ... THEN ... END.');
    }
  }

  /** A value that must be a number (text converts, as Oracle does, or fails with ORA-01722). */
  numeric(e: Expr, allowAggregates: boolean): (r: JRow, g?: readonly JRow[]) => number | null {
    const c = this.value(e, allowAggregates);
    if (c.type === 'date' || c.type === 'datetime') throw new SuiteQlError('Search error occurred: expected a number, got a date (ORA-00932: inconsistent datatypes).');
    if (e.kind === 'literal' && typeof e.value === 'string' && toNumber(e.value) === null) throw new SuiteQlError(`Search error occurred: Invalid number: '${e.value}' (ORA-01722).`);
    return (r, g) => toNumber(c.get(r, g));
  }

  private binary(e: Extract<Expr, { kind: 'binary' }>, agg: boolean): Compiled {
    if (e.op === '||') {
      const l = this.value(e.left, agg);
      const r = this.value(e.right, agg);
      return { type: 'text', get: (row, g) => `${asText(l.get(row, g), l.type, this.scope) ?? ''}${asText(r.get(row, g), r.type, this.scope) ?? ''}` };
    }
    const lt = this.value(e.left, agg);
    const rt = this.value(e.right, agg);
    const isDate = (t: Type) => t === 'date' || t === 'datetime';
    if ((e.op === '+' || e.op === '-') && (isDate(lt.type) || isDate(rt.type))) {
      const DAY = 86_400_000;
      if (isDate(lt.type) && isDate(rt.type) && e.op === '-') {
        // date - date = days between them (Oracle).
        return { type: 'number', get: (r, g) => { const a = lt.get(r, g) as number | null; const b = rt.get(r, g) as number | null; return a === null || b === null ? null : (a - b) / DAY; } };
      }
      const [d, n, sign] = isDate(lt.type) ? [lt, this.numeric(e.right, agg), e.op === '-' ? -1 : 1] : [rt, this.numeric(e.left, agg), 1];
      if (!isDate(lt.type) && e.op === '-') throw new SuiteQlError('Search error occurred: a number minus a date is not defined (ORA-00932).');
      return { type: d.type, get: (r, g) => { const a = d.get(r, g) as number | null; const b = n(r, g); return a === null || b === null ? null : a + sign * b * DAY; } };
    }
    const a = this.numeric(e.left, agg);
    const b = this.numeric(e.right, agg);
    const op = e.op;
    return {
      type: 'number',
      get: (r, g) => {
        const x = a(r, g);
        const y = b(r, g);
        if (x === null || y === null) return null;
        if (op === '/' && y === 0) throw new SuiteQlError('Search error occurred: divisor is equal to zero (ORA-01476).');
        // Oracle NUMBER is decimal: 99.99 - 40 is 59.99, not 59.989999999999995.
        const v = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
        return Math.round(v * 1e9) / 1e9;
      },
    };
  }

  private caseExpr(e: Extract<Expr, { kind: 'case' }>, agg: boolean): Compiled {
    const whens = e.whens.map((w) => ({
      test: e.subject ? this.comparison(e.subject, '=', w.when, agg) : this.condition(w.when, agg),
      then: this.value(w.then, agg),
    }));
    const otherwise = e.otherwise ? this.value(e.otherwise, agg) : null;
    const types = [...whens.map((w) => w.then.type), ...(otherwise ? [otherwise.type] : [])].filter((t) => t !== 'null');
    return {
      type: types[0] ?? 'null',
      get: (r, g) => {
        for (const w of whens) if (w.test(r, g) === true) return w.then.get(r, g);
        return otherwise ? otherwise.get(r, g) : null;
      },
    };
  }

  /** A condition: true, false or null (unknown). */
  condition(e: Expr, agg: boolean): Pred {
    switch (e.kind) {
      case 'and': {
        const l = this.condition(e.left, agg);
        const r = this.condition(e.right, agg);
        return (row, g) => {
          const a = l(row, g);
          if (a === false) return false;
          const b = r(row, g);
          return b === false ? false : a === null || b === null ? null : true;
        };
      }
      case 'or': {
        const l = this.condition(e.left, agg);
        const r = this.condition(e.right, agg);
        return (row, g) => {
          const a = l(row, g);
          if (a === true) return true;
          const b = r(row, g);
          return b === true ? true : a === null || b === null ? null : false;
        };
      }
      case 'not': {
        const inner = this.condition(e.expr, agg);
        return (r, g) => { const v = inner(r, g); return v === null ? null : !v; };
      }
      case 'isnull': {
        const v = this.value(e.operand, agg);
        return (r, g) => (v.get(r, g) === null) !== e.negated;
      }
      case 'compare':
        return this.comparison(e.left, e.op, e.right, agg);
      case 'in': {
        const tests = e.list.map((item) => this.comparison(e.operand, '=', item, agg));
        return (r, g) => {
          let unknown = false;
          for (const t of tests) {
            const v = t(r, g);
            if (v === true) return !e.negated;
            if (v === null) unknown = true;
          }
          return unknown ? null : e.negated;
        };
      }
      case 'between': {
        const low = this.comparison(e.operand, '>=', e.low, agg);
        const high = this.comparison(e.operand, '<=', e.high, agg);
        return (r, g) => {
          const a = low(r, g);
          const b = high(r, g);
          const both = a === false || b === false ? false : a === null || b === null ? null : true;
          return both === null ? null : both !== e.negated;
        };
      }
      case 'like': {
        const v = this.value(e.operand, agg);
        const p = this.value(e.pattern, agg);
        return (r, g) => {
          const text = asText(v.get(r, g), v.type, this.scope);
          const pattern = asText(p.get(r, g), p.type, this.scope);
          if (text === null || pattern === null) return null;
          return likeMatch(text, pattern) !== e.negated;
        };
      }
      default:
        throw new SuiteQlError('Search error occurred: expected a condition (ORA-00920: invalid relational operator).');
    }
  }

  /** `left op right` with Oracle's coercions: dates as instants, numbers as numbers, else text. */
  comparison(left: Expr, op: string, right: Expr, agg: boolean): Pred {
    const l = this.value(left, agg);
    const r = this.value(right, agg);
    const isDate = (t: Type) => t === 'date' || t === 'datetime';
    let conv: (v: unknown) => number | string | null;
    if (isDate(l.type) || isDate(r.type)) {
      for (const [side, other] of [[left, r], [right, l]] as const) {
        if (side.kind === 'literal' && typeof side.value === 'string' && isDate(other.type) && parseAccountDate(side.value, this.scope.prefs.dateFormat) === null) {
          throw new SuiteQlError(`Search error occurred: '${side.value}' does not match the account's date format ${this.scope.prefs.dateFormat} (ORA-01861: literal does not match format string); use TO_DATE('${side.value}', '<format>').`);
        }
        if (side.kind === 'literal' && typeof side.value === 'number') throw new SuiteQlError('Search error occurred: a date compared with a number (ORA-00932: inconsistent datatypes).');
      }
      conv = (v) => (typeof v === 'number' ? v : typeof v === 'string' ? parseAccountDate(v, this.scope.prefs.dateFormat) : null);
    } else if (l.type === 'number' || r.type === 'number') {
      for (const side of [left, right]) {
        if (side.kind === 'literal' && typeof side.value === 'string' && toNumber(side.value) === null) throw new SuiteQlError(`Search error occurred: Invalid number: '${side.value}' (ORA-01722).`);
      }
      conv = toNumber;
    } else {
      conv = (v) => (v === null || v === undefined ? null : String(v));
    }
    const gl = l.get;
    const gr = r.get;
    return (row, g) => {
      const a = conv(gl(row, g));
      const b = conv(gr(row, g));
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
}

/**
 * SQL LIKE: % matches any run, _ one character, everything else itself (case-sensitive, as in
 * Oracle). Linear-time (sandbox/core/wildcard.ts), so hostile patterns such as '%a%a%a%…' cannot
 * cause the catastrophic backtracking a RegExp could.
 */
export function likeMatch(text: string, pattern: string): boolean {
  return wildcardMatch(Array.from(text), Array.from(pattern), (c) => c === '%', (c, ch) => c === '_' || c === ch);
}
