/**
 * The SuiteQL tables the emulator serves, their columns, and what `BUILTIN.DF` shows for each
 * reference column. Rows are read straight from the tenant's dataset (the seed's SuiteQL-named
 * records, not copies); `transactionline` is derived from the transactions' item lines and
 * `entityaddress`, `customeraddressbook` and `customeraddressbookentityaddress` from the customers' address books.
 * Column names follow the Records Catalog
 * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_159367781370.html).
 */
import type { NetSuiteDataset, NetSuiteTransaction } from '../../seed/types.js';
import { addressKey, entityAddressRows } from '../addresses.js';
import { TERMS } from '../records/reference.js';
import { netsuiteVersion } from '../version.js';

/** A row as the evaluator sees it: lower-case column name to value. */
export type Row = Readonly<Record<string, unknown>>;

/** Column kinds decide how comparisons coerce values and how answers are written. */
export type ColumnKind = 'id' | 'text' | 'number' | 'date' | 'datetime' | 'bool';

/** What BUILTIN.DF(column) shows: the referenced record's display name. */
export type Display = (ds: NetSuiteDataset) => (value: string) => string | null;

/** A table: its columns (with kinds), where its rows live, and display names of references. */
export interface TableDef {
  columns: Readonly<Record<string, ColumnKind>>;
  rows(ds: NetSuiteDataset): readonly Row[];
  display?: Readonly<Record<string, Display>>;
}

const TYPE_NAMES: Readonly<Record<NetSuiteTransaction['type'], string>> = { CustInvc: 'Invoice', SalesOrd: 'Sales Order', CustPymt: 'Payment', CustCred: 'Credit Memo' };
const STATUS_NAMES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  CustInvc: { A: 'Open', B: 'Paid In Full', V: 'Voided' },
  SalesOrd: { A: 'Pending Approval', B: 'Pending Fulfillment', F: 'Pending Billing', G: 'Billed', H: 'Closed' },
  CustPymt: { B: 'Not Deposited', C: 'Deposited' },
  CustCred: { A: 'Open', B: 'Fully Applied' },
};
const TERM_NAMES: Readonly<Record<string, string>> = Object.fromEntries(TERMS.map((t) => [t.id, t.name]));

const TERM_ROWS = TERMS.map((t) => ({ id: t.id, name: t.name, daysuntilnetdue: t.days })) as unknown as Row[];

/** A lookup by id over one of the dataset's lists, built once per (list, call). */
function byId<T extends { id: string }>(list: readonly T[], show: (row: T) => string): (value: string) => string | null {
  const map = new Map(list.map((r) => [r.id, show(r)]));
  return (value) => map.get(value) ?? null;
}

const currencyName: Display = (ds) => byId(ds.currency, (c) => c.name);
const customerName: Display = (ds) => byId(ds.customer, (c) => c.entityid);
const itemName: Display = (ds) => byId(ds.item, (i) => i.itemid);
const fixed = (names: Readonly<Record<string, string>>): Display => () => (v) => names[v] ?? null;

/** transactionline rows, rebuilt when the transactions change (writes replace or push rows; every write bumps the version). */
const lineCache = new WeakMap<readonly NetSuiteTransaction[], { length: number; version: number; rows: Row[] }>();
function transactionLines(ds: NetSuiteDataset): readonly Row[] {
  const cached = lineCache.get(ds.transaction);
  const version = netsuiteVersion(ds);
  if (cached && cached.length === ds.transaction.length && cached.version === version) return cached.rows;
  const rows: Row[] = [];
  for (const t of ds.transaction) {
    if (t.type === 'CustPymt') continue;
    rows.push({ transaction: t.id, id: '0', linesequencenumber: 0, mainline: 'T', item: null, quantity: null, rate: null, foreignamount: t.foreigntotal, netamount: t.foreigntotal, memo: t.memo });
    const lines = t.lines ?? [{ item: '201', quantity: 1, rate: t.foreigntotal, amount: t.foreigntotal, description: t.memo ?? 'Subscription fees' }];
    lines.forEach((l, i) =>
      rows.push({ transaction: t.id, id: String(i + 1), linesequencenumber: i + 1, mainline: 'F', item: l.item, quantity: l.quantity, rate: l.rate, foreignamount: l.amount, netamount: l.amount, memo: l.description }),
    );
  }
  lineCache.set(ds.transaction, { length: ds.transaction.length, version, rows });
  return rows;
}

/**
 * `customeraddressbook`: one row per address-book entry (which customer, which address, the
 * default flags), and `customeraddressbookentityaddress`: the address itself, by `nkey`. Derived
 * from the customers' address books; the rows are rebuilt whenever a customer or its address book
 * is replaced (writes do that), so a record write shows in the next query.
 */
const addressRows = new WeakMap<readonly NetSuiteDataset['customer'][number][], { version: number; books: readonly unknown[]; book: Row[]; entity: Row[] }>();
function addressTables(ds: NetSuiteDataset): { book: Row[]; entity: Row[] } {
  const cached = addressRows.get(ds.customer);
  const version = netsuiteVersion(ds);
  // Unchanged records (same version): the rows stand without a pass over every customer.
  if (cached && cached.books.length === ds.customer.length && (cached.version === version || ds.customer.every((c, i) => cached.books[i] === c.addresses))) {
    cached.version = version;
    return cached;
  }
  const book: Row[] = [];
  const entity: Row[] = [];
  for (const c of ds.customer) {
    c.addresses.forEach((a, i) => {
      const nkey = addressKey(c.id, i);
      book.push({ entity: c.id, internalid: String(i + 1), addressbookaddress: nkey, label: a.label, defaultbilling: a.defaultBilling ? 'T' : 'F', defaultshipping: a.defaultShipping ? 'T' : 'F' });
      entity.push({ nkey, addressee: a.addressee ?? null, addr1: a.addr1, addr2: a.addr2 ?? null, city: a.city, state: a.state ?? null, zip: a.zip, country: a.country });
    });
  }
  const built = { version, books: ds.customer.map((c) => c.addresses), book, entity };
  addressRows.set(ds.customer, built);
  return built;
}

