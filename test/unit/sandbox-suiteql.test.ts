/**
 * The sandbox's SuiteQL parser and evaluator: the query forms connectors write, NetSuite-like
 * results (lower-case columns, NULLs left out), clear errors, and hostile input that must neither
 * crash nor hang.
 */
import { describe, expect, it } from 'vitest';
import { runSuiteQl } from '../../sandbox/netsuite/suiteql/evaluate.js';
import { SuiteQlError } from '../../sandbox/netsuite/suiteql/errors.js';
import { likeMatch } from '../../sandbox/netsuite/suiteql/evaluate.js';
import type { NetSuiteDataset, NetSuiteTransaction } from '../../sandbox/seed/types.js';

function customer(id: string, companyname: string, extra: Partial<NetSuiteDataset['customer'][number]> = {}) {
  return {
    id, entityid: `CUST-${id} ${companyname}`, companyname, externalid: null, email: null, url: null, vatregnumber: null, currency: '1',
    terms: '5', subsidiary: '1', parent: null, isinactive: 'F' as const, datecreated: '2025-01-01T10:00:00.000Z', lastmodifieddate: '2026-01-01T10:00:00.000Z',
    defaultbillingaddress: null, addresses: [], ...extra,
  };
}
function invoice(id: string, entity: string, trandate: string, total: number, remaining: number, status = 'A', disputed: 'T' | 'F' = 'F'): NetSuiteTransaction {
  return {
    id, tranid: `INV-${id}`, type: 'CustInvc', entity, trandate, duedate: trandate.replace(/-(\d\d)$/, '-28'), status, foreigntotal: total,
    foreignamountremaining: remaining, currency: '1', externalid: null, memo: null, custbody_concord_disputed: disputed, lastmodifieddate: `${trandate}T12:00:00.000Z`,
  };
}

const ds: NetSuiteDataset = {
  accountId: 'TEST',
  customer: [
    customer('7', 'Acme Analytics, Inc.', { externalid: 'hs-1', url: 'https://www.acme.io' }),
    customer('8', "O'Brien & Sons Ltd", { email: 'ap@obrien.ie' }),
    customer('10', 'Acme Analysis GmbH', { currency: '2' }),
    customer('9', 'Zeta Cloud LLC', { isinactive: 'T' }),
  ],
  transaction: [
    invoice('100', '7', '2026-01-05', 1200.5, 0, 'B'),
    invoice('101', '7', '2026-02-05', 1200.5, 1200.5),
    invoice('102', '8', '2025-12-10', 99.99, 40, 'A', 'T'),
    invoice('103', '10', '2026-03-01', 5000, 0, 'V'),
  ],
  subscription: [],
  currency: [{ id: '1', name: 'US Dollar', symbol: 'USD' }, { id: '2', name: 'Euro', symbol: 'EUR' }],
  item: [],
  pricing: [],
};

const run = (q: string, limit = 1000, offset = 0) => runSuiteQl(q, ds, limit, offset);
const ids = (q: string) => run(q).items.map((r) => r.id);
const error = (q: string): string => {
  try {
    run(q);
  } catch (e) {
    expect(e).toBeInstanceOf(SuiteQlError);
    return (e as Error).message;
  }
  throw new Error(`expected ${q} to fail`);
};

describe('SuiteQL select and projection', () => {
  it('returns lower-case columns, omits NULLs and keeps natural order', () => {
    const r = run('SELECT ID, CompanyName, ExternalId FROM Customer');
    expect(r.totalResults).toBe(4);
    expect(r.items[0]).toEqual({ links: [], id: '7', companyname: 'Acme Analytics, Inc.', externalid: 'hs-1' });
    expect(r.items[1]).toEqual({ links: [], id: '8', companyname: "O'Brien & Sons Ltd" });
  });

  it('supports *, aliases, table aliases and qualified columns', () => {
    const star = run('SELECT * FROM currency');
    expect(star.items).toEqual([{ links: [], id: '1', name: 'US Dollar', symbol: 'USD' }, { links: [], id: '2', name: 'Euro', symbol: 'EUR' }]);
    const aliased = run("SELECT c.id AS cid, c.companyname name FROM customer c WHERE c.id = '8'");
    expect(aliased.items).toEqual([{ links: [], cid: '8', name: "O'Brien & Sons Ltd" }]);
  });

  it('computes COUNT(*), COUNT(col), SUM, MIN and MAX', () => {
    expect(run('SELECT COUNT(*) FROM transaction').items).toEqual([{ links: [], expr1: 4 }]);
    const r = run("SELECT COUNT(*) AS n, SUM(foreignamountremaining) AS open_ar, MAX(foreigntotal) top, COUNT(externalid) FROM transaction WHERE status = 'A'");
    expect(r.items).toEqual([{ links: [], n: 2, open_ar: 1240.5, top: 1200.5, expr1: 0 }]);
  });

  it('pages with limit and offset and reports the total', () => {
    const r = run('SELECT id FROM customer ORDER BY id', 2, 2);
    expect(r.totalResults).toBe(4);
    expect(r.items.map((x) => x.id)).toEqual(['9', '10']);
  });
});

