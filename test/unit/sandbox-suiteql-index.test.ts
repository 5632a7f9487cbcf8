/** The SuiteQL emulator's equality index must never change an answer, only its cost. */
import { describe, expect, it } from 'vitest';
import { runSuiteQl } from '../../sandbox/netsuite/suiteql/evaluate.js';
import { generateTenant } from '../../sandbox/seed/generate.js';

describe('SuiteQL id-equality index', () => {
  const ds = generateTenant('demo', '2026-11-26').netsuite;
  const ids = (q: string) => runSuiteQl(q, ds, 1000, 0).items.map((r) => r['id']);

  it('finds exactly the rows a full scan finds (an OR is never indexed)', () => {
    for (const entity of ['1000', '1015', '1292', '1431', '999999']) {
      const indexed = ids(`SELECT id FROM transaction WHERE entity = ${entity} AND type = 'CustInvc' ORDER BY id`);
      const scanned = ids(`SELECT id FROM transaction WHERE (entity = ${entity} OR 1 = 0) AND type = 'CustInvc' ORDER BY id`);
      expect(indexed).toEqual(scanned);
    }
    expect(ids(`SELECT id FROM transaction WHERE entity = '1015' ORDER BY id`)).toEqual(ids(`SELECT id FROM transaction WHERE entity IN (1015) ORDER BY id`));
  });

  it('an IN list of ids finds the rows, in the order, a full scan finds', () => {
    const list = '1015, 1000, 999999, 1292, 1015, 1431';
    // No ORDER BY: the table's own order must be kept, as a scan keeps it.
    const indexed = ids(`SELECT id FROM transaction WHERE entity IN (${list})`);
    const scanned = ids(`SELECT id FROM transaction WHERE (entity IN (${list}) OR 1 = 0)`);
    expect(indexed.length).toBeGreaterThan(3);
    expect(indexed).toEqual(scanned);
    expect(ids(`SELECT id FROM customer WHERE id IN (1015, 1000) ORDER BY id DESC`)).toEqual(ids(`SELECT id FROM customer WHERE (id IN (1015, 1000) OR 1 = 0) ORDER BY id DESC`));
  });

  it('sees a row added after the index was built', () => {
    const before = ids(`SELECT id FROM transaction WHERE entity = 1015 ORDER BY id`).length;
    const template = ds.transaction.find((t) => t.entity === '1015')!;
    ds.transaction.push({ ...template, id: '990001' });
    expect(ids(`SELECT id FROM transaction WHERE entity = 1015 ORDER BY id`).length).toBe(before + 1);
  });
});
