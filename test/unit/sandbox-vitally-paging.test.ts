/**
 * The sandbox Vitally's cursor paging (sandbox/vitally/paging.ts) selects each page in one pass
 * instead of sorting the whole list per call, and sorts records by stamps without serializing
 * them; it must page exactly as a full sort of the JSON does: same rows, same order, every row
 * once, `next` null on the last page, in both orders.
 */
import { describe, expect, it } from 'vitest';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { Context } from 'hono';
import { keptPageOf, paginate, sortedPageOf, workspaceChanged } from '../../sandbox/vitally/paging.js';
import { conversationJson, conversationStamp, projectJson, projectStamp, taskJson, taskStamp } from '../../sandbox/vitally/serialize.js';

/** The reference: sort everything, take the page after the cursor. */
function bySort(rows: readonly string[], after: string | null, limit: number, order: 'asc' | 'desc'): string[] {
  const sorted = rows.filter((k) => after === null || (order === 'asc' ? k > after : k < after)).sort();
  if (order === 'desc') sorted.reverse();
  return sorted.slice(0, limit);
}

/** A deterministic shuffle of `n` distinct keys (some sharing a prefix, as `updatedAt|id` keys do). */
function keys(n: number): string[] {
  const out = Array.from({ length: n }, (_, i) => `2026-12-${String(1 + (i % 7)).padStart(2, '0')}|${String(i).padStart(5, '0')}`);
  let seed = 7;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('sandbox Vitally paging', () => {
  for (const order of ['asc', 'desc'] as const) {
    for (const [n, limit] of [[0, 20], [1, 20], [20, 20], [21, 20], [257, 100], [1000, 7]] as const) {
      it(`${order}, ${n} rows, limit ${limit}: the pages a full sort gives, each row once`, () => {
        const rows = keys(n);
        const seen: string[] = [];
        let from: string | null = null;
        let after: string | null = null;
        for (let pages = 0; pages <= n + 1; pages++) {
          const page: { results: string[]; next: string | null } = paginate(rows, (k) => k, limit, from, order);
          expect(page.results).toEqual(bySort(rows, after, limit, order));
          seen.push(...page.results);
          if (page.next === null) break;
          from = page.next;
          after = page.results[page.results.length - 1]!;
        }
        expect(seen).toEqual(bySort(rows, null, n, order));
      });
    }
  }
});

describe('sandbox Vitally list stamps', () => {
  // A list is sorted by each record's stamp and only the page is serialized: a stamp must say
  // what the record's JSON says, or the pages would come in another order than the records show.
  const vitally = generateTenant('demo', '2026-12-04').vitally;
  const fields = (j: Record<string, unknown>) => ({ id: j['id'], createdAt: j['createdAt'], updatedAt: j['updatedAt'] });

  it('projects, milestones and conversations: the stamp is the JSON', () => {
    expect(vitally.projects.length).toBeGreaterThan(0);
    for (const p of vitally.projects) {
      expect(projectStamp(p)).toEqual(fields(projectJson(p)));
      for (const t of p.tasks) expect(taskStamp(p, t)).toEqual(fields(taskJson(p, t)));
    }
    expect(vitally.conversations.length).toBeGreaterThan(0);
    for (const c of vitally.conversations) expect(conversationStamp(c)).toEqual(fields(conversationJson(c)));
  });
});

describe('sandbox Vitally kept list orders', () => {
  // A workspace-wide list keeps its sorted order between page reads until the workspace changes;
  // its pages must be what the one-pass selection (`sortedPageOf`) gives, before and after a change.
  type Rec = { id: string; createdAt: string; updatedAt: string };
  const context = (query: Record<string, string>) => ({ req: { query: (k: string) => query[k] } }) as unknown as Context;
  const stamp = (r: Rec) => r;
  const walk = (read: (from: string | null) => { results: Rec[]; next: string | null }) => {
    const pages: string[][] = [];
    let from: string | null = null;
    for (let i = 0; i < 100; i++) {
      const page = read(from);
      pages.push(page.results.map((r) => r.id));
      if (page.next === null) break;
      from = page.next;
    }
    return pages;
  };

  it('pages as sortedPageOf does, in both sort orders, and again after the workspace changed', () => {
    // Some records share an updatedAt (the id breaks the tie), as seeded records do.
    const rows: Rec[] = keys(257).map((k, i) => ({ id: `r${String(i).padStart(4, '0')}`, createdAt: k.slice(0, 10) + `T00:00:0${i % 3}Z`, updatedAt: k.slice(0, 10) + 'T12:00:00Z' }));
    const ds = { rows };
    for (const sortBy of ['updatedAt', 'createdAt']) {
      for (const limit of ['7', '100']) {
        const q = (from: string | null) => ({ limit, sortBy, ...(from ? { from } : {}) });
        const kept = walk((from) => keptPageOf(context(q(from)), ds, 'rows', () => ds.rows, stamp, (r) => r));
        expect(kept).toEqual(walk((from) => sortedPageOf(context(q(from)), ds.rows, stamp, (r) => r)));
        expect(kept.flat()).toHaveLength(257);
      }
    }
    // A record updated and one added: seen once the workspace says it changed.
    rows[5]!.updatedAt = '2027-01-01T00:00:00Z';
    rows.push({ id: 'new', createdAt: '2027-01-02T00:00:00Z', updatedAt: '2027-01-02T00:00:00Z' });
    workspaceChanged(ds);
    const first = keptPageOf(context({ limit: '2' }), ds, 'rows', () => ds.rows, stamp, (r) => r);
    expect(first.results.map((r) => r.id)).toEqual(['new', 'r0005']);
    const all = walk((from) => keptPageOf(context({ limit: '50', ...(from ? { from } : {}) }), ds, 'rows', () => ds.rows, stamp, (r) => r));
    expect(all).toEqual(walk((from) => sortedPageOf(context({ limit: '50', ...(from ? { from } : {}) }), ds.rows, stamp, (r) => r)));
  });
});
