/**
 * `GET /v1/tenants/:t/flows/runs` pages by `(updatedAt, id)`: runs of a burst often share a
 * millisecond, and a cursor on the instant alone skipped the ones at a page's edge (a 1,000-deal
 * burst listed 1,006 of 1,010 runs).
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertRun, setRunState } from '../../worker/storage/flow-runs.js';
import { api, provision } from './helpers.js';

const TENANT = 'runs-paging';
let key: string;
const SAME = '2026-12-03T10:00:00.000Z';
const ids = Array.from({ length: 7 }, (_, i) => `hubspot-1-deal-93000${i}`);

beforeAll(async () => {
  key = await provision(TENANT);
  for (const id of ids) {
    await env.DB.batch([
      insertRun(env.DB, TENANT, { id, flow: 'closed-won', sourceSystem: 'hubspot', sourceRecord: id.split('-').pop()!, correlationId: `test-${id}` }),
      setRunState(env.DB, TENANT, id, { status: 'completed', step: 'write-back-cs' }),
    ]);
  }
  // Five of them completed in the same millisecond, two a moment earlier.
  await env.DB.prepare('UPDATE flow_runs SET updated_at = ? WHERE tenant_id = ?').bind(SAME, TENANT).run();
  await env.DB.prepare('UPDATE flow_runs SET updated_at = ? WHERE tenant_id = ? AND id IN (?, ?)').bind('2026-12-03T09:59:59.999Z', TENANT, ids[0], ids[6]).run();
});

async function page(query: string): Promise<{ status: number; body: { items: { id: string }[]; next: string | null } }> {
  const res = await api(`/v1/tenants/${TENANT}/flows/runs?${query}`, { key });
  return { status: res.status, body: (await res.json()) as { items: { id: string }[]; next: string | null } };
}

describe('the runs list pages', () => {
  it('lists every run exactly once across pages, however many share a millisecond', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const { status, body } = await page(`status=completed&limit=2${next ? `&before=${encodeURIComponent(next)}` : ''}`);
      expect(status).toBe(200);
      seen.push(...body.items.map((r) => r.id));
      next = body.next;
      pages++;
    } while (next && pages < 10);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(ids.length);
  });

  it('refuses a cursor it did not make with a 400 naming `before`', async () => {
    for (const bad of ['yesterday~hubspot-1-deal-1', 'not-a-cursor', '2026-12-03T10:00:00.000Z~bad id']) {
      const res = await api(`/v1/tenants/${TENANT}/flows/runs?before=${encodeURIComponent(bad)}`, { key });
      expect(res.status, bad).toBe(400);
      const problem = (await res.json()) as { errors?: { path: string }[]; issues?: { path: string }[] };
      expect(JSON.stringify(problem), bad).toContain('before');
    }
  });
});
