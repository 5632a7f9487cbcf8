/**
 * Salesforce component endpoint (extensions/salesforce `ConcordClient.getAccountView`), behind the
 * org's HMAC signature:
 * - GET /v1/cards/salesforce/view?objectType=Account|Opportunity&recordId=..[&refresh=true]
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { isSalesforceId } from '../../services/salesforce-ids.js';
import { salesforceSignature } from '../middleware/salesforce-signature.js';
import type { CardEnv } from '../middleware/card-context.js';
import { query } from '../validate.js';
import { RefreshParam, serveCardView } from './card-view.js';

/** Standard key prefixes: https://help.salesforce.com/s/articleView?id=000385203 */
const PREFIX = { Account: '001', Opportunity: '006' } as const;

const ViewQuery = z
  .object({
    objectType: z.enum(['Account', 'Opportunity']),
    recordId: z.string().refine(isSalesforceId, 'a 15- or 18-character Salesforce id'),
    refresh: RefreshParam,
  })
  .refine((q) => q.recordId.startsWith(PREFIX[q.objectType]), { path: ['recordId'], message: 'not an id of this object type' });

export function salesforceCardRoutes() {
  const r = new Hono<CardEnv>();
  r.use('*', salesforceSignature());
  r.get('/view', async (c) => {
    const q = query(c, ViewQuery);
    return serveCardView(c, { system: 'salesforce', objectType: q.objectType, recordId: q.recordId }, q.refresh);
  });
  return r;
}
