/**
 * NetSuite raw rows/records -> canonical shapes. The only file that knows NetSuite field names
 * (tranid, foreignamountremaining, custbody_concord_disputed, ...). Dates arrive ISO (schemas.ts
 * checks it): SuiteQL date columns are asked for with TO_CHAR(col, 'YYYY-MM-DD') because SuiteQL
 * otherwise writes them in the account's date format; record/v1 answers ISO dates itself.
 */
import { renewalDate, roundMoney, type Address, type ContractSection, type CurrencyCode, type ReceivableInvoice } from '../../model/index.js';
import type { ErpAddressInput, ErpCustomerInput, ErpDocument, ErpPayment, ErpPaymentInput, ErpProduct, ErpSalesOrderInput, MatchRecord } from '../../ports/index.js';
import type { AccountSnapshotRow, CustomerRecord, CustomerRow, EntityAddressRow, InvoiceRow, ItemRecord, PaymentRecord, SubscriptionRow, TransactionRecord } from './schemas.js';

/** Invoice status codes of SuiteQL `transaction.status` (and their display names). */
const PAID = new Set(['B', 'Paid In Full', 'paidInFull']);
const VOID = new Set(['V', 'Voided', 'voided']);

export function invoiceFromRow(row: InvoiceRow, currencyCode: string): ReceivableInvoice {
  const voided = row.status != null && VOID.has(row.status);
  const paid = row.status != null && PAID.has(row.status);
  const disputed = row.custbody_concord_disputed === 'T';
  const balance = voided || paid ? 0 : roundMoney(row.foreignamountremaining);
  return {
    id: row.id,
    number: row.tranid ?? row.id,
    issueDate: row.trandate,
    dueDate: row.duedate ?? row.trandate,
    total: roundMoney(row.foreigntotal),
    balance,
    currency: currencyCode,
    // The summary re-derives open/overdue/partially_paid against today; here only the ERP facts.
    status: voided ? 'void' : paid ? 'paid' : disputed ? 'disputed' : 'open',
    disputed,
  };
}

const CONTRACT_STATUS: Record<string, ContractSection['status']> = {
  ACTIVE: 'active',
  PENDING_ACTIVATION: 'pending',
  DRAFT: 'draft',
  TERMINATED: 'terminated',
  SUSPENDED: 'suspended',
  EXPIRED: 'expired',
};

/** Days since the epoch of an ISO date (compared as dates, never as text). */
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** Current term: the active one ending last; else the next pending; else the latest ended. */
export function currentSubscription(rows: SubscriptionRow[]): SubscriptionRow | null {
  const latestEnd = (a: SubscriptionRow, b: SubscriptionRow) => dayNumber(b.enddate) - dayNumber(a.enddate);
  const active = rows.filter((r) => r.status === 'ACTIVE').sort(latestEnd)[0];
  const pending = rows.filter((r) => r.status === 'PENDING_ACTIVATION').sort((a, b) => dayNumber(a.startdate) - dayNumber(b.startdate))[0];
  return active ?? pending ?? [...rows].sort(latestEnd)[0] ?? null;
}

export function contractFromRow(row: SubscriptionRow, currencyCode: string, today: string): Omit<ContractSection, 'daysToRenewal'> {
  let status = CONTRACT_STATUS[row.status] ?? 'active';
  if (status === 'active' && dayNumber(row.enddate) < dayNumber(today)) status = 'expired';
  return {
    id: row.id,
    name: row.name,
    status,
    startDate: row.startdate,
    endDate: row.enddate,
    renewalDate: renewalDate(row.enddate),
    arr: roundMoney(Math.max(0, row.custrecord_concord_arr ?? 0)),
    currency: currencyCode,
    autoRenew: row.autorenewal === 'T',
  };
}

/** The address fields record/v1 and SuiteQL both have. */
interface AddressFields {
  addr1?: string | null;
  addr2?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  country?: string | { id: string } | null;
}

function address(item: NonNullable<NonNullable<CustomerRecord['addressBook']>['items']>[number] | undefined): Address | null {
  return addressOf(item?.addressBookAddress);
}

