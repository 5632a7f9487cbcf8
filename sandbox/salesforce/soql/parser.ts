/**
 * Recursive-descent SOQL parser for the subset the sandbox supports:
 * `SELECT fields | COUNT() FROM Obj [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...]
 * [LIMIT n] [OFFSET n]`, where cond has = != <> < <= > >= LIKE IN / NOT IN, AND / OR / NOT,
 * parentheses, null, true/false, date and datetime literals and date functions such as TODAY
 * or LAST_N_DAYS:n. As in SOQL, AND and OR cannot be mixed at one level without parentheses.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_conditionexpression.htm
 */
import { malformed } from '../errors.js';
import { tokenize, type Token } from './lexer.js';

/** Nesting cap for parentheses and NOT, so hostile input cannot blow the stack. */
export const MAX_DEPTH = 50;

/** A literal on the right of a comparison. */
export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: string }
  | { kind: 'dateLiteral'; name: string; n?: number };

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A WHERE condition tree. */
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; field: string; op: ComparisonOp; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pattern: string };

/** One ORDER BY key. */
export interface OrderKey {
  field: string;
  desc: boolean;
  nullsLast: boolean;
}

/** A parsed SOQL query. */
export interface SoqlQuery {
  select: { kind: 'count' } | { kind: 'fields'; fields: string[] };
  from: string;
  where?: Condition;
  orderBy: OrderKey[];
  limit?: number;
  offset?: number;
}

/** Date functions without an argument, and those that take `:n`. */
export const DATE_LITERALS = ['TODAY', 'YESTERDAY', 'TOMORROW', 'THIS_WEEK', 'LAST_WEEK', 'NEXT_WEEK', 'THIS_MONTH', 'LAST_MONTH', 'NEXT_MONTH', 'THIS_YEAR', 'LAST_YEAR', 'NEXT_YEAR', 'LAST_90_DAYS', 'NEXT_90_DAYS'];
export const DATE_LITERALS_N = ['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO', 'LAST_N_MONTHS', 'NEXT_N_MONTHS'];

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'NULL', 'TRUE', 'FALSE', 'GROUP', 'HAVING']);

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private fail(t: Token = this.peek()): never {
    throw malformed(`unexpected token: '${t.value}' at column ${t.pos + 1}`);
  }
  private isKeyword(word: string, t: Token = this.peek()): boolean {
    return t.kind === 'ident' && t.value.toUpperCase() === word;
  }
  private accept(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }
  private expect(word: string): void {
    if (!this.accept(word)) this.fail();
  }
  private expectPunct(p: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.value !== p) this.fail(t);
  }
  private field(): string {
    const t = this.next();
    if (t.kind !== 'ident' || RESERVED.has(t.value.toUpperCase())) this.fail(t);
    return t.value;
  }
  private integer(): number {
    const t = this.next();
    if (t.kind !== 'number' || !/^\d+$/.test(t.value) || t.value.length > 9) this.fail(t);
    return Number(t.value);
  }

  query(): SoqlQuery {
    this.expect('SELECT');
    let select: SoqlQuery['select'];
    if (this.isKeyword('COUNT') && this.tokens[this.i + 1]?.value === '(') {
      this.i++;
      this.expectPunct('(');
      this.expectPunct(')');
      select = { kind: 'count' };
    } else {
      const fields = [this.field()];
      while (this.peek().value === ',') {
        this.next();
        fields.push(this.field());
      }
      select = { kind: 'fields', fields };
    }
    this.expect('FROM');
    const from = this.field();
    const q: SoqlQuery = { select, from, orderBy: [] };
    if (this.accept('WHERE')) q.where = this.condition();
    if (this.accept('ORDER')) {
      this.expect('BY');
      do {
        if (q.orderBy.length) this.next();
        const field = this.field();
        const desc = this.accept('DESC') ? true : (this.accept('ASC'), false);
        let nullsLast = desc; // SOQL default: ASC puts nulls first, DESC puts them last
        if (this.accept('NULLS')) {
          if (this.accept('LAST')) nullsLast = true;
          else if (this.accept('FIRST')) nullsLast = false;
          else this.fail();
        }
        q.orderBy.push({ field, desc, nullsLast });
      } while (this.peek().value === ',');
    }
    if (this.accept('LIMIT')) q.limit = this.integer();
    if (this.accept('OFFSET')) q.offset = this.integer();
    if (this.peek().kind !== 'eof') this.fail();
    return q;
  }

  /** cond := unary ((AND unary)* | (OR unary)*) — mixing needs parentheses. */
  private condition(): Condition {
    if (++this.depth > MAX_DEPTH) throw malformed(`Query is nested too deeply (more than ${MAX_DEPTH} levels)`);
    const first = this.unary();
    const items = [first];
    let op: 'and' | 'or' | undefined;
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const word = this.next().value.toLowerCase() as 'and' | 'or';
      if (op && op !== word) throw malformed(`unexpected token: '${word.toUpperCase()}': AND and OR must be grouped with parentheses`);
      op = word;
      items.push(this.unary());
    }
    this.depth--;
    return op ? { kind: op, items } : first;
  }

  private unary(): Condition {
    if (this.accept('NOT')) {
      if (++this.depth > MAX_DEPTH) throw malformed(`Query is nested too deeply (more than ${MAX_DEPTH} levels)`);
      const item = this.unary();
      this.depth--;
      return { kind: 'not', item };
    }
    if (this.peek().value === '(' && this.peek().kind === 'punct') {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const field = this.field();
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      const op = (t.value === '<>' ? '!=' : t.value) as ComparisonOp;
      return { kind: 'cmp', field, op, value: this.literal() };
    }
    if (this.accept('LIKE')) {
      const s = this.next();
      if (s.kind !== 'string') this.fail(s);
      return { kind: 'like', field, pattern: s.value };
    }
    const negated = this.accept('NOT');
    if (this.accept('IN')) {
      this.expectPunct('(');
      const values = [this.literal()];
      while (this.peek().value === ',') {
        this.next();
        values.push(this.literal());
      }
      this.expectPunct(')');
      return { kind: 'in', field, negated, values };
    }
    return this.fail();
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value };
      case 'number':
        return { kind: 'number', value: Number(t.value) };
      case 'date':
        return { kind: 'date', value: t.value };
      case 'datetime':
        return { kind: 'datetime', value: t.value };
      case 'ident': {
        const word = t.value.toUpperCase();
        if (word === 'NULL') return { kind: 'null' };
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        if (DATE_LITERALS.includes(word)) return { kind: 'dateLiteral', name: word };
        if (DATE_LITERALS_N.includes(word)) {
          this.expectPunct(':');
          return { kind: 'dateLiteral', name: word, n: this.integer() };
        }
        return this.fail(t);
      }
      default:
        return this.fail(t);
    }
  }
}

/** Parses SOQL, throwing MALFORMED_QUERY with the offending token and column. */
export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).query();
}