describe('SuiteQL WHERE', () => {
  it('compares ids and amounts numerically and strings exactly', () => {
    expect(ids('SELECT id FROM customer WHERE id > 8')).toEqual(['10', '9']);
    expect(ids("SELECT id FROM customer WHERE id = '7'")).toEqual(['7']);
    expect(ids('SELECT id FROM transaction WHERE foreignamountremaining > 0 AND foreignamountremaining < foreigntotal')).toEqual(['102']);
    expect(ids("SELECT id FROM customer WHERE companyname = 'acme analytics, inc.'")).toEqual([]);
  });

  it('handles <>, !=, IN, NOT IN, IS [NOT] NULL', () => {
    expect(ids("SELECT id FROM transaction WHERE status <> 'A'")).toEqual(['100', '103']);
    expect(ids("SELECT id FROM transaction WHERE status != 'A'")).toEqual(['100', '103']);
    expect(ids("SELECT id FROM transaction WHERE entity IN (7, '10')")).toEqual(['100', '101', '103']);
    expect(ids("SELECT id FROM transaction WHERE status NOT IN ('A', 'V')")).toEqual(['100']);
    expect(ids('SELECT id FROM customer WHERE externalid IS NOT NULL')).toEqual(['7']);
    expect(ids('SELECT id FROM customer WHERE url IS NULL')).toEqual(['8', '10', '9']);
  });

  it('treats comparisons with NULL as unknown (three-valued logic)', () => {
    expect(ids("SELECT id FROM customer WHERE externalid <> 'hs-1'")).toEqual([]);
    expect(ids("SELECT id FROM customer WHERE NOT (externalid = 'hs-1')")).toEqual([]);
    expect(ids("SELECT id FROM customer WHERE externalid = 'hs-1' OR email IS NOT NULL")).toEqual(['7', '8']);
  });

  it('matches LIKE with % and _ case-sensitively, and UPPER/LOWER', () => {
    expect(ids("SELECT id FROM customer WHERE companyname LIKE 'Acme%'")).toEqual(['7', '10']);
    expect(ids("SELECT id FROM customer WHERE companyname LIKE 'acme%'")).toEqual([]);
    expect(ids("SELECT id FROM customer WHERE LOWER(companyname) LIKE 'acme analy_is%'")).toEqual(['10']);
    expect(ids("SELECT id FROM customer WHERE companyname NOT LIKE '%Acme%'")).toEqual(['8', '9']);
    expect(ids("SELECT id FROM customer WHERE UPPER(companyname) = 'ZETA CLOUD LLC'")).toEqual(['9']);
  });

  it("unescapes '' inside string literals", () => {
    expect(ids("SELECT id FROM customer WHERE companyname = 'O''Brien & Sons Ltd'")).toEqual(['8']);
  });

  it('gives AND precedence over OR and honours parentheses and NOT', () => {
    expect(ids("SELECT id FROM transaction WHERE entity = 8 OR entity = 7 AND status = 'B'")).toEqual(['100', '102']);
    expect(ids("SELECT id FROM transaction WHERE (entity = 8 OR entity = 7) AND status = 'A'")).toEqual(['101', '102']);
    expect(ids("SELECT id FROM transaction WHERE NOT (entity = 7) AND NOT status = 'V'")).toEqual(['102']);
  });

  it('compares dates given as TO_DATE or as text in the account date format (M/D/YYYY by default)', () => {
    expect(ids("SELECT id FROM transaction WHERE trandate >= TO_DATE('2026-02-01', 'YYYY-MM-DD')")).toEqual(['101', '103']);
    expect(ids("SELECT id FROM transaction WHERE trandate < '1/1/2026'")).toEqual(['102']);
    expect(ids("SELECT id FROM transaction WHERE trandate = TO_DATE('01/05/2026', 'MM/DD/YYYY')")).toEqual(['100']);
    expect(ids("SELECT id FROM transaction WHERE trandate = TO_DATE('1/5/2026')")).toEqual(['100']);
    expect(ids("SELECT id FROM customer WHERE lastmodifieddate > '12/31/2025'")).toEqual(['7', '8', '10', '9']);
    // An ISO literal is not in the account's format: Oracle's ORA-01861, as NetSuite answers.
    expect(error("SELECT id FROM transaction WHERE trandate < '2026-01-01'")).toMatch(/ORA-01861/);
  });
});

describe('SuiteQL ORDER BY', () => {
  it('sorts by several keys, numbers numerically, NULLs last ascending', () => {
    expect(ids('SELECT id FROM transaction ORDER BY foreigntotal DESC, id ASC')).toEqual(['103', '100', '101', '102']);
    expect(ids('SELECT id FROM customer ORDER BY id')).toEqual(['7', '8', '9', '10']);
    expect(ids('SELECT id FROM customer ORDER BY externalid, id')).toEqual(['7', '8', '9', '10']);
    expect(ids('SELECT id, foreigntotal amt FROM transaction ORDER BY amt')).toEqual(['102', '100', '101', '103']);
  });
});

