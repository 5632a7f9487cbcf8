/**
 * salesOrder records: the invoice/sales-order fields of write.ts plus what an order from the CRM
 * carries — payment `terms` (default: the customer's), contract `startDate`/`endDate`, the
 * customer's PO number `otherRefNum`, and `orderStatus` (`A` Pending Approval, `B` Pending
 * Fulfillment; an order is approved by a PATCH to `B`). `subsidiary`, when given, must be the
 * customer's. An order already fulfilled, billed or closed keeps its status.
 * https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2024.2/index.html#tag-salesOrder
 */
import { z } from 'zod';
import type { NetSuiteDataset, NetSuiteTransaction } from '../../seed/types.js';
import { NetSuiteError } from '../errors.js';
import { STATUS_NAMES, transactionToRest, type Links } from './map.js';
import { SUBSIDIARIES, TERMS, subsidiaryName, termName } from './reference.js';
import { transactionBody, writeTransaction } from './write.js';

const ref = z.object({ id: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String), refName: z.string().optional(), links: z.array(z.unknown()).optional() });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** salesOrder body: a transaction body plus the order fields. */
export const salesOrderBody = transactionBody.extend({
  terms: ref.nullable().optional(),
  startDate: date.nullable().optional(),
  endDate: date.nullable().optional(),
  otherRefNum: z.string().max(45).nullable().optional(),
  subsidiary: ref.optional(),
  orderStatus: z.object({ id: z.enum(['A', 'B']), refName: z.string().optional() }).optional(),
});
export type SalesOrderBody = z.infer<typeof salesOrderBody>;

/** Statuses from which the order status can no longer be set (Pending Billing, Billed, Closed). */
const SETTLED = new Set(['F', 'G', 'H']);

/** Create (existing null) or update a sales order; every check runs before anything is written. */
export function writeSalesOrder(ds: NetSuiteDataset, existing: NetSuiteTransaction | null, b: Partial<SalesOrderBody>): NetSuiteTransaction {
  const { terms, startDate, endDate, otherRefNum, subsidiary, orderStatus, ...transaction } = b;
  if (terms && !TERMS.some((t) => t.id === terms.id)) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid terms reference key ${terms.id}.`, 'terms');
  const entityId = transaction.entity?.id ?? existing?.entity;
  const customer = ds.customer.find((c) => c.id === entityId);
  if (subsidiary) {
    if (!SUBSIDIARIES.some((s) => s.id === subsidiary.id)) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid subsidiary reference key ${subsidiary.id}.`, 'subsidiary');
    if (customer && customer.subsidiary !== subsidiary.id) {
      throw new NetSuiteError(400, 'USER_ERROR', `The subsidiary ${subsidiaryName(subsidiary.id)} is not the subsidiary of customer ${customer.entityid}.`, 'subsidiary');
    }
  }
  const start = startDate === undefined ? existing?.startdate ?? null : startDate;
  const end = endDate === undefined ? existing?.enddate ?? null : endDate;
  if (start && end && end < start) throw new NetSuiteError(400, 'USER_ERROR', 'The end date must not be before the start date.', 'endDate');
  if (orderStatus && existing && orderStatus.id !== existing.status && SETTLED.has(existing.status)) {
    throw new NetSuiteError(400, 'USER_ERROR', `The order status of a sales order that is ${STATUS_NAMES.SalesOrd[existing.status]} cannot be changed.`, 'orderStatus');
  }
  const t = writeTransaction(ds, 'SalesOrd', existing, transaction);
  if (terms !== undefined) t.terms = terms?.id ?? null;
  else if (!existing) t.terms = customer?.terms ?? null;
  t.startdate = start;
  t.enddate = end;
  if (otherRefNum !== undefined) t.otherrefnum = otherRefNum;
  if (orderStatus) t.status = orderStatus.id;
  return t;
}

/** A sales order as record/v1 returns it: the transaction fields plus the order fields. */
export function salesOrderToRest(ds: NetSuiteDataset, l: Links, t: NetSuiteTransaction): Record<string, unknown> {
  const rest = transactionToRest(ds, l, t);
  const customer = ds.customer.find((c) => c.id === t.entity);
  const subsidiary = customer?.subsidiary;
  const extra: Record<string, unknown> = {
    orderStatus: { id: t.status, refName: STATUS_NAMES.SalesOrd[t.status] ?? t.status },
    terms: t.terms ? l.ref('term', t.terms, termName(t.terms)) : undefined,
    startDate: t.startdate ?? undefined,
    endDate: t.enddate ?? undefined,
    otherRefNum: t.otherrefnum ?? undefined,
    subsidiary: subsidiary ? l.ref('subsidiary', subsidiary, subsidiaryName(subsidiary)) : undefined,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) rest[k] = v;
  return rest;
}
