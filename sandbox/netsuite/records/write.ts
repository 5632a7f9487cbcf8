/**
 * Create and update for NetSuite REST records. Bodies use REST field names and are checked with
 * strict zod schemas (an unknown field is a 400 naming it, as NetSuite does); references must point
 * at existing records; a transaction's currency must be its customer's. Writes mutate the tenant's
 * dataset in place so SuiteQL sees them immediately.
 */
import { defaultBillingKey } from '../addresses.js';
import { z } from 'zod';
import { addDays } from '../../seed/prng.js';
import type { NetSuiteCustomer, NetSuiteDataset, NetSuiteLine, NetSuiteSubscription, NetSuiteTransaction } from '../../seed/types.js';
import { NetSuiteError } from '../errors.js';
import { SUBSIDIARIES, isCountryCode } from './reference.js';

const TERMS_DAYS: Readonly<Record<string, number>> = { '4': 15, '5': 30, '6': 60 };

const ref = z.object({ id: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String), refName: z.string().optional(), links: z.array(z.unknown()).optional() });
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const text = (max: number) => z.string().max(max);

const addressSchema = z.object({
  label: text(100).optional(),
  defaultBilling: z.boolean().optional(),
  defaultShipping: z.boolean().optional(),
  addressBookAddress: z.object({
    addressee: text(100).optional(), addr1: text(150).optional(), addr2: text(150).optional(), city: text(50).optional(), state: text(50).optional(), zip: text(36).optional(),
    country: z.union([z.string().length(2), z.object({ id: z.string().length(2), refName: z.string().optional() })]).optional(),
  }).strict(),
}).strict();

/** customer body (create needs companyName, or firstName and lastName for an individual). */
export const customerBody = z.object({
  companyName: text(83).min(1).optional(),
  isPerson: z.boolean().optional(),
  firstName: text(32).min(1).nullable().optional(),
  lastName: text(32).min(1).nullable().optional(),
  entityId: text(83).optional(),
  externalId: text(255).nullable().optional(),
  email: z.email().nullable().optional(),
  url: text(200).nullable().optional(),
  vatRegNumber: text(20).nullable().optional(),
  currency: ref.optional(),
  subsidiary: ref.optional(),
  terms: ref.nullable().optional(),
  parent: ref.nullable().optional(),
  isInactive: z.boolean().optional(),
  addressBook: z.object({ items: z.array(addressSchema).max(50) }).strict().optional(),
}).strict();

const lineSchema = z.object({
  item: ref,
  quantity: z.number().positive().max(1e6).default(1),
  rate: z.number().nonnegative().max(1e9).optional(),
  amount: z.number().nonnegative().max(1e10).optional(),
  description: text(500).optional(),
}).strict();

/** invoice / salesOrder body (create needs entity and at least one item line). */
export const transactionBody = z.object({
  entity: ref,
  tranId: text(45).optional(),
  tranDate: date.optional(),
  dueDate: date.optional(),
  currency: ref.optional(),
  externalId: text(255).nullable().optional(),
  memo: text(999).nullable().optional(),
  custbody_concord_disputed: z.boolean().optional(),
  item: z.object({ items: z.array(lineSchema).min(1).max(1000) }).strict(),
}).strict();

/** customerPayment body. */
export const paymentBody = z.object({
  customer: ref,
  payment: z.number().positive().max(1e10),
  tranDate: date.optional(),
  currency: ref.optional(),
  externalId: text(255).nullable().optional(),
  memo: text(999).nullable().optional(),
  apply: z.object({ items: z.array(z.object({ doc: ref, apply: z.boolean().default(true), amount: z.number().positive() }).strict()).max(1000) }).strict().optional(),
}).strict();

/** subscription body. */
export const subscriptionBody = z.object({
  customer: ref,
  name: text(200).min(1),
  startDate: date,
  endDate: date,
  status: z.object({ id: z.enum(['ACTIVE', 'PENDING_ACTIVATION', 'TERMINATED', 'DRAFT']) }).passthrough().optional(),
  currency: ref.optional(),
  autoRenewal: z.boolean().optional(),
  custrecord_concord_arr: z.number().nonnegative().optional(),
  externalId: text(255).nullable().optional(),
}).strict();

