/**
 * An account's history, newest first, as every surface shows it: the CSM panel
 * (`/v1/embed/accounts/:id/audit`), the HubSpot card and the Salesforce component
 * (`/v1/cards/<crm>/changes`). One query and one mapping, so the three never disagree on what
 * happened or where it came from.
 *
 * The history is the account's own audit entries (links, merges, ERP and CS change lines, what the
 * lifecycle automations did) plus the changes made in the CRM to its linked records (applied
 * webhook changes are audited under the CRM record, see worker/storage/events.ts). Changes that
 * were recorded but not applied (`crm.change.superseded`) are left out.
 */
import { z } from 'zod';
import { getAccount } from '../storage/identity.js';
import { listAudit, type AuditRow } from '../storage/audit.js';
import { crmRecordEntities, sourceOfAudit, summarizeAudit } from './audit-summary.js';

/** One line of an account's history. */
export interface HistoryItem {
  at: string;
  /** Who Concord recorded as making the change (kept for the panel; cards leave it out). */
  actor: string;
  action: string;
  /** Where the change came from, in words: NetSuite, Vitally, HubSpot, Salesforce, Concord automation, Concord. */
  source: string;
  summary: string;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Pass back as `before` for the next (older) page; null when this page is the last. */
  next: string | null;
}

/**
 * The `before` cursor: an instant (older than it) or a `next` this service gave out, which also
 * names the last line's id so lines written in the same instant are neither skipped nor repeated.
 */
export const HistoryCursor = z.union([
  z.string().datetime().transform((at) => ({ at, id: null as string | null })),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T[0-9:.]+Z~[A-Za-z0-9_-]{1,64}$/, 'a `next` value from a previous page, or an instant')
    .transform((v) => {
      const [at = '', id = ''] = v.split('~');
      return { at, id: id as string | null };
    }),
]);
export type HistoryCursor = z.infer<typeof HistoryCursor>;

const cursorOf = (row: AuditRow) => `${row.at}~${row.id}`;

/**
 * One page of the account's history in the tenant (another tenant's account id finds nothing:
 * every read is scoped to `tenantId`).
 */
export async function accountHistory(db: D1Database, tenantId: string, accountId: string, page: { before?: HistoryCursor | undefined; limit: number }): Promise<HistoryPage> {
  const account = await getAccount(db, tenantId, accountId);
  const entities = [{ type: 'account', id: accountId }, ...crmRecordEntities(account?.links ?? [])];
  const before = page.before;
  const rows = await listAudit(db, tenantId, {
    entities,
    excludeActions: ['crm.change.superseded'],
    ...(before ? (before.id ? { beforeKey: { at: before.at, id: before.id } } : { before: before.at }) : {}),
    limit: page.limit,
  });
  return {
    items: rows.map((row) => ({ at: row.at, actor: row.actor, action: row.action, source: sourceOfAudit(row), summary: summarizeAudit(row) })),
    next: rows.length === page.limit ? cursorOf(rows[rows.length - 1]!) : null,
  };
}
