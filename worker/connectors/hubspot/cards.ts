/**
 * The HubSpot calls behind the app card: a deal's companies (v4 associations) and the follow-up
 * task. Plain `fetch` through `callUpstream` (limiter, retries, token refresh, typed errors)
 * rather than the official client: the SDK sends bodies through node-fetch and node:http, whose
 * ClientRequest fails inside workerd for requests with a body ("Cannot read properties of null
 * (reading 'has')" in processHeader), and a card must not depend on that.
 * https://developers.hubspot.com/docs/api/crm/associations/v4
 * https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide
 */
import { z } from 'zod';
import { callUpstream, type CallContext } from '../http.js';
import type { Connection } from '../../storage/connections.js';
import { ASSOCIATION_TYPE, companiesOfDeal, taskProperties, type FollowUpTask, type HubSpotCardObject } from './map.js';

const Created = z.object({ id: z.string() });
const AssociationPage = z.object({
  results: z.array(z.object({ toObjectId: z.union([z.string(), z.number()]).transform(String), associationTypes: z.array(z.object({ typeId: z.number() })) })),
});

function bearer(conn: Connection): Record<string, string> {
  const c = conn.credentials;
  return { authorization: `Bearer ${c.type === 'api_key' ? c.apiKey : (c.accessToken ?? '')}` };
}
const auth = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

/** HubSpot errors carry `category` and `message`; keep only those. */
function describe(body: unknown): string {
  const b = body as { category?: unknown; message?: unknown } | undefined;
  return [b?.category, b?.message].filter((v) => typeof v === 'string').join(': ');
}

/**
 * The companies a deal is associated with, primary first (first page of up to 500).
 * GET /crm/v4/objects/deals/{dealId}/associations/companies
 */
export async function dealCompanies(conn: Connection, ctx: CallContext, dealId: string): Promise<string[]> {
  const { data } = await callUpstream(
    ctx,
    {
      system: 'hubspot',
      op: 'associations.deal_companies',
      url: `${conn.baseUrl}/crm/v4/objects/deals/${encodeURIComponent(dealId)}/associations/companies?limit=500`,
      headers: bearer(conn),
      auth,
      // A card waits for this: a few quick attempts, then an error the card can show.
      maxAttempts: 3,
      timeoutMs: 5_000,
    },
    AssociationPage,
    describe,
  );
  return companiesOfDeal(data.results.map((r) => ({ toObjectId: r.toObjectId, typeIds: r.associationTypes.map((t) => t.typeId) })));
}

/**
 * Create a follow-up task associated with the company (and with the deal it was created from).
 * Not idempotent on HubSpot's side: callers dedupe (services/card-task.ts), and a timeout or 5xx
 * is not retried here (`idempotent: false`), only failures that prove HubSpot did not act.
 */
export async function createFollowUpTask(
  conn: Connection,
  ctx: CallContext,
  task: FollowUpTask,
  on: { companyId: string | null; from: { type: HubSpotCardObject; id: string } },
): Promise<{ id: string }> {
  const associations: { to: { id: string }; types: { associationCategory: 'HUBSPOT_DEFINED'; associationTypeId: number }[] }[] = [];
  const link = (id: string, typeId: number) => associations.push({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] });
  if (on.companyId) link(on.companyId, ASSOCIATION_TYPE.taskToCompany);
  if (on.from.type === 'deals') link(on.from.id, ASSOCIATION_TYPE.taskToDeal);
  const { data } = await callUpstream(
    ctx,
    {
      system: 'hubspot',
      op: 'tasks.create',
      url: `${conn.baseUrl}/crm/v3/objects/tasks`,
      method: 'POST',
      headers: bearer(conn),
      auth,
      body: { properties: taskProperties(task), associations },
      idempotent: false,
      timeoutMs: 10_000,
    },
    Created,
    describe,
  );
  return { id: data.id };
}
