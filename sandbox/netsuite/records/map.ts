/**
 * Raw (SuiteQL-named) rows to REST record JSON as `GET /record/v1/{type}/{id}` returns it:
 * camelCase field names, references as `{id, refName}` objects, booleans for 'T'/'F', and a
 * `links` self link (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1544787084.html).
 */
import type { NetSuiteCustomer, NetSuiteDataset, NetSuiteItem, NetSuiteSubscription, NetSuiteTransaction } from '../../seed/types.js';

import { countryName, subsidiaryName } from './reference.js';

type Json = Record<string, unknown>;

/** Invoice/sales order/payment status codes and their display names. */
export const STATUS_NAMES: Readonly<Record<NetSuiteTransaction['type'], Readonly<Record<string, string>>>> = {
  CustInvc: { A: 'Open', B: 'Paid In Full', V: 'Voided' },
  SalesOrd: { A: 'Pending Approval', B: 'Pending Fulfillment', F: 'Pending Billing', G: 'Billed', H: 'Closed' },
  CustPymt: { B: 'Not Deposited', C: 'Deposited' },
  CustCred: { A: 'Open', B: 'Fully Applied', V: 'Voided' },
};

const SUBSCRIPTION_STATUS: Readonly<Record<NetSuiteSubscription['status'], string>> = {
  ACTIVE: 'Active', PENDING_ACTIVATION: 'Pending Activation', TERMINATED: 'Terminated', DRAFT: 'Draft',
};

const TERMS: Readonly<Record<string, string>> = { '4': 'Net 15', '5': 'Net 30', '6': 'Net 60' };

const ITEM_TYPE_NAMES: Readonly<Record<NetSuiteItem['itemtype'], string>> = { InvtPart: 'Inventory Item', NonInvtPart: 'Non-inventory Item', Service: 'Service' };


/** Link helpers bound to the request's base URL (`…/services/rest`). */
export class Links {
  constructor(readonly base: string) {}
  record(type: string, id: string): string {
    return `${this.base}/record/v1/${type}/${id}`;
  }
  self(type: string, id: string): { rel: string; href: string }[] {
    return [{ rel: 'self', href: this.record(type, id) }];
  }
  ref(type: string, id: string | null, refName?: string): Json | undefined {
    if (id === null) return undefined;
    return { links: this.self(type, id), id, ...(refName !== undefined ? { refName } : {}) };
  }
}

