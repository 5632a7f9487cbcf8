/**
 * WHERE clauses: SOQL literals checked against field types, comparisons (text case-insensitive,
 * ids on their 15-character form, date literals as ranges), LIKE, IN and the boolean tree, plus
 * the sort order ORDER BY uses.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../../seed/types.js';
import { SalesforceError } from '../errors.js';
import type { FieldDef, SObjectType } from '../schema.js';
import { wildcardMatch } from '../../core/wildcard.js';
import type { Condition, Literal } from './parser.js';
import { resolvePath, valueAt, type Scalar } from './paths.js';

// ------------------------------------------------------------------ date literals

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function monthStart(date: string, deltaMonths: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + deltaMonths);
  return d.toISOString().slice(0, 10);
}

/** The inclusive [start, end] date range a date literal stands for, relative to `today`. */
export function dateRange(lit: Extract<Literal, { kind: 'dateLiteral' }>, today: string): [string, string] {
  const n = lit.n ?? 0;
  const weekStart = addDays(today, -new Date(`${today}T00:00:00Z`).getUTCDay()); // weeks start on Sunday (en_US locale)
  switch (lit.name) {
    case 'TODAY': return [today, today];
    case 'YESTERDAY': return [addDays(today, -1), addDays(today, -1)];
    case 'TOMORROW': return [addDays(today, 1), addDays(today, 1)];
    case 'THIS_WEEK': return [weekStart, addDays(weekStart, 6)];
    case 'LAST_WEEK': return [addDays(weekStart, -7), addDays(weekStart, -1)];
    case 'NEXT_WEEK': return [addDays(weekStart, 7), addDays(weekStart, 13)];
    case 'THIS_MONTH': return [monthStart(today, 0), addDays(monthStart(today, 1), -1)];
    case 'LAST_MONTH': return [monthStart(today, -1), addDays(monthStart(today, 0), -1)];
    case 'NEXT_MONTH': return [monthStart(today, 1), addDays(monthStart(today, 2), -1)];
    case 'THIS_YEAR': return [`${today.slice(0, 4)}-01-01`, `${today.slice(0, 4)}-12-31`];
    case 'LAST_YEAR': { const y = Number(today.slice(0, 4)) - 1; return [`${y}-01-01`, `${y}-12-31`]; }
    case 'NEXT_YEAR': { const y = Number(today.slice(0, 4)) + 1; return [`${y}-01-01`, `${y}-12-31`]; }
    case 'LAST_90_DAYS': return [addDays(today, -90), today];
    case 'NEXT_90_DAYS': return [addDays(today, 1), addDays(today, 90)];
    // LAST_N_DAYS:n covers today and the n days before it; NEXT_N_DAYS:n starts tomorrow.
    case 'LAST_N_DAYS': return [addDays(today, -n), today];
    case 'NEXT_N_DAYS': return [addDays(today, 1), addDays(today, n)];
    case 'N_DAYS_AGO': return [addDays(today, -n), addDays(today, -n)];
    case 'LAST_N_MONTHS': return [monthStart(today, -n), addDays(monthStart(today, 0), -1)];
    case 'NEXT_N_MONTHS': return [monthStart(today, 1), addDays(monthStart(today, n + 1), -1)];
    default: throw new SalesforceError(400, 'MALFORMED_QUERY', `unsupported date literal ${lit.name}`);
  }
}

// ------------------------------------------------------------------ comparison

export const TEXT_TYPES = new Set(['string', 'textarea', 'url', 'email', 'phone', 'picklist']);
export const NUMBER_TYPES = new Set(['currency', 'double', 'percent', 'int']);

function typeError(field: FieldDef, expected: string): SalesforceError {
  return new SalesforceError(400, 'INVALID_QUERY_FILTER_OPERATOR', `value of filter criterion for field '${field.name}' must be of type ${expected} and should not be enclosed in quotes`);
}

/** Checks that a literal suits the field's type (as Salesforce does when it compiles the query). */
export function checkLiteral(field: FieldDef, lit: Literal): void {
  if (lit.kind === 'null') return;
  if (TEXT_TYPES.has(field.type) || field.type === 'id' || field.type === 'reference') {
    if (lit.kind !== 'string') throw typeError(field, 'string');
  } else if (NUMBER_TYPES.has(field.type)) {
    if (lit.kind !== 'number') throw typeError(field, field.type === 'currency' ? 'currency' : 'double');
  } else if (field.type === 'boolean') {
    if (lit.kind !== 'boolean') throw typeError(field, 'boolean');
  } else if (field.type === 'date') {
    if (lit.kind !== 'date' && lit.kind !== 'dateLiteral') throw typeError(field, 'date');
  } else if (field.type === 'datetime') {
    if (lit.kind !== 'datetime' && lit.kind !== 'dateLiteral') throw typeError(field, 'dateTime');
  }
}

