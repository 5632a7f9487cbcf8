/**
 * The SuiteQL that real integrations send, on a small hand-made account: ANSI and non-ANSI joins
 * (not mixed), GROUP BY with aggregates, BUILTIN.DF, TO_CHAR/TO_DATE, BETWEEN, CASE, NVL,
 * arithmetic, FETCH FIRST / ROWNUM, and dates written in the account's date-format preference.
 */
import { describe, expect, it } from 'vitest';
import { runSuiteQl } from '../../sandbox/netsuite/suiteql/evaluate.js';
import { SuiteQlError } from '../../sandbox/netsuite/suiteql/errors.js';
import type { NetSuiteDatePreferences } from '../../sandbox/netsuite/suiteql/dates.js';
import type { NetSuiteDataset, NetSuiteTransaction } from '../../sandbox/seed/types.js';

function customer(id: string, companyname: string, currency = '1') {
  return {
    id, entityid: `CUST-${id} ${companyname}`, companyname, externalid: null, email: null, url: null, vatregnumber: null, currency,
    terms: '5', subsidiary: '1', parent: null, isinactive: 'F' as const, datecreated: '2025-01-01T10:00:00.000Z', lastmodifieddate: '2026-11-25T14:05:00.000Z', addresses: [], defaultbillingaddress: null,
  };
}
function tx(id: string, type: NetSuiteTransaction['type'], entity: string, trandate: string, total: number, remaining: number, status = 'A', extra: Partial<NetSuiteTransaction> = {}): NetSuiteTransaction {
  return {
    id, tranid: `${type === 'CustInvc' ? 'INV' : 'SO'}-${id}`, type, entity, trandate, duedate: type === 'CustInvc' ? trandate.replace(/-(\d\d)$/, '-28') : null, status,
    foreigntotal: total, foreignamountremaining: remaining, currency: '1', externalid: null, memo: null, custbody_concord_disputed: 'F', lastmodifieddate: `${trandate}T09:30:00.000Z`, ...extra,
  };
}

const ds: NetSuiteDataset = {
  accountId: 'TEST',
  customer: [customer('7', 'Acme Analytics, Inc.'), customer('8', "O'Brien & Sons Ltd", '2'), customer('9', 'Zeta Cloud LLC')],
  transaction: [
    tx('100', 'CustInvc', '7', '2026-01-05', 1200.5, 0, 'B'),
    tx('101', 'CustInvc', '7', '2026-02-05', 1200.5, 1200.5),
    tx('102', 'CustInvc', '8', '2025-12-10', 99.99, 40),
    tx('103', 'SalesOrd', '7', '2026-03-01', 300, 0, 'B', { lines: [{ item: '201', quantity: 2, rate: 100, amount: 200, description: 'Seats' }, { item: '202', quantity: 1, rate: 100, amount: 100, description: null }] }),
  ],
  subscription: [
    { id: '50', name: 'Acme 2026', customer: '7', startdate: '2026-01-01', enddate: '2026-12-31', status: 'ACTIVE', currency: '1', autorenewal: 'T', custrecord_concord_arr: 14406, lastmodifieddate: '2026-01-01T00:00:00.000Z' },
  ],
  currency: [{ id: '1', name: 'US Dollar', symbol: 'USD' }, { id: '2', name: 'Euro', symbol: 'EUR' }],
  item: [
    { id: '201', itemid: 'SEAT-STD', displayname: 'Standard seat', itemtype: 'Service', isinactive: 'F' },
    { id: '202', itemid: 'ONBOARD', displayname: 'Onboarding', itemtype: 'NonInvtPart', isinactive: 'F' },
  ],
  pricing: [],
};

const run = (q: string, prefs?: NetSuiteDatePreferences) => runSuiteQl(q, ds, 1000, 0, { prefs, today: '2026-11-26' }).items.map(({ links: _links, ...rest }) => rest);
const error = (q: string): string => {
  try {
    run(q);
  } catch (e) {
    expect(e).toBeInstanceOf(SuiteQlError);
    return (e as Error).message;
  }
  throw new Error(`expected ${q} to fail`);
};

