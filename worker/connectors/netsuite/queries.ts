/**
 * Every SuiteQL query Concord sends to NetSuite, in one place: the connector, the reference-data
 * loader, the saved-payload fixtures (test/fixtures/netsuite/suiteql.*.json) and the benchmarks
 * use these, so a fixture always answers the query the code really sends. Date columns are asked
 * for as ISO text (`isoDate`): SuiteQL writes dates in the account's date-format preference.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
import { internalId, isoDate, sqlString } from './sql.js';

export const suiteqlQueries = {
  /** Credential probe: one cheap authenticated read. */
  probe: () => 'SELECT id FROM customer',
  /** Identity matching: every customer (inactive ones too). */
  customers: () => 'SELECT id, companyname, entityid, externalid, url, vatregnumber FROM customer ORDER BY id',
  /**
   * Customers that may be the same company as a CRM record (closed-won, before creating one): by
   * external id hint, tax id, web domain or name (all lower-cased, compared as substrings of the
   * ERP's spelling); the identity rule then decides over what comes back.
   */
  customersLike: (probe: { hints: readonly string[]; taxId: string | null; domain: string | null; name: string | null }) => {
    const like = (v: string) => sqlString(`%${v.toLowerCase().replace(/[%_']/g, '')}%`);
    const conds = [
      ...(probe.hints.length ? [`externalid IN (${probe.hints.map(sqlString).join(', ')})`] : []),
      ...(probe.taxId ? [`UPPER(vatregnumber) = ${sqlString(probe.taxId.toUpperCase())}`] : []),
      ...(probe.domain ? [`LOWER(url) LIKE ${like(probe.domain)}`] : []),
      ...(probe.name ? [`LOWER(companyname) LIKE ${like(probe.name)}`] : []),
    ];
    return `SELECT id, companyname, entityid, externalid, url, vatregnumber FROM customer WHERE ${conds.length ? conds.join(' OR ') : '1 = 0'} ORDER BY id`;
  },
  /** One customer's invoices with a balance. */
  openInvoices: (customerId: string) =>
    `SELECT id, tranid, ${isoDate('trandate')}, ${isoDate('duedate')}, status, foreigntotal, foreignamountremaining, currency, custbody_concord_disputed
      FROM transaction WHERE type = 'CustInvc' AND entity = ${internalId(customerId)} AND foreignamountremaining > 0 ORDER BY duedate, id`,
  /** One customer's subscriptions, latest end first. */
  subscriptions: (customerId: string) =>
    `SELECT id, name, customer, ${isoDate('startdate')}, ${isoDate('enddate')}, status, currency, autorenewal, custrecord_concord_arr
      FROM subscription WHERE customer = ${internalId(customerId)} ORDER BY enddate DESC`,
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