/** -1/0/1 comparison of a record value with a literal (both non-null), per field type. */
export function compareValues(field: FieldDef, value: Scalar, lit: Literal, today: string): { cmp: number } | { range: [string, string]; date: string } {
  if (lit.kind === 'dateLiteral' || (lit.kind === 'date' && field.type === 'date')) {
    const range: [string, string] = lit.kind === 'date' ? [lit.value, lit.value] : dateRange(lit, today);
    const date = field.type === 'datetime' ? new Date(Date.parse(String(value).replace(/\+0000$/, 'Z'))).toISOString().slice(0, 10) : String(value).slice(0, 10);
    return { range, date };
  }
  if (field.type === 'datetime' && lit.kind === 'datetime') {
    const a = Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    const b = Date.parse(lit.value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return { cmp: Math.sign(a - b) };
  }
  if (lit.kind === 'number') return { cmp: Math.sign(Number(value) - lit.value) };
  if (lit.kind === 'boolean') return { cmp: value === lit.value ? 0 : 1 };
  if (field.type === 'id' || field.type === 'reference') {
    // Ids match on their 15-character case-sensitive form.
    const a = String(value).slice(0, 15);
    const b = String(lit.kind === 'string' ? lit.value : '').slice(0, 15);
    return { cmp: a === b ? 0 : a < b ? -1 : 1 };
  }
  // Text comparisons in SOQL are case-insensitive.
  const a = String(value).toLowerCase();
  const b = (lit.kind === 'string' ? lit.value : String((lit as { value?: unknown }).value ?? '')).toLowerCase().replace(/\\([%_])/g, '$1');
  return { cmp: a === b ? 0 : a < b ? -1 : 1 };
}

export function holds(op: string, r: ReturnType<typeof compareValues>): boolean {
  if ('range' in r) {
    const [start, end] = r.range;
    switch (op) {
      case '=': return r.date >= start && r.date <= end;
      case '!=': return r.date < start || r.date > end;
      case '<': return r.date < start;
      case '<=': return r.date <= end;
      case '>': return r.date > end;
      default: return r.date >= start;
    }
  }
  switch (op) {
    case '=': return r.cmp === 0;
    case '!=': return r.cmp !== 0;
    case '<': return r.cmp < 0;
    case '<=': return r.cmp <= 0;
    case '>': return r.cmp > 0;
    default: return r.cmp >= 0;
  }
}

/** One element of a compiled LIKE pattern: a literal character, `_` (one) or `%` (any run). */
type LikePart = string | { any: true } | { one: true };

/** Compiles a LIKE pattern: % any run, _ one character, \% and \_ literal; case-insensitive. */
function compileLike(pattern: string): LikePart[] {
  const parts: LikePart[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) parts.push(pattern[++i]!.toLowerCase());
    else if (ch === '%') parts.push({ any: true });
    else if (ch === '_') parts.push({ one: true });
    else parts.push(ch.toLowerCase());
  }
  return parts;
}

/**
 * LIKE matcher, linear-time (sandbox/core/wildcard.ts) so hostile patterns ('%a%a%a...%b')
 * cannot backtrack exponentially.
 */
export function likeMatcher(pattern: string): (text: string) => boolean {
  const p = compileLike(pattern);
  const isAny = (x: LikePart) => typeof x === 'object' && 'any' in x;
  const one = (x: LikePart, ch: string) => typeof x === 'object' || x === ch;
  return (text) => wildcardMatch(Array.from(text.toLowerCase()), p, isAny, one);
}

export type Predicate = (rec: SalesforceRecord) => boolean;

/** The WHERE tree as a record predicate; literals are checked against the fields' types first. */
export function compile(ds: SalesforceDataset, root: SObjectType, cond: Condition, today: string): Predicate {
  switch (cond.kind) {
    case 'and': {
      const parts = cond.items.map((c) => compile(ds, root, c, today));
      return (r) => parts.every((p) => p(r));
    }
    case 'or': {
      const parts = cond.items.map((c) => compile(ds, root, c, today));
      return (r) => parts.some((p) => p(r));
    }
    case 'not': {
      const inner = compile(ds, root, cond.item, today);
      return (r) => !inner(r);
    }
    case 'like': {
      const path = resolvePath(root, cond.field);
      if (!TEXT_TYPES.has(path.leaf.type) && path.leaf.type !== 'id' && path.leaf.type !== 'reference') {
        throw new SalesforceError(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid operator on field '${path.leaf.name}': LIKE works on text fields only`);
      }
      const matches = likeMatcher(cond.pattern);
      return (r) => {
        const v = valueAt(ds, root, r, path);
        return typeof v === 'string' && matches(v);
      };
    }
    case 'in': {
      const path = resolvePath(root, cond.field);
      for (const v of cond.values) checkLiteral(path.leaf, v);
      return (r) => {
        const v = valueAt(ds, root, r, path);
        const hit = cond.values.some((lit) => (lit.kind === 'null' ? v === null : v !== null && holds('=', compareValues(path.leaf, v, lit, today))));
        return cond.negated ? !hit : hit;
      };
    }
    case 'cmp': {
      const path = resolvePath(root, cond.field);
      checkLiteral(path.leaf, cond.value);
      const lit = cond.value;
      return (r) => {
        const v = valueAt(ds, root, r, path);
        if (lit.kind === 'null') return cond.op === '=' ? v === null : cond.op === '!=' ? v !== null : false;
        // A null value is "not equal" to anything and fails every ordering comparison.
        if (v === null) return cond.op === '!=';
        return holds(cond.op, compareValues(path.leaf, v, lit, today));
      };
    }
    case 'agg':
      // The parser only builds these for HAVING, which aggregate.ts evaluates per group.
      throw new SalesforceError(400, 'MALFORMED_QUERY', 'Aggregate functions are allowed in HAVING, not in WHERE');
  }
}

export function sortValue(v: Scalar, def: FieldDef): string | number | null {
  if (v === null || v === '') return null;
  if (NUMBER_TYPES.has(def.type)) return Number(v);
  if (def.type === 'boolean') return v ? 1 : 0;
  return String(v).toLowerCase();
}

