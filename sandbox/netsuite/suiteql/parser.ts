/**
 * Recursive-descent parser for the SuiteQL the emulator runs (SuiteQL is Oracle SQL with NetSuite's
 * function list: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_158513731864.html):
 *
 *   SELECT [DISTINCT] * | expr [[AS] alias], ...
 *   FROM table [alias] { , table [alias] }                      -- non-ANSI joins (conditions in WHERE)
 *      | FROM table [alias] { [INNER] | LEFT [OUTER] JOIN table [alias] ON cond }   -- ANSI joins
 *   [WHERE cond] [GROUP BY expr, ...] [HAVING cond] [ORDER BY expr [ASC|DESC], ...]
 *   [OFFSET n ROWS] [FETCH FIRST|NEXT n ROWS ONLY]
 *
 * SuiteQL accepts both join styles but not both in one query
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_3903316302.html).
 * Expressions (parse-expr.ts) cover the functions integrations use. Sub-queries, UNION, RIGHT/FULL
 * joins and LIMIT/TOP are refused with NetSuite's "Invalid or unsupported search".
 */
import type { Join, OrderItem, SelectItem, SelectQuery, Source } from './ast.js';
import { SuiteQlError, unsupported } from './errors.js';
import { tokenize } from './lexer.js';
import { ExprParser } from './parse-expr.js';

/** Parse a SuiteQL query or throw SuiteQlError. */
export function parseSuiteQl(query: string): SelectQuery {
  return new QueryParser(query).parseQuery();
}

class QueryParser extends ExprParser {
  constructor(query: string) {
    super(tokenize(query));
  }

  parseQuery(): SelectQuery {
    this.expect('keyword', 'select', 'SELECT');
    const distinct = this.accept('keyword', 'distinct');
    const select = this.accept('punct', '*') ? '*' : this.parseSelectList();
    this.expect('keyword', 'from', 'FROM');
    const from: Source[] = [this.parseSource()];
    const joins: Join[] = [];
    for (;;) {
      if (this.accept('punct', ',')) {
        from.push(this.parseSource());
        continue;
      }
      const join = this.parseJoin();
      if (!join) break;
      joins.push(join);
    }
    if (from.length > 1 && joins.length > 0) {
      throw unsupported('ANSI joins (JOIN ... ON) and non-ANSI joins (FROM a, b WHERE ...) cannot be mixed in one query');
    }
    const where = this.accept('keyword', 'where') ? this.parseCondition() : null;
    const groupBy = [];
    if (this.accept('keyword', 'group')) {
      this.expect('keyword', 'by', 'BY after GROUP');
      do groupBy.push(this.parseValue());
      while (this.accept('punct', ','));
    }
    const having = this.accept('keyword', 'having') ? this.parseCondition() : null;
    const orderBy: OrderItem[] = [];
    if (this.accept('keyword', 'order')) {
      this.expect('keyword', 'by', 'BY after ORDER');
      do {
        const expr = this.parseValue();
        const descending = this.accept('keyword', 'desc') ? true : (this.accept('keyword', 'asc'), false);
        orderBy.push({ expr, descending });
      } while (this.accept('punct', ','));
    }
    let offset = 0;
    if (this.accept('keyword', 'offset')) {
      offset = this.parseCount('OFFSET');
      if (!this.accept('keyword', 'rows')) this.expect('keyword', 'row', 'ROWS after OFFSET n');
    }
    let fetch: number | null = null;
    if (this.accept('keyword', 'fetch')) {
      if (!this.accept('keyword', 'first')) this.expect('keyword', 'next', 'FIRST or NEXT after FETCH');
      fetch = this.parseCount('FETCH FIRST');
      if (!this.accept('keyword', 'rows')) this.expect('keyword', 'row', 'ROWS after FETCH FIRST n');
      this.expect('keyword', 'only', 'ONLY');
    }
    this.accept('punct', ';');
    if (this.is('keyword', 'union')) throw unsupported('UNION is not emulated');
    if (!this.is('eof')) this.fail('Unexpected input');
    return { distinct, select, from, joins, where, groupBy, having, orderBy, offset, fetch };
  }

  private parseCount(what: string): number {
    const t = this.expect('number', undefined, `a row count after ${what}`);
    const n = Number(t.value);
    if (!Number.isInteger(n) || n < 0) throw new SuiteQlError(`${what} needs a non-negative whole number, got ${t.value} (ORA-01722).`);
    return n;
  }

  private parseSource(): Source {
    if (this.is('punct', '(')) throw unsupported('sub-queries in FROM are not emulated');
    const table = this.expect('ident', undefined, 'a table name').value;
    let alias = table;
    if (this.accept('keyword', 'as')) alias = this.expect('ident', undefined, 'a table alias').value;
    else if (this.is('ident') && !this.isPagingWord()) alias = this.next().value;
    return { table, alias };
  }

  private parseJoin(): Join | null {
    let type: Join['type'] = 'inner';
    if (this.is('keyword', 'right') || this.is('keyword', 'full') || this.is('keyword', 'cross')) {
      throw unsupported(`${this.peek().value.toUpperCase()} JOIN is not emulated; use [INNER] JOIN or LEFT [OUTER] JOIN`);
    }
    if (this.accept('keyword', 'left')) {
      this.accept('keyword', 'outer');
      type = 'left';
    } else this.accept('keyword', 'inner');
    if (!this.accept('keyword', 'join')) {
      if (type === 'left') this.fail('Expected JOIN');
      return null;
    }
    const source = this.parseSource();
    this.expect('keyword', 'on', 'ON after the joined table');
    return { source, type, on: this.parseCondition() };
  }

  private parseSelectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      const expr = this.parseValue();
      let alias: string | null = null;
      if (this.accept('keyword', 'as')) alias = this.expect('ident', undefined, 'a column alias').value;
      else if (this.is('ident')) alias = this.next().value;
      items.push({ expr, alias });
    } while (this.accept('punct', ','));
    return items;
  }
}
