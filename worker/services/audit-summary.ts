/**
 * One-line, human summaries of audit entries for the CSM panel's history. Only whitelisted fields
 * of `after` are read (names, systems, ids, subjects), never raw payloads.
 */
import type { AuditRow } from '../storage/audit.js';
import type { LinkRow } from '../storage/identity.js';

/**
 * The audit entity of each CRM's record kind whose changes arrive by webhook (events.ts files an
 * applied change under `<system>_<objectType>`). Only HubSpot sends webhooks today.
 */
const CRM_RECORD_ENTITY: Partial<Record<LinkRow['system'], string>> = { hubspot: 'hubspot_company' };

/** Audit entities of an account's linked CRM records, for the panel's history. */
export function crmRecordEntities(links: readonly LinkRow[]): { type: string; id: string }[] {
  return links.flatMap((l) => {
    const type = CRM_RECORD_ENTITY[l.system];
    return type ? [{ type, id: l.externalId }] : [];
  });
}

/** A CRM value as shown in one line (long values cut). */
function shown(value: string): string {
  return value.length > 80 ? `${value.slice(0, 79)}…` : value;
}

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
    case 'identity.link': {
      const rule = field(a, 'rule');
      const how = rule === 'manual' ? ' (linked by a person)' : rule ? ` (matched by ${rule})` : '';
      return `Linked ${system(a)} record ${field(a, 'externalId') ?? ''}${how}`.trim();
    }
    case 'identity.split': {
      const removed = a && typeof a === 'object' ? (a as Record<string, unknown>)['removed'] : null;
      return `Split ${system(removed)} record ${field(removed, 'externalId') ?? ''} off this account (kept apart from now on)`.replace(/\s+/g, ' ');
    }
    case 'identity.merge':
      return `Merged account ${field(a, 'mergedFrom') ?? ''} into this account`.replace(/\s+/g, ' ');
    case 'identity.fold_duplicate':
      return `Folded duplicate ${system(a)} record ${field(a, 'externalId') ?? ''} into this account`.replace(/\s+/g, ' ');
    case 'crm.task.create':
      return `Created ${system(a)} follow-up task "${field(a, 'subject') ?? ''}"${field(a, 'dueDate') ? ` due ${field(a, 'dueDate')}` : ''}`;
    case 'crm.change.applied': {
      const [sys = '', object = 'record'] = row.entityType.split('_');
      const where = `${SYSTEM_LABEL[sys] ?? sys} ${object}`;
      if (field(a, 'change') === 'creation') return `${where} ${row.entityId} created`;
      const property = field(a, 'property') ?? 'a property';
      const value = field(a, 'value');
      return value === null ? `${where} ${property} cleared` : `${where} ${property} changed to "${shown(value)}"`;
    }
    default:
      return `${row.action.replace(/[._]/g, ' ')} (${row.entityType} ${row.entityId})`;
  }
}
