/**
 * The REST record types the emulator serves and how each reads, writes and deletes its rows.
 * Invoices, sales orders and payments share the `transaction` table (by `type`); the three item
 * record types share `item` (by `itemtype`).
 */
import type { NetSuiteDataset, NetSuiteItem, NetSuiteTransaction } from '../../seed/types.js';
import { creditMemoKind } from './credit-memo.js';
import { NetSuiteError } from '../errors.js';
import { ITEM_REST_TYPE, customerToRest, itemToRest, subscriptionToRest, transactionToRest, type Links } from './map.js';
import { createPayment, customerBody, parseBody, paymentBody, subscriptionBody, transactionBody, writeCustomer, writeSubscription, writeTransaction } from './write.js';
import { REFERENCE_KINDS } from './reference.js';
import { salesOrderBody, salesOrderToRest, writeSalesOrder } from './sales-order.js';
import { itemBody, writeItem } from './item-write.js';

type Json = Record<string, unknown>;
interface Row {
  id: string;
  externalid?: string | null;
}

/** One REST record type. */
export interface RecordKind {
  rows(ds: NetSuiteDataset): readonly Row[];
  toRest(ds: NetSuiteDataset, l: Links, row: Row): Json;
  /** Create (existing null) or update from a REST body; absent = read-only type. */
  write?(ds: NetSuiteDataset, existing: Row | null, body: unknown, partial: boolean): Row;
  /** Throws NetSuiteError when dependents block the delete. */
  remove(ds: NetSuiteDataset, row: Row): void;
}

const hasExternalId = (row: Row) => 'externalid' in row;

function removeFrom<T>(list: T[], row: T): void {
  const i = list.indexOf(row);
  if (i >= 0) list.splice(i, 1);
}

function dependents(message: string): never {
  throw new NetSuiteError(400, 'RECORD_HAS_DEPENDENTS', message);
}

function transactionKind(type: Exclude<NetSuiteTransaction['type'], 'CustCred'>): RecordKind {
  const rows = (ds: NetSuiteDataset) => ds.transaction.filter((t) => t.type === type);
  return {
    rows,
    toRest: (ds, l, row) => transactionToRest(ds, l, row as NetSuiteTransaction),
    write: (ds, existing, body, partial) => {
      if (type === 'CustPymt') {
        const b = parseBody(paymentBody, body, false);
        if (existing) {
          // An upsert repeating the payment as recorded changes nothing (the idempotent retry);
          // real edits to a payment are not emulated.
          if (samePayment(existing as NetSuiteTransaction, b)) return existing;
          throw new NetSuiteError(400, 'USER_ERROR', 'The sandbox does not edit customer payments; void and re-enter instead.');
        }
        return createPayment(ds, b);
      }
      return writeTransaction(ds, type, existing as NetSuiteTransaction | null, parseBody(transactionBody, body, partial));
    },
    remove: (ds, row) => {
      const t = row as NetSuiteTransaction;
      if (t.type === 'CustInvc' && ds.transaction.some((p) => (p.type === 'CustPymt' || p.type === 'CustCred') && p.appliesTo?.includes(t.id))) {
        dependents('This record cannot be deleted because it has dependent records (customer payments or credit memos applied to it).');
      }
      if (t.type === 'CustPymt') {
        // Deleting a payment re-opens what it paid.
        for (const id of t.appliesTo ?? []) {
          const inv = ds.transaction.find((x) => x.id === id);
          if (!inv) continue;
          inv.foreignamountremaining = Math.round((inv.foreignamountremaining + (t.appliedAmounts?.[id] ?? t.foreigntotal)) * 100) / 100;
          inv.status = 'A';
        }
      }
      removeFrom(ds.transaction, t);
    },
  };
}