describe('dates in the account date format', () => {
  it('writes date columns as M/D/YYYY and datetimes with the time by default', () => {
    expect(run("SELECT trandate, duedate, lastmodifieddate FROM transaction WHERE id = 100")).toEqual([{ trandate: '1/5/2026', duedate: '1/28/2026', lastmodifieddate: '1/5/2026 9:30 am' }]);
    expect(run('SELECT lastmodifieddate FROM customer WHERE id = 7')).toEqual([{ lastmodifieddate: '11/25/2026 2:05 pm' }]);
  });

  it('follows another account preference (DD.MM.YYYY, 24-hour clock) and reads literals in it', () => {
    const prefs: NetSuiteDatePreferences = { dateFormat: 'DD.MM.YYYY', timeFormat: 'H:mm' };
    expect(run('SELECT trandate, lastmodifieddate FROM transaction WHERE id = 100', prefs)).toEqual([{ trandate: '05.01.2026', lastmodifieddate: '05.01.2026 9:30' }]);
    expect(run("SELECT id FROM transaction WHERE trandate < '01.01.2026'", prefs)).toEqual([{ id: '102' }]);
    expect(run("SELECT TO_CHAR(trandate, 'DD-Mon-YYYY') d FROM transaction WHERE id = 102", { dateFormat: 'DD-Mon-YYYY', timeFormat: 'h:mm a' })).toEqual([{ d: '10-Dec-2025' }]);
  });

  it('gives ISO text through TO_CHAR and reads any model with TO_DATE', () => {
    expect(run("SELECT TO_CHAR(trandate, 'YYYY-MM-DD') AS d, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS m FROM transaction WHERE id = 101")).toEqual([{ d: '2026-02-05', m: '2026-02-05T09:30:00' }]);
    expect(run("SELECT id FROM transaction WHERE lastmodifieddate > TO_DATE('2026-02-05 09:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY id")).toEqual([{ id: '101' }, { id: '103' }]);
    expect(error("SELECT id FROM transaction WHERE trandate > TO_DATE('2026-02-30', 'YYYY-MM-DD')")).toMatch(/not a valid date/);
    expect(error("SELECT id FROM transaction WHERE trandate > TO_DATE('5 Jan', 'YYYY-MM-DD')")).toMatch(/ORA-01861/);
  });

  it('supports BETWEEN, date arithmetic and SYSDATE', () => {
    expect(run("SELECT id FROM transaction WHERE trandate BETWEEN TO_DATE('2026-01-01', 'YYYY-MM-DD') AND TO_DATE('2026-02-28', 'YYYY-MM-DD') ORDER BY id")).toEqual([{ id: '100' }, { id: '101' }]);
    expect(run("SELECT id, duedate - trandate AS days FROM transaction WHERE id = 102")).toEqual([{ id: '102', days: 18 }]);
    expect(run("SELECT id FROM transaction WHERE type = 'CustInvc' AND duedate < SYSDATE - 300 ORDER BY id")).toEqual([{ id: '100' }, { id: '102' }]);
  });
});

describe('joins', () => {
  it('joins ANSI style (INNER and LEFT OUTER) and non-ANSI style the same', () => {
    const ansi = run("SELECT t.id, c.companyname FROM transaction t INNER JOIN customer c ON c.id = t.entity WHERE c.currency = 2");
    const plain = run("SELECT t.id, c.companyname FROM transaction t, customer c WHERE c.id = t.entity AND c.currency = 2");
    expect(ansi).toEqual([{ id: '102', companyname: "O'Brien & Sons Ltd" }]);
    expect(plain).toEqual(ansi);
    const left = run("SELECT c.id, t.id AS tx FROM customer c LEFT OUTER JOIN transaction t ON t.entity = c.id AND t.type = 'CustInvc' ORDER BY c.id, tx");
    expect(left).toEqual([{ id: '7', tx: '100' }, { id: '7', tx: '101' }, { id: '8', tx: '102' }, { id: '9' }]);
  });

  it('joins transaction with transactionline and item', () => {
    const lines = run("SELECT t.tranid, tl.linesequencenumber AS line, i.itemid, tl.quantity, tl.rate FROM transaction t JOIN transactionline tl ON tl.transaction = t.id JOIN item i ON i.id = tl.item WHERE t.id = 103 AND tl.mainline = 'F' ORDER BY tl.linesequencenumber");
    expect(lines).toEqual([
      { tranid: 'SO-103', line: 1, itemid: 'SEAT-STD', quantity: 2, rate: 100 },
      { tranid: 'SO-103', line: 2, itemid: 'ONBOARD', quantity: 1, rate: 100 },
    ]);
  });

  it('refuses mixed join styles, RIGHT joins and sub-queries with NetSuite\'s answer', () => {
    expect(error('SELECT t.id FROM transaction t, currency x JOIN customer c ON c.id = t.entity')).toMatch(/Invalid or unsupported search.*cannot be mixed/);
    expect(error('SELECT t.id FROM transaction t RIGHT JOIN customer c ON c.id = t.entity')).toMatch(/Invalid or unsupported search/);
    expect(error('SELECT id FROM customer WHERE id IN (SELECT entity FROM transaction)')).toMatch(/Invalid or unsupported search.*sub-queries/);
  });
});

