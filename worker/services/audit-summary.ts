/**
 * One-line, human summaries of audit entries for an account's history (CSM panel, HubSpot card,
 * Salesforce component), and the source each line came from. Only whitelisted fields of `after`
 * are read (names, systems, ids, subjects), never raw payloads.
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

/** How people name each system in history lines. */
export const SYSTEM_LABEL: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', netsuite: 'NetSuite', vitally: 'Vitally' };

function field(after: unknown, name: string): string | null {
  if (!after || typeof after !== 'object') return null;
  const value = (after as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/**
 * What the lifecycle automations do to an account (flows/account-changes effects.ts and
 * consume.ts): the finance hold set and lifted, the CRM tasks they file, billing released.
 */
export function isAutomationAction(action: string): boolean {
  return action.startsWith('account.automation.') || action === 'account.finance_hold.set' || action === 'account.finance_hold.lifted';
}

/** History lines of the change pipeline and its automations: their `summary` is the line shown. */
const CHANGE_ACTIONS = new Set(['erp.record.changed', 'erp.record.deleted', 'cs.health.changed', 'cs.onboarding.changed', 'cs.escalation.changed', 'account.risk.changed']);
const carriesLine = (action: string) => CHANGE_ACTIONS.has(action) || isAutomationAction(action);

/** The source people see for Concord's own work that no automation did (linking, risk assessment, a person in the console). */
export const CONCORD_SOURCE = 'Concord';
/** The source of what a lifecycle automation did. */
export const AUTOMATION_SOURCE = 'Concord automation';

/** Actor prefixes of requests a CRM signed (http/middleware/*-signature.ts) and of the change pipeline's vendors. */
const ACTOR_SYSTEM: readonly [RegExp, string][] = [
  [/^hubspot(_user|_portal)?:/, 'hubspot'],
  [/^salesforce(_user|_org)?:/, 'salesforce'],
  [/^netsuite(_account)?:/, 'netsuite'],
  [/^vitally(_account)?:/, 'vitally'],
];

/**
 * Where an audit entry's change came from, in words ("NetSuite", "Vitally", "HubSpot",
 * "Salesforce", "Concord automation", "Concord"). Read from what Concord recorded (the action, the
 * system a change line names, the CRM record type, the actor Concord set from a verified
 * signature), never from anything a caller sends.
 */
export function sourceOfAudit(row: Pick<AuditRow, 'action' | 'actor' | 'entityType' | 'after'>): string {
  if (isAutomationAction(row.action)) return AUTOMATION_SOURCE;
  // ERP and CS change lines name the system they were read from (the digest's lines are saved by 'concord').
  if (CHANGE_ACTIONS.has(row.action)) {
    const sys = field(row.after, 'system');
    if (sys && SYSTEM_LABEL[sys]) return SYSTEM_LABEL[sys];
  }
  // A change applied from a CRM webhook is filed under the CRM record (`hubspot_company`).
  if (row.action === 'crm.change.applied') {
    const sys = row.entityType.split('_')[0] ?? '';
    if (SYSTEM_LABEL[sys]) return SYSTEM_LABEL[sys];
  }
  for (const [pattern, sys] of ACTOR_SYSTEM) if (pattern.test(row.actor)) return SYSTEM_LABEL[sys]!;
  return CONCORD_SOURCE;
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
    case 'identity.unlink': {
      const how = field(a, 'reason') === 'merged' ? `merged into ${field(a, 'mergedInto') ?? 'another record'}` : 'deleted';
      return `Unlinked ${system(a)} record ${field(a, 'externalId') ?? ''}: ${how} in ${system(a)}`.replace(/\s+/g, ' ');
    }
    case 'account.delete':
      return `Account deleted: its last record was ${field(a, 'reason')?.replace(/^last record /, '') ?? 'removed'}`;
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
      if (field(a, 'change') === 'deletion') return `${where} ${row.entityId} deleted`;
      if (field(a, 'change') === 'merge') return `${where} ${row.entityId} merged into ${field(a, 'value') ?? 'another record'}`;
      const property = field(a, 'property') ?? 'a property';
      const value = field(a, 'value');
      return value === null ? `${where} ${property} cleared` : `${where} ${property} changed to "${shown(value)}"`;
    }
    default: {
      // ERP and CS changes carry their own line (flows/account-changes/history.ts).
      const line = field(a, 'summary');
      if (line && carriesLine(row.action)) return shown(line);
      return `${row.action.replace(/[._]/g, ' ')} (${row.entityType} ${row.entityId})`;
    }
  }
}
