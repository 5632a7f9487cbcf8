/** HubSpot raw objects -> canonical. The only file that knows HubSpot property names. */
import type { MatchRecord } from '../../ports/index.js';
import type { HubSpotCompany } from './client.js';

export function matchRecordFromCompany(c: HubSpotCompany): MatchRecord {
  const name = c.properties.name?.trim();
  return { externalId: c.id, name: name || `HubSpot company ${c.id}`, domain: c.properties.domain ?? null, taxId: null, crmHint: null };
}

/**
 * HubSpot-defined association type ids we use.
 * https://developers.hubspot.com/docs/api/crm/associations/v4#association-type-id-values
 */
export const ASSOCIATION_TYPE = {
  /** deal -> company, the deal's primary company. */
  dealToPrimaryCompany: 5,
  taskToCompany: 192,
  taskToDeal: 216,
} as const;

/** CRM object types the card runs on, as HubSpot's API names them. */
export type HubSpotCardObject = 'companies' | 'deals';

/** A follow-up task in canonical terms. */
export interface FollowUpTask {
  subject: string;
  /** YYYY-MM-DD */
  dueDate: string;
  body: string;
}

/**
 * Canonical follow-up task -> HubSpot task properties. `hs_timestamp` is the due date (HubSpot
 * reads it as an instant; noon UTC keeps the same calendar day in every portal time zone from
 * UTC-11 to UTC+11).
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide
 */
export function taskProperties(task: FollowUpTask): Record<string, string> {
  return {
    hs_task_subject: task.subject,
    hs_task_body: task.body,
    hs_task_status: 'NOT_STARTED',
    hs_task_type: 'TODO',
    hs_timestamp: `${task.dueDate}T12:00:00.000Z`,
  };
}

/** The deal's companies, primary first (a deal may have several; the card shows the primary's view). */
export function companiesOfDeal(associations: { toObjectId: string; typeIds: number[] }[]): string[] {
  const primary = associations.filter((a) => a.typeIds.includes(ASSOCIATION_TYPE.dealToPrimaryCompany)).map((a) => a.toObjectId);
  const rest = associations.map((a) => a.toObjectId).filter((id) => !primary.includes(id));
  return [...new Set([...primary, ...rest])];
}
