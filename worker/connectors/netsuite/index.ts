/**
 * NetSuite as Concord's ERP port. Reference data (currencies) comes from the KV cache so the
 * account view does not look currency ids up on every call. Writes are upserts by external id
 * (`PUT …/eid:`), so a retried or redelivered write never creates a second record.
 */
import { fail } from '../../errors.js';
import type { CurrencyCode, ReceivableInvoice } from '../../model/index.js';
import { normalizeDomain } from '../../policies/identity/index.js';
import type {
  ErpCustomerInput,
  ErpDocument,
  ErpPayment,
  ErpPaymentInput,
  ErpPort,
  ErpProduct,
  ErpSalesOrderInput,
  ErpWriteResult,
  MatchRecord,
} from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { NetSuiteClient, internalId, sqlString } from './client.js';
import { checkCustomerInput, checkPaymentInput, checkSalesOrderInput } from './inputs.js';
import {
  DOCUMENT_RECORD,
  PRODUCT_RECORD,
  accountFactsFromRecord,
  contractFromRow,
  currentSubscription,
  customerBody,
  documentFromRecord,
  invoiceFromRow,
  matchRecordFromRow,
  paymentBody,
  paymentFromRecord,
  productFromRecord,
  salesOrderBody,
} from './map.js';
import { netsuiteDescriptor as d } from './descriptor.js';
import { CurrencyRowSchema, CustomerRowSchema, EntityAddressRowSchema, InvoiceRowSchema, ItemRecordSchema, PaymentRecordSchema, SubscriptionRowSchema, TransactionRecordSchema, type ItemRecord } from './schemas.js';

export { NetSuiteClient } from './client.js';

/** Resolves a NetSuite currency internal id to its ISO code. */
export type CurrencyLookup = (currencyId: string) => Promise<CurrencyCode | null>;

export class NetSuiteErp implements ErpPort {
  readonly client: NetSuiteClient;

  constructor(
    conn: Connection,
    ctx: CallContext,
    private readonly currencyCode: CurrencyLookup,
    opts: { timeoutMs?: number } = {},
  ) {
    this.client = new NetSuiteClient(conn, ctx, opts);
  }

  /**
   * Inactive customers too: a churned customer is still the same company, with invoices. Each
   * page's default billing addresses come from `entityaddress` in one more query (what
   * `LEFT JOIN EntityAddress ON nkey = customer.defaultbillingaddress` returns).
   */
  async *customers(): AsyncIterable<MatchRecord[]> {
    const q = `SELECT id, companyname, entityid, externalid, email, url, vatregnumber, defaultbillingaddress FROM customer ORDER BY id`;
    for await (const page of this.client.suiteql(q, CustomerRowSchema)) {
      const keys = [...new Set(page.flatMap((row) => (row.defaultbillingaddress ? [internalId(row.defaultbillingaddress)] : [])))];
      const addresses = keys.length
        ? await this.client.suiteqlAll(`SELECT nkey, addr1, city, zip, country FROM entityaddress WHERE nkey IN (${keys.join(', ')})`, EntityAddressRowSchema)
        : [];
      const byKey = new Map(addresses.map((a) => [a.nkey, a]));
      yield page.map((row) => matchRecordFromRow(row, row.defaultbillingaddress ? byKey.get(row.defaultbillingaddress) : undefined));
    }
  }

  async accountFacts(customerId: string) {
    const rec = await this.client.customer(customerId);
    const currency = rec.currency?.id ? await this.currencyCode(String(rec.currency.id)) : null;
    return accountFactsFromRecord(rec, currency, normalizeDomain(rec.url));
  }

