/**
 * A backfill's bulk read of the CS platform (phase `cs-stage`, before the pages of accounts):
 * the connector's workspace-wide lists (Vitally: accounts, projects, tasks, conversations, 100
 * records a call) are read page by page into `sync_cs_items` (storage/sync-cs-items.ts), so the
 * accounts phase builds each account's CS reading from stored rows plus what no list holds (its
 * score history, one call) instead of every part read per account (Vitally: four calls). A step
 * reads a few pages of one list and stores them with the cursor of the next page in the run's
 * cursor; a step run again after a failure reads the same pages again and replaces the same rows.
 */
import type { Env } from '../../env.js';
import { portsFor } from '../../ports/registry.js';
import { deleteOtherRunsCsItems, insertCsItems } from '../../storage/sync-cs-items.js';
import type { SyncCursor, SyncRun } from '../../storage/sync-runs.js';
import type { ServiceContext } from '../context.js';

/** List pages read per step (each is one vendor call). */
export const STAGE_PAGES = 10;

/** The CS port of the run when it can read in bulk, else null (nothing to stage). */
export async function bulkCs(env: Env, ctx: ServiceContext, run: SyncRun, csConnected: boolean) {
  if (!csConnected) return null;
  const cs = await portsFor(env, ctx, { flow: `sync-${run.kind}`, actor: `sync:${run.id}` }).cs();
  return cs.bulkLists && cs.readBulkPage && cs.snapshotFromBulk ? cs : null;
}

/**
 * Reads up to {@link STAGE_PAGES} pages of the current list and stores them; answers the next
 * cursor (the same list's next page, the next list, or `null` once every list is read) and the
 * records stored. The statements are run in the step's own batch with nothing else.
 */
export async function stageCsPages(env: Env, ctx: ServiceContext, run: SyncRun, cs: NonNullable<Awaited<ReturnType<typeof bulkCs>>>): Promise<{ next: Pick<SyncCursor, 'index' | 'after'> | null; records: number }> {
  const lists = cs.bulkLists!;
  let index = run.cursor.index;
  let cursor = run.cursor.after;
  const statements: D1PreparedStatement[] = [];
  // A new bulk read drops what a failed run of the tenant left behind.
  if (index === 0 && cursor === null) statements.push(deleteOtherRunsCsItems(env.DB, ctx.tenantId, run.id));
  let records = 0;
  for (let pages = 0; pages < STAGE_PAGES && index < lists.length; pages++) {
    const readAt = new Date().toISOString();
    const page = await cs.readBulkPage!(lists[index]!, cursor);
    const insert = insertCsItems(env.DB, ctx.tenantId, run.id, page.items, readAt);
    if (insert) statements.push(insert);
    records += page.items.length;
    if (page.next) cursor = page.next;
    else {
      index++;
      cursor = null;
    }
  }
  if (statements.length > 0) await env.DB.batch(statements);
  return { next: index < lists.length ? { index, after: cursor } : null, records };
}
