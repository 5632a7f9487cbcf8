/**
 * The parsed form of a SuiteQL query. One expression type serves values and conditions (as in
 * Oracle, a condition is only allowed where SQL expects one: WHERE, ON, HAVING, CASE WHEN); the
 * compiler (compile.ts) checks which is which.
 */

/** Comparison operators (`!=` is read as `<>`). */
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Arithmetic and concatenation. */
export type BinaryOp = '+' | '-' | '*' | '/' | '||';

/** Any expression. */
export type Expr =
  | { kind: 'column'; qualifier: string | null; name: string }
  | { kind: 'literal'; value: string | number | null }
  | { kind: 'star' }
  | { kind: 'call'; name: string; args: Expr[]; distinct: boolean }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'neg'; expr: Expr }
  | { kind: 'case'; subject: Expr | null; whens: { when: Expr; then: Expr }[]; otherwise: Expr | null }
  | { kind: 'rownum' }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'like'; operand: Expr; pattern: Expr; negated: boolean }
  | { kind: 'isnull'; operand: Expr; negated: boolean };

/** One entry of the select list. */
export interface SelectItem {
  expr: Expr;
  alias: string | null;
}

/** A table in FROM or JOIN, with the name the query uses for it. */
export interface Source {
  table: string;
  alias: string;
}

/** An ANSI join (`[INNER] JOIN` or `LEFT [OUTER] JOIN ... ON ...`). */
export interface Join {
  source: Source;
  type: 'inner' | 'left';
  on: Expr;
}

/** One ORDER BY key. */
export interface OrderItem {
  expr: Expr;
  descending: boolean;
}

/** A parsed SELECT statement. */
export interface SelectQuery {
  distinct: boolean;
  select: '*' | SelectItem[];
  /** FROM a [, b, c] (non-ANSI joins: the conditions live in WHERE). */
  from: Source[];
  /** ANSI joins after the first FROM table. SuiteQL refuses both styles in one query. */
  joins: Join[];
  where: Expr | null;
  groupBy: Expr[];
  having: Expr | null;
  orderBy: OrderItem[];
  /** `OFFSET n ROWS` */
  offset: number;
  /** `FETCH FIRST|NEXT n ROWS ONLY` */
  fetch: number | null;
}

/** Aggregate function names. */
export const AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg']);

/** Stable text of an expression, to match a select item against a GROUP BY key. */
export function exprKey(e: Expr): string {
  return JSON.stringify(e);
}

/** Whether an expression contains an aggregate call. */
export function hasAggregate(e: Expr): boolean {
  if (e.kind === 'call' && AGGREGATES.has(e.name)) return true;
  return children(e).some(hasAggregate);
}

/** Direct sub-expressions. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'call':
      return e.args;
    case 'binary':
    case 'and':
    case 'or':
    case 'compare':
      return [e.left, e.right];
    case 'neg':
    case 'not':
      return [e.expr];
    case 'case':
      return [...(e.subject ? [e.subject] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.otherwise ? [e.otherwise] : [])];
    case 'in':
      return [e.operand, ...e.list];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'like':
      return [e.operand, e.pattern];
    case 'isnull':
      return [e.operand];
    default:
      return [];
  }
}

/** The top-level AND-ed conditions of a WHERE/ON clause. */
export function conjuncts(e: Expr | null): Expr[] {
  if (!e) return [];
  return e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}
