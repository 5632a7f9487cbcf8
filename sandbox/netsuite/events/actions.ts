/**
 * What a finance user does in NetSuite's UI, for the admin routes in admin.ts: receive a payment
 * for an invoice, flag an invoice as disputed, issue a credit memo against it, amend a contract
 * (subscription). Each changes the records as NetSuite would (a customer payment or credit memo
 * created and applied, the invoice's amount remaining and status updated, lastmodifieddate bumped)
 * and says which saved record the event script would report. The invoice is not itself saved by a
 * payment or credit application, so those report only the new payment or credit memo.
 */
import type { NetSuiteDataset, NetSuiteSubscription, NetSuiteTransaction } from '../../seed/types.js';
import { createPayment, writeSubscription, writeTransaction } from '../records/write.js';
import type { RecordChange } from './sender.js';

/** A refused action: HTTP status, stable code, the field at fault. */
export class ActionError extends Error {
  constructor(readonly status: 404 | 409 | 422, readonly code: string, message: string, readonly path?: string) {
    super(message);
  }
}

const cents = (n: number) => Math.round(n * 100) / 100;
const now = () => new Date().toISOString();

/** The invoice with internal id `id`, or a 404. */
export function invoiceById(ds: NetSuiteDataset, id: string): NetSuiteTransaction {
  const inv = ds.transaction.find((t) => t.id === id && t.type === 'CustInvc');
  if (!inv) throw new ActionError(404, 'invoice_not_found', `No invoice with internal id ${id}.`);
  return inv;
}

function openInvoice(inv: NetSuiteTransaction): void {
  if (inv.status !== 'A') throw new ActionError(409, 'invoice_not_open', `Invoice ${inv.tranid} is not open (status ${inv.status}).`);
}

/** The amount to apply: all that is due unless given; never more than is due. */
function amountFor(inv: NetSuiteTransaction, amount: number | undefined): number {
  const value = amount === undefined ? inv.foreignamountremaining : cents(amount);
  if (value <= 0) throw new ActionError(422, 'invalid_amount', 'amount must be positive.', 'amount');
  if (value > inv.foreignamountremaining + 1e-9) throw new ActionError(422, 'amount_exceeds_due', `amount ${value} exceeds the ${inv.foreignamountremaining} due on ${inv.tranid}.`, 'amount');
  return value;
}

/** An earlier payment or credit with this external id: the same request again (replayed), or a conflict. */
function replayed(ds: NetSuiteDataset, type: 'CustPymt' | 'CustCred', externalId: string | undefined, inv: NetSuiteTransaction, amount: number | undefined): NetSuiteTransaction | null {
  if (!externalId) return null;
  const earlier = ds.transaction.find((t) => t.type === type && t.externalid === externalId);
  if (!earlier) return null;
  const applied = earlier.appliedAmounts?.[inv.id];
  if (applied === undefined || (amount !== undefined && Math.abs(applied - cents(amount)) > 1e-9)) {
    throw new ActionError(409, 'external_id_conflict', `externalId ${externalId} is already used by ${earlier.tranid} for another application.`, 'externalId');
  }
  return earlier;
}

export interface InvoiceActionResult {
  /** The payment or credit memo (pay, credit); absent for dispute. */
  created?: NetSuiteTransaction;
  invoice: NetSuiteTransaction;
  /** False when the request repeated an earlier one (nothing changed, nothing reported). */
  changed: boolean;
  change: RecordChange | null;
}

/** Receive a payment for the invoice (all that is due unless `amount`), as a customer payment applied to it. */
export function payInvoice(ds: NetSuiteDataset, id: string, b: { amount?: number; tranDate?: string; externalId?: string; memo?: string }): InvoiceActionResult {
  const inv = invoiceById(ds, id);
  const earlier = replayed(ds, 'CustPymt', b.externalId, inv, b.amount);
  if (earlier) return { created: earlier, invoice: inv, changed: false, change: null };
  openInvoice(inv);
  const amount = amountFor(inv, b.amount);
  const payment = createPayment(ds, {
    customer: { id: inv.entity },
    payment: amount,
    tranDate: b.tranDate,
    externalId: b.externalId,
    memo: b.memo,
    apply: { items: [{ doc: { id: inv.id }, apply: true, amount }] },
  });
  return { created: payment, invoice: inv, changed: true, change: { recordType: 'customerpayment', recordId: payment.id, eventType: 'create', lastModified: payment.lastmodifieddate } };
}

