/**
 * Vitally cursor paging: `limit` (1..100, default 20) and `from` (the `next` cursor of the
 * previous page); responses are `{results, next}` with `next: null` on the last page. The cursor
 * holds the sort key of the last row returned, so rows added meanwhile neither repeat nor vanish.
 * https://docs.vitally.io/en/articles/9880209-rest-api-overview (pagination)
 */
import type { Context } from 'hono';

/** A client error a Vitally route answers with 400. */
export class VitallyBadRequest extends Error {}

/** Read `limit` and `from` from the query string. */
export function pageParams(c: Context): { limit: number; from: string | null } {
  const limitText = c.req.query('limit');
  const limit = limitText === undefined ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new VitallyBadRequest(`limit must be an integer from 1 to 100, got ${limitText}`);
  const from = c.req.query('from');
  return { limit, from: from === undefined || from === '' ? null : from };
}

function encode(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

function decode(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof parsed.k === 'string') return parsed.k;
  } catch {
    // fall through to the error below
  }
  throw new VitallyBadRequest('from is not a valid cursor (pass the `next` value of the previous page)');
}

/**
 * One page of `rows` ordered by `key`, starting after the cursor. Vitally's lists page "sorted by
 * updatedAt descending" unless told otherwise (https://docs.vitally.io/pushing-data-to-vitally/rest-api,
 * Pagination): `desc` is what the list endpoints use; an ascending order is kept for the health
 * score history, which Vitally documents without an example (oldest first here).
 */
export function paginate<T>(rows: readonly T[], key: (row: T) => string, limit: number, from: string | null, order: 'asc' | 'desc' = 'asc'): { results: T[]; next: string | null } {
  const after = from === null ? null : decode(from);
  const sign = order === 'asc' ? 1 : -1;
  const sorted = rows.map((row) => ({ row, k: key(row) })).filter((r) => after === null || (order === 'asc' ? r.k > after : r.k < after));
  sorted.sort((a, b) => sign * (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1];
  return { results: page.map((p) => p.row), next: sorted.length > limit && last ? encode(last.k) : null };
}

/**
 * One page of a list endpoint's serialized records in the order `sortBy` asks (`updatedAt`, the
 * default, or `createdAt`), newest first, as every Vitally list pages
 * (https://docs.vitally.io/pushing-data-to-vitally/rest-api, Pagination: "sortBy").
 */
export function sortedPage(c: Context, rows: readonly Record<string, unknown>[]): { results: Record<string, unknown>[]; next: string | null } {
  const { limit, from } = pageParams(c);
  const sortBy = c.req.query('sortBy') ?? 'updatedAt';
  if (sortBy !== 'createdAt' && sortBy !== 'updatedAt') throw new VitallyBadRequest('sortBy must be createdAt or updatedAt');
  return paginate(rows, (r) => `${String(r[sortBy] ?? '')}|${String(r.id)}`, limit, from, 'desc');
}
