/**
 * What an expression compiles against: the query's tables (by alias), the dataset, the account's
 * date preferences and "today". Also the value helpers shared by the compiler and the evaluator.
 */
import type { NetSuiteDataset } from '../../seed/types.js';
import { formatAccountDate, formatAccountDateTime, type NetSuiteDatePreferences } from './dates.js';
import { SuiteQlError } from './errors.js';
import type { Row, TableDef } from './tables.js';

/** A joined row: one row (or null, for a LEFT JOIN without a match) per table of the query. */
export type JRow = readonly (Row | null)[];

/** The static type of a compiled expression. Dates and datetimes are epoch ms at run time. */
export type Type = 'number' | 'text' | 'date' | 'datetime' | 'id' | 'bool' | 'null' | 'cond';

/** A compiled expression: `g` is the group when evaluated per GROUP BY group. */
export interface Compiled {
  get: (r: JRow, g?: readonly JRow[]) => unknown;
  type: Type;
}

/** One table of the query. */
export interface SourceRef {
  alias: string;
  table: string;
  def: TableDef;
}

/** Compile-time context. */
export interface Scope {
  sources: readonly SourceRef[];
  ds: NetSuiteDataset;
  prefs: NetSuiteDatePreferences;
  /** The estate's "today" (midnight UTC), for SYSDATE and CURRENT_DATE. */
  today: number;
}

/** Find the table and column a reference names, or throw NetSuite's "Unknown identifier". */
export function resolveColumn(scope: Scope, qualifier: string | null, name: string): { index: number; kind: TableDef['columns'][string] } {
  const matches: number[] = [];
  scope.sources.forEach((s, i) => {
    if (qualifier !== null && qualifier !== s.alias) return;
    if (s.def.columns[name]) matches.push(i);
  });
  if (matches.length === 1) return { index: matches[0]!, kind: scope.sources[matches[0]!]!.def.columns[name]! };
  if (matches.length > 1) throw new SuiteQlError(`Search error occurred: Column '${name}' is ambiguously defined (ORA-00918); qualify it with a table alias.`);
  const known = scope.sources.map((s) => `${s.alias}=${s.table}`).join(', ');
  const shown = qualifier ? `${qualifier}.${name}` : name;
  throw new SuiteQlError(`Search error occurred: Unknown identifier '${shown}'. Available identifiers are: {${known}}.`);
}

/** Numbers from numbers or numeric text. */
export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isNaN(n) ? null : n;
}

/** A value as text the way SuiteQL would show it (dates in the account format). */
export function asText(v: unknown, type: Type, scope: Scope): string | null {
  if (v === null || v === undefined) return null;
  if (type === 'date') return formatAccountDate(v as number, scope.prefs.dateFormat);
  if (type === 'datetime') return formatAccountDateTime(v as number, scope.prefs);
  return String(v);
}

/** A value as it leaves in the REST answer: dates as text in the account's format. */
export function present(v: unknown, type: Type, scope: Scope): unknown {
  if (v === null || v === undefined) return null;
  return type === 'date' || type === 'datetime' ? asText(v, type, scope) : v;
}

/** Sort order for ORDER BY: Oracle puts NULLs last ascending and first descending. */
export function compareForSort(a: unknown, b: unknown, type: Type, desc: boolean): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : desc ? -1 : 1;
  if (b === null || b === undefined) return desc ? 1 : -1;
  let d: number;
  const numeric = type === 'number' || type === 'date' || type === 'datetime' || (type === 'id' && toNumber(a) !== null && toNumber(b) !== null);
  if (numeric) d = (toNumber(a) ?? 0) - (toNumber(b) ?? 0);
  else d = String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  return desc ? -d : d;
}
