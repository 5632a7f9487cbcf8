/**
 * NetSuite changes in canonical terms: the event script's push as an `erp.change` message, the
 * poll's SuiteQL on `lastmodifieddate` per record type, and reading a changed record back (an
 * event is a pointer; Concord reads what the record says now).
 *
 * Times: SuiteQL datetimes are read and compared as `YYYY-MM-DD HH24:MI:SS` text through
 * TO_CHAR/TO_DATE (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_158513731864.html),
 * in the time zone of the integration user, which Concord expects to be GMT/UTC (docs/decisions.md,
 * "ERP and CS changes"); record/v1 `lastModifiedDate` is an ISO instant. Versions resolve to the
 * second, as NetSuite's do.
 */
import { z } from 'zod';
import { ConcordError } from '../../errors.js';
import { roundMoney, type CurrencyCode } from '../../model/index.js';
import type { ErpRecordType } from '../../model/changes.js';
import type { ErpChangedRow, ErpRecordVersion } from '../../ports/index.js';
import { erpVersionKey, wholeSeconds, type ErpChange } from '../../queues/messages.js';
import type { NetSuiteClient } from './client.js';
import type { NetSuiteEvent } from './events.js';
import { suiteqlQueries } from './queries.js';
import { SettlementRecordSchema, type SettlementRecord } from './schemas.js';

/** SuiteScript record type (the script's `newRecord.type`) -> canonical record type. */
export const SCRIPT_RECORD_TYPE: Readonly<Record<NetSuiteEvent['recordType'], ErpRecordType>> = {
  invoice: 'invoice',
  customerpayment: 'payment',
  creditmemo: 'credit_memo',
  salesorder: 'sales_order',
  subscription: 'contract',
  customer: 'customer',
};

/** SuiteQL `transaction.type` of the transaction record types. */
export const TRANSACTION_TYPE: Readonly<Partial<Record<ErpRecordType, string>>> = { invoice: 'CustInvc', payment: 'CustPymt', credit_memo: 'CustCred', sales_order: 'SalesOrd' };

/** `YYYY-MM-DD HH24:MI:SS` text (what TO_CHAR answers) as an ISO instant; null when it is not that. */
export function suiteqlInstant(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text.trim());
  return m ? `${m[1]}T${m[2]}Z` : null;
}