/** `entityaddress` rows (the customers' addresses), kept while the records are unchanged, so its column indexes are too. */
const entityAddressCache = new WeakMap<readonly NetSuiteDataset['customer'][number][], { version: number; length: number; rows: Row[] }>();
function entityAddresses(ds: NetSuiteDataset): readonly Row[] {
  const version = netsuiteVersion(ds);
  const cached = entityAddressCache.get(ds.customer);
  if (cached && cached.version === version && cached.length === ds.customer.length) return cached.rows;
  const rows = entityAddressRows(ds.customer) as Row[];
  entityAddressCache.set(ds.customer, { version, length: ds.customer.length, rows });
  return rows;
}

/** Tables by SuiteQL name. */
export const TABLES: Readonly<Record<string, TableDef>> = {
  customer: {
    columns: {
      id: 'id', entityid: 'text', companyname: 'text', externalid: 'text', email: 'text', url: 'text', vatregnumber: 'text',
      currency: 'id', terms: 'id', subsidiary: 'id', parent: 'id', isinactive: 'bool', datecreated: 'datetime', lastmodifieddate: 'datetime',
      defaultbillingaddress: 'id',
    },
    rows: (ds) => ds.customer as unknown as Row[],
    display: { currency: currencyName, terms: fixed(TERM_NAMES), subsidiary: fixed({ '1': 'Concord Demo Inc.' }), parent: customerName },
  },
  entityaddress: {
    columns: { nkey: 'id', addressee: 'text', addr1: 'text', city: 'text', zip: 'text', country: 'text' },
    rows: entityAddresses,
  },
  transaction: {
    columns: {
      id: 'id', tranid: 'text', type: 'text', entity: 'id', trandate: 'date', duedate: 'date', status: 'text', foreigntotal: 'number',
      foreignamountremaining: 'number', currency: 'id', externalid: 'text', memo: 'text', custbody_concord_disputed: 'bool', lastmodifieddate: 'datetime',
    },
    rows: (ds) => ds.transaction as unknown as Row[],
    display: {
      entity: customerName,
      currency: currencyName,
      type: fixed(TYPE_NAMES),
      // status: see transactionStatusName (the display name depends on the row's type).
    },
  },
  transactionline: {
    columns: {
      transaction: 'id', id: 'id', linesequencenumber: 'number', mainline: 'bool', item: 'id', quantity: 'number', rate: 'number',
      foreignamount: 'number', netamount: 'number', memo: 'text',
    },
    rows: transactionLines,
    display: { item: itemName, transaction: (ds) => byId(ds.transaction, (t) => `${TYPE_NAMES[t.type]} #${t.tranid}`) },
  },
  subscription: {
    columns: {
      id: 'id', name: 'text', customer: 'id', startdate: 'date', enddate: 'date', status: 'text', currency: 'id', autorenewal: 'bool',
      custrecord_concord_arr: 'number', lastmodifieddate: 'datetime',
    },
    rows: (ds) => ds.subscription as unknown as Row[],
    display: { customer: customerName, currency: currencyName, status: fixed({ ACTIVE: 'Active', PENDING_ACTIVATION: 'Pending Activation', TERMINATED: 'Terminated', DRAFT: 'Draft' }) },
  },
  currency: { columns: { id: 'id', name: 'text', symbol: 'text' }, rows: (ds) => ds.currency as unknown as Row[] },
  // A customer's address book (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_159367781370.html,
  // Records Catalog: CustomerAddressbook and CustomerAddressbookEntityAddress; country is the ISO code).
  customeraddressbook: {
    columns: { entity: 'id', internalid: 'id', addressbookaddress: 'id', label: 'text', defaultbilling: 'bool', defaultshipping: 'bool' },
    rows: (ds) => addressTables(ds).book,
    display: { entity: customerName },
  },
  customeraddressbookentityaddress: {
    columns: { nkey: 'id', addressee: 'text', addr1: 'text', addr2: 'text', city: 'text', state: 'text', zip: 'text', country: 'text' },
    rows: (ds) => addressTables(ds).entity,
  },
  // Payment terms: the account's reference records (records/reference.ts), same for every tenant.
  term: { columns: { id: 'id', name: 'text', daysuntilnetdue: 'number' }, rows: () => TERM_ROWS },
  item: {
    columns: { id: 'id', itemid: 'text', displayname: 'text', itemtype: 'text', isinactive: 'bool' },
    rows: (ds) => ds.item as unknown as Row[],
    display: { itemtype: fixed({ InvtPart: 'Inventory Item', NonInvtPart: 'Non-inventory Item', Service: 'Service' }) },
  },
  pricing: {
    columns: { item: 'id', pricelevel: 'id', pricelevelname: 'text', currency: 'id', unitprice: 'number' },
    rows: (ds) => ds.pricing as unknown as Row[],
    display: { item: itemName, currency: currencyName, pricelevel: fixed({ '1': 'Base Price', '2': 'Partner' }) },
  },
};

/**
 * BUILTIN.DF of a transaction status needs the row's type: "Invoice : Open". The evaluator calls
 * this with the whole row instead of the column value.
 */
export function transactionStatusName(type: unknown, status: unknown): string | null {
  if (typeof type !== 'string' || typeof status !== 'string') return null;
  const name = STATUS_NAMES[type]?.[status];
  return name ? `${TYPE_NAMES[type as NetSuiteTransaction['type']] ?? type} : ${name}` : status;
}
