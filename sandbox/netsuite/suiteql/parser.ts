/**
 * Recursive-descent parser for the SuiteQL subset the emulator runs:
 *   SELECT * | item[, item...] FROM table [[AS] alias] [WHERE expr] [ORDER BY col [ASC|DESC], ...]
 * where item is a column, a literal, UPPER/LOWER(col) or COUNT(*)|COUNT(col)|SUM|MIN|MAX|AVG(col),
 * each with an optional alias, and expr has =, <>, !=, <, <=, >, >=, [NOT] IN (...), IS [NOT] NULL,
 * [NOT] LIKE, AND, OR, NOT and parentheses. Nesting is capped so hostile input cannot blow the stack.
 */
import { SuiteQlError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** A value-producing term. */
export type Operand =
  | { kind: 'column'; qualifier: string | null; name: string }
  | { kind: 'literal'; value: string | number | null }
  | { kind: 'date'; value: string }
  | { kind: 'fn'; fn: 'upper' | 'lower'; arg: Operand };

/** Comparison operators (`!=` is read as `<>`). */
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** A boolean condition. */
export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { kind: 'in'; operand: Operand; list: Operand[]; negated: boolean }
  | { kind: 'isnull'; operand: Operand; negated: boolean }
  | { kind: 'like'; operand: Operand; pattern: Operand; negated: boolean };

/** Aggregate functions. */
export type Aggregate = 'count' | 'sum' | 'min' | 'max' | 'avg';

/** One entry of the select list. */
export type SelectItem =
  | { kind: 'value'; operand: Operand; alias: string | null }
  | { kind: 'aggregate'; fn: Aggregate; column: Operand | null; alias: string | null };

/** One ORDER BY key. */
export interface OrderItem {
  operand: Operand;
  descending: boolean;
}

/** A parsed SELECT statement. */
export interface SelectQuery {
  select: '*' | SelectItem[];
  table: string;
  alias: string | null;
  where: Expr | null;
  orderBy: OrderItem[];
}

/** Deepest nesting of parentheses/NOT/functions accepted. */
export const MAX_DEPTH = 40;
/** Oracle's limit on IN lists (ORA-01795). */
export const MAX_IN_LIST = 1000;

const UNSUPPORTED = new Set(['join', 'group', 'having', 'union', 'distinct']);
/** Paging clauses users try; SuiteQL pages through the REST limit/offset parameters instead. */
const PAGING_WORDS = new Set(['limit', 'offset', 'fetch', 'top']);

/** Parse a SuiteQL query or throw SuiteQlError. */
export function parseSuiteQl(query: string): SelectQuery {
  return new Parser(tokenize(query)).parseQuery();
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private is(kind: Token['kind'], value?: string): boolean {
    const t = this.peek();
    return t.kind === kind && (value === undefined || t.value === value);
  }

  private accept(kind: Token['kind'], value?: string): boolean {
    if (!this.is(kind, value)) return false;
    this.next();
    return true;
  }

  private expect(kind: Token['kind'], value: string | undefined, what: string): Token {
    if (!this.is(kind, value)) this.fail(`Expected ${what}`);
    return this.next();
  }

  private fail(message: string): never {
    const t = this.peek();
    const near = t.kind === 'eof' ? 'end of query' : `'${t.value.slice(0, 40)}' at position ${t.pos}`;
    if (PAGING_WORDS.has(t.value) && t.kind === 'ident') {
      throw new SuiteQlError(`${t.value.toUpperCase()} is not supported in SuiteQL; page with the limit and offset query parameters (near position ${t.pos}).`);
    }
    if (t.kind === 'keyword' && UNSUPPORTED.has(t.value)) {
      throw new SuiteQlError(`${t.value.toUpperCase()} is not supported by the sandbox's SuiteQL (near position ${t.pos}).`);
    }
    throw new SuiteQlError(`${message} near ${near}.`);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SuiteQlError(`Query is nested too deeply (more than ${MAX_DEPTH} levels).`);
  }

  parseQuery(): SelectQuery {
    this.expect('keyword', 'select', 'SELECT');
    const select = this.accept('punct', '*') ? '*' : this.parseSelectList();
    this.expect('keyword', 'from', 'FROM');
    const table = this.expect('ident', undefined, 'a table name').value;
    let alias: string | null = null;
    if (this.accept('keyword', 'as')) alias = this.expect('ident', undefined, 'a table alias').value;
    else if (this.is('ident') && !PAGING_WORDS.has(this.peek().value)) alias = this.next().value;
    const where = this.accept('keyword', 'where') ? this.parseOr() : null;
    const orderBy: OrderItem[] = [];
    if (this.accept('keyword', 'order')) {
      this.expect('keyword', 'by', 'BY after ORDER');
      do {
        const operand = this.parseOperand();
        const descending = this.accept('keyword', 'desc') ? true : (this.accept('keyword', 'asc'), false);
        orderBy.push({ operand, descending });
      } while (this.accept('punct', ','));
    }
    this.accept('punct', ';');
    if (!this.is('eof')) this.fail('Unexpected input');
    return { select, table, alias, where, orderBy };
  }

  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      const t = this.peek();
      let item: SelectItem;
      if (t.kind === 'keyword' && ['count', 'sum', 'min', 'max', 'avg'].includes(t.value) && this.peek(1).value === '(') {
        const fn = this.next().value as Aggregate;
        this.expect('punct', '(', '(');
        let column: Operand | null = null;
        if (fn === 'count' && this.accept('punct', '*')) column = null;
        else column = this.parseOperand();
        this.expect('punct', ')', ')');
        item = { kind: 'aggregate', fn, column, alias: null };
      } else {
        item = { kind: 'value', operand: this.parseOperand(), alias: null };
      }
      if (this.accept('keyword', 'as')) item.alias = this.expect('ident', undefined, 'a column alias').value;
      else if (this.is('ident')) item.alias = this.next().value;
      items.push(item);
    } while (this.accept('punct', ','));
    return items;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.accept('keyword', 'or')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.accept('keyword', 'and')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): Expr {
    if (this.accept('keyword', 'not')) {
      this.enter();
      const expr: Expr = { kind: 'not', expr: this.parseNot() };
      this.depth--;
      return expr;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    if (this.is('punct', '(')) {
      this.next();
      this.enter();
      const inner = this.parseOr();
      this.depth--;
      this.expect('punct', ')', ')');
      return inner;
    }
    const operand = this.parseOperand();
    if (this.accept('keyword', 'is')) {
      const negated = this.accept('keyword', 'not');
      this.expect('keyword', 'null', 'NULL after IS');
      return { kind: 'isnull', operand, negated };
    }
    const negated = this.accept('keyword', 'not');
    if (this.accept('keyword', 'in')) {
      this.expect('punct', '(', '( after IN');
      const list: Operand[] = [];
      do {
        if (list.length >= MAX_IN_LIST) throw new SuiteQlError(`An IN list may hold at most ${MAX_IN_LIST} values (ORA-01795).`);
        list.push(this.parseOperand());
      } while (this.accept('punct', ','));
      this.expect('punct', ')', ') to close the IN list');
      return { kind: 'in', operand, list, negated };
    }
    if (this.accept('keyword', 'like')) return { kind: 'like', operand, pattern: this.parseOperand(), negated };
    if (negated) this.fail('Expected IN or LIKE after NOT');
    const t = this.peek();
    if (t.kind !== 'op' || t.value === '||') this.fail('Expected a comparison operator');
    this.next();
    const op = (t.value === '!=' ? '<>' : t.value) as CompareOp;
    return { kind: 'compare', op, left: operand, right: this.parseOperand() };
  }

  private parseOperand(): Operand {
    const t = this.peek();
    if (t.kind === 'string') return this.next(), { kind: 'literal', value: t.value };
    if (t.kind === 'number') {
      this.next();
      const n = Number(t.value);
      if (!Number.isFinite(n)) throw new SuiteQlError(`Number out of range at position ${t.pos}.`);
      return { kind: 'literal', value: n };
    }
    if (this.accept('keyword', 'null')) return { kind: 'literal', value: null };
    if (t.kind === 'keyword' && t.value === 'to_date') {
      this.next();
      this.expect('punct', '(', '( after TO_DATE');
      const text = this.expect('string', undefined, 'a date string').value;
      let format = 'YYYY-MM-DD';
      if (this.accept('punct', ',')) format = this.expect('string', undefined, 'a date format string').value.toUpperCase();
      this.expect('punct', ')', ') to close TO_DATE');
      return { kind: 'date', value: toIsoDate(text, format) };
    }
    if (t.kind === 'keyword' && (t.value === 'upper' || t.value === 'lower')) {
      this.next();
      this.expect('punct', '(', `( after ${t.value.toUpperCase()}`);
      this.enter();
      const arg = this.parseOperand();
      this.depth--;
      this.expect('punct', ')', ')');
      return { kind: 'fn', fn: t.value, arg };
    }
    if (t.kind === 'ident') {
      this.next();
      if (this.accept('punct', '.')) {
        const name = this.expect('ident', undefined, 'a column name after the dot').value;
        return { kind: 'column', qualifier: t.value, name };
      }
      return { kind: 'column', qualifier: null, name: t.value };
    }
    this.fail('Expected a column, a literal or TO_DATE(...)');
  }
}

const FORMATS: Record<string, RegExp> = {
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{1,2})-(?<d>\d{1,2})$/,
  'MM/DD/YYYY': /^(?<m>\d{1,2})\/(?<d>\d{1,2})\/(?<y>\d{4})$/,
  'DD/MM/YYYY': /^(?<d>\d{1,2})\/(?<m>\d{1,2})\/(?<y>\d{4})$/,
  'DD.MM.YYYY': /^(?<d>\d{1,2})\.(?<m>\d{1,2})\.(?<y>\d{4})$/,
};

/** TO_DATE('…', format) to YYYY-MM-DD, for the few formats SuiteQL users write. */
function toIsoDate(text: string, format: string): string {
  const re = FORMATS[format];
  if (!re) throw new SuiteQlError(`Unsupported TO_DATE format '${format}' (use one of ${Object.keys(FORMATS).join(', ')}).`);
  const g = re.exec(text.trim())?.groups;
  if (!g) throw new SuiteQlError(`'${text}' does not match the date format '${format}'.`);
  const iso = `${g.y}-${g.m!.padStart(2, '0')}-${g.d!.padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== iso) throw new SuiteQlError(`'${text}' is not a valid date.`);
  return iso;
}