/** Field labels NetSuite names in "Please enter value(s) for: …" (missing required fields). */
const LABELS: Readonly<Record<string, string>> = {
  companyName: 'Company Name', firstName: 'First Name', lastName: 'Last Name', entity: 'Customer', customer: 'Customer', item: 'Items',
  'item.items': 'Items', name: 'Name', startDate: 'Start Date', endDate: 'End Date', payment: 'Payment Amount',
};

/** NetSuite's answer to a required field left out (USER_ERROR, as for any user-fixable write). */
export function missingValue(field: string, label = LABELS[field] ?? field): NetSuiteError {
  return new NetSuiteError(400, 'USER_ERROR', `Please enter value(s) for: ${label}.`, field);
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let cur = body;
  for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[key] : undefined;
  return cur;
}

/** Parse a body with `schema` (partial for PATCH) or throw a NetSuite 400 naming the field. */
export function parseBody<S extends z.ZodObject>(schema: S, body: unknown, partial: boolean): z.infer<S> {
  const parsed = (partial ? schema.partial() : schema).safeParse(body);
  if (parsed.success) return parsed.data as z.infer<S>;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  if (issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined) throw missingValue(path);
  if (issue.code === 'too_small' && path === 'item.items') throw new NetSuiteError(400, 'USER_ERROR', 'You must enter at least one line item for this transaction.', path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const field = path ? `${path}.${key}` : key;
    throw new NetSuiteError(400, 'INVALID_FIELD', `Invalid field name: ${field}. The field does not exist on this record or cannot be set through REST.`, field);
  }
  throw new NetSuiteError(400, 'USER_ERROR', `Error while accessing a resource. Invalid value for field ${path || '(body)'}: ${issue.message}.`, path || undefined);
}

const now = () => new Date().toISOString();
const nextId = (rows: readonly { id: string }[], floor: number) => String(rows.reduce((m, r) => Math.max(m, Number(r.id) || 0), floor) + 1);

function customerById(ds: NetSuiteDataset, id: string, path: string): NetSuiteCustomer {
  const c = ds.customer.find((x) => x.id === id);
  if (!c) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid ${path} reference key ${id}.`, path);
  return c;
}

function currencyFor(ds: NetSuiteDataset, customer: NetSuiteCustomer, given: { id: string } | undefined): string {
  if (!given) return customer.currency;
  if (!ds.currency.some((c) => c.id === given.id)) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid currency reference key ${given.id}.`, 'currency');
  if (given.id !== customer.currency) throw new NetSuiteError(400, 'USER_ERROR', `The currency ${given.id} is not a currency of customer ${customer.entityid}; its transactions must use currency ${customer.currency}.`, 'currency');
  return given.id;
}

