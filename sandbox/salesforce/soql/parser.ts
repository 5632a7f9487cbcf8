/**
 * Recursive-descent SOQL parser for the subset the sandbox supports:
 * `SELECT items | COUNT() FROM Obj [WHERE cond] [GROUP BY f, ...] [HAVING cond]
 * [ORDER BY key [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]`, where items are fields
 * (`Name`, `Account.Name`), child-relationship subqueries (`(SELECT Id FROM Contacts WHERE ...
 * ORDER BY ... LIMIT n)`, one level deep) and aggregate functions (`COUNT(Id)`, `COUNT_DISTINCT`,
 * `SUM`, `AVG`, `MIN`, `MAX`) with optional aliases; cond has = != <> < <= > >= LIKE IN / NOT IN,
 * AND / OR / NOT, parentheses, null, true/false, date and datetime literals and date functions
 * such as TODAY or LAST_N_DAYS:n (HAVING also compares aggregates). As in SOQL, AND and OR cannot
 * be mixed at one level without parentheses.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_conditionexpression.htm
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_agg_functions.htm
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
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

/** SOQL's aggregate functions. */
export const AGGREGATE_FNS = ['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX'] as const;
export type AggregateFn = (typeof AGGREGATE_FNS)[number];

/** `SUM(Amount)`; `field` is null only for `COUNT()`. */
export interface AggregateCall {
  fn: AggregateFn;
  field: string | null;
}

/** A WHERE (or HAVING) condition tree; `agg` compares an aggregate and appears in HAVING only. */
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; field: string; op: ComparisonOp; value: Literal }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: string; pattern: string }
  | { kind: 'agg'; call: AggregateCall; op: ComparisonOp; value: Literal };

/** One ORDER BY key: a field, or an aggregate in an aggregate query (`ORDER BY COUNT(Id) DESC`). */
export interface OrderKey {
  field: string;
  desc: boolean;
  nullsLast: boolean;
  call?: AggregateCall;
}

/** One item of an aggregate query's SELECT list. */
export type AggregateItem = { kind: 'field'; field: string; alias?: string } | { kind: 'aggregate'; call: AggregateCall; alias?: string };

/** A parsed SOQL query. */
export interface SoqlQuery {
  select:
    | { kind: 'count' }
    | { kind: 'fields'; fields: string[]; subqueries?: SoqlQuery[] }
    | { kind: 'aggregate'; items: AggregateItem[] };
  from: string;
  where?: Condition;
  groupBy?: string[];
  having?: Condition;
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
  /** True while parsing HAVING, where aggregate comparisons are allowed. */
  private inHaving = false;
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

  /** An aggregate call starts here: `SUM (`. */
  private atAggregate(): boolean {
    const t = this.peek();
    return t.kind === 'ident' && (AGGREGATE_FNS as readonly string[]).includes(t.value.toUpperCase()) && this.tokens[this.i + 1]?.value === '(';
  }

  /** `FN ( [field] )`; only COUNT may be empty. */
  private aggregateCall(): AggregateCall {
    const fn = this.next().value.toUpperCase() as AggregateFn;
    this.expectPunct('(');
    if (this.peek().kind === 'punct' && this.peek().value === ')') {
      if (fn !== 'COUNT') this.fail();
      this.next();
      return { fn, field: null };
    }
    const field = this.field();
    this.expectPunct(')');
    return { fn, field };
  }

  /** An alias after a SELECT item: an identifier that is not a keyword. */
  private alias(): string | undefined {
    const t = this.peek();
    if (t.kind !== 'ident' || RESERVED.has(t.value.toUpperCase()) || t.value.includes('.')) return undefined;
    this.next();
    return t.value;
  }

