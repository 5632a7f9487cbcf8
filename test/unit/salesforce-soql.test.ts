/**
 * The SOQL the Salesforce connector builds: values are quoted with SOQL's escapes so no value can
 * end its literal, checked by parsing the result with the sandbox's SOQL parser.
 */
import { describe, expect, it } from 'vitest';
import { parseSoql, type Condition } from '../../sandbox/salesforce/soql/parser.js';
import { SOQL, soqlIn, soqlString } from '../../worker/connectors/salesforce/map.js';

function literals(where: Condition | undefined): unknown[] {
  if (!where) return [];
  if (where.kind === 'in') return where.values.map((v) => (v.kind === 'string' ? v.value : v));
  if (where.kind === 'cmp') return [where.value.kind === 'string' ? where.value.value : where.value];
  return [];
}

describe('SOQL built by the Salesforce connector', () => {
  it.each([
    ["O'Brien & Sons"],
    ["x' OR Name != '"],
    ['back\\slash\\'],
    ['quote"double'],
    ['multi\nline\ttab\r'],
  ])('keeps %j one literal', (value) => {
    const q = parseSoql(SOQL.countTasksWithKey(value));
    expect(q.select).toEqual({ kind: 'count' });
    expect(literals(q.where)).toEqual([value]);
  });

  it('builds IN lists that parse to the same values', () => {
    const values = ['001A', "b'c", 'd\\'];
    const q = parseSoql(`SELECT Id FROM Account WHERE ${soqlIn('Id', values)}`);
    expect(literals(q.where)).toEqual(values);
  });

  it('quotes with single quotes and escapes only what SOQL requires', () => {
    expect(soqlString('plain')).toBe("'plain'");
    expect(soqlString("it's")).toBe("'it\\'s'");
  });
});