/** Apply a customer body (create when `existing` is null). */
export function writeCustomer(ds: NetSuiteDataset, existing: NetSuiteCustomer | null, b: Partial<z.infer<typeof customerBody>>): NetSuiteCustomer {
  if (b.currency && !ds.currency.some((c) => c.id === b.currency!.id)) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid currency reference key ${b.currency.id}.`, 'currency');
  if (b.subsidiary && !SUBSIDIARIES.some((s) => s.id === b.subsidiary!.id)) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid subsidiary reference key ${b.subsidiary.id}.`, 'subsidiary');
  if (b.terms && !TERMS_DAYS[b.terms.id]) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid terms reference key ${b.terms.id}.`, 'terms');
  if (b.parent) customerById(ds, b.parent.id, 'parent');
  if (b.externalId && ds.customer.some((c) => c.externalid === b.externalId && c !== existing)) {
    throw new NetSuiteError(400, 'USER_ERROR', `A record with external id ${b.externalId} already exists.`, 'externalId');
  }
  const person = b.isPerson ?? existing?.isperson === 'T';
  if (!existing || b.isPerson !== undefined) {
    if (person && !(b.firstName ?? existing?.firstname)) throw missingValue('firstName');
    if (person && !(b.lastName ?? existing?.lastname)) throw missingValue('lastName');
    if (!person && !(b.companyName ?? existing?.companyname)) throw missingValue('companyName');
  }
  b.addressBook?.items.forEach((a, i) => {
    const country = a.addressBookAddress.country;
    const code = (typeof country === 'string' ? country : country?.id)?.toUpperCase();
    if (code !== undefined && !isCountryCode(code)) throw new NetSuiteError(400, 'USER_ERROR', `Invalid Field Value ${code} for the following field: country.`, `addressBook.items[${i}].addressBookAddress.country`);
  });
  const c: NetSuiteCustomer = existing ?? {
    id: nextId(ds.customer, 1000), entityid: '', companyname: '', externalid: null, email: null, url: null, vatregnumber: null,
    currency: '1', terms: null, subsidiary: '1', parent: null, isinactive: 'F', datecreated: now(), lastmodifieddate: now(), defaultbillingaddress: null, addresses: [],
  };
  if (b.isPerson !== undefined) c.isperson = b.isPerson ? 'T' : 'F';
  if (b.firstName !== undefined) c.firstname = b.firstName;
  if (b.lastName !== undefined) c.lastname = b.lastName;
  if (b.companyName !== undefined) c.companyname = b.companyName;
  else if (!existing && person) c.companyname = `${c.firstname ?? ''} ${c.lastname ?? ''}`.trim();
  if (b.subsidiary) c.subsidiary = b.subsidiary.id;
  if (b.entityId !== undefined) c.entityid = b.entityId;
  else if (!existing) c.entityid = `CUST-${String(ds.customer.length + 1).padStart(5, '0')} ${c.companyname}`;
  if (b.externalId !== undefined) c.externalid = b.externalId;
  if (b.email !== undefined) c.email = b.email;
  if (b.url !== undefined) c.url = b.url;
  if (b.vatRegNumber !== undefined) c.vatregnumber = b.vatRegNumber;
  if (b.currency) c.currency = b.currency.id;
  if (b.terms !== undefined) c.terms = b.terms?.id ?? null;
  if (b.parent !== undefined) c.parent = b.parent?.id ?? null;
  if (b.isInactive !== undefined) c.isinactive = b.isInactive ? 'T' : 'F';
  if (b.addressBook) {
    c.addresses = b.addressBook.items.map((a, i) => {
      const country = a.addressBookAddress.country;
      return {
        label: a.label ?? `Address ${i + 1}`, defaultBilling: a.defaultBilling ?? i === 0, defaultShipping: a.defaultShipping ?? i === 0,
        addr1: a.addressBookAddress.addr1 ?? '', city: a.addressBookAddress.city ?? '', zip: a.addressBookAddress.zip ?? '',
        country: (typeof country === 'string' ? country : country?.id ?? 'US').toUpperCase(),
        ...(a.addressBookAddress.state ? { state: a.addressBookAddress.state } : {}),
        ...(a.addressBookAddress.addr2 ? { addr2: a.addressBookAddress.addr2 } : {}),
        ...(a.addressBookAddress.addressee ? { addressee: a.addressBookAddress.addressee } : {}),
      };
    });
  }
  c.defaultbillingaddress = defaultBillingKey(c);
  c.lastmodifieddate = now();
  if (!existing) ds.customer.push(c);
  return c;
}

function priceLines(ds: NetSuiteDataset, currency: string, items: z.infer<typeof lineSchema>[]): NetSuiteLine[] {
  return items.map((line, i) => {
    const item = ds.item.find((x) => x.id === line.item.id);
    if (!item || item.isinactive === 'T') throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid item reference key ${line.item.id}.`, `item.items[${i}].item`);
    const base = ds.pricing.find((p) => p.item === item.id && p.currency === currency && p.pricelevel === '1')?.unitprice;
    const rate = line.rate ?? (line.amount !== undefined ? line.amount / line.quantity : base);
    if (rate === undefined) throw new NetSuiteError(400, 'USER_ERROR', `Item ${item.itemid} has no base price in currency ${currency}; give a rate.`, `item.items[${i}].rate`);
    const amount = line.amount ?? Math.round(rate * line.quantity * 100) / 100;
    return { item: item.id, quantity: line.quantity, rate, amount, description: line.description ?? null };
  });
}