/** Whether a payment body says what the recorded payment already is (customer, amount, applications). */
function samePayment(p: NetSuiteTransaction, b: ReturnType<typeof paymentBody.parse>): boolean {
  if (p.entity !== b.customer.id || Math.abs(p.foreigntotal - b.payment) > 1e-9) return false;
  const applied: Record<string, number> = {};
  for (const a of b.apply?.items ?? []) if (a.apply) applied[a.doc.id] = (applied[a.doc.id] ?? 0) + a.amount;
  const recorded = p.appliedAmounts ?? {};
  const keys = new Set([...Object.keys(applied), ...Object.keys(recorded)]);
  return [...keys].every((k) => Math.abs((applied[k] ?? 0) - (recorded[k] ?? 0)) < 1e-9);
}

function itemKind(itemtype: NetSuiteItem['itemtype']): RecordKind {
  return {
    rows: (ds) => ds.item.filter((i) => i.itemtype === itemtype),
    toRest: (ds, l, row) => itemToRest(ds, l, row as NetSuiteItem),
    write: (ds, existing, body, partial) => writeItem(ds, itemtype, existing as NetSuiteItem | null, parseBody(itemBody, body, partial)),
    remove: (ds, row) => {
      if (ds.transaction.some((t) => t.lines?.some((line) => line.item === row.id))) dependents('This item is used on transactions and cannot be deleted.');
      removeFrom(ds.item, row as NetSuiteItem);
      ds.pricing = ds.pricing.filter((p) => p.item !== row.id);
    },
  };
}

/** Record types by their REST name. */
export const RECORD_KINDS: Readonly<Record<string, RecordKind>> = {
  customer: {
    rows: (ds) => ds.customer,
    toRest: (ds, l, row) => customerToRest(ds, l, row as NetSuiteDataset['customer'][number]),
    write: (ds, existing, body, partial) => writeCustomer(ds, existing as NetSuiteDataset['customer'][number] | null, parseBody(customerBody, body, partial)),
    remove: (ds, row) => {
      if (ds.transaction.some((t) => t.entity === row.id) || ds.subscription.some((s) => s.customer === row.id)) {
        dependents('This record cannot be deleted because it has dependent records (transactions or subscriptions).');
      }
      removeFrom(ds.customer, row as NetSuiteDataset['customer'][number]);
    },
  },
  invoice: transactionKind('CustInvc'),
  // Sales orders add terms, contract dates, PO number and order status (sales-order.ts).
  salesOrder: {
    ...transactionKind('SalesOrd'),
    toRest: (ds, l, row) => salesOrderToRest(ds, l, row as NetSuiteTransaction),
    write: (ds, existing, body, partial) => writeSalesOrder(ds, existing as NetSuiteTransaction | null, parseBody(salesOrderBody, body, partial)),
  },
  customerPayment: transactionKind('CustPymt'),
  creditMemo: creditMemoKind,
  subscription: {
    rows: (ds) => ds.subscription,
    toRest: (ds, l, row) => subscriptionToRest(ds, l, row as NetSuiteDataset['subscription'][number]),
    write: (ds, existing, body, partial) => writeSubscription(ds, existing as NetSuiteDataset['subscription'][number] | null, parseBody(subscriptionBody, body, partial)),
    remove: (ds, row) => removeFrom(ds.subscription, row as NetSuiteDataset['subscription'][number]),
  },
  [ITEM_REST_TYPE.InvtPart]: itemKind('InvtPart'),
  [ITEM_REST_TYPE.NonInvtPart]: itemKind('NonInvtPart'),
  [ITEM_REST_TYPE.Service]: itemKind('Service'),
  // Read-only reference records: payment terms, subsidiaries, currencies (reference.ts).
  ...REFERENCE_KINDS,
};

/** Find a row by internal id or by `eid:<externalId>`. */
export function findRow(kind: RecordKind, ds: NetSuiteDataset, key: string): Row | undefined {
  if (key.startsWith('eid:')) {
    const eid = key.slice(4);
    return kind.rows(ds).find((r) => hasExternalId(r) && r.externalid === eid);
  }
  return kind.rows(ds).find((r) => r.id === key);
}