describe('SuiteQL errors', () => {
  it('names unknown tables and columns', () => {
    // NetSuite's own wording: "Invalid search type: …" and "Unknown identifier '…'. Available identifiers are: {…}".
    expect(error('SELECT id FROM customers')).toBe('Invalid search type: customers.');
    expect(error('SELECT bogus FROM customer')).toBe("Search error occurred: Unknown identifier 'bogus'. Available identifiers are: {customer=customer}.");
    expect(error("SELECT id FROM customer WHERE nope = 'x'")).toMatch(/Unknown identifier 'nope'/);
    expect(error('SELECT x.id FROM customer c')).toMatch(/Unknown identifier 'x.id'. Available identifiers are: \{c=customer\}/);
  });

  it('reports syntax errors with a position', () => {
    expect(error('SELECT FROM customer')).toMatch(/position 7/);
    expect(error("SELECT id FROM customer WHERE companyname = 'open")).toMatch(/Unterminated string/);
    expect(error('SELECT id FROM customer WHERE')).toMatch(/end of query/);
    expect(error('SELECT id FROM customer WHERE id = 1 id')).toMatch(/Unexpected input/);
    expect(error('SELECT id FROM customer JOIN transaction ON id = entity')).toMatch(/Column 'id' is ambiguously defined/);
    expect(error('SELECT id FROM customer UNION SELECT id FROM transaction')).toMatch(/Invalid or unsupported search/);
    expect(error('SELECT id FROM customer LIMIT 5')).toMatch(/LIMIT is not supported.*FETCH FIRST n ROWS ONLY/);
    expect(error("SELECT id FROM transaction WHERE foreigntotal > 'abc'")).toMatch(/Invalid number/);
    expect(error("SELECT id FROM transaction WHERE trandate > TO_DATE('2026-02-30', 'YYYY-MM-DD')")).toMatch(/not a valid date/);
    expect(error('SELECT id, COUNT(*) FROM customer')).toMatch(/not a GROUP BY expression \(ORA-00979\)/);
  });
});

describe('SuiteQL hostile input', () => {
  const quick = (q: string) => {
    const t0 = performance.now();
    let outcome: unknown;
    try {
      outcome = run(q);
    } catch (e) {
      outcome = e;
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    return outcome;
  };

  it('rejects over-long queries without parsing them', () => {
    const outcome = quick(`SELECT id FROM customer WHERE companyname = '${'x'.repeat(200_000)}'`);
    expect(outcome).toBeInstanceOf(SuiteQlError);
    expect((outcome as Error).message).toMatch(/too long/);
  });

  it('caps nesting depth instead of overflowing the stack', () => {
    const deep = `SELECT id FROM customer WHERE ${'('.repeat(5000)}id = 1${')'.repeat(5000)}`;
    expect((quick(deep) as Error).message).toMatch(/nested too deeply/);
    const nots = `SELECT id FROM customer WHERE ${'NOT '.repeat(5000)}id = 1`;
    expect((quick(nots) as Error).message).toMatch(/nested too deeply/);
    const fns = `SELECT ${'LOWER('.repeat(500)}companyname${')'.repeat(500)} FROM customer`;
    expect((quick(fns) as Error).message).toMatch(/nested too deeply/);
    // Moderate nesting still works.
    expect(ids(`SELECT id FROM customer WHERE ${'('.repeat(20)}id = 7${')'.repeat(20)}`)).toEqual(['7']);
  });

  it('treats injection-looking and unicode strings as plain literals', () => {
    expect(ids("SELECT id FROM customer WHERE companyname = '''; DROP TABLE customer; --'")).toEqual([]);
    expect(ids("SELECT id FROM customer WHERE companyname = 'Zeta' OR '1'='1'")).toEqual(['7', '8', '10', '9']);
    expect(ids("SELECT id FROM customer WHERE companyname LIKE '%Ünïcødé 🚀%'")).toEqual([]);
    expect(quick("SELECT id FROM customer WHERE companyname = 'a' -- comment\n AND id = 7")).toMatchObject({ totalResults: 0 });
  });

  it('refuses huge IN lists, odd characters and absurd numbers with clear errors', () => {
    const list = Array.from({ length: 1001 }, (_, i) => i).join(',');
    expect((quick(`SELECT id FROM customer WHERE id IN (${list})`) as Error).message).toMatch(/at most 1000/);
    expect((quick('SELECT id FROM customer WHERE id = 1 & 2') as Error).message).toMatch(/Unexpected character/);
    expect((quick('SELECT id FROM customer WHERE id = 1e999') as Error).message).toMatch(/out of range/);
    expect(quick('\u0000\u0001 SELECT')).toBeInstanceOf(SuiteQlError);
    expect(quick('')).toBeInstanceOf(SuiteQlError);
  });

  it('matches pathological LIKE patterns in linear-ish time', () => {
    const text = 'a'.repeat(5000);
    const t0 = performance.now();
    expect(likeMatch(text, `${'%a'.repeat(40)}b`)).toBe(false);
    expect(likeMatch(text, '%a%a%')).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(likeMatch('Ünïcødé', '_n_c_d_')).toBe(true);
  });
});
