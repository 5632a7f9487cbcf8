/**
 * SuiteQL tokenizer for the subset the emulator understands (SQL-92 style, as SuiteQL is:
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156257770590.html).
 * Strings are single-quoted with '' as the escape; identifiers are case-insensitive.
 */
import { SuiteQlError } from './errors.js';

/** Token categories. */
export type TokenKind = 'ident' | 'keyword' | 'string' | 'number' | 'op' | 'punct' | 'eof';

/** One token with its start position (for error messages). */
export interface Token {
  kind: TokenKind;
  /** Keywords and identifiers are lower-cased; strings keep their content. */
  value: string;
  pos: number;
}

/** Reserved words; function names (UPPER, TO_CHAR, BUILTIN.DF, ...) are identifiers followed by `(`. */
const KEYWORDS = new Set([
  'select', 'from', 'where', 'order', 'by', 'asc', 'desc', 'and', 'or', 'not', 'in', 'is', 'null', 'like', 'as',
  'distinct', 'group', 'having', 'join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'on', 'union', 'between',
  'case', 'when', 'then', 'else', 'end', 'fetch', 'first', 'next', 'rows', 'row', 'only', 'offset', 'rownum',
]);

/** Longest query accepted; NetSuite rejects very long queries too, and this bounds the work. */
export const MAX_QUERY_LENGTH = 100_000;

/** Split a query into tokens or throw a SuiteQlError naming the bad position. */
export function tokenize(query: string): Token[] {
  if (query.length > MAX_QUERY_LENGTH) throw new SuiteQlError(`Query is too long (${query.length} characters; at most ${MAX_QUERY_LENGTH}).`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && query[i + 1] === '-') {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= query.length) throw new SuiteQlError(`Unterminated string literal starting at position ${start}.`);
        if (query[i] === "'") {
          if (query[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += query[i];
        i++;
      }
      tokens.push({ kind: 'string', value, pos: start });
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const negative = ch === '-' && /[0-9.]/.test(query[i + 1] ?? '') && !(prev && (prev.kind === 'ident' || prev.kind === 'number' || prev.kind === 'string' || prev.value === ')'));
    if (negative || /[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(query[i + 1] ?? ''))) {
      const m = /^-?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|^-?[0-9]+\.?/.exec(query.slice(i, i + 64));
      const text = m?.[0] ?? ch;
      tokens.push({ kind: 'number', value: text, pos: start });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      while (i < query.length && /[A-Za-z0-9_$#]/.test(query[i]!)) i++;
      const word = query.slice(start, i).toLowerCase();
      tokens.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'ident', value: word, pos: start });
      continue;
    }
    if (ch === '"') {
      // Quoted identifier: "companyName" -> companyname (SuiteQL column names are case-insensitive).
      const end = query.indexOf('"', i + 1);
      if (end < 0) throw new SuiteQlError(`Unterminated quoted identifier at position ${start}.`);
      tokens.push({ kind: 'ident', value: query.slice(i + 1, end).toLowerCase(), pos: start });
      i = end + 1;
      continue;
    }
    const two = query.slice(i, i + 2);
    if (two === '<=' || two === '>=' || two === '<>' || two === '!=' || two === '||' || two === '(+') {
      if (two === '(+') throw new SuiteQlError(`Oracle's (+) outer-join marker at position ${start} is not supported by the sandbox; use LEFT OUTER JOIN.`);
      tokens.push({ kind: 'op', value: two, pos: start });
      i += 2;
      continue;
    }
    if ('=<>+-/'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch, pos: start });
      i++;
      continue;
    }
    if ('(),*.;'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, pos: start });
      i++;
      continue;
    }
    throw new SuiteQlError(`Unexpected character ${JSON.stringify(ch)} at position ${start}.`);
  }
  tokens.push({ kind: 'eof', value: '', pos: query.length });
  return tokens;
}
