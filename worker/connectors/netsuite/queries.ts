/**
 * Every SuiteQL query Concord sends to NetSuite, in one place: the connector, the reference-data
 * loader, the saved-payload fixtures (test/fixtures/netsuite/suiteql.*.json) and the benchmarks
 * use these, so a fixture always answers the query the code really sends. Date columns are asked
 * for as ISO text (`isoDate`): SuiteQL writes dates in the account's date-format preference.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
import type { CustomerProbe } from '../../ports/index.js';
import type { ErpRecordType } from '../../model/changes.js';
import { internalId, isoDate, isoDateOf, sqlString } from './sql.js';

/** Where the poll finds each record type: its SuiteQL table, and the transaction type for transactions. */
/** Where the poll finds each record type, and the column naming the customer the record belongs to. */
const CHANGE_SOURCE: Readonly<Record<ErpRecordType, { table: string; type?: string; customer: string }>> = {
  invoice: { table: 'transaction', type: 'CustInvc', customer: 'entity' },
  payment: { table: 'transaction', type: 'CustPymt', customer: 'entity' },
  credit_memo: { table: 'transaction', type: 'CustCred', customer: 'entity' },
  sales_order: { table: 'transaction', type: 'SalesOrd', customer: 'entity' },
  contract: { table: 'subscription', customer: 'customer' },
  customer: { table: 'customer', customer: 'id' },
};

/** A datetime column as `YYYY-MM-DD HH24:MI:SS` text under `alias` (the account's format otherwise). */
const timestamp = (column: string, alias: string) => `TO_CHAR(${column}, 'YYYY-MM-DD HH24:MI:SS') AS ${alias}`;

/** `YYYY-MM-DD HH24:MI:SS` text, checked before it reaches a query. */
function timestampLiteral(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) throw new TypeError(`not a SuiteQL timestamp: ${JSON.stringify(text)}`);
  return `TO_DATE(${sqlString(text)}, 'YYYY-MM-DD HH24:MI:SS')`;
}

/** The view's ERP sections of the customers `where` picks, joined (see `accountSnapshot`). */
function snapshotQuery(where: string, orderBy: string): string {
  return `SELECT c.id, c.companyname, c.url, c.vatregnumber, cur.symbol AS currency,
        ba.addr1 AS billaddr1, ba.addr2 AS billaddr2, ba.city AS billcity, ba.state AS billstate, ba.zip AS billzip, ba.country AS billcountry,
        sa.addr1 AS shipaddr1, sa.addr2 AS shipaddr2, sa.city AS shipcity, sa.state AS shipstate, sa.zip AS shipzip, sa.country AS shipcountry,
        t.id AS invoiceid, t.tranid, ${isoDateOf('t.trandate', 'trandate')}, ${isoDateOf('t.duedate', 'duedate')}, t.status AS invoicestatus,
        t.foreigntotal, t.foreignamountremaining, tcur.symbol AS invoicecurrency, t.custbody_concord_disputed,
        s.id AS subscriptionid, s.name AS subscriptionname, ${isoDateOf('s.startdate', 'startdate')}, ${isoDateOf('s.enddate', 'enddate')},
        s.status AS subscriptionstatus, scur.symbol AS subscriptioncurrency, s.autorenewal, s.custrecord_concord_arr
      FROM customer c
        LEFT JOIN currency cur ON cur.id = c.currency
        LEFT JOIN customeraddressbook bab ON bab.entity = c.id AND bab.defaultbilling = 'T'
        LEFT JOIN customeraddressbookentityaddress ba ON ba.nkey = bab.addressbookaddress
        LEFT JOIN customeraddressbook sab ON sab.entity = c.id AND sab.defaultshipping = 'T'
        LEFT JOIN customeraddressbookentityaddress sa ON sa.nkey = sab.addressbookaddress
        LEFT JOIN transaction t ON t.entity = c.id AND t.type = 'CustInvc' AND t.foreignamountremaining > 0
        LEFT JOIN currency tcur ON tcur.id = t.currency
        LEFT JOIN subscription s ON s.customer = c.id
        LEFT JOIN currency scur ON scur.id = s.currency
      WHERE ${where}
      ORDER BY ${orderBy}`;
}

