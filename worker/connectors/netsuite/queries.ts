/**
 * Every SuiteQL query Concord sends to NetSuite, in one place: the connector, the reference-data
 * loader, the saved-payload fixtures (test/fixtures/netsuite/suiteql.*.json) and the benchmarks
 * use these, so a fixture always answers the query the code really sends. Date columns are asked
 * for as ISO text (`isoDate`): SuiteQL writes dates in the account's date-format preference.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
import { internalId, isoDate, isoDateOf, sqlString } from './sql.js';

export const suiteqlQueries = {
  /** Credential probe: one cheap authenticated read. */
  probe: () => 'SELECT id FROM customer',
  /** Identity matching: every customer (inactive ones too). */
  customers: () => 'SELECT id, companyname, entityid, externalid, email, url, vatregnumber, defaultbillingaddress FROM customer ORDER BY id',
  /** The billing addresses of a page of customers (identity evidence: country, city, street). */
  entityAddresses: (keys: readonly string[]) => `SELECT nkey, addr1, city, zip, country FROM entityaddress WHERE nkey IN (${keys.map(internalId).join(', ')})`,
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
  accountSnapshot: (customerId: string) =>
    `SELECT c.id, c.companyname, c.url, c.vatregnumber, cur.symbol AS currency,
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
      WHERE c.id = ${internalId(customerId)}
      ORDER BY t.id, s.id`,
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
} as const;
