/**
 * The one Salesforce read the cards need before the Salesforce connector lands: an Opportunity's
 * AccountId, by the REST sObject Rows resource through the shared HTTP helper (plain fetch works
 * in workerd; jsforce is not needed for one GET).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_retrieve.htm
 * TODO(connectors): move into worker/connectors/salesforce (client + map) when it exists.
 */
import { z } from 'zod';
import { callUpstream, type CallContext } from '../connectors/http.js';
import type { Connection } from '../storage/connections.js';

/** REST API version used for the lookup (Winter '25; the sandbox serves 58.0-65.0). */
const API_VERSION = 'v62.0';

const OpportunityRow = z.object({ AccountId: z.string().nullable().optional() });

/** Salesforce errors are arrays of `{message, errorCode}`; keep only the code. */
function describe(body: unknown): string {
  const first = Array.isArray(body) ? (body[0] as { errorCode?: unknown } | undefined) : undefined;
  return typeof first?.errorCode === 'string' ? first.errorCode : '';
}

/** The Account an Opportunity belongs to, or null for an Opportunity without one. */
export async function opportunityAccountId(conn: Connection, ctx: CallContext, opportunityId: string): Promise<string | null> {
  const c = conn.credentials;
  const token = c.type === 'api_key' ? c.apiKey : 'accessToken' in c ? (c.accessToken ?? '') : '';
  const { data } = await callUpstream(
    ctx,
    {
      system: 'salesforce',
      op: 'opportunity.account',
      url: `${conn.baseUrl}/services/data/${API_VERSION}/sobjects/Opportunity/${encodeURIComponent(opportunityId)}?fields=AccountId`,
      headers: { authorization: `Bearer ${token}` },
      timeoutMs: 8_000,
    },
    OpportunityRow,
    describe,
  );
  return data.AccountId ?? null;
}