function addressOf(a: AddressFields | undefined): Address | null {
  if (!a?.addr1 || !a.city || !a.country || !a.zip) return null;
  const country = typeof a.country === 'string' ? a.country : a.country.id;
  if (!/^[A-Z]{2}$/.test(country)) return null;
  return {
    line1: a.addr1,
    ...(a.addr2 ? { line2: a.addr2 } : {}),
    city: a.city,
    ...(a.state ? { region: a.state } : {}),
    postalCode: a.zip,
    country,
  };
}

export function accountFactsFromRecord(rec: CustomerRecord, currencyCode: string | null, domain: string | null) {
  const items = rec.addressBook?.items ?? [];
  return {
    legalName: rec.companyName ?? null,
    domain,
    taxId: rec.vatRegNumber || null,
    currency: currencyCode,
    billTo: address(items.find((i) => i.defaultBilling) ?? items[0]),
    shipTo: address(items.find((i) => i.defaultShipping)),
  };
}

/**
 * The rows of `suiteqlQueries.accountSnapshot` -> the customer's facts, its open invoices and its
 * current contract. The rows are the product of invoices and subscriptions, so each invoice and
 * each subscription is taken once by id. Amounts in a currency NetSuite has no code for are left
 * out, as the separate reads did. The addresses are the default billing and shipping ones
 * (record/v1 reads fell back to the first address when none was the default billing one).
 */
export function snapshotFromRows(rows: AccountSnapshotRow[], today: string, domainOf: (url: string | null | undefined) => string | null) {
  const first = rows[0];
  const code = (c: string | null | undefined) => (c ? c.toUpperCase() : null);
  const invoices = new Map<string, ReceivableInvoice>();
  const subscriptions = new Map<string, SubscriptionRow>();
  for (const r of rows) {
    const invoiceCurrency = code(r.invoicecurrency);
    if (r.invoiceid && !invoices.has(r.invoiceid) && r.trandate && invoiceCurrency) {
      const invoice: InvoiceRow = {
        id: r.invoiceid, tranid: r.tranid ?? null, trandate: r.trandate, duedate: r.duedate ?? null, status: r.invoicestatus ?? null,
        foreigntotal: r.foreigntotal ?? 0, foreignamountremaining: r.foreignamountremaining ?? 0, currency: invoiceCurrency, custbody_concord_disputed: r.custbody_concord_disputed ?? null,
      };
      invoices.set(r.invoiceid, invoiceFromRow(invoice, invoiceCurrency));
    }
    if (r.subscriptionid && !subscriptions.has(r.subscriptionid) && r.subscriptionname && r.startdate && r.enddate && r.subscriptionstatus) {
      subscriptions.set(r.subscriptionid, {
        id: r.subscriptionid, name: r.subscriptionname, customer: r.id, startdate: r.startdate, enddate: r.enddate, status: r.subscriptionstatus,
        currency: r.subscriptioncurrency ?? '', autorenewal: r.autorenewal ?? null, custrecord_concord_arr: r.custrecord_concord_arr ?? null,
      });
    }
  }
  const current = currentSubscription([...subscriptions.values()]);
  const contractCurrency = code(current?.currency);
  const sorted = [...invoices.values()].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || Number(a.id) - Number(b.id));
  const side = (p: 'bill' | 'ship') => addressOf({ addr1: first?.[`${p}addr1`], addr2: first?.[`${p}addr2`], city: first?.[`${p}city`], state: first?.[`${p}state`], zip: first?.[`${p}zip`], country: first?.[`${p}country`] });
  return {
    facts: {
      legalName: first?.companyname ?? null,
      domain: domainOf(first?.url),
      taxId: first?.vatregnumber || null,
      currency: code(first?.currency),
      billTo: side('bill'),
      shipTo: side('ship'),
    },
    invoices: sorted,
    contract: current && contractCurrency ? contractFromRow(current, contractCurrency, today) : null,
  };
}

/** A customer row and its default billing address (if it has one) as identity evidence. */
export function matchRecordFromRow(row: CustomerRow, billing?: EntityAddressRow): MatchRecord {
  return {
    externalId: row.id,
    name: row.companyname ?? row.entityid ?? row.id,
    domain: row.url ?? null,
    taxId: row.vatregnumber ?? null,
    country: billing?.country ?? null,
    city: billing?.city ?? null,
    address: billing?.addr1 ?? null,
    emails: row.email ? [row.email] : [],
    // Raw, e.g. 'hs-1000123': the matcher reads the prefix.
    crmHint: row.externalid ?? null,
  };
}

