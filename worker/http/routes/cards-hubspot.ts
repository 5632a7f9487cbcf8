/**
 * HubSpot app card endpoints (extensions/hubspot, `broker-client.ts`), behind the v3 signature:
 * - GET  /v1/cards/hubspot/view?objectType=companies|deals&objectId=..[&refresh=1]  (+ HubSpot's portalId, userId, ...)
 * - GET  /v1/cards/hubspot/changes?objectType=companies|deals&objectId=..[&limit=5][&before=<next>]  the account's latest changes with their source
 * - POST /v1/cards/hubspot/tasks  {objectType, objectId, subject, dueDate}
 * - GET  /v1/cards/hubspot/order?objectType=deals&objectId=..  the deal's ERP order (closed-won run)
 * - POST /v1/cards/hubspot/orders/retry  {objectType: 'deals', objectId}  retry a blocked or failed order
 * The tenant is the verified portal's; nothing in the query or body can choose it.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { createCardTask } from '../../services/card-task.js';
import { orderOfRecord, retryOrderOfRecord } from '../../services/card-order.js';
import { hubspotSignature } from '../middleware/hubspot-signature.js';
import type { CardEnv } from '../middleware/card-context.js';
import { parseJsonText, parseWith, query } from '../validate.js';
import { RefreshParam, serveCardView } from './card-view.js';
import { ChangesPage, serveCardChanges } from './card-changes.js';
import { serviceContext } from '../../services/context.js';

/** The card's `objectTypes` names; HubSpot's ids 0-2/0-3 and singular names are accepted too. */
const ObjectType = z.preprocess(
  (v) => (typeof v === 'string' ? ({ '0-2': 'companies', company: 'companies', '0-3': 'deals', deal: 'deals' } as Record<string, string>)[v.toLowerCase()] ?? v : v),
  z.enum(['companies', 'deals']),
);
const ObjectId = z.string().regex(/^\d{1,20}$/, 'a HubSpot record id (digits)');

const ViewQuery = z.object({ objectType: ObjectType, objectId: ObjectId, refresh: RefreshParam });
const ChangesQuery = z.object({ objectType: ObjectType, objectId: ObjectId, ...ChangesPage });

function isRealDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const TaskBody = z
  .object({
    objectType: ObjectType,
    objectId: z.union([ObjectId, z.number().int().nonnegative().transform(String)]),
    subject: z.string().trim().min(1, 'required').max(255),
    dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine(isRealDate, 'not a calendar date'),
  })
  .strict();

const IdempotencyKey = z.string().min(1).max(255).optional();

/** Orders belong to deals: the card asks for the order of the deal it is shown on. */
const DealType = ObjectType.refine((t) => t === 'deals', 'orders belong to deals');
const OrderQuery = z.object({ objectType: DealType, objectId: ObjectId });
const RetryBody = z.object({ objectType: DealType, objectId: z.union([ObjectId, z.number().int().nonnegative().transform(String)]) }).strict();

export function hubspotCardRoutes() {
  const r = new Hono<CardEnv>();
  r.use('*', hubspotSignature());

  r.get('/view', async (c) => {
    const q = query(c, ViewQuery);
    return serveCardView(c, { system: 'hubspot', objectType: q.objectType, objectId: q.objectId }, q.refresh);
  });

  r.get('/changes', async (c) => {
    const q = query(c, ChangesQuery);
    return serveCardChanges(c, { system: 'hubspot', objectType: q.objectType, objectId: q.objectId }, q);
  });

  r.post('/tasks', async (c) => {
    const task = parseWith(TaskBody, parseJsonText(c.get('rawBody')));
    const key = parseWith(IdempotencyKey, c.req.header('idempotency-key'), 400);
    const result = await createCardTask(
      c.env,
      { ...serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 3_000 }), actor: c.get('actor') },
      task,
      key,
    );
    return c.json(result, result.replayed ? 200 : 201);
  });

  r.get('/order', async (c) => {
    const q = query(c, OrderQuery);
    const order = await orderOfRecord(c.env, cardContext(c), 'hubspot', q.objectId);
    c.header('cache-control', 'no-store');
    return c.json({ order });
  });

  r.post('/orders/retry', async (c) => {
    const body = parseWith(RetryBody, parseJsonText(c.get('rawBody')));
    const order = await retryOrderOfRecord(c.env, { ...cardContext(c), actor: c.get('actor') }, 'hubspot', body.objectId);
    return c.json({ order }, 202);
  });
  return r;
}

/** A card request's service context: the verified tenant, short limiter waits (a user is waiting). */
function cardContext(c: Context<CardEnv>) {
  return serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 3_000 });
}