  private selectList(nested: boolean): SoqlQuery['select'] {
    const plain: string[] = [];
    const subqueries: SoqlQuery[] = [];
    const items: AggregateItem[] = [];
    let aggregate = false;
    let aliased = false;
    let bareCount = false;
    do {
      if (items.length || subqueries.length) this.next(); // the comma
      if (this.peek().kind === 'punct' && this.peek().value === '(') {
        // Child-relationship subqueries are one level deep.
        if (nested) this.fail();
        this.next();
        subqueries.push(this.query(true));
        this.expectPunct(')');
        continue;
      }
      if (this.atAggregate()) {
        const call = this.aggregateCall();
        if (call.field === null) bareCount = true;
        const alias = this.alias();
        aggregate = true;
        items.push({ kind: 'aggregate', call, ...(alias ? { alias } : {}) });
        continue;
      }
      const field = this.field();
      const alias = this.alias();
      if (alias) aliased = true;
      plain.push(field);
      items.push({ kind: 'field', field, ...(alias ? { alias } : {}) });
    } while (this.peek().value === ',');
    if (bareCount) {
      // COUNT() stands alone: `SELECT COUNT() FROM ...`.
      if (items.length !== 1 || subqueries.length || (items[0] as { alias?: string }).alias) throw malformed('COUNT() must be the only item in the SELECT list');
      return { kind: 'count' };
    }
    if (aggregate) {
      if (subqueries.length) throw malformed('Aggregate queries cannot have child-relationship subqueries');
      return { kind: 'aggregate', items };
    }
    if (aliased) throw malformed('Aliases are allowed on aggregate functions and grouped fields only');
    return subqueries.length ? { kind: 'fields', fields: plain, subqueries } : { kind: 'fields', fields: plain };
  }

  /** The whole statement, or a subquery up to (not including) its closing parenthesis. */
  query(nested = false): SoqlQuery {
    this.expect('SELECT');
    const select = this.selectList(nested);
    this.expect('FROM');
    const from = this.field();
    const q: SoqlQuery = { select, from, orderBy: [] };
    if (this.accept('WHERE')) q.where = this.condition();
    if (!nested && this.accept('GROUP')) {
      this.expect('BY');
      const groupBy = [this.field()];
      while (this.peek().value === ',') {
        this.next();
        groupBy.push(this.field());
      }
      q.groupBy = groupBy;
    }
    if (!nested && this.accept('HAVING')) {
      if (!q.groupBy && select.kind !== 'aggregate') throw malformed('HAVING needs GROUP BY or an aggregate query');
      this.inHaving = true;
      q.having = this.condition();
      this.inHaving = false;
    }
    if (this.accept('ORDER')) {
      this.expect('BY');
      do {
        if (q.orderBy.length) this.next();
        const call = this.atAggregate() ? this.aggregateCall() : undefined;
        const field = call ? `${call.fn}(${call.field ?? ''})` : this.field();
        const desc = this.accept('DESC') ? true : (this.accept('ASC'), false);
        let nullsLast = desc; // SOQL default: ASC puts nulls first, DESC puts them last
        if (this.accept('NULLS')) {
          if (this.accept('LAST')) nullsLast = true;
          else if (this.accept('FIRST')) nullsLast = false;
          else this.fail();
        }
        q.orderBy.push({ field, desc, nullsLast, ...(call ? { call } : {}) });
      } while (this.peek().value === ',');
    }
    if (this.accept('LIMIT')) q.limit = this.integer();
    if (this.accept('OFFSET')) q.offset = this.integer();
    if (select.kind === 'count' && q.groupBy) throw malformed('COUNT() cannot be used with GROUP BY: use COUNT(fieldName)');
    if (nested ? !(this.peek().kind === 'punct' && this.peek().value === ')') : this.peek().kind !== 'eof') this.fail();
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
    if (this.atAggregate()) {
      if (!this.inHaving) throw malformed('Aggregate functions are allowed in HAVING, not in WHERE');
      const call = this.aggregateCall();
      const t = this.next();
      if (t.kind !== 'op') this.fail(t);
      return { kind: 'agg', call, op: (t.value === '<>' ? '!=' : t.value) as ComparisonOp, value: this.literal() };
    }
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