/** Flag (or clear) the invoice's dispute: an edit of the invoice. Setting what is already set changes nothing. */
export function disputeInvoice(ds: NetSuiteDataset, id: string, b: { disputed?: boolean }): InvoiceActionResult {
  const inv = invoiceById(ds, id);
  const disputed = b.disputed ?? true;
  if (inv.status === 'V') throw new ActionError(409, 'invoice_voided', `Invoice ${inv.tranid} is voided.`);
  if ((inv.custbody_concord_disputed === 'T') === disputed) return { invoice: inv, changed: false, change: null };
  writeTransaction(ds, 'CustInvc', inv, { custbody_concord_disputed: disputed });
  return { invoice: inv, changed: true, change: { recordType: 'invoice', recordId: inv.id, eventType: 'edit', lastModified: inv.lastmodifieddate } };
}

/** Issue a credit memo for the invoice (all that is due unless `amount`), applied to it. */
export function creditInvoice(ds: NetSuiteDataset, id: string, b: { amount?: number; memo?: string; externalId?: string }): InvoiceActionResult {
  const inv = invoiceById(ds, id);
  const earlier = replayed(ds, 'CustCred', b.externalId, inv, b.amount);
  if (earlier) return { created: earlier, invoice: inv, changed: false, change: null };
  openInvoice(inv);
  const amount = amountFor(inv, b.amount);
  const at = now();
  inv.foreignamountremaining = cents(inv.foreignamountremaining - amount);
  if (inv.foreignamountremaining <= 0) (inv.foreignamountremaining = 0), (inv.status = 'B');
  inv.lastmodifieddate = at;
  const nextId = String(ds.transaction.reduce((m, t) => Math.max(m, Number(t.id) || 0), 5000) + 1);
  const memo: NetSuiteTransaction = {
    id: nextId,
    tranid: `CM-${String(ds.transaction.filter((t) => t.type === 'CustCred').length + 1).padStart(6, '0')}`,
    type: 'CustCred',
    entity: inv.entity,
    trandate: at.slice(0, 10),
    duedate: null,
    status: 'B', // fully applied
    foreigntotal: amount,
    foreignamountremaining: 0,
    currency: inv.currency,
    externalid: b.externalId ?? null,
    memo: b.memo ?? `Credit for ${inv.tranid}`,
    custbody_concord_disputed: 'F',
    appliesTo: [inv.id],
    appliedAmounts: { [inv.id]: amount },
    lastmodifieddate: at,
  };
  ds.transaction.push(memo);
  return { created: memo, invoice: inv, changed: true, change: { recordType: 'creditmemo', recordId: memo.id, eventType: 'create', lastModified: at } };
}

export interface AmendResult {
  subscription: NetSuiteSubscription;
  changed: boolean;
  change: RecordChange | null;
}

/** Amend a contract: new end date, ARR, auto-renewal or status. Values equal to the current ones change nothing. */
export function amendSubscription(
  ds: NetSuiteDataset,
  id: string,
  b: { endDate?: string; arr?: number; autoRenewal?: boolean; status?: NetSuiteSubscription['status'] },
): AmendResult {
  const sub = ds.subscription.find((s) => s.id === id);
  if (!sub) throw new ActionError(404, 'subscription_not_found', `No subscription with internal id ${id}.`);
  const same =
    (b.endDate === undefined || b.endDate === sub.enddate) &&
    (b.arr === undefined || cents(b.arr) === sub.custrecord_concord_arr) &&
    (b.autoRenewal === undefined || (b.autoRenewal ? 'T' : 'F') === sub.autorenewal) &&
    (b.status === undefined || b.status === sub.status);
  if (same) return { subscription: sub, changed: false, change: null };
  if (b.endDate !== undefined && b.endDate < sub.startdate) throw new ActionError(422, 'end_before_start', `endDate ${b.endDate} is before the start date ${sub.startdate}.`, 'endDate');
  writeSubscription(ds, sub, {
    endDate: b.endDate,
    custrecord_concord_arr: b.arr === undefined ? undefined : cents(b.arr),
    autoRenewal: b.autoRenewal,
    status: b.status === undefined ? undefined : { id: b.status },
  });
  return { subscription: sub, changed: true, change: { recordType: 'subscription', recordId: sub.id, eventType: 'edit', lastModified: sub.lastmodifieddate } };
}
