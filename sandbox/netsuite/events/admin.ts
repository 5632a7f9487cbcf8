/**
 * Admin routes of the emulated NetSuite event script, mounted at `/__sandbox/netsuite`:
 *   PUT    /events                 {tenant, url, secret, maxAttempts?, retryDelayMs?, delayMs?, timeoutMs?}
 *                                  install the script for a tenant's account: where it posts, with which secret
 *   GET    /events?tenant=         the target (never the secret), pending count, deliveries, lost events
 *   DELETE /events?tenant=         uninstall (nothing more is sent)
 *   POST   /events/flush           {tenant?, timeoutMs?}: send what is pending now and wait until idle
 *   POST   /:tenant/invoices/:id/pay      {amount?, tranDate?, externalId?, memo?}  customer payment applied
 *   POST   /:tenant/invoices/:id/dispute  {disputed?}                              dispute flag set or cleared
 *   POST   /:tenant/invoices/:id/credit   {amount?, externalId?, memo?}            credit memo applied
 *   POST   /:tenant/subscriptions/:id/amend {endDate?, arr?, autoRenewal?, status?} contract amended
 * The actions change the records as a NetSuite user would (actions.ts) and the installed script
 * reports the saved record (sender.ts). Bad input is a 400/422 problem naming the field; replaying
 * a payment or credit with the same externalId, or setting values already set, changes nothing.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../../core/http.js';
import type { SandboxState } from '../../core/state.js';
import { isSandboxTenant } from '../../core/tokens.js';
import type { NetSuiteSubscription, NetSuiteTransaction, SandboxTenant } from '../../seed/types.js';
import { NetSuiteError } from '../errors.js';
import { ActionError, amendSubscription, creditInvoice, disputeInvoice, payInvoice, type InvoiceActionResult } from './actions.js';
import { eventTargetSchema, netsuiteEventsFor, type NetSuiteEvent, type RecordChange } from './sender.js';
import { netsuiteChanged } from '../version.js';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const money = z.number().positive().max(1e10);
const externalId = z.string().min(1).max(255);

const payBody = z.object({ amount: money.optional(), tranDate: date.optional(), externalId: externalId.optional(), memo: z.string().max(999).optional() }).strict();
const disputeBody = z.object({ disputed: z.boolean().default(true) }).strict();
const creditBody = z.object({ amount: money.optional(), externalId: externalId.optional(), memo: z.string().max(999).optional() }).strict();
const amendBody = z
  .object({
    endDate: date.optional(),
    arr: z.number().nonnegative().max(1e10).optional(),
    autoRenewal: z.boolean().optional(),
    status: z.enum(['ACTIVE', 'PENDING_ACTIVATION', 'TERMINATED', 'DRAFT']).optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'give at least one of endDate, arr, autoRenewal, status' });

const tenantQuery = z.object({ tenant: z.enum(['demo', 'other']) });
const flushBody = z.object({ tenant: z.enum(['demo', 'other']).optional(), timeoutMs: z.number().int().min(1).max(120_000).optional() }).strict();
const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

function invoiceJson(inv: NetSuiteTransaction) {
  return { id: inv.id, tranId: inv.tranid, status: inv.status, total: inv.foreigntotal, amountRemaining: inv.foreignamountremaining, disputed: inv.custbody_concord_disputed === 'T', lastModified: inv.lastmodifieddate };
}

function createdJson(t: NetSuiteTransaction) {
  return { id: t.id, tranId: t.tranid, amount: t.foreigntotal, externalId: t.externalid, lastModified: t.lastmodifieddate };
}

function subscriptionJson(s: NetSuiteSubscription) {
  return { id: s.id, name: s.name, startDate: s.startdate, endDate: s.enddate, arr: s.custrecord_concord_arr, autoRenewal: s.autorenewal === 'T', status: s.status, lastModified: s.lastmodifieddate };
}

/** Admin routes (mounted at `/__sandbox/netsuite`). */
export function netsuiteEventsAdminApp(state: SandboxState): Hono {
  const sender = netsuiteEventsFor(state);
  const app = new Hono();

  app.put('/events', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = eventTargetSchema.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_event_target', 'Invalid NetSuite event target', issues(parsed.error));
    sender.configure(parsed.data);
    return c.json(sender.view(parsed.data.tenant));
  });

  app.get('/events', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    const view = sender.view(q.data.tenant);
    return view ? c.json(view) : problem(c, 404, 'no_event_target', 'The event script is not installed for this tenant (PUT /__sandbox/netsuite/events)');
  });

  app.delete('/events', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    sender.remove(q.data.tenant);
    return c.body(null, 204);
  });

  app.post('/events/flush', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = flushBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_flush', 'Invalid flush request', issues(parsed.error));
    return c.json({ idle: await sender.drain(parsed.data.tenant, parsed.data.timeoutMs) });
  });

  /** Parses the body, runs the action on the tenant's dataset, reports the change; problems for bad input. */
  const action = <S extends z.ZodType>(schema: S, run: (c: Context, tenant: SandboxTenant, body: z.infer<S>) => { status: 200 | 201; json: Record<string, unknown>; change: RecordChange | null }) =>
    async (c: Context) => {
      const tenant = c.req.param('tenant') ?? '';
      if (!isSandboxTenant(tenant)) return problem(c, 404, 'unknown_tenant', 'Unknown tenant', 'tenant must be demo or other');
      if (!/^\d{1,19}$/.test(c.req.param('id') ?? '')) return problem(c, 400, 'invalid_id', 'Invalid internal id', 'id: expected the record internal id (digits)');
      const body = await readJson(c, {});
      if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
      const parsed = schema.safeParse(body.value);
      if (!parsed.success) return problem(c, 422, 'invalid_action', 'Invalid request', issues(parsed.error));
      try {
        let answer: ReturnType<typeof run>;
        try {
          answer = run(c, tenant, parsed.data);
        } finally {
          netsuiteChanged(state.dataset(tenant).netsuite);
        }
        const { status, json, change } = answer;
        const event: NetSuiteEvent | null = change ? sender.recordChanged(tenant, change) : null;
        return c.json({ ...json, events: event ? [event] : [] }, status);
      } catch (err) {
        if (err instanceof ActionError) return problem(c, err.status, err.code, err.message, err.path ? `${err.path}: ${err.message}` : undefined);
        if (err instanceof NetSuiteError) return problem(c, 422, 'invalid_action', err.message, err.path ? `${err.path}: ${err.message}` : undefined);
        throw err;
      }
    };

  const invoiceAnswer = (r: InvoiceActionResult, createdKey?: 'payment' | 'creditMemo') => ({
    status: (r.changed && createdKey ? 201 : 200) as 200 | 201,
    json: { ...(createdKey && r.created ? { [createdKey]: createdJson(r.created) } : {}), invoice: invoiceJson(r.invoice), changed: r.changed },
    change: r.change,
  });
  const ds = (tenant: SandboxTenant) => state.dataset(tenant).netsuite;

  app.post('/:tenant/invoices/:id/pay', action(payBody, (c, t, b) => invoiceAnswer(payInvoice(ds(t), c.req.param('id')!, b), 'payment')));
  app.post('/:tenant/invoices/:id/dispute', action(disputeBody, (c, t, b) => invoiceAnswer(disputeInvoice(ds(t), c.req.param('id')!, b))));
  app.post('/:tenant/invoices/:id/credit', action(creditBody, (c, t, b) => invoiceAnswer(creditInvoice(ds(t), c.req.param('id')!, b), 'creditMemo')));
  app.post(
    '/:tenant/subscriptions/:id/amend',
    action(amendBody, (c, t, b) => {
      const r = amendSubscription(ds(t), c.req.param('id')!, b);
      return { status: 200, json: { subscription: subscriptionJson(r.subscription), changed: r.changed }, change: r.change };
    }),
  );

  return app;
}