/** Apply an invoice/salesOrder body (create when `existing` is null). */
export function writeTransaction(ds: NetSuiteDataset, type: 'CustInvc' | 'SalesOrd', existing: NetSuiteTransaction | null, b: Partial<z.infer<typeof transactionBody>>): NetSuiteTransaction {
  const customer = customerById(ds, b.entity?.id ?? existing?.entity ?? '', 'entity');
  if (existing && b.entity && b.entity.id !== existing.entity) throw new NetSuiteError(400, 'USER_ERROR', 'The customer of an existing transaction cannot be changed.', 'entity');
  const currency = currencyFor(ds, customer, b.currency ?? (existing ? { id: existing.currency } : undefined));
  if (b.externalId && ds.transaction.some((t) => t.type === type && t.externalid === b.externalId && t !== existing)) {
    throw new NetSuiteError(400, 'USER_ERROR', `A record with external id ${b.externalId} already exists.`, 'externalId');
  }
  const prefix = type === 'CustInvc' ? 'INV' : 'SO';
  const today = now().slice(0, 10);
  const t: NetSuiteTransaction = existing ?? {
    id: nextId(ds.transaction, 5000), tranid: `${prefix}-${String(ds.transaction.filter((x) => x.type === type).length + 1).padStart(6, '0')}`,
    type, entity: customer.id, trandate: today, duedate: null, status: type === 'CustInvc' ? 'A' : 'B', foreigntotal: 0, foreignamountremaining: 0,
    currency, externalid: null, memo: null, custbody_concord_disputed: 'F', lastmodifieddate: now(),
  };
  if (b.tranId !== undefined) t.tranid = b.tranId;
  if (b.tranDate !== undefined) t.trandate = b.tranDate;
  if (b.externalId !== undefined) t.externalid = b.externalId;
  if (b.memo !== undefined) t.memo = b.memo;
  if (b.custbody_concord_disputed !== undefined) t.custbody_concord_disputed = b.custbody_concord_disputed ? 'T' : 'F';
  if (b.item) {
    if (existing && existing.status === 'V') throw new NetSuiteError(400, 'USER_ERROR', 'A voided transaction cannot be edited.', 'item');
    t.lines = priceLines(ds, currency, b.item.items);
    const paid = existing ? existing.foreigntotal - existing.foreignamountremaining : 0;
    t.foreigntotal = Math.round(t.lines.reduce((s, l) => s + l.amount, 0) * 100) / 100;
    if (t.foreigntotal < paid) throw new NetSuiteError(400, 'USER_ERROR', `The new total ${t.foreigntotal} is below the ${paid} already paid.`, 'item');
    t.foreignamountremaining = type === 'CustInvc' ? Math.round((t.foreigntotal - paid) * 100) / 100 : 0;
    if (type === 'CustInvc') t.status = t.foreignamountremaining === 0 ? 'B' : 'A';
  }
  if (type === 'CustInvc') t.duedate = b.dueDate ?? t.duedate ?? addDays(t.trandate, TERMS_DAYS[customer.terms ?? ''] ?? 30);
  t.lastmodifieddate = now();
  if (!existing) ds.transaction.push(t);
  return t;
}

