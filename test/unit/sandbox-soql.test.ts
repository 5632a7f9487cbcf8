/**
 * SOQL tokenizer, parser and executor: the grammar subset, Salesforce's error codes, and
 * hostile input that must fail fast with MALFORMED_QUERY instead of crashing or hanging.
 */
import { describe, expect, it } from 'vitest';
import { SalesforceError } from '../../sandbox/salesforce/errors.js';
import { parseSoql } from '../../sandbox/salesforce/soql/parser.js';
import { dateRange, executeSoql, likeMatcher } from '../../sandbox/salesforce/soql/execute.js';
import type { SalesforceDataset } from '../../sandbox/seed/types.js';

const ACC1 = '0015g0000000001AAA';
const ACC2 = '0015g0000000002AAA';
const ds: SalesforceDataset = {
  orgId: '00D5g00000TEST1EAP',
  User: [],
  Account: [
    { Id: ACC1, Name: 'Acme Analytics', Industry: 'Technology', AnnualRevenue: 5_000_000, BillingCountry: 'US', CreatedDate: '2026-11-20T10:00:00.000+0000' },
    { Id: ACC2, Name: "O'Brien & Sons", Industry: null, AnnualRevenue: 900, BillingCountry: 'IE', CreatedDate: '2025-01-01T10:00:00.000+0000' },
    { Id: '0015g0000000003AAA', Name: '100% Cotton', Industry: 'Retail', AnnualRevenue: null, BillingCountry: 'US', IsDeleted: true },
  ],
  Contact: [
    { Id: '0035g0000000001AAA', AccountId: ACC1, FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@acme.io', Title: 'CTO' },
    { Id: '0035g0000000002AAA', AccountId: null, FirstName: 'Orphan', LastName: 'Contact', Email: null, Title: null },
  ],
  Opportunity: [
    { Id: '0065g0000000001AAA', AccountId: ACC1, Name: 'Acme renewal', Amount: 1200, StageName: 'Closed Won', CloseDate: '2026-11-25', IsClosed: true, IsWon: true, CurrencyIsoCode: 'USD' },
    { Id: '0065g0000000002AAA', AccountId: ACC2, Name: 'OB new', Amount: 300, StageName: 'Prospecting', CloseDate: '2026-12-30', IsClosed: false, IsWon: false, CurrencyIsoCode: 'EUR' },
  ],
  Task: [],
};

const run = (soql: string, includeDeleted = false) => executeSoql(ds, parseSoql(soql), { today: '2026-11-26', version: '62.0', includeDeleted });
const names = (soql: string) => run(soql).records.map((r) => r.Name);

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SalesforceError) return err.errorCode;
    throw err;
  }
  return 'no error';
}

