/**
 * Expressions and conditions of the SuiteQL subset, with Oracle's precedence:
 *   OR < AND < NOT < comparison (=, <>, <, >, [NOT] IN, [NOT] LIKE, [NOT] BETWEEN, IS [NOT] NULL)
 *   < + - || < * / < unary minus < primary
 * Primaries: literals, [qualifier.]column, function calls (`UPPER(x)`, `TO_CHAR(d, 'YYYY-MM-DD')`,
 * `BUILTIN.DF(col)`, `COUNT(*)`, `COUNT(DISTINCT x)`, ...), `SYSDATE`, `ROWNUM`, `CASE ... END`
 * and parentheses. Nesting is capped so hostile input cannot blow the stack.
 */
import type { CompareOp, Expr } from './ast.js';
import { SuiteQlError, unsupported } from './errors.js';
import type { Token } from './lexer.js';

/** Deepest nesting of parentheses/NOT/functions accepted. */
export const MAX_DEPTH = 40;
/** Oracle's limit on IN lists (ORA-01795). */
export const MAX_IN_LIST = 1000;

/** Paging clauses users try from other SQL dialects. */
const PAGING_WORDS = new Set(['limit', 'top']);
const UNSUPPORTED = new Set(['union', 'right', 'full', 'cross']);

/** Token cursor plus the expression grammar; the query parser extends it. */
export class ExprParser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  protected is(kind: Token['kind'], value?: string): boolean {
    const t = this.peek();
    return t.kind === kind && (value === undefined || t.value === value);
  }

  protected accept(kind: Token['kind'], value?: string): boolean {
    if (!this.is(kind, value)) return false;
    this.next();
    return true;
  }

  protected expect(kind: Token['kind'], value: string | undefined, what: string): Token {
    if (!this.is(kind, value)) this.fail(`Expected ${what}`);
    return this.next();
  }

  protected isPagingWord(): boolean {
    return this.peek().kind === 'ident' && PAGING_WORDS.has(this.peek().value);
  }

  protected fail(message: string): never {
    const t = this.peek();
    const near = t.kind === 'eof' ? 'end of query' : `'${t.value.slice(0, 40)}' at position ${t.pos}`;
    if (this.isPagingWord()) {
      throw new SuiteQlError(`${t.value.toUpperCase()} is not supported in SuiteQL; use FETCH FIRST n ROWS ONLY, or page with the limit and offset query parameters (near position ${t.pos}).`);
    }
    if (t.kind === 'keyword' && UNSUPPORTED.has(t.value)) throw unsupported(`${t.value.toUpperCase()} near position ${t.pos} is not emulated`);
    throw new SuiteQlError(`${message} near ${near}.`);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new SuiteQlError(`Query is nested too deeply (more than ${MAX_DEPTH} levels).`);
  }

  private leave(): void {
    this.depth--;
  }

  /** A condition (WHERE, ON, HAVING, CASE WHEN). */
  protected parseCondition(): Expr {
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
      this.leave();
      return expr;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    const operand = this.parseValue();
    if (this.accept('keyword', 'is')) {
      const negated = this.accept('keyword', 'not');
      this.expect('keyword', 'null', 'NULL after IS');
      return { kind: 'isnull', operand, negated };
    }
    const negated = this.accept('keyword', 'not');
    if (this.accept('keyword', 'in')) {
      this.expect('punct', '(', '( after IN');
      if (this.is('keyword', 'select')) throw unsupported('sub-queries are not emulated');
      const list: Expr[] = [];
      do {
        if (list.length >= MAX_IN_LIST) throw new SuiteQlError(`An IN list may hold at most ${MAX_IN_LIST} values (ORA-01795).`);
        list.push(this.parseValue());
      } while (this.accept('punct', ','));
      this.expect('punct', ')', ') to close the IN list');
      return { kind: 'in', operand, list, negated };
    }
    if (this.accept('keyword', 'like')) return { kind: 'like', operand, pattern: this.parseValue(), negated };
    if (this.accept('keyword', 'between')) {
      const low = this.parseValue();
      this.expect('keyword', 'and', 'AND in BETWEEN ... AND ...');
      return { kind: 'between', operand, low, high: this.parseValue(), negated };
    }
    if (negated) this.fail('Expected IN, LIKE or BETWEEN after NOT');
    const t = this.peek();
    if (t.kind !== 'op' || !['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.value)) return operand;
    this.next();
    const op = (t.value === '!=' ? '<>' : t.value) as CompareOp;
    return { kind: 'compare', op, left: operand, right: this.parseValue() };
  }

  /** A value expression (select items, GROUP BY and ORDER BY keys, function arguments). */
  protected parseValue(): Expr {
    let left = this.parseTerm();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.value !== '+' && t.value !== '-' && t.value !== '||')) return left;
      this.next();
      left = { kind: 'binary', op: t.value, left, right: this.parseTerm() };
    }
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    for (;;) {
      if (this.accept('punct', '*')) left = { kind: 'binary', op: '*', left, right: this.parseUnary() };
      else if (this.accept('op', '/')) left = { kind: 'binary', op: '/', left, right: this.parseUnary() };
      else return left;
    }
  }

  private parseUnary(): Expr {
    if (this.accept('op', '-')) {
      this.enter();
      const expr: Expr = { kind: 'neg', expr: this.parseUnary() };
      this.leave();
      return expr;
    }
    if (this.accept('op', '+')) return this.parseUnary();
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'string') return this.next(), { kind: 'literal', value: t.value };
    if (t.kind === 'number') {
      this.next();
      const n = Number(t.value);
      if (!Number.isFinite(n)) throw new SuiteQlError(`Number out of range at position ${t.pos}.`);
      return { kind: 'literal', value: n };
    }
    if (this.accept('keyword', 'null')) return { kind: 'literal', value: null };
    if (this.accept('keyword', 'rownum')) return { kind: 'rownum' };
    if (this.accept('keyword', 'case')) return this.parseCase();
    if (this.is('keyword', 'select')) throw unsupported('sub-queries are not emulated');
    if (this.accept('punct', '(')) {
      if (this.is('keyword', 'select')) throw unsupported('sub-queries are not emulated');
      this.enter();
      const inner = this.parseCondition();
      this.leave();
      this.expect('punct', ')', ')');
      return inner;
    }
    if (t.kind === 'ident') {
      this.next();
      if (t.value === 'builtin' && this.accept('punct', '.')) {
        const fn = this.expect('ident', undefined, 'a built-in function name after BUILTIN.').value;
        return this.parseCall(`builtin.${fn}`);
      }
      if (this.is('punct', '(')) return this.parseCall(t.value);
      if (t.value === 'sysdate' || t.value === 'current_date') return { kind: 'call', name: t.value, args: [], distinct: false };
      if (this.accept('punct', '.')) {
        const name = this.expect('ident', undefined, 'a column name after the dot').value;
        return { kind: 'column', qualifier: t.value, name };
      }
      return { kind: 'column', qualifier: null, name: t.value };
    }
    this.fail('Expected a column, a literal or a function');
  }

  private parseCall(name: string): Expr {
    this.expect('punct', '(', `( after ${name.toUpperCase()}`);
    this.enter();
    const args: Expr[] = [];
    const distinct = this.accept('keyword', 'distinct');
    if (this.accept('punct', '*')) args.push({ kind: 'star' });
    else if (!this.is('punct', ')')) {
      do args.push(this.parseValue());
      while (this.accept('punct', ','));
    }
    this.leave();
    this.expect('punct', ')', `) to close ${name.toUpperCase()}(`);
    return { kind: 'call', name, args, distinct };
  }

  private parseCase(): Expr {
    this.enter();
    const subject = this.is('keyword', 'when') ? null : this.parseValue();
    const whens: { when: Expr; then: Expr }[] = [];
    while (this.accept('keyword', 'when')) {
      const when = subject ? this.parseValue() : this.parseCondition();
      this.expect('keyword', 'then', 'THEN');
      whens.push({ when, then: this.parseValue() });
    }
    if (whens.length === 0) this.fail('Expected WHEN in CASE');
    const otherwise = this.accept('keyword', 'else') ? this.parseValue() : null;
    this.expect('keyword', 'end', 'END to close CASE');
    this.leave();
    return { kind: 'case', subject, whens, otherwise };
  }
}
