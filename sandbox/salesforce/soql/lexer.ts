/**
 * SOQL tokenizer. Keywords are case-insensitive identifiers; the parser decides what is a
 * keyword. Input length and token count are capped so hostile queries cannot exhaust the
 * sandbox (Salesforce itself caps a SOQL statement at 100,000 characters).
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
 */
import { malformed } from '../errors.js';

/** Salesforce's maximum SOQL statement length. */
export const MAX_SOQL_LENGTH = 100_000;
const MAX_TOKENS = 20_000;

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'op' | 'punct' | 'eof';

/** One token with its 0-based offset (for error messages). */
export interface Token {
  kind: TokenKind;
  value: string;
  pos: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^-?\d+(\.\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;
const OPS = ['!=', '<>', '<=', '>=', '=', '<', '>'];

/** Splits SOQL into tokens, or throws MALFORMED_QUERY. */
export function tokenize(soql: string): Token[] {
  if (soql.length > MAX_SOQL_LENGTH) throw malformed(`SOQL statements cannot exceed ${MAX_SOQL_LENGTH} characters`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    if (tokens.length > MAX_TOKENS) throw malformed('Query is too complex');
    const ch = soql[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = soql.slice(i, i + 64);
    if (ch === "'") {
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= soql.length) throw malformed(`unterminated string literal starting at column ${start + 1}`);
        const c = soql[i]!;
        if (c === "'") break;
        if (c === '\\') {
          const next = soql[i + 1];
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', "'": "'", '"': '"', '\\': '\\', '%': '\\%', _: '\\_' };
          const mapped = next === undefined ? undefined : escapes[next];
          if (mapped === undefined) throw malformed(`Invalid string literal: illegal escape sequence at column ${i + 1}`);
          value += mapped; // \% and \_ stay escaped for LIKE; see like() in execute.ts
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', value, pos: start });
      continue;
    }
    let m = DATETIME.exec(rest);
    if (m) {
      tokens.push({ kind: 'datetime', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = DATE.exec(rest);
    if (m) {
      tokens.push({ kind: 'date', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = NUMBER.exec(rest);
    if (m) {
      tokens.push({ kind: 'number', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = IDENT.exec(soql.slice(i, i + 1024));
    if (m) {
      if (m[0].length >= 1024) throw malformed('identifier too long');
      tokens.push({ kind: 'ident', value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => soql.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', value: op, pos: i });
      i += op.length;
      continue;
    }
    if ('(),:'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, pos: i });
      i++;
      continue;
    }
    throw malformed(`unexpected token: '${ch}' at column ${i + 1}`);
  }
  tokens.push({ kind: 'eof', value: '<EOF>', pos: soql.length });
  return tokens;
}