/** Drop undefined/null fields: REST records omit empty fields. */
function compact(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

function currencyRef(ds: NetSuiteDataset, l: Links, id: string) {
  return l.ref('currency', id, ds.currency.find((c) => c.id === id)?.name ?? id);
}

/** customer record. */
export function customerToRest(ds: NetSuiteDataset, l: Links, c: NetSuiteCustomer): Json {
  return compact({
    links: l.self('customer', c.id),
    id: c.id,
    entityId: c.entityid,
    companyName: c.companyname,
    externalId: c.externalid,
    email: c.email,
    url: c.url,
    vatRegNumber: c.vatregnumber,
    currency: currencyRef(ds, l, c.currency),
    terms: c.terms ? l.ref('term', c.terms, TERMS[c.terms] ?? c.terms) : undefined,
    subsidiary: l.ref('subsidiary', c.subsidiary, subsidiaryName(c.subsidiary)),
    parent: c.parent ? l.ref('customer', c.parent, ds.customer.find((p) => p.id === c.parent)?.entityid) : undefined,
    isInactive: c.isinactive === 'T',
    isPerson: c.isperson === 'T',
    firstName: c.firstname ?? undefined,
    lastName: c.lastname ?? undefined,
    dateCreated: c.datecreated,
    lastModifiedDate: c.lastmodifieddate,
    addressBook: {
      links: [{ rel: 'self', href: `${l.record('customer', c.id)}/addressBook` }],
      items: c.addresses.map((a, i) => ({
        links: [],
        id: i + 1,
        label: a.label,
        defaultBilling: a.defaultBilling,
        defaultShipping: a.defaultShipping,
        addressBookAddress: compact({ addressee: a.addressee, addr1: a.addr1, addr2: a.addr2, city: a.city, state: a.state, zip: a.zip, country: { id: a.country, refName: countryName(a.country) } }),
      })),
      totalResults: c.addresses.length,
    },
  });
}

const REST_TYPE: Readonly<Record<NetSuiteTransaction['type'], string>> = { CustInvc: 'invoice', SalesOrd: 'salesOrder', CustPymt: 'customerPayment', CustCred: 'creditMemo' };

/** invoice, salesOrder and customerPayment records (creditMemo: records/credit-memo.ts). */
export function transactionToRest(ds: NetSuiteDataset, l: Links, t: NetSuiteTransaction): Json {
  const type = REST_TYPE[t.type];
  const customer = ds.customer.find((c) => c.id === t.entity);
  const entity = l.ref('customer', t.entity, customer?.entityid);
  const base: Json = {
    links: l.self(type, t.id),
    id: t.id,
    tranId: t.tranid,
    tranDate: t.trandate,
    externalId: t.externalid,
    memo: t.memo,
    currency: currencyRef(ds, l, t.currency),
    status: { id: t.status, refName: STATUS_NAMES[t.type][t.status] ?? t.status },
    total: t.foreigntotal,
    lastModifiedDate: t.lastmodifieddate,
  };
  if (t.type === 'CustPymt') {
    return compact({
      ...base,
      customer: entity,
      payment: t.foreigntotal,
      apply: {
        items: (t.appliesTo ?? []).map((doc) => ({ links: [], doc: l.ref('invoice', doc), apply: true, amount: t.appliedAmounts?.[doc] ?? t.foreigntotal })),
        totalResults: (t.appliesTo ?? []).length,
      },
    });
  }
  const lines = t.lines ?? [{ item: '201', quantity: 1, rate: t.foreigntotal, amount: t.foreigntotal, description: t.memo ?? 'Subscription fees' }];
  return compact({
    ...base,
    entity,
    dueDate: t.duedate,
    amountRemaining: t.type === 'CustInvc' ? t.foreignamountremaining : undefined,
    custbody_concord_disputed: t.custbody_concord_disputed === 'T',
    item: {
      items: lines.map((line, i) => ({
        links: [], line: i + 1, item: l.ref(itemRestType(ds, line.item), line.item, ds.item.find((x) => x.id === line.item)?.itemid),
        quantity: line.quantity, rate: line.rate, amount: line.amount, description: line.description ?? undefined,
      })),
      totalResults: lines.length,
    },
  });
}

/** REST record type of an item row. */
export function itemRestType(ds: NetSuiteDataset, id: string): string {
  const item = ds.item.find((x) => x.id === id);
  return item ? ITEM_REST_TYPE[item.itemtype] : 'item';
}

/** REST record type per item type. */
export const ITEM_REST_TYPE: Readonly<Record<NetSuiteItem['itemtype'], string>> = {
  InvtPart: 'inventoryItem', NonInvtPart: 'nonInventorySaleItem', Service: 'serviceSaleItem',
};

/** inventoryItem / nonInventorySaleItem / serviceSaleItem records, with base prices. */
export function itemToRest(ds: NetSuiteDataset, l: Links, i: NetSuiteItem): Json {
  return compact({
    links: l.self(ITEM_REST_TYPE[i.itemtype], i.id),
    id: i.id,
    itemId: i.itemid,
    displayName: i.displayname,
    itemType: { id: i.itemtype, refName: ITEM_TYPE_NAMES[i.itemtype] },
    isInactive: i.isinactive === 'T',
    price: {
      items: ds.pricing.filter((p) => p.item === i.id).map((p) => ({
        links: [], priceLevel: { id: p.pricelevel, refName: p.pricelevelname }, currency: currencyRef(ds, l, p.currency), price: p.unitprice,
      })),
    },
  });
}

/** subscription record (SuiteBilling). */
export function subscriptionToRest(ds: NetSuiteDataset, l: Links, s: NetSuiteSubscription): Json {
  return compact({
    links: l.self('subscription', s.id),
    id: s.id,
    name: s.name,
    externalId: s.externalid ?? undefined,
    customer: l.ref('customer', s.customer, ds.customer.find((c) => c.id === s.customer)?.entityid),
    startDate: s.startdate,
    endDate: s.enddate,
    status: { id: s.status, refName: SUBSCRIPTION_STATUS[s.status] },
    currency: currencyRef(ds, l, s.currency),
    autoRenewal: s.autorenewal === 'T',
    custrecord_concord_arr: s.custrecord_concord_arr,
    lastModifiedDate: s.lastmodifieddate,
  });
}