/** An ISO instant as the `YYYY-MM-DD HH24:MI:SS` text TO_DATE reads (whole seconds, UTC). */
export function suiteqlTimestamp(iso: string): string {
  return new Date(wholeSeconds(Date.parse(iso))).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The canonical change message for one pushed event. The script reports what the user event was;
 * anything but create and delete (edit, xedit, approve, ship, ...) is an edit of the record.
 */
export async function netsuiteChange(event: NetSuiteEvent, tenantId: string, correlationId: string): Promise<ErpChange> {
  const recordType = SCRIPT_RECORD_TYPE[event.recordType];
  const lastModified = wholeSeconds(Date.parse(event.lastModified));
  // NetSuite writes account ids in either case (1234567_SB1, tstdrv123); Concord keeps upper case.
  const account = event.accountId.toUpperCase();
  const eventType = event.eventType === 'create' || event.eventType === 'delete' ? event.eventType : 'edit';
  return {
    v: 1,
    kind: 'erp.change',
    tenantId,
    system: 'netsuite',
    externalAccount: account,
    recordType,
    recordId: event.recordId,
    eventType,
    lastModified,
    via: 'push',
    sourceEventId: event.eventId,
    correlationId,
    idempotencyKey: await erpVersionKey({ externalAccount: account, recordType, recordId: event.recordId, lastModified, deleted: eventType === 'delete' }),
  };
}

const id = z.union([z.string(), z.number().transform(String)]);
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const instant = z.string().transform((t, ctx) => suiteqlInstant(t) ?? (ctx.addIssue({ code: 'custom', message: 'expected YYYY-MM-DD HH24:MI:SS' }), z.NEVER));

/** A poll row: id and last modified. */
export const ChangedRowSchema = z.object({ id, customerid: id.nullish(), lastmodified: instant });

/** A transaction row as the read-back query answers it. */
export const TransactionVersionSchema = z.object({
  id,
  type: z.string(),
  tranid: z.string().nullish(),
  entity: id.nullish(),
  trandate: isoDate.nullish(),
  duedate: isoDate.nullish(),
  status: z.string().nullish(),
  foreigntotal: num.nullish(),
  foreignamountremaining: num.nullish(),
  currency: id.nullish(),
  custbody_concord_disputed: z.enum(['T', 'F']).nullish(),
  lastmodified: instant,
});
type TransactionVersion = z.infer<typeof TransactionVersionSchema>;

export const SubscriptionVersionSchema = z.object({
  id,
  name: z.string().nullish(),
  customer: id.nullish(),
  startdate: isoDate.nullish(),
  enddate: isoDate.nullish(),
  status: z.string().nullish(),
  currency: id.nullish(),
  custrecord_concord_arr: num.nullish(),
  lastmodified: instant,
});

export const CustomerVersionSchema = z.object({ id, companyname: z.string().nullish(), entityid: z.string().nullish(), currency: id.nullish(), lastmodified: instant });

const LastPaymentSchema = z.object({ trandate: isoDate });

/** Invoice status codes (and display names) of SuiteQL `transaction.status`. */
const INVOICE_STATUS: Readonly<Record<string, string>> = { A: 'open', Open: 'open', B: 'paid', 'Paid In Full': 'paid', V: 'void', Voided: 'void' };
const CONTRACT_STATUS: Readonly<Record<string, string>> = { ACTIVE: 'active', PENDING_ACTIVATION: 'pending', DRAFT: 'draft', TERMINATED: 'terminated', SUSPENDED: 'suspended', EXPIRED: 'expired' };

type CurrencyOf = (currencyId: string) => Promise<CurrencyCode | null>;

function transactionVersion(type: ErpRecordType, row: TransactionVersion, currency: CurrencyCode | null): ErpRecordVersion {
  const status = row.status ?? null;
  return {
    recordType: type,
    id: row.id,
    number: row.tranid ?? null,
    customerId: row.entity ?? null,
    lastModified: row.lastmodified,
    currency,
    amount: row.foreigntotal == null ? null : roundMoney(row.foreigntotal),
    balance: type === 'invoice' && row.foreignamountremaining != null ? roundMoney(row.foreignamountremaining) : null,
    status: type === 'invoice' && status ? (INVOICE_STATUS[status] ?? status) : status,
    disputed: row.custbody_concord_disputed === 'T',
    date: row.trandate ?? null,
    dueDate: row.duedate ?? null,
    applied: [],
  };
}

/** The records of `type` modified at or after `since`, oldest first, each with its customer (the poll's query). */
export async function* changedSince(client: NetSuiteClient, type: ErpRecordType, since: string): AsyncIterable<ErpChangedRow[]> {
  for await (const page of client.suiteql(suiteqlQueries.changedSince(type, suiteqlTimestamp(since)), ChangedRowSchema)) {
    yield page.map((r) => ({ id: r.id, customerId: r.customerid ?? null, lastModified: r.lastmodified }));
  }
}

/** The customer's latest payment date (one row of a query ordered newest first). */
export async function lastPaymentDate(client: NetSuiteClient, customerId: string): Promise<string | null> {
  const rows = client.suiteql(suiteqlQueries.lastPayment(customerId), LastPaymentSchema, 1);
  const first = await rows.next();
  await rows.return(undefined);
  return first.done ? null : (first.value[0]?.trandate ?? null);
}

/**
 * One record as it is now, or null when NetSuite no longer has it (deleted) or the id is of
 * another type. Payments and credit memos also name the invoices they settle, with each
 * invoice's number and what it still owes (their apply sublist is read through record/v1).
 */
export async function changedRecord(client: NetSuiteClient, currencyOf: CurrencyOf, type: ErpRecordType, recordId: string): Promise<ErpRecordVersion | null> {
  const code = async (c: string | null | undefined) => (c ? currencyOf(c) : null);
  if (type === 'contract') {
    const row = (await client.suiteqlAll(suiteqlQueries.subscriptionVersion(recordId), SubscriptionVersionSchema))[0];
    if (!row) return null;
    return {
      recordType: type, id: row.id, number: row.name ?? null, customerId: row.customer ?? null, lastModified: row.lastmodified, currency: await code(row.currency),
      amount: row.custrecord_concord_arr == null ? null : roundMoney(row.custrecord_concord_arr), balance: null,
      status: row.status ? (CONTRACT_STATUS[row.status] ?? row.status) : null, disputed: false, date: row.startdate ?? null, dueDate: row.enddate ?? null, applied: [],
    };
  }
  if (type === 'customer') {
    const row = (await client.suiteqlAll(suiteqlQueries.customerVersion(recordId), CustomerVersionSchema))[0];
    if (!row) return null;
    return {
      recordType: type, id: row.id, number: row.companyname ?? row.entityid ?? null, customerId: row.id, lastModified: row.lastmodified, currency: await code(row.currency),
      amount: null, balance: null, status: null, disputed: false, date: null, dueDate: null, applied: [],
    };
  }
  if (type === 'payment' || type === 'credit_memo') return settlementVersion(client, code, type, recordId);
  const row = (await client.suiteqlAll(suiteqlQueries.transactionVersion(recordId), TransactionVersionSchema))[0];
  if (!row || row.type !== TRANSACTION_TYPE[type]) return null;
  return transactionVersion(type, row, await code(row.currency));
}

/**
 * A payment or credit memo as it is now, from its record/v1 read alone (it carries the number,
 * customer, amount, currency, status, last modified and the apply sublist, so no SuiteQL read of
 * the same record is needed), then the invoices it settles as they are now, in one query. Null
 * when NetSuite has no such record of this type (deleted, or the id is of another type: 404).
 */
async function settlementVersion(client: NetSuiteClient, code: (c: string | null | undefined) => Promise<CurrencyCode | null>, type: 'payment' | 'credit_memo', recordId: string): Promise<ErpRecordVersion | null> {
  let rec: SettlementRecord;
  try {
    rec = await client.record(type === 'payment' ? 'customerPayment' : 'creditMemo', recordId, SettlementRecordSchema, { expandSubResources: true });
  } catch (err) {
    if (err instanceof ConcordError && err.error.kind === 'not_found') return null;
    throw err;
  }
  const amount = type === 'payment' ? (rec.payment ?? rec.total) : (rec.total ?? rec.payment);
  const version: ErpRecordVersion = {
    recordType: type,
    id: rec.id,
    number: rec.tranId ?? null,
    customerId: (type === 'payment' ? (rec.customer ?? rec.entity) : (rec.entity ?? rec.customer))?.id ?? null,
    // record/v1 answers an instant; versions resolve to the second, as SuiteQL's do (suiteqlInstant).
    lastModified: `${new Date(wholeSeconds(Date.parse(rec.lastModifiedDate))).toISOString().slice(0, 19)}Z`,
    currency: await code(rec.currency?.id),
    amount: amount == null ? null : roundMoney(amount),
    balance: null,
    status: rec.status?.id ?? null,
    disputed: false,
    date: rec.tranDate ?? null,
    dueDate: null,
    applied: [],
  };
  const applied = (rec.apply?.items ?? []).filter((a) => a.apply !== false).map((a) => ({ invoiceId: a.doc.id, amount: roundMoney(a.amount) }));
  const invoices = applied.length === 0 ? [] : await client.suiteqlAll(suiteqlQueries.transactionsByIds(applied.map((a) => a.invoiceId)), TransactionVersionSchema);
  const byId = new Map(invoices.map((i) => [i.id, i]));
  version.applied = applied.map((a) => {
    const inv = byId.get(a.invoiceId);
    const paid = inv?.status != null && INVOICE_STATUS[inv.status] === 'paid';
    return { ...a, number: inv?.tranid ?? null, balance: inv?.foreignamountremaining == null ? null : paid ? 0 : roundMoney(inv.foreignamountremaining) };
  });
  return version;
}
