/**
 * NetSuite as Concord's ERP port. Reference data (currencies) comes from the KV cache so the
 * account view does not look currency ids up on every call.
 */
import type { CurrencyCode, ReceivableInvoice } from '../../model/index.js';
import { normalizeDomain } from '../../policies/identity/index.js';
import type { ErpPort, MatchRecord } from '../../ports/index.js';
import type { Connection } from '../../storage/connections.js';
import type { CallContext } from '../http.js';
import { NetSuiteClient, internalId } from './client.js';
import { accountFactsFromRecord, contractFromRow, currentSubscription, invoiceFromRow, matchRecordFromRow } from './map.js';
import { CustomerRowSchema, InvoiceRowSchema, SubscriptionRowSchema } from './schemas.js';

export { NetSuiteClient } from './client.js';

/** Resolves a NetSuite currency internal id to its ISO code. */
export type CurrencyLookup = (currencyId: string) => Promise<CurrencyCode | null>;

export class NetSuiteErp implements ErpPort {
  readonly client: NetSuiteClient;

  constructor(
    conn: Connection,
    ctx: CallContext,
    private readonly currencyCode: CurrencyLookup,
  ) {
    this.client = new NetSuiteClient(conn, ctx);
  }

  /** Inactive customers too: a churned customer is still the same company, with invoices. */
  async *customers(): AsyncIterable<MatchRecord[]> {
    const q = `SELECT id, companyname, entityid, externalid, url, vatregnumber FROM customer ORDER BY id`;
    for await (const page of this.client.suiteql(q, CustomerRowSchema)) yield page.map(matchRecordFromRow);
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
}