/** Create a customerPayment, applying it to open invoices of the same customer. */
export function createPayment(ds: NetSuiteDataset, b: z.infer<typeof paymentBody>): NetSuiteTransaction {
  const customer = customerById(ds, b.customer.id, 'customer');
  const currency = currencyFor(ds, customer, b.currency);
  const applied: Record<string, number> = {};
  const plan: [NetSuiteTransaction, number][] = [];
  (b.apply?.items ?? []).filter((a) => a.apply).forEach((a, i) => {
    const inv = ds.transaction.find((t) => t.id === a.doc.id && t.type === 'CustInvc');
    const path = `apply.items[${i}].doc`;
    if (!inv || inv.entity !== customer.id) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invoice ${a.doc.id} is not an invoice of customer ${customer.entityid}.`, path);
    if (inv.status !== 'A') throw new NetSuiteError(400, 'USER_ERROR', `Invoice ${inv.tranid} is not open.`, path);
    if (a.amount > inv.foreignamountremaining + 1e-9) throw new NetSuiteError(400, 'USER_ERROR', `Amount ${a.amount} exceeds the ${inv.foreignamountremaining} due on ${inv.tranid}.`, `apply.items[${i}].amount`);
    plan.push([inv, a.amount]);
    applied[inv.id] = (applied[inv.id] ?? 0) + a.amount;
  });
  const total = Object.values(applied).reduce((s, v) => s + v, 0);
  if (total > b.payment + 1e-9) throw new NetSuiteError(400, 'USER_ERROR', `Applied amounts (${total}) exceed the payment (${b.payment}).`, 'apply');
  if (b.externalId && ds.transaction.some((t) => t.type === 'CustPymt' && t.externalid === b.externalId)) {
    throw new NetSuiteError(400, 'USER_ERROR', `A record with external id ${b.externalId} already exists.`, 'externalId');
  }
  for (const [inv, amount] of plan) {
    inv.foreignamountremaining = Math.round((inv.foreignamountremaining - amount) * 100) / 100;
    if (inv.foreignamountremaining <= 0) {
      inv.foreignamountremaining = 0;
      inv.status = 'B';
    }
    inv.lastmodifieddate = now();
  }
  const p: NetSuiteTransaction = {
    id: nextId(ds.transaction, 5000), tranid: `PYMT-${String(ds.transaction.filter((x) => x.type === 'CustPymt').length + 1).padStart(6, '0')}`,
    type: 'CustPymt', entity: customer.id, trandate: b.tranDate ?? now().slice(0, 10), duedate: null, status: 'B', foreigntotal: b.payment,
    foreignamountremaining: 0, currency, externalid: b.externalId ?? null, memo: b.memo ?? null, custbody_concord_disputed: 'F',
    appliesTo: Object.keys(applied), appliedAmounts: applied, lastmodifieddate: now(),
  };
  ds.transaction.push(p);
  return p;
}

/** Apply a subscription body (create when `existing` is null). */
export function writeSubscription(ds: NetSuiteDataset, existing: NetSuiteSubscription | null, b: Partial<z.infer<typeof subscriptionBody>>): NetSuiteSubscription {
  const customer = customerById(ds, b.customer?.id ?? existing?.customer ?? '', 'customer');
  const currency = currencyFor(ds, customer, b.currency ?? (existing ? { id: existing.currency } : undefined));
  const s: NetSuiteSubscription = existing ?? {
    id: nextId(ds.subscription, 700), name: '', customer: customer.id, startdate: '', enddate: '', status: 'DRAFT', currency,
    autorenewal: 'F', custrecord_concord_arr: 0, lastmodifieddate: now(), externalid: null,
  };
  if (b.customer) s.customer = customer.id;
  if (b.name !== undefined) s.name = b.name;
  if (b.startDate !== undefined) s.startdate = b.startDate;
  if (b.endDate !== undefined) s.enddate = b.endDate;
  if (s.enddate < s.startdate) throw new NetSuiteError(400, 'USER_ERROR', 'endDate must not be before startDate.', 'endDate');
  if (b.status) s.status = b.status.id;
  if (b.autoRenewal !== undefined) s.autorenewal = b.autoRenewal ? 'T' : 'F';
  if (b.custrecord_concord_arr !== undefined) s.custrecord_concord_arr = b.custrecord_concord_arr;
  if (b.externalId !== undefined) s.externalid = b.externalId;
  s.currency = currency;
  s.lastmodifieddate = now();
  if (!existing) ds.subscription.push(s);
  return s;
}
