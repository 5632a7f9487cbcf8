/**
 * A backfill's bulk read of the CS platform (migration 0022): the records of the connector's
 * workspace-wide lists, per CS account, kept for the run's pages of accounts. Inserts are
 * idempotent (a step that runs again after a failure re-reads its pages and replaces the same
 * rows); every query binds the tenant and the run.
 */
import type { CsBulkItem } from '../ports/index.js';

/** One statement storing a page of a list (one row per record and CS account it belongs to). */
export function insertCsItems(db: D1Database, tenantId: string, runId: string, items: readonly CsBulkItem[], readAt: string): D1PreparedStatement | null {
  const rows = items.flatMap((i) => i.accountIds.map((a) => ({ a, l: i.list, i: i.id, d: JSON.stringify(i.data) })));
  if (rows.length === 0) return null;
  return db
    .prepare(
      `INSERT OR REPLACE INTO sync_cs_items (tenant_id, run_id, cs_account_id, list, item_id, data_json, read_at)
       SELECT ?1, ?2, json_extract(value, '$.a'), json_extract(value, '$.l'), json_extract(value, '$.i'), json_extract(value, '$.d'), ?3 FROM json_each(?4)`,
    )
    .bind(tenantId, runId, readAt, JSON.stringify(rows));
}

/** The stored records of these CS accounts, with the time the oldest of each account's was read. */
export async function csItemsOf(db: D1Database, tenantId: string, runId: string, csAccountIds: readonly string[]): Promise<Map<string, { items: CsBulkItem[]; readAt: string }>> {
  const out = new Map<string, { items: CsBulkItem[]; readAt: string }>();
  if (csAccountIds.length === 0) return out;
  const { results } = await db
    .prepare(`SELECT cs_account_id AS a, list, item_id AS id, data_json AS d, read_at AS at FROM sync_cs_items WHERE tenant_id = ?1 AND run_id = ?2 AND cs_account_id IN (SELECT value FROM json_each(?3))`)
    .bind(tenantId, runId, JSON.stringify([...new Set(csAccountIds)]))
    .all<{ a: string; list: string; id: string; d: string; at: string }>();
  for (const r of results) {
    const held = out.get(r.a) ?? { items: [], readAt: r.at };
    held.items.push({ list: r.list, id: r.id, accountIds: [r.a], data: JSON.parse(r.d) as Record<string, unknown> });
    if (r.at < held.readAt) held.readAt = r.at;
    out.set(r.a, held);
  }
  return out;
}

/** Deletes the stored records of these CS accounts (their page is written). */
export function deleteCsItemsOf(db: D1Database, tenantId: string, runId: string, csAccountIds: readonly string[]): D1PreparedStatement {
  return db.prepare(`DELETE FROM sync_cs_items WHERE tenant_id = ?1 AND run_id = ?2 AND cs_account_id IN (SELECT value FROM json_each(?3))`).bind(tenantId, runId, JSON.stringify([...new Set(csAccountIds)]));
}

/** Deletes what is left of a run's bulk read (the run is done). */
export function deleteRunCsItems(db: D1Database, tenantId: string, runId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM sync_cs_items WHERE tenant_id = ? AND run_id = ?`).bind(tenantId, runId);
}

/** Deletes rows other runs of the tenant left (a failed backfill); one backfill runs at a time per tenant. */
export function deleteOtherRunsCsItems(db: D1Database, tenantId: string, runId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM sync_cs_items WHERE tenant_id = ? AND run_id <> ?`).bind(tenantId, runId);
}
