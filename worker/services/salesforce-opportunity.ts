/**
 * The Salesforce read the cards need for an Opportunity: the Account it belongs to, through the
 * Salesforce connector (jsforce under the tenant's limiter).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_retrieve.htm
 */
import type { CallContext } from '../connectors/http.js';
import { SalesforceCrm } from '../connectors/salesforce/index.js';
import type { Connection } from '../storage/connections.js';

/** The Account an Opportunity belongs to, or null for an Opportunity without one (`not_found` if it does not exist). */
export async function opportunityAccountId(conn: Connection, ctx: CallContext, opportunityId: string): Promise<string | null> {
  // A card must answer quickly: a shorter per-exchange timeout than batch work.
  return new SalesforceCrm(conn, ctx, { timeoutMs: 8_000 }).dealCompanyId(opportunityId);
}
