/**
 * Every SuiteQL query Concord sends to NetSuite, in one place: the connector, the reference-data
 * loader, the saved-payload fixtures (test/fixtures/netsuite/suiteql.*.json) and the benchmarks
 * use these, so a fixture always answers the query the code really sends. Date columns are asked
 * for as ISO text (`isoDate`): SuiteQL writes dates in the account's date-format preference.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
 */
import type { CustomerProbe } from '../../ports/index.js';
import { internalId, isoDate, sqlString } from './sql.js';

export const suiteqlQueries = {
  /** Credential probe: one cheap authenticated read. */
  probe: () => 'SELECT id FROM customer',
  /** Identity matching: every customer (inactive ones too). */
  customers: () => 'SELECT id, companyname, entityid, externalid, email, url, vatregnumber, defaultbillingaddress FROM customer ORDER BY id',
  /** The billing addresses of a page of customers (identity evidence: country, city, street). */
  entityAddresses: (keys: readonly string[]) => `SELECT nkey, addr1, city, zip, country FROM entityaddress WHERE nkey IN (${keys.map(internalId).join(', ')})`,
  /**
   * Customers that may be the same company as a CRM record (closed-won, before creating one): by
   * external-id hint, tax number, web domain's brand label or the name without its legal form
   * (lower-cased substrings of the ERP's spelling). Only a net: the identity scorer decides over
   * what comes back, together with what identity sync stored.
   */
  customersLike: (probe: CustomerProbe) => {
    const like = (v: string) => sqlString(`%${v.toLowerCase().replace(/[%_']/g, '')}%`);
    const conds = [
      ...(probe.hints.length ? [`externalid IN (${probe.hints.map(sqlString).join(', ')})`] : []),
      ...(probe.taxNumber ? [`LOWER(vatregnumber) LIKE ${like(probe.taxNumber)}`] : []),
      ...(probe.domainLabel ? [`LOWER(url) LIKE ${like(probe.domainLabel)}`] : []),
      ...(probe.name ? [`LOWER(companyname) LIKE ${like(probe.name)}`] : []),
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