describe('SOQL parser', () => {
  it('parses the supported clauses, keywords in any case', () => {
    const q = parseSoql("select Id, Account.Name from Contact where (Email != null or Title like 'C%') and not LastName in ('X','Y') order by LastName desc nulls first, Id limit 10 offset 5");
    expect(q.select).toEqual({ kind: 'fields', fields: ['Id', 'Account.Name'] });
    expect(q.orderBy).toEqual([{ field: 'LastName', desc: true, nullsLast: false }, { field: 'Id', desc: false, nullsLast: false }]);
    expect([q.limit, q.offset]).toEqual([10, 5]);
    expect(q.where?.kind).toBe('and');
  });

  it('parses child-relationship subqueries, aggregates with aliases, GROUP BY and HAVING', () => {
    const sub = parseSoql("SELECT Id, (SELECT LastName FROM Contacts WHERE Email != null ORDER BY LastName LIMIT 2) FROM Account");
    expect(sub.select).toMatchObject({ kind: 'fields', fields: ['Id'], subqueries: [{ from: 'Contacts', select: { kind: 'fields', fields: ['LastName'] }, limit: 2 }] });
    const agg = parseSoql('SELECT StageName s, COUNT(Id), SUM(Amount) total FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1 ORDER BY SUM(Amount) DESC');
    expect(agg.select).toEqual({
      kind: 'aggregate',
      items: [
        { kind: 'field', field: 'StageName', alias: 's' },
        { kind: 'aggregate', call: { fn: 'COUNT', field: 'Id' } },
        { kind: 'aggregate', call: { fn: 'SUM', field: 'Amount' }, alias: 'total' },
      ],
    });
    expect(agg.groupBy).toEqual(['StageName']);
    expect(agg.having).toEqual({ kind: 'agg', call: { fn: 'COUNT', field: 'Id' }, op: '>', value: { kind: 'number', value: 1 } });
    expect(agg.orderBy).toEqual([{ field: 'SUM(Amount)', desc: true, nullsLast: true, call: { fn: 'SUM', field: 'Amount' } }]);
  });

  it('refuses AND and OR mixed at one level without parentheses', () => {
    expect(errorCode(() => parseSoql("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'"))).toBe('MALFORMED_QUERY');
  });

  it.each([
    'SELECT FROM Account',
    'SELECT Id Account',
    'SELECT Id FROM Account WHERE',
    "SELECT Id FROM Account WHERE Name = 'unterminated",
    'SELECT Id FROM Account LIMIT -1',
    'SELECT Id FROM Account WHERE Name = $x',
    "SELECT Id FROM Account WHERE Name = 'a\\q'",
    'SELECT Id, FROM Account',
    'SELECT Id FROM Account ORDER BY',
    'SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS',
  ])('rejects %s as MALFORMED_QUERY', (soql) => {
    expect(errorCode(() => parseSoql(soql))).toBe('MALFORMED_QUERY');
  });

  it('fails fast on hostile input: deep nesting, huge statements, long NOT chains', () => {
    const started = Date.now();
    expect(errorCode(() => parseSoql(`SELECT Id FROM Account WHERE ${'('.repeat(5000)}Name = 'a'${')'.repeat(5000)}`))).toBe('MALFORMED_QUERY');
    expect(errorCode(() => parseSoql(`SELECT Id FROM Account WHERE ${'NOT '.repeat(10_000)}Name = 'a'`))).toBe('MALFORMED_QUERY');
    expect(errorCode(() => parseSoql(`SELECT Id FROM Account WHERE Name = '${'x'.repeat(200_000)}'`))).toBe('MALFORMED_QUERY');
    expect(errorCode(() => parseSoql(`SELECT ${Array.from({ length: 30_000 }, () => 'Id').join(',')} FROM Account`))).toBe('MALFORMED_QUERY');
    expect(errorCode(() => parseSoql('\u0000\u202e SELECT'))).toBe('MALFORMED_QUERY');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('SOQL execution', () => {
  it('filters case-insensitively and hides deleted records unless queryAll', () => {
    expect(names("SELECT Name FROM Account WHERE BillingCountry = 'us'")).toEqual(['Acme Analytics']);
    expect(run("SELECT Name FROM Account WHERE BillingCountry = 'US'", true).records.map((r) => r.Name)).toEqual(['Acme Analytics', '100% Cotton']);
  });

  it('handles null, numbers, IN / NOT IN and escaped quotes', () => {
    expect(names('SELECT Name FROM Account WHERE Industry = null')).toEqual(["O'Brien & Sons"]);
    expect(names('SELECT Name FROM Account WHERE AnnualRevenue > 1000')).toEqual(['Acme Analytics']);
    expect(names("SELECT Name FROM Account WHERE Name IN ('O\\'Brien & Sons', 'Nobody')")).toEqual(["O'Brien & Sons"]);
    expect(names("SELECT Name FROM Account WHERE Industry NOT IN ('Technology')")).toEqual(["O'Brien & Sons"]);
    // != keeps records where the field is null, as SOQL does.
    expect(names("SELECT Name FROM Account WHERE Industry != 'Technology'")).toEqual(["O'Brien & Sons"]);
  });

  it('LIKE supports % and _ wildcards and escaped \\%', () => {
    expect(names("SELECT Name FROM Account WHERE Name LIKE 'acme%'")).toEqual(['Acme Analytics']);
    expect(likeMatcher('100\\% C_tton')('100% cotton')).toBe(true);
    expect(likeMatcher('100\\%')('1000')).toBe(false);
    expect(likeMatcher('%ana%')('Banana')).toBe(true);
    expect(likeMatcher('b_n%a')('Banana')).toBe(true);
    expect(likeMatcher('b_n')('Banana')).toBe(false);
  });

  it('a pathological LIKE pattern finishes quickly', () => {
    const started = Date.now();
    expect(likeMatcher(`${'%a'.repeat(40)}%b`)('a'.repeat(5000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('compares dates and date literals relative to the estate anchor date', () => {
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate = LAST_N_DAYS:7')).toEqual(['Acme renewal']);
    expect(names('SELECT Name FROM Opportunity WHERE CloseDate > 2026-11-30')).toEqual(['OB new']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate = THIS_MONTH')).toEqual(['Acme Analytics']);
    expect(names('SELECT Name FROM Account WHERE CreatedDate < 2026-01-01T00:00:00Z')).toEqual(["O'Brien & Sons"]);
    expect(dateRange({ kind: 'dateLiteral', name: 'NEXT_N_DAYS', n: 3 }, '2026-12-30')).toEqual(['2026-12-31', '2027-01-02']);
  });

  it('orders with NULLS FIRST / LAST and pages with LIMIT / OFFSET', () => {
    expect(names('SELECT Name FROM Account ORDER BY Industry ASC NULLS LAST')).toEqual(['Acme Analytics', "O'Brien & Sons"]);
    expect(names('SELECT Name FROM Account ORDER BY Industry ASC')).toEqual(["O'Brien & Sons", 'Acme Analytics']);
    expect(names('SELECT Name FROM Opportunity ORDER BY Amount DESC LIMIT 1 OFFSET 1')).toEqual(['OB new']);
  });

  it('returns relationship fields nested under the relationship name, null without a parent', () => {
    const rows = run("SELECT FirstName, Account.Name FROM Contact ORDER BY FirstName").records;
    expect(rows[0]).toMatchObject({ FirstName: 'Ada', Account: { attributes: { type: 'Account' }, Name: 'Acme Analytics' } });
    expect(rows[1]).toMatchObject({ FirstName: 'Orphan', Account: null });
    expect(names("SELECT Name FROM Opportunity WHERE Account.Industry = 'Technology'")).toEqual(['Acme renewal']);
  });

  it('COUNT() returns the count and no records; records carry attributes', () => {
    expect(run('SELECT COUNT() FROM Opportunity WHERE IsWon = true')).toMatchObject({ totalSize: 1, records: [], count: true });
    expect(run('SELECT Id FROM Opportunity LIMIT 1').records[0]).toEqual({ attributes: { type: 'Opportunity', url: '/services/data/v62.0/sobjects/Opportunity/0065g0000000001AAA' }, Id: '0065g0000000001AAA' });
  });

  it('groups and aggregates into AggregateResult records', () => {
    expect(run('SELECT CurrencyIsoCode, COUNT(Id), MAX(Amount) top FROM Opportunity GROUP BY CurrencyIsoCode ORDER BY CurrencyIsoCode DESC').records).toEqual([
      { attributes: { type: 'AggregateResult' }, CurrencyIsoCode: 'USD', expr0: 1, top: 1200 },
      { attributes: { type: 'AggregateResult' }, CurrencyIsoCode: 'EUR', expr0: 1, top: 300 },
    ]);
    expect(run('SELECT AVG(Amount), COUNT_DISTINCT(CurrencyIsoCode) FROM Opportunity').records).toEqual([{ attributes: { type: 'AggregateResult' }, expr0: 750, expr1: 2 }]);
    expect(run('SELECT Account.Name, SUM(Amount) FROM Opportunity GROUP BY Account.Name HAVING SUM(Amount) > 500').records).toEqual([{ attributes: { type: 'AggregateResult' }, Name: 'Acme Analytics', expr0: 1200 }]);
  });

  it('nests children under the relationship name, null when there are none', () => {
    const rows = run('SELECT Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name').records;
    expect(rows.map((r) => [r.Name, (r.Contacts as { records: { LastName: string }[] } | null)?.records.map((c) => c.LastName) ?? null])).toEqual([
      ['Acme Analytics', ['Lovelace']],
      ["O'Brien & Sons", null],
    ]);
  });

  it('reports unknown objects, fields and relationships with Salesforce codes', () => {
    expect(errorCode(() => run('SELECT Id FROM Invoice__c'))).toBe('INVALID_TYPE');
    expect(errorCode(() => run('SELECT Colour FROM Account'))).toBe('INVALID_FIELD');
    expect(errorCode(() => run('SELECT Owner2.Name FROM Account'))).toBe('INVALID_FIELD');
    expect(errorCode(() => run("SELECT Id FROM Opportunity WHERE Amount = '5'"))).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(errorCode(() => run('SELECT Id FROM Account OFFSET 2001'))).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });
});