export const suiteqlQueries = {
  /** Credential probe: one cheap authenticated read. */
  probe: () => 'SELECT id FROM customer',
  /** Identity matching: every customer (inactive ones too). */
  customers: () => 'SELECT id, companyname, entityid, externalid, email, url, vatregnumber, defaultbillingaddress FROM customer ORDER BY id',
  /** Some customers by internal id (a customer a change event named), as `customers` reads them. */
  customersByIds: (ids: readonly string[]) =>
    `SELECT id, companyname, entityid, externalid, email, url, vatregnumber, defaultbillingaddress FROM customer WHERE id IN (${ids.map(internalId).join(', ')}) ORDER BY id`,
  /** The billing addresses of a page of customers (identity evidence: country, city, street). */
  entityAddresses: (keys: readonly string[]) => `SELECT nkey, addr1, city, zip, country FROM entityaddress WHERE nkey IN (${keys.map(internalId).join(', ')})`,
  /**
   * Customers that may be the same company as a CRM record (closed-won, before creating one): by
   * external-id hint, tax number, web domain's brand label, the name without its legal form or
   * any of its distinctive words (lower-cased substrings of the ERP's spelling; at most 200 come
   * back, the first page). Only a net: the identity scorer decides over
   * what comes back, together with what identity sync stored.
   */
  customersLike: (probe: CustomerProbe) => {
    const like = (v: string) => sqlString(`%${v.toLowerCase().replace(/[%_']/g, '')}%`);
    const conds = [
      ...(probe.hints.length ? [`externalid IN (${probe.hints.map(sqlString).join(', ')})`] : []),
      ...(probe.taxNumber ? [`LOWER(vatregnumber) LIKE ${like(probe.taxNumber)}`] : []),
      ...(probe.domainLabel ? [`LOWER(url) LIKE ${like(probe.domainLabel)}`] : []),
      ...(probe.name ? [`LOWER(companyname) LIKE ${like(probe.name)}`] : []),
      // Each distinctive word on its own ("Beacon Frieght" is still found by "beacon"), and its
      // first four letters (a typo past them keeps them: "Rivebrend" by "rive"), as the identity
      // scorer's own blocking keys do.
      ...[...new Set((probe.nameTokens ?? []).flatMap((t) => (t.length >= 5 ? [t, t.slice(0, 4)] : t.length >= 4 ? [t] : [])))].map((t) => `LOWER(companyname) LIKE ${like(t)}`),
    ];
    return `SELECT id, companyname, entityid, externalid, email, url, vatregnumber, defaultbillingaddress FROM customer WHERE ${conds.length ? conds.join(' OR ') : '1 = 0'} ORDER BY id`;
  },
  /** One customer's invoices with a balance. */
  openInvoices: (customerId: string) =>
    `SELECT id, tranid, ${isoDate('trandate')}, ${isoDate('duedate')}, status, foreigntotal, foreignamountremaining, currency, custbody_concord_disputed
      FROM transaction WHERE type = 'CustInvc' AND entity = ${internalId(customerId)} AND foreignamountremaining > 0 ORDER BY duedate, id`,
  /** One customer's subscriptions, latest end first. */
  subscriptions: (customerId: string) =>
    `SELECT id, name, customer, ${isoDate('startdate')}, ${isoDate('enddate')}, status, currency, autorenewal, custrecord_concord_arr
      FROM subscription WHERE customer = ${internalId(customerId)} ORDER BY enddate DESC`,
  /**
   * Everything the account view reads about one customer, in one call: its facts (names, tax id,
   * currency code, default billing and shipping addresses), its invoices with a balance and its
   * subscriptions, each with its currency's code. The two lists are independent, so the rows are
   * their product (max(1, invoices) x max(1, subscriptions)); the connector takes each invoice and
   * each subscription once by id. Ordered by ids so paging is stable.
   */
  accountSnapshot: (customerId: string) => snapshotQuery(`c.id = ${internalId(customerId)}`, 't.id, s.id'),
  /** The same rows for several customers at once (a backfill's page), each customer's rows together. */
  accountSnapshots: (customerIds: readonly string[]) => snapshotQuery(`c.id IN (${customerIds.map(internalId).join(', ')})`, 'c.id, t.id, s.id'),

  /** One customer's currency. */
  customerCurrency: (customerId: string) => `SELECT id, companyname, currency FROM customer WHERE id = ${internalId(customerId)}`,
  /** The NetSuite id of an ISO currency code. */
  currencyBySymbol: (code: string) => `SELECT id, name, symbol FROM currency WHERE symbol = ${sqlString(code)}`,
  /** Reference data: currencies, items, prices. */
  currencies: () => 'SELECT id, name, symbol FROM currency ORDER BY id',
  items: () => 'SELECT id, itemid, displayname, itemtype, isinactive FROM item ORDER BY id',
  pricing: () => 'SELECT item, pricelevel, pricelevelname, currency, unitprice FROM pricing ORDER BY item',
  /** Payment terms, for mapping a closed-won deal's terms. */
  terms: () => 'SELECT id, name, daysuntilnetdue FROM term ORDER BY id',
  /** The poll: records of one type modified at or after `since` (YYYY-MM-DD HH24:MI:SS), oldest first, with their customer. */
  changedSince: (type: ErpRecordType, since: string) => {
    const { table, type: tranType, customer } = CHANGE_SOURCE[type];
    const where = [...(tranType ? [`type = ${sqlString(tranType)}`] : []), `lastmodifieddate >= ${timestampLiteral(since)}`].join(' AND ');
    return `SELECT id, ${customer === 'id' ? 'id AS customerid' : `${customer} AS customerid`}, ${timestamp('lastmodifieddate', 'lastmodified')} FROM ${table} WHERE ${where} ORDER BY lastmodifieddate, id`;
  },
  /** Read-back of one transaction (invoice, payment, credit memo, sales order) as it is now. */
  transactionVersion: (id: string) =>
    `SELECT id, type, tranid, entity, ${isoDate('trandate')}, ${isoDate('duedate')}, status, foreigntotal, foreignamountremaining, currency, custbody_concord_disputed, ${timestamp('lastmodifieddate', 'lastmodified')}
      FROM transaction WHERE id = ${internalId(id)}`,
  /** The invoices a payment or credit memo settles, as they are now (at most 1,000 ids per IN list). */
  transactionsByIds: (ids: readonly string[]) =>
    `SELECT id, type, tranid, entity, status, foreigntotal, foreignamountremaining, currency, ${timestamp('lastmodifieddate', 'lastmodified')}
      FROM transaction WHERE id IN (${ids.slice(0, 1000).map(internalId).join(', ')})`,
  /** Read-back of one subscription (contract). */
  subscriptionVersion: (id: string) =>
    `SELECT id, name, customer, ${isoDate('startdate')}, ${isoDate('enddate')}, status, currency, custrecord_concord_arr, ${timestamp('lastmodifieddate', 'lastmodified')}
      FROM subscription WHERE id = ${internalId(id)}`,
  /** Read-back of one customer. */
  customerVersion: (id: string) => `SELECT id, companyname, entityid, currency, ${timestamp('lastmodifieddate', 'lastmodified')} FROM customer WHERE id = ${internalId(id)}`,
  /** A customer's payments, newest first (the change pipeline reads the first row: the last payment date). */
  /** The customer's sales orders Pending Approval (held for billing), oldest first. */
  heldSalesOrders: (customerId: string) =>
    `SELECT id, tranid, externalid FROM transaction WHERE type = 'SalesOrd' AND status = 'A' AND entity = ${internalId(customerId)} ORDER BY id`,
  /** The customer's approved sales orders Pending Fulfillment (the ones a billing hold can reset), oldest first. */
  openSalesOrders: (customerId: string) =>
    `SELECT id, tranid, externalid FROM transaction WHERE type = 'SalesOrd' AND status = 'B' AND entity = ${internalId(customerId)} ORDER BY id`,
  lastPayment: (customerId: string) => `SELECT id, ${isoDate('trandate')} FROM transaction WHERE type = 'CustPymt' AND entity = ${internalId(customerId)} ORDER BY trandate DESC, id DESC`,
  /** The payments of several customers, each customer's newest first (the first row per customer is its last payment). */
  lastPayments: (customerIds: readonly string[]) =>
    `SELECT entity, id, ${isoDate('trandate')} FROM transaction WHERE type = 'CustPymt' AND entity IN (${customerIds.map(internalId).join(', ')}) ORDER BY entity, trandate DESC, id DESC`,
} as const;