// ---- record/v1 writes (canonical -> REST bodies) and reads (REST records -> canonical) ----

/** A canonical address as a NetSuite address book entry (REST field names). */
function addressBookAddress(a: ErpAddressInput): Record<string, unknown> {
  return {
    addr1: a.line1,
    ...(a.line2 ? { addr2: a.line2 } : {}),
    city: a.city,
    ...(a.postalCode ? { zip: a.postalCode } : {}),
    ...(a.region ? { state: a.region } : {}),
    country: a.country,
  };
}

/**
 * customer body for the upsert; `currencyId` is the NetSuite id of the input's ISO code. The
 * bill-to address is the default billing (and, without a ship-to, shipping) entry of the address
 * book; references (terms, subsidiary, parent) are internal ids.
 * https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2024.2/index.html#tag-customer
 */
export function customerBody(input: ErpCustomerInput, currencyId: string | null): Record<string, unknown> {
  const book: Record<string, unknown>[] = [];
  if (input.billTo) book.push({ defaultBilling: true, defaultShipping: !input.shipTo, addressBookAddress: addressBookAddress(input.billTo) });
  if (input.shipTo) book.push({ defaultBilling: !input.billTo, defaultShipping: true, addressBookAddress: addressBookAddress(input.shipTo) });
  return {
    companyName: input.legalName ?? input.name,
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.website !== undefined ? { url: input.website } : {}),
    ...(input.taxId !== undefined ? { vatRegNumber: input.taxId } : {}),
    ...(currencyId ? { currency: { id: currencyId } } : {}),
    ...(input.terms ? { terms: { id: input.terms } } : {}),
    ...(input.subsidiary ? { subsidiary: { id: input.subsidiary } } : {}),
    ...(input.parentId ? { parent: { id: input.parentId } } : {}),
    ...(book.length > 0 ? { addressBook: { items: book } } : {}),
  };
}

/** salesOrder body; `currencyId` is the NetSuite id of the order's ISO currency (it must be the customer's). */
export function salesOrderBody(input: ErpSalesOrderInput, currencyId: string | null = null): Record<string, unknown> {
  return {
    entity: { id: input.customerId },
    ...(input.date ? { tranDate: input.date } : {}),
    ...(input.memo !== undefined ? { memo: input.memo } : {}),
    ...(currencyId ? { currency: { id: currencyId } } : {}),
    ...(input.terms ? { terms: { id: input.terms } } : {}),
    ...(input.startDate ? { startDate: input.startDate } : {}),
    ...(input.endDate ? { endDate: input.endDate } : {}),
    // Pending Approval: NetSuite neither fulfils nor bills an order until it is approved.
    ...(input.billingHold ? { orderStatus: { id: 'A' } } : {}),
    item: {
      items: input.lines.map((l) => ({
        item: { id: l.itemId },
        quantity: l.quantity,
        ...(l.unitPrice !== undefined ? { rate: l.unitPrice } : {}),
        ...(l.description !== undefined ? { description: l.description } : {}),
      })),
    },
  };
}

/**
 * The request field NetSuite names in a refusal (`o:errorPath`, in the bodies above) as the
 * port's input field: `item.items[0].item` -> `lines.0.itemId`, `addressBook.items[0]
 * .addressBookAddress.country` -> `billTo.country`. Null for a path these bodies do not write.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545222128.html (error responses)
 */
