/**
 * Salesforce component endpoints (extensions/salesforce `ConcordClient`), behind the org's HMAC
 * signature:
 * - GET  /v1/cards/salesforce/view?objectType=Account|Opportunity&recordId=..[&refresh=true]
 * - GET  /v1/cards/salesforce/changes?objectType=Account|Opportunity&recordId=..[&limit=5][&before=<next>]  the account's latest changes with their source
 * - GET  /v1/cards/salesforce/order?recordId=006..   the Opportunity's ERP order (closed-won run)
 * - POST /v1/cards/salesforce/orders/retry  {recordId, userId?}  retry a blocked or failed order
 * The tenant is the org's; nothing in the query or body can choose it.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { orderOfRecord, retryOrderOfRecord } from '../../services/card-order.js';
import { serviceContext } from '../../services/context.js';
import { isSalesforceId, to18 } from '../../services/salesforce-ids.js';
import { salesforceSignature } from '../middleware/salesforce-signature.js';
import type { CardEnv } from '../middleware/card-context.js';
import { parseJsonText, parseWith, query } from '../validate.js';
import { RefreshParam, serveCardView } from './card-view.js';
import { ChangesPage, serveCardChanges } from './card-changes.js';

/** Standard key prefixes: https://help.salesforce.com/s/articleView?id=000385203 */
const PREFIX = { Account: '001', Opportunity: '006', User: '005' } as const;

const RecordFields = {
  objectType: z.enum(['Account', 'Opportunity']),
  recordId: z.string().refine(isSalesforceId, 'a 15- or 18-character Salesforce id'),
};
const ofItsType = (q: { objectType: keyof typeof PREFIX; recordId: string }) => q.recordId.startsWith(PREFIX[q.objectType]);
const ViewQuery = z.object({ ...RecordFields, refresh: RefreshParam }).refine(ofItsType, { path: ['recordId'], message: 'not an id of this object type' });
const ChangesQuery = z.object({ ...RecordFields, ...ChangesPage }).refine(ofItsType, { path: ['recordId'], message: 'not an id of this object type' });

/** An Opportunity id (orders belong to Opportunities), widened to 18 characters as runs store it. */
const OpportunityId = z
  .string()
  .refine(isSalesforceId, 'a 15- or 18-character Salesforce id')
  .refine((id) => id.startsWith(PREFIX.Opportunity), 'an Opportunity id (006...)')
  .transform(to18);

const OrderQuery = z.object({ recordId: OpportunityId });
/** `userId`: the Salesforce user who pressed Retry (the org vouches for it by signing), for the audit log. */
const RetryBody = z
  .object({
    recordId: OpportunityId,
    userId: z.string().refine(isSalesforceId, 'a Salesforce user id').refine((id) => id.startsWith(PREFIX.User), 'a User id (005...)').transform(to18).optional(),
  })
  .strict();

/** A card request's service context: the verified tenant, short limiter waits (a user is waiting). */
function cardContext(c: Context<CardEnv>) {
  return serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 3_000 });
}

export function salesforceCardRoutes() {
  const r = new Hono<CardEnv>();
  r.use('*', salesforceSignature());
  r.get('/view', async (c) => {
    const q = query(c, ViewQuery);
    return serveCardView(c, { system: 'salesforce', objectType: q.objectType, recordId: q.recordId }, q.refresh);
  });

  r.get('/changes', async (c) => {
    const q = query(c, ChangesQuery);
    return serveCardChanges(c, { system: 'salesforce', objectType: q.objectType, recordId: q.recordId }, q);
  });

  r.get('/order', async (c) => {
    const q = query(c, OrderQuery);
    const order = await orderOfRecord(c.env, cardContext(c), 'salesforce', q.recordId);
    c.header('cache-control', 'no-store');
    return c.json({ order });
  });

  r.post('/orders/retry', async (c) => {
    const body = parseWith(RetryBody, parseJsonText(c.get('rawBody')));
    const org = c.get('caller').externalAccount;
    const actor = body.userId ? `salesforce_user:${org}:${body.userId}` : c.get('actor');
    const order = await retryOrderOfRecord(c.env, { ...cardContext(c), actor }, 'salesforce', body.recordId);
    return c.json({ order }, 202);
  });
  return r;
}
