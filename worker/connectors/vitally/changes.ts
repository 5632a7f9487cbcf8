/**
 * Vitally changes in canonical terms: the poll's lists ordered by `updatedAt` (newest first, as
 * Vitally pages every list unless told otherwise: https://docs.vitally.io/pushing-data-to-vitally/rest-api,
 * "Pagination") for accounts (health score), tasks (onboarding milestones) and conversations
 * (escalations), read until a page reaches records older than the checkpoint.
 */
import { z } from 'zod';
import type { CsObjectType } from '../../model/changes.js';
import type { CsRecordChange } from '../../ports/index.js';
import type { VitallyClient } from './client.js';

/** The list each object type is polled from, and how a record names its account(s). */
const LISTS: Readonly<Record<CsObjectType, { path: string; item: z.ZodType<{ id: string; updatedAt: string; accountIds: string[] }> }>> = {
  account: {
    path: '/resources/accounts',
    item: z.object({ id: z.string(), updatedAt: z.string() }).transform((a) => ({ id: a.id, updatedAt: a.updatedAt, accountIds: [a.id] })),
  },
  task: {
    path: '/resources/tasks',
    item: z
      .object({ id: z.string(), updatedAt: z.string(), accountId: z.string().nullable().optional() })
      .transform((t) => ({ id: t.id, updatedAt: t.updatedAt, accountIds: t.accountId ? [t.accountId] : [] })),
  },
  // A conversation's accounts are "associated implicitly via Message to and from"
  // (https://docs.vitally.io/en/articles/9880665-rest-api-conversations).
  conversation: {
    path: '/resources/conversations',
    item: z
      .object({ id: z.string(), updatedAt: z.string(), accounts: z.array(z.object({ id: z.string() }).passthrough()).nullable().optional() })
      .transform((c) => ({ id: c.id, updatedAt: c.updatedAt, accountIds: (c.accounts ?? []).map((a) => a.id) })),
  },
};

/** Records of `type` updated at or after `since`, newest first, page by page. */
export async function* changedSince(client: VitallyClient, type: CsObjectType, since: string): AsyncIterable<CsRecordChange[]> {
  const from = Date.parse(since);
  const { path, item } = LISTS[type];
  for await (const page of client.pages(`${type}.changes`, `${path}?sortBy=updatedAt`, item)) {
    const fresh = page.filter((r) => Date.parse(r.updatedAt) >= from);
    if (fresh.length > 0) yield fresh.map((r) => ({ objectType: type, id: r.id, accountIds: r.accountIds, updatedAt: new Date(Date.parse(r.updatedAt)).toISOString() }));
    // Newest first: once a page reaches older records, the rest is older still.
    if (fresh.length < page.length) return;
  }
}
