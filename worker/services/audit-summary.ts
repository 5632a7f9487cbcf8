/**
 * One-line, human summaries of audit entries for the CSM panel's history. Only whitelisted fields
 * of `after` are read (names, systems, ids, subjects), never raw payloads.
 */
import type { AuditRow } from '../storage/audit.js';

const SYSTEM_LABEL: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', netsuite: 'NetSuite', vitally: 'Vitally' };

function field(after: unknown, name: string): string | null {
  if (!after || typeof after !== 'object') return null;
  const value = (after as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

const system = (after: unknown) => SYSTEM_LABEL[field(after, 'system') ?? ''] ?? field(after, 'system') ?? 'a system';

/** The summary line of one audit entry. */
export function summarizeAudit(row: Pick<AuditRow, 'action' | 'entityType' | 'entityId' | 'after'>): string {
  const a = row.after;
  switch (row.action) {
    case 'account.create':
      return `Account created${field(a, 'name') ? ` as "${field(a, 'name')}"` : ''}`;
    case 'identity.link':
      return `Linked ${system(a)} record ${field(a, 'externalId') ?? ''}${field(a, 'rule') ? ` (matched by ${field(a, 'rule')})` : ''}`.trim();
    case 'identity.fold_duplicate':
      return `Folded duplicate ${system(a)} record ${field(a, 'externalId') ?? ''} into this account`.replace(/\s+/g, ' ');
    case 'crm.task.create':
      return `Created ${system(a)} follow-up task "${field(a, 'subject') ?? ''}"${field(a, 'dueDate') ? ` due ${field(a, 'dueDate')}` : ''}`;
    default:
      return `${row.action.replace(/[._]/g, ' ')} (${row.entityType} ${row.entityId})`;
  }
}