describe('GROUP BY, aggregates and expressions', () => {
  it('groups with SUM/COUNT/MIN/MAX and HAVING, ordered by an aggregate', () => {
    const q = "SELECT t.entity, BUILTIN.DF(t.entity) AS customer, COUNT(*) AS n, SUM(t.foreignamountremaining) AS open, MIN(t.trandate) AS earliest, MAX(t.foreigntotal) top FROM transaction t WHERE t.type = 'CustInvc' GROUP BY t.entity HAVING COUNT(*) >= 1 ORDER BY SUM(t.foreignamountremaining) DESC";
    expect(run(q)).toEqual([
      { entity: '7', customer: 'CUST-7 Acme Analytics, Inc.', n: 2, open: 1200.5, earliest: '1/5/2026', top: 1200.5 },
      { entity: '8', customer: "CUST-8 O'Brien & Sons Ltd", n: 1, open: 40, earliest: '12/10/2025', top: 99.99 },
    ]);
    expect(run("SELECT COUNT(DISTINCT entity) AS customers FROM transaction")).toEqual([{ customers: 2 }]);
    expect(error("SELECT entity, tranid, COUNT(*) FROM transaction GROUP BY entity")).toMatch(/'tranid' is not a GROUP BY expression/);
    expect(error("SELECT id FROM transaction WHERE SUM(foreigntotal) > 1")).toMatch(/ORA-00934/);
  });

  it('shows display values with BUILTIN.DF (customer, currency, status, type)', () => {
    expect(run("SELECT BUILTIN.DF(status) s, BUILTIN.DF(type) k, BUILTIN.DF(currency) cur FROM transaction WHERE id = 100")).toEqual([{ s: 'Invoice : Paid In Full', k: 'Invoice', cur: 'US Dollar' }]);
  });

  it('evaluates CASE, NVL, arithmetic and concatenation', () => {
    const q = "SELECT id, CASE WHEN foreignamountremaining = 0 THEN 'paid' WHEN foreignamountremaining < foreigntotal THEN 'partial' ELSE 'open' END AS state, NVL(duedate, trandate) AS due, foreigntotal - foreignamountremaining AS paid, tranid || '/' || entity AS ref FROM transaction ORDER BY id";
    expect(run(q)).toEqual([
      { id: '100', state: 'paid', due: '1/28/2026', paid: 1200.5, ref: 'INV-100/7' },
      { id: '101', state: 'open', due: '2/28/2026', paid: 0, ref: 'INV-101/7' },
      { id: '102', state: 'partial', due: '12/28/2025', paid: 59.99, ref: 'INV-102/8' },
      { id: '103', state: 'paid', due: '3/1/2026', paid: 300, ref: 'SO-103/7' },
    ]);
    expect(run("SELECT CASE status WHEN 'A' THEN 'Open' ELSE 'Closed' END AS s FROM transaction WHERE id = 101")).toEqual([{ s: 'Open' }]);
    expect(run('SELECT ROUND(custrecord_concord_arr / 12, 2) AS mrr FROM subscription')).toEqual([{ mrr: 1200.5 }]);
    expect(error('SELECT foreigntotal / 0 FROM transaction')).toMatch(/ORA-01476/);
  });
});

describe('row limits', () => {
  it('applies FETCH FIRST n ROWS ONLY after ORDER BY, with OFFSET', () => {
    expect(run('SELECT id FROM transaction ORDER BY foreigntotal DESC FETCH FIRST 2 ROWS ONLY')).toEqual([{ id: '100' }, { id: '101' }]);
    expect(run('SELECT id FROM transaction ORDER BY id OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY')).toEqual([{ id: '101' }, { id: '102' }]);
    expect(runSuiteQl('SELECT id FROM transaction ORDER BY id FETCH FIRST 3 ROWS ONLY', ds, 2, 0).totalResults).toBe(3);
  });

  it('applies ROWNUM before ORDER BY, as Oracle does', () => {
    expect(run('SELECT id FROM transaction WHERE ROWNUM <= 2 ORDER BY id DESC')).toEqual([{ id: '101' }, { id: '100' }]);
    expect(run("SELECT id FROM transaction WHERE type = 'CustInvc' AND ROWNUM < 2")).toEqual([{ id: '100' }]);
    expect(error('SELECT ROWNUM FROM transaction')).toMatch(/ROWNUM/);
  });
});