  async openInvoices(customerId: string): Promise<ReceivableInvoice[]> {
    // Only rows with a balance: paid and voided invoices have none, so the sum equals NetSuite's
    // own SUM(foreignamountremaining) over all the customer's invoices.
    const q = `SELECT id, tranid, trandate, duedate, status, foreigntotal, foreignamountremaining, currency, custbody_concord_disputed
      FROM transaction WHERE type = 'CustInvc' AND entity = ${internalId(customerId)} AND foreignamountremaining > 0 ORDER BY duedate, id`;
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
    const q = `SELECT id, name, customer, startdate, enddate, status, currency, autorenewal, custrecord_concord_arr
      FROM subscription WHERE customer = ${internalId(customerId)} ORDER BY enddate DESC`;
    const rows = await this.client.suiteqlAll(q, SubscriptionRowSchema);
    const current = currentSubscription(rows);
    if (!current) return null;
    const code = await this.currencyCode(current.currency);
    return code ? contractFromRow(current, code, today) : null;
  }

  async currency(customerId: string): Promise<CurrencyCode | null> {
    const rows = await this.client.suiteqlAll(`SELECT id, companyname, currency FROM customer WHERE id = ${internalId(customerId)}`, CustomerRowSchema);
    const id = rows[0]?.currency;
    return id ? this.currencyCode(id) : null;
  }

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpWriteResult> {
    const c = checkCustomerInput(input);
    const currencyId = c.currency ? await this.currencyId(c.currency) : null;
    const { id } = await this.client.upsert('customer', c.externalId, customerBody(c, currencyId));
    return { id, externalId: c.externalId };
  }

  async upsertSalesOrder(input: ErpSalesOrderInput): Promise<ErpWriteResult> {
    const o = checkSalesOrderInput(input);
    const { id } = await this.client.upsert('salesOrder', o.externalId, salesOrderBody(o));
    return { id, externalId: o.externalId };
  }

  async recordPayment(input: ErpPaymentInput): Promise<ErpWriteResult> {
    const p = checkPaymentInput(input);
    const { id } = await this.client.upsert('customerPayment', p.externalId, paymentBody(p));
    return { id, externalId: p.externalId };
  }

  async document(kind: ErpDocument['kind'], id: string): Promise<ErpDocument> {
    const rec = await this.client.record(DOCUMENT_RECORD[kind], id, TransactionRecordSchema);
    return documentFromRecord(kind, rec, rec.currency ? await this.currencyCode(rec.currency.id) : null);
  }

  async payment(id: string): Promise<ErpPayment> {
    const rec = await this.client.record('customerPayment', id, PaymentRecordSchema);
    return paymentFromRecord(rec, rec.currency ? await this.currencyCode(rec.currency.id) : null);
  }

  /** Items through record/v1: each collection page of ids, then the items themselves. */
  async *products(): AsyncIterable<ErpProduct[]> {
    for (const kind of ['inventory', 'non_inventory'] as const) {
      for await (const ids of this.client.recordIds(PRODUCT_RECORD[kind])) {
        // A few at a time: the account's concurrency pool is shared with every other integration.
        const records: ItemRecord[] = [];
        for (let i = 0; i < ids.length; i += d.defaultConcurrency) {
          records.push(...(await Promise.all(ids.slice(i, i + d.defaultConcurrency).map((id) => this.client.record(PRODUCT_RECORD[kind], id, ItemRecordSchema)))));
        }
        const codes = new Map<string, CurrencyCode | null>();
        for (const rec of records) for (const p of rec.price?.items ?? []) if (!codes.has(p.currency.id)) codes.set(p.currency.id, await this.currencyCode(p.currency.id));
        yield records.map((rec) => productFromRecord(kind, rec, (cid) => codes.get(cid) ?? null));
      }
    }
  }

  /** The NetSuite id of an ISO currency; an unknown code is the caller's mistake (422). */
  private async currencyId(code: CurrencyCode): Promise<string> {
    const rows = await this.client.suiteqlAll(`SELECT id, name, symbol FROM currency WHERE symbol = ${sqlString(code)}`, CurrencyRowSchema);
    const row = rows[0];
    if (!row) fail({ kind: 'validation', issues: [{ path: 'currency', message: `NetSuite has no currency ${code}`, code: 'unknown_currency' }] });
    return row.id;
  }
}
