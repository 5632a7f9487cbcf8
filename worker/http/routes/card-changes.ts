/**
 * The "Recent changes" section of the HubSpot card and the Salesforce component: the latest lines
 * of the record's account history with their source (services/account-history.ts, the same lines
 * the CSM panel shows), `{items:[{at, source, action, summary}], next}`. The record resolves to its
 * account as the card view does; a record linked to no account is the view's 404
 * `account_not_linked`. Never cached: a change must show on the next open of the card.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { accountHistory, HistoryCursor } from '../../services/account-history.js';
import { serviceContext } from '../../services/context.js';
import type { CrmRecordRef } from '../../services/crm-record.js';
import type { CardEnv } from '../middleware/card-context.js';
import { accountOfRecord } from './card-view.js';

/** Cards show a handful of lines; `next` pages further back. */
export const ChangesPage = {
  limit: z.coerce.number().int().min(1).max(50).default(5),
  before: HistoryCursor.optional(),
};

export async function serveCardChanges(c: Context<CardEnv>, ref: CrmRecordRef, page: { limit: number; before?: HistoryCursor | undefined }): Promise<Response> {
  const ctx = serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 3_000 });
  // The view, asked for beside this, starts the search for a company Concord has not seen yet.
  const accountId = await accountOfRecord(c, ctx, ref, { findMatch: false });
  const history = await accountHistory(c.env.DB, ctx.tenantId, accountId, page);
  c.header('cache-control', 'no-store');
  // The actor stays out: it can name a CRM user or an API key label, and the card needs the source only.
  return c.json({ items: history.items.map(({ at, source, action, summary }) => ({ at, source, action, summary })), next: history.next });
}
