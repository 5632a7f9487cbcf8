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
  // `a` comes first in the list's order.
  const first = order === 'asc' ? (a: string, b: string) => a < b : (a: string, b: string) => a > b;
  // The page is selected in one pass, keeping the best `limit` rows in order, instead of sorting
  // the whole list on every call: at SANDBOX_SCALE=100 a list holds some 200,000 tasks, and a
  // backfill reads it 100 at a time, so a full sort per page made reading it quadratic.
  const page: { row: T; k: string }[] = [];
  let remaining = 0;
  for (const row of rows) {
    const k = key(row);
    if (after !== null && !first(after, k)) continue;
    remaining++;
    if (page.length === limit && !first(k, page[limit - 1]!.k)) continue;
    let at = page.length;
    while (at > 0 && first(k, page[at - 1]!.k)) at--;
    page.splice(at, 0, { row, k });
    if (page.length > limit) page.pop();
  }
  const last = page[page.length - 1];
  return { results: page.map((p) => p.row), next: remaining > limit && last ? encode(last.k) : null };
}

/** The fields a list is sorted by, as the record's JSON has them. */
export interface Stamp {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * One page of a list endpoint in the order `sortBy` asks (`updatedAt`, the default, or
 * `createdAt`), newest first, as every Vitally list pages
 * (https://docs.vitally.io/pushing-data-to-vitally/rest-api, Pagination: "sortBy"). The records
 * are sorted by their `stamp` (the same fields their JSON carries) and only the page is
 * serialized: serializing a whole list per call made a backfill's bulk read quadratic at
 * SANDBOX_SCALE=100 (1.2 to 3.5 s a page of 100).
 */
export function sortedPageOf<T, R>(c: Context, rows: readonly T[], stamp: (row: T) => Stamp, json: (row: T) => R): { results: R[]; next: string | null } {
  const { limit, from } = pageParams(c);
  const sortBy = c.req.query('sortBy') ?? 'updatedAt';
  if (sortBy !== 'createdAt' && sortBy !== 'updatedAt') throw new VitallyBadRequest('sortBy must be createdAt or updatedAt');
  const page = paginate(
    rows,
    (r) => {
      const s = stamp(r);
      return `${sortBy === 'createdAt' ? s.createdAt : s.updatedAt}|${s.id}`;
    },
    limit,
    from,
    'desc',
  );
  return { results: page.results.map(json), next: page.next };
}

/** `sortedPageOf` for records already serialized (small per-account lists). */
export function sortedPage(c: Context, rows: readonly Record<string, unknown>[]): { results: Record<string, unknown>[]; next: string | null } {
  return sortedPageOf(c, rows, (r) => ({ id: String(r.id), createdAt: String(r.createdAt ?? ''), updatedAt: String(r.updatedAt ?? '') }), (r) => r);
}

/**
 * A workspace's version, bumped by every write to it (the API's writes and the sandbox admin's
 * changes, `workspaceChanged`), so a list's sorted order can be kept between reads of its pages.
 */
const versions = new WeakMap<object, number>();

/** Something in the workspace `ds` changed (or may have): its kept list orders are built again on their next read. */
export function workspaceChanged(ds: object): void {
  versions.set(ds, (versions.get(ds) ?? 0) + 1);
}

const keptOrders = new WeakMap<object, Map<string, { version: number; keys: string[]; rows: unknown[] }>>();

/**
 * `sortedPageOf` for a workspace-wide list read page by page (a backfill reads some 200,000 tasks
 * 100 at a time at SANDBOX_SCALE=100): the list is sorted once per version of the workspace and
 * sort order, and each page is found by a binary search for its cursor, instead of a pass over
 * the whole list per page. Pages, order and cursors are the same as `sortedPageOf`'s.
 */
export function keptPageOf<T, R>(c: Context, ds: object, list: string, rows: () => readonly T[], stamp: (row: T) => Stamp, json: (row: T) => R): { results: R[]; next: string | null } {
  const { limit, from } = pageParams(c);
  const sortBy = c.req.query('sortBy') ?? 'updatedAt';
  if (sortBy !== 'createdAt' && sortBy !== 'updatedAt') throw new VitallyBadRequest('sortBy must be createdAt or updatedAt');
  const after = from === null ? null : decode(from);
  let byList = keptOrders.get(ds);
  if (!byList) keptOrders.set(ds, (byList = new Map()));
  const version = versions.get(ds) ?? 0;
  let kept = byList.get(`${list}|${sortBy}`);
  if (!kept || kept.version !== version) {
    const keyed = rows().map((row) => {
      const s = stamp(row);
      return { row, k: `${sortBy === 'createdAt' ? s.createdAt : s.updatedAt}|${s.id}` };
    });
    // Newest first; a stable sort keeps equal keys in the list's order, as the one-pass selection does.
    keyed.sort((a, b) => (a.k > b.k ? -1 : a.k < b.k ? 1 : 0));
    kept = { version, keys: keyed.map((x) => x.k), rows: keyed.map((x) => x.row) };
    byList.set(`${list}|${sortBy}`, kept);
  }
  const { keys } = kept;
  // The first row after the cursor: the first key below it.
  let lo = 0;
  if (after !== null) {
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < after) hi = mid;
      else lo = mid + 1;
    }
  }
  const page = (kept.rows as T[]).slice(lo, lo + limit);
  const remaining = keys.length - lo;
  return { results: page.map(json), next: remaining > limit && page.length > 0 ? encode(keys[lo + page.length - 1]!) : null };
}
