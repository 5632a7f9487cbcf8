/**
 * The HubSpot calls behind the app card: a deal's companies (v4 associations) and the follow-up
 * task, through the official client like every other HubSpot call, with the card's shorter
 * budget (a user is waiting): fewer attempts, shorter timeout.
 * https://developers.hubspot.com/docs/api/crm/associations/v4
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide
 */
import type { CallContext } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { HubSpotClient } from './client.js';
import { hubspotDescriptor as d } from './descriptor.js';
import { activityAssociations, companiesOfDeal, taskProperties, type FollowUpTask, type HubSpotCardObject } from './map.js';

const cardClient = (conn: Connection, ctx: CallContext) => new HubSpotClient(conn, ctx, d.card);

/** The companies a deal is associated with, primary first. */
export async function dealCompanies(conn: Connection, ctx: CallContext, dealId: string): Promise<string[]> {
  return companiesOfDeal(await cardClient(conn, ctx).associations('deals', dealId, 'companies'));
}

/**
 * Create a follow-up task associated with the company (and with the deal it was created from).
 * Not idempotent on HubSpot's side: callers dedupe (services/card-task.ts), and a timeout or 5xx
 * is not retried, only failures that prove HubSpot did not act (429, expired token).
 */
export async function createFollowUpTask(
  conn: Connection,
  ctx: CallContext,
  task: FollowUpTask,
  on: { companyId: string | null; from: { type: HubSpotCardObject; id: string } },
): Promise<{ id: string }> {
  const associations = activityAssociations('task', { companyId: on.companyId, dealId: on.from.type === 'deals' ? on.from.id : null });
  return cardClient(conn, ctx).createTask(taskProperties(task), associations);
}