export function inputFieldOf(record: 'customer' | 'salesOrder', path: string, customer?: Pick<ErpCustomerInput, 'billTo' | 'shipTo'>): string | null {
  if (record === 'salesOrder') {
    const line = /^item\.items\[(\d+)\](?:\.(\w+))?/.exec(path);
    if (line) {
      const LINE: Record<string, string> = { item: 'itemId', quantity: 'quantity', rate: 'unitPrice', amount: 'unitPrice', description: 'description' };
      return `lines.${line[1]}${line[2] ? `.${LINE[line[2]] ?? line[2]}` : ''}`;
    }
    const ORDER: Record<string, string> = { entity: 'customerId', tranDate: 'date', memo: 'memo', currency: 'currency', terms: 'terms', startDate: 'startDate', endDate: 'endDate', orderStatus: 'billingHold', item: 'lines', 'item.items': 'lines', externalId: 'externalId' };
    return ORDER[path] ?? ORDER[path.split('.')[0]!] ?? null;
  }
  const address = /^addressBook\.items\[(\d+)\](?:\.addressBookAddress\.(\w+))?/.exec(path);
  if (address) {
    // The book holds billTo first when there is one (customerBody).
    const which = address[1] === '0' && customer?.billTo ? 'billTo' : customer?.shipTo ? 'shipTo' : 'billTo';
    const ADDRESS: Record<string, string> = { addr1: 'line1', addr2: 'line2', city: 'city', zip: 'postalCode', state: 'region', country: 'country' };
    return address[2] ? `${which}.${ADDRESS[address[2]] ?? address[2]}` : which;
  }
  const CUSTOMER: Record<string, string> = { companyName: 'name', email: 'email', url: 'website', vatRegNumber: 'taxId', currency: 'currency', terms: 'terms', subsidiary: 'subsidiary', parent: 'parentId', externalId: 'externalId' };
  return CUSTOMER[path.split('.')[0]!] ?? null;
}

export function paymentBody(input: ErpPaymentInput): Record<string, unknown> {
  return {
    customer: { id: input.customerId },
    payment: input.amount,
    ...(input.date ? { tranDate: input.date } : {}),
    ...(input.memo !== undefined ? { memo: input.memo } : {}),
    ...(input.applyTo?.length ? { apply: { items: input.applyTo.map((a) => ({ doc: { id: a.invoiceId }, apply: true, amount: a.amount })) } } : {}),
  };
}

export function documentFromRecord(kind: ErpDocument['kind'], rec: TransactionRecord, currency: CurrencyCode | null): ErpDocument {
  return {
    kind,
    id: rec.id,
    externalId: rec.externalId ?? null,
    number: rec.tranId ?? rec.id,
    customerId: rec.entity.id,
    date: rec.tranDate,
    dueDate: rec.dueDate ?? null,
    currency,
    total: roundMoney(rec.total),
    balance: kind === 'invoice' ? roundMoney(rec.amountRemaining ?? 0) : null,
    lines: (rec.item?.items ?? []).map((l) => ({
      itemId: l.item.id,
      quantity: l.quantity,
      unitPrice: l.rate ?? null,
      amount: roundMoney(l.amount),
      description: l.description ?? null,
    })),
  };
}

export function paymentFromRecord(rec: PaymentRecord, currency: CurrencyCode | null): ErpPayment {
  return {
    id: rec.id,
    externalId: rec.externalId ?? null,
    number: rec.tranId ?? rec.id,
    customerId: rec.customer.id,
    date: rec.tranDate,
    amount: roundMoney(rec.payment),
    currency,
    applied: (rec.apply?.items ?? []).filter((a) => a.apply !== false).map((a) => ({ invoiceId: a.doc.id, amount: roundMoney(a.amount) })),
  };
}

/** Base prices (price level 1) per currency; `codeOf` maps NetSuite currency ids to ISO codes. */
export function productFromRecord(kind: ErpProduct['kind'], rec: ItemRecord, codeOf: (currencyId: string) => CurrencyCode | null): ErpProduct {
  const prices: ErpProduct['prices'] = [];
  for (const p of rec.price?.items ?? []) {
    if (p.priceLevel && p.priceLevel.id !== '1') continue;
    const currency = codeOf(p.currency.id);
    if (currency) prices.push({ currency, amount: roundMoney(p.price) });
  }
  return { id: rec.id, sku: rec.itemId, name: rec.displayName || rec.itemId, kind, active: rec.isInactive !== true, prices };
}

/** REST record type of each canonical kind. */
export const DOCUMENT_RECORD = { sales_order: 'salesOrder', invoice: 'invoice' } as const;
export const PRODUCT_RECORD = { inventory: 'inventoryItem', non_inventory: 'nonInventorySaleItem' } as const;
