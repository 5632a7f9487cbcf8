/**
 * The event script's trigger for writes through SuiteTalk REST (record/v1): NetSuite runs user
 * event scripts for web-services writes too, so a successful POST (create), PATCH (edit), PUT
 * upsert (create or edit) or DELETE of a subscribed record type queues its event
 * (sender.ts). Mounted before the record routes; it only looks at the outcome, never changes it.
 * A payment applied to an invoice saves the payment, not the invoice: one customerpayment event,
 * as in NetSuite (the broker reads the invoices from the payment's apply list).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { SandboxEnv } from '../../core/auth.js';
import type { SandboxState } from '../../core/state.js';
import { RECORD_KINDS, findRow } from '../records/registry.js';
import { netsuiteEventsFor, type EventRecordType, type RecordChange } from './sender.js';

/** REST record type -> the SuiteScript record type the script is deployed on. */
const SUBSCRIBED: Readonly<Record<string, EventRecordType>> = {
  customer: 'customer',
  invoice: 'invoice',
  salesOrder: 'salesorder',
  customerPayment: 'customerpayment',
  creditMemo: 'creditmemo',
  subscription: 'subscription',
};

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** `/record/v1/{type}[/{key}]` of the request path. */
function target(c: Context): { type: string; key: string | undefined } | null {
  const m = /\/record\/v1\/([^/]+)(?:\/([^/]+))?\/?$/.exec(c.req.path);
  if (!m) return null;
  return { type: m[1]!, key: m[2] === undefined ? undefined : decodeURIComponent(m[2]) };
}

/** Middleware for `/services/rest/record/v1/*` (after authentication: it needs the tenant). */
export function recordEventHook(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const t = WRITES.has(c.req.method) ? target(c) : null;
    const recordType = t ? SUBSCRIBED[t.type] : undefined;
    const kind = t ? RECORD_KINDS[t.type] : undefined;
    if (!t || !recordType || !kind) return next();
    const tenant = c.get('tenant');
    const ds = state.dataset(tenant).netsuite;
    const before = t.key ? findRow(kind, ds, t.key) : undefined;
    await next();
    if (c.res.status < 200 || c.res.status >= 300) return;

    let change: RecordChange | null = null;
    if (c.req.method === 'DELETE' || c.req.method === 'PATCH') {
      if (!before) return;
      const eventType = c.req.method === 'DELETE' ? 'delete' : 'edit';
      const lastModified = eventType === 'delete' ? new Date().toISOString() : lastModifiedOf(before);
      change = { recordType, recordId: before.id, eventType, lastModified };
    } else {
      // POST and PUT answer 204 with the record's Location.
      const id = /\/([^/]+)$/.exec(c.res.headers.get('location') ?? '')?.[1];
      const row = id ? findRow(kind, ds, id) : undefined;
      if (!row) return;
      change = { recordType, recordId: row.id, eventType: before ? 'edit' : 'create', lastModified: lastModifiedOf(row) };
    }
    netsuiteEventsFor(state).recordChanged(tenant, change);
  };
}

function lastModifiedOf(row: object): string {
  const value = (row as { lastmodifieddate?: string }).lastmodifieddate;
  return value ?? new Date().toISOString();
}
