/**
 * NetSuite as Concord's ERP port. Reference data (currencies) comes from the KV cache so the
 * account view does not look currency ids up on every call. Writes are upserts by external id
 * (`PUT …/eid:`), so a retried or redelivered write never creates a second record.
 */
import { ConcordError, fail } from '../../errors.js';
import type { CurrencyCode, ReceivableInvoice } from '../../model/index.js';
import { normalizeDomain } from '../../policies/identity/index.js';
import type { ErpRecordType } from '../../model/changes.js';
import type {
  CustomerProbe,
  ErpAccountSnapshot,
  ErpCustomerInput,
  ErpRecordVersion,
  ErpChangedRow,
  ErpDocument,
  ErpHeldOrder,
  ErpOrderHold,
  ErpOrderRelease,
  ErpPayment,
  ErpPaymentInput,
  ErpPort,
  ErpProduct,
  ErpReference,
  ErpTerm,
  ErpSalesOrderInput,
  ErpWriteResult,
  MatchRecord,
} from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { NetSuiteClient } from './client.js';
import { changedRecord, changedSince, lastPaymentDate } from './changes.js';
import { suiteqlQueries } from './queries.js';
import { internalId } from './sql.js';
import { z } from 'zod';

/** Customers per bulk query (a backfill's page of accounts). */
const BULK_CUSTOMERS = 100;
/** A payment's customer and date (`suiteqlQueries.lastPayments`). */
const PaymentDateRowSchema = z.object({ entity: z.union([z.string(), z.number().transform(String)]), trandate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
import { checkCustomerInput, checkPaymentInput, checkSalesOrderInput } from './inputs.js';
import {
  DOCUMENT_RECORD,
  PRODUCT_RECORD,
  accountFactsFromRecord,
  contractFromRow,
  currentSubscription,
  snapshotFromRows,
  customerBody,
  inputFieldOf,
  documentFromRecord,
  invoiceFromRow,
  matchRecordFromRow,
  paymentBody,
  paymentFromRecord,
  productFromRecord,
  salesOrderBody,
} from './map.js';
import { netsuiteDescriptor as d, netsuiteRecordUrl } from './descriptor.js';
import { AccountSnapshotRowSchema, CurrencyRowSchema, CustomerRowSchema, HeldOrderRowSchema, EntityAddressRowSchema, ItemRowSchema, PricingRowSchema, TermRowSchema, InvoiceRowSchema, ItemRecordSchema, PaymentRecordSchema, SubscriptionRowSchema, TransactionRecordSchema, type CustomerRow, type ItemRecord } from './schemas.js';

export { NetSuiteClient } from './client.js';

/** NetSuite item types -> Concord's product types. */
const ITEM_TYPE: Record<string, string> = { InvtPart: 'one_time', NonInvtPart: 'subscription', Service: 'service' };

/** Resolves a NetSuite currency internal id to its ISO code. */
export type CurrencyLookup = (currencyId: string) => Promise<CurrencyCode | null>;

export interface NetSuiteErpOptions {
  timeoutMs?: number;
  /** ISO code -> NetSuite currency id from the cached reference data (without it: one SuiteQL query per write). */
  currencyIdOf?: (code: CurrencyCode) => Promise<string | null>;
}

export class NetSuiteErp implements ErpPort {
  readonly client: NetSuiteClient;

  private readonly baseUrl: string;
  private readonly currencyIdOf: ((code: CurrencyCode) => Promise<string | null>) | undefined;

  constructor(
    conn: Connection,
    ctx: CallContext,
    private readonly currencyCode: CurrencyLookup,
    opts: NetSuiteErpOptions = {},
  ) {
    this.client = new NetSuiteClient(conn, ctx, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
    this.currencyIdOf = opts.currencyIdOf;
    this.baseUrl = conn.baseUrl;
  }

  salesOrderUrl(id: string): string | null {
    return netsuiteRecordUrl(this.baseUrl, 'sales_order', id);
  }

  /** accountSnapshot is one SuiteQL query (its pages, if any, follow one another on the same slot). */
  readonly snapshotCalls = 1;

  /**
   * The view's ERP sections in one SuiteQL call: facts, addresses, currency codes, open invoices
   * and subscriptions joined (suiteqlQueries.accountSnapshot), instead of a record read, two
   * queries and currency look-ups. https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async accountSnapshot(customerId: string, today: string): Promise<ErpAccountSnapshot> {
    const rows = await this.client.suiteqlAll(suiteqlQueries.accountSnapshot(customerId), AccountSnapshotRowSchema);
    if (rows.length === 0) fail({ kind: 'not_found', entity: 'netsuite_record', id: customerId });
    return snapshotFromRows(rows, today, normalizeDomain);
  }

  /**
   * `accountSnapshot` of up to 100 customers per SuiteQL query (a backfill's page of accounts),
   * the rows grouped by customer: one query (and its pages) instead of one per customer. A
   * customer NetSuite does not have (deleted, or not an internal id) is left out.
   */
  async accountSnapshots(customerIds: readonly string[], today: string): Promise<Map<string, ErpAccountSnapshot>> {
    const valid = [...new Set(customerIds)].filter((id) => /^\d{1,18}$/.test(id));
    const out = new Map<string, ErpAccountSnapshot>();
    for (let i = 0; i < valid.length; i += BULK_CUSTOMERS) {
      const rows = await this.client.suiteqlAll(suiteqlQueries.accountSnapshots(valid.slice(i, i + BULK_CUSTOMERS)), AccountSnapshotRowSchema);
      const byCustomer = new Map<string, typeof rows>();
      for (const r of rows) byCustomer.set(r.id, [...(byCustomer.get(r.id) ?? []), r]);
      for (const [id, mine] of byCustomer) out.set(id, snapshotFromRows(mine, today, normalizeDomain));
    }
    return out;
  }

  /** `lastPaymentDate` of up to 100 customers per query (null: no payment). */
  async lastPaymentDates(customerIds: readonly string[]): Promise<Map<string, string | null>> {
    const valid = [...new Set(customerIds)].filter((id) => /^\d{1,18}$/.test(id));
    const out = new Map<string, string | null>(valid.map((id) => [id, null]));
    for (let i = 0; i < valid.length; i += BULK_CUSTOMERS) {
      const rows = await this.client.suiteqlAll(suiteqlQueries.lastPayments(valid.slice(i, i + BULK_CUSTOMERS)), PaymentDateRowSchema);
      // Each customer's payments come newest first: its first row is its last payment.
      for (const r of rows) if (out.get(r.entity) === null) out.set(r.entity, r.trandate);
    }
    return out;
  }

  /**
   * Inactive customers too: a churned customer is still the same company, with invoices. Each
   * page's default billing addresses come from `entityaddress` in one more query (what
   * `LEFT JOIN EntityAddress ON nkey = customer.defaultbillingaddress` returns).
   */
  async *customers(): AsyncIterable<MatchRecord[]> {
    for await (const page of this.client.suiteql(suiteqlQueries.customers(), CustomerRowSchema)) yield this.withBilling(page);
  }

  /** Customers by internal id, 200 per query (the change pipeline links a customer created after the first sync). */
  async customersByIds(ids: readonly string[]): Promise<MatchRecord[]> {
    // What is not an internal id names no NetSuite customer: left out, like a deleted one.
    const valid = [...new Set(ids)].filter((id) => /^\d{1,18}$/.test(id));
    const out: MatchRecord[] = [];
    for (let i = 0; i < valid.length; i += 200) {
      const rows = await this.client.suiteqlAll(suiteqlQueries.customersByIds(valid.slice(i, i + 200)), CustomerRowSchema);
      out.push(...(await this.withBilling(rows)));
    }
    return out;
  }

  /** Customers that may be the company probed (see `suiteqlQueries.customersLike`), at most 200. */
  async findCustomers(probe: CustomerProbe): Promise<MatchRecord[]> {
    for await (const page of this.client.suiteql(suiteqlQueries.customersLike(probe), CustomerRowSchema, 200)) return this.withBilling(page);
    return [];
  }

  /** A page of customer rows as match records, their default billing addresses read in one query. */
  private async withBilling(page: readonly CustomerRow[]): Promise<MatchRecord[]> {
    const keys = [...new Set(page.flatMap((row) => (row.defaultbillingaddress ? [row.defaultbillingaddress] : [])))];
    const addresses = keys.length ? await this.client.suiteqlAll(suiteqlQueries.entityAddresses(keys), EntityAddressRowSchema) : [];
    const byKey = new Map(addresses.map((a) => [a.nkey, a]));
    return page.map((row) => matchRecordFromRow(row, row.defaultbillingaddress ? byKey.get(row.defaultbillingaddress) : undefined));
  }

  async accountFacts(customerId: string) {
    const rec = await this.client.customer(customerId);
    const currency = rec.currency?.id ? await this.currencyCode(String(rec.currency.id)) : null;
    return accountFactsFromRecord(rec, currency, normalizeDomain(rec.url));
  }

  async openInvoices(customerId: string): Promise<ReceivableInvoice[]> {
    // Only rows with a balance: paid and voided invoices have none, so the sum equals NetSuite's
    // own SUM(foreignamountremaining) over all the customer's invoices.
    // SuiteQL writes dates in the account's date-format preference (M/D/YYYY, DD.MM.YYYY, ...);
    // the query asks for them with TO_CHAR, so they are ISO whatever the account says.
    const q = suiteqlQueries.openInvoices(customerId);
    const out: ReceivableInvoice[] = [];
    for await (const page of this.client.suiteql(q, InvoiceRowSchema)) {
      for (const row of page) {
        const code = await this.currencyCode(row.currency);
        if (code) out.push(invoiceFromRow(row, code));
      }
    }
    return out;
  }

  async currentContract(customerId: string, today: string) {
    const q = suiteqlQueries.subscriptions(customerId);
    const rows = await this.client.suiteqlAll(q, SubscriptionRowSchema);
    const current = currentSubscription(rows);
    if (!current) return null;
    const code = await this.currencyCode(current.currency);
    return code ? contractFromRow(current, code, today) : null;
  }

  async currency(customerId: string): Promise<CurrencyCode | null> {
    const rows = await this.client.suiteqlAll(suiteqlQueries.customerCurrency(customerId), CustomerRowSchema);
    const id = rows[0]?.currency;
    return id ? this.currencyCode(id) : null;
  }

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpWriteResult> {
    const c = checkCustomerInput(input);
    const currencyId = c.currency ? await this.currencyId(c.currency) : null;
    const { id } = await namingRefusedField(() => this.client.upsert('customer', c.externalId, customerBody(c, currencyId)), (path) => inputFieldOf('customer', path, c));
    return { id, externalId: c.externalId };
  }

  async upsertSalesOrder(input: ErpSalesOrderInput): Promise<ErpWriteResult> {
    const o = checkSalesOrderInput(input);
    const currencyId = o.currency ? await this.currencyId(o.currency) : null;
    const { id } = await namingRefusedField(() => this.client.upsert('salesOrder', o.externalId, salesOrderBody(o, currencyId)), (path) => inputFieldOf('salesOrder', path));
    return { id, externalId: o.externalId };
  }

  async recordPayment(input: ErpPaymentInput): Promise<ErpWriteResult> {
    const p = checkPaymentInput(input);
    const { id } = await this.client.upsert('customerPayment', p.externalId, paymentBody(p));
    return { id, externalId: p.externalId };
  }

  async document(kind: ErpDocument['kind'], id: string): Promise<ErpDocument> {
    // The item lines are a sublist: NetSuite sends them only when asked to expand sub-resources.
    const rec = await this.client.record(DOCUMENT_RECORD[kind], id, TransactionRecordSchema, { expandSubResources: true });
    return documentFromRecord(kind, rec, rec.currency ? await this.currencyCode(rec.currency.id) : null);
  }

  async payment(id: string): Promise<ErpPayment> {
    const rec = await this.client.record('customerPayment', id, PaymentRecordSchema, { expandSubResources: true });
    return paymentFromRecord(rec, rec.currency ? await this.currencyCode(rec.currency.id) : null);
  }

  /** A changed record read back (the change pipeline: an event is only a pointer). */
  changedRecord(type: ErpRecordType, id: string): Promise<ErpRecordVersion | null> {
    return changedRecord(this.client, this.currencyCode, type, id);
  }

  /** The poll: SuiteQL on `lastmodifieddate` for one record type. */
  changedSince(type: ErpRecordType, since: string): AsyncIterable<ErpChangedRow[]> {
    return changedSince(this.client, type, since);
  }

  lastPaymentDate(customerId: string): Promise<string | null> {
    return lastPaymentDate(this.client, customerId);
  }

  async heldSalesOrders(customerId: string): Promise<ErpHeldOrder[]> {
    const rows = await this.client.suiteqlAll(suiteqlQueries.heldSalesOrders(customerId), HeldOrderRowSchema);
    return rows.map((r) => ({ id: r.id, number: r.tranid ?? r.id, externalId: r.externalid ?? null }));
  }

  /** Approve a Pending Approval order (`orderStatus` B, Pending Fulfillment): from then NetSuite fulfils and bills it. */
  async releaseSalesOrder(order: ErpOrderRelease): Promise<void> {
    await this.client.patch('salesOrder', internalId(order.id), { orderStatus: { id: 'B' } });
  }

  async openSalesOrders(customerId: string): Promise<ErpHeldOrder[]> {
    const rows = await this.client.suiteqlAll(suiteqlQueries.openSalesOrders(customerId), HeldOrderRowSchema);
    return rows.map((r) => ({ id: r.id, number: r.tranid ?? r.id, externalId: r.externalid ?? null }));
  }

  /**
   * Reset an approved order to Pending Approval (`orderStatus` A): NetSuite neither fulfils nor
   * bills it until it is approved again. "If you already approved the sales order but need to
   * reset the approval status, send a PATCH request with the updated orderStatus":
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_159795516182.html
   */
  async holdSalesOrder(order: ErpOrderHold): Promise<void> {
    await this.client.patch('salesOrder', internalId(order.id), { orderStatus: { id: 'A' } });
  }

  /** Items through record/v1: each collection page of ids, then the items themselves. */
  async *products(): AsyncIterable<ErpProduct[]> {
    for (const kind of ['inventory', 'non_inventory'] as const) {
      for await (const ids of this.client.recordIds(PRODUCT_RECORD[kind])) {
        // A few at a time: the account's concurrency pool is shared with every other integration.
        const records: ItemRecord[] = [];
        for (let i = 0; i < ids.length; i += d.defaultConcurrency) {
          records.push(...(await Promise.all(ids.slice(i, i + d.defaultConcurrency).map((id) => this.client.record(PRODUCT_RECORD[kind], id, ItemRecordSchema, { expandSubResources: true })))));
        }
        const codes = new Map<string, CurrencyCode | null>();
        for (const rec of records) for (const p of rec.price?.items ?? []) if (!codes.has(p.currency.id)) codes.set(p.currency.id, await this.currencyCode(p.currency.id));
        yield records.map((rec) => productFromRecord(kind, rec, (cid) => codes.get(cid) ?? null));
      }
    }
  }

  /** The NetSuite id of an ISO currency (cached reference data first); an unknown code is the caller's mistake (422). */
  private async currencyId(code: CurrencyCode): Promise<string> {
    const cached = this.currencyIdOf ? await this.currencyIdOf(code) : null;
    if (cached) return cached;
    const rows = await this.client.suiteqlAll(suiteqlQueries.currencyBySymbol(code), CurrencyRowSchema);
    const row = rows[0];
    if (!row) fail({ kind: 'validation', issues: [{ path: 'currency', message: `NetSuite has no currency ${code}`, code: 'unknown_currency' }] });
    return row.id;
  }

  /**
   * Currencies, items and their prices, payment terms (SuiteQL, fully paged), for the KV reference cache.
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async referenceData(): Promise<ErpReference> {
    const currencyRows = await this.client.suiteqlAll(suiteqlQueries.currencies(), CurrencyRowSchema);
    const currencies = currencyRows.map((c) => ({ id: c.id, code: c.symbol.toUpperCase(), name: c.name }));
    const codeOf = new Map(currencies.map((c) => [c.id, c.code]));
    const products: ErpReference['products'] = [];
    const index = new Map<string, ErpReference['products'][number]>();
    for await (const page of this.client.suiteql(suiteqlQueries.items(), ItemRowSchema)) {
      for (const item of page) {
        const product = { id: item.id, sku: item.itemid, name: item.displayname ?? item.itemid, type: ITEM_TYPE[item.itemtype] ?? 'one_time', active: item.isinactive !== 'T', prices: [] };
        products.push(product);
        index.set(product.id, product);
      }
    }
    for await (const page of this.client.suiteql(suiteqlQueries.pricing(), PricingRowSchema)) {
      for (const p of page) {
        const code = codeOf.get(p.currency);
        if (code) index.get(p.item)?.prices.push({ priceBook: p.pricelevelname ?? p.pricelevel, currency: code, unitPrice: p.unitprice });
      }
    }
    return { currencies, products, terms: await this.paymentTerms() };
  }

  /**
   * Payment terms (SuiteQL `term`).
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
   */
  async paymentTerms(): Promise<ErpTerm[]> {
    const rows = await this.client.suiteqlAll(suiteqlQueries.terms(), TermRowSchema);
    return rows.map((t) => ({ id: t.id, name: t.name, days: t.daysuntilnetdue ?? null }));
  }
}

/** A refusal by NetSuite also names the refused field in the port's terms, so a flow can say which of its values it was. */
async function namingRefusedField<T>(write: () => Promise<T>, fieldOf: (path: string) => string | null): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ConcordError && err.error.kind === 'upstream_validation' && err.error.path) {
      const field = fieldOf(err.error.path);
      if (field) throw new ConcordError({ ...err.error, field });
    }
    throw err;
  }
}
