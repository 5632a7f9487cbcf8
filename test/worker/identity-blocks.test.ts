/**
 * Candidate lookup by blocking key (storage/identity-records.ts `candidatesByKeys`): a key shared
 * by more than KEY_BLOCK_MAX records is left out, like a stop word, so a lookup's cost does not
 * grow with the tenant (the quadratic CRM linking pass at SANDBOX_SCALE=100); identifying keys
 * still find their record whatever the common keys do. And a lookup, like a page of the link
 * pass, reads rows in proportion to what it returns, not to the tenant's records (D1's
 * `rows_read`): both read the whole tenant once per call before, at SANDBOX_SCALE=100 about
 * 330,000 rows a lookup.
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IdentityFields } from '../../worker/policies/identity/index.js';
import { candidatesByKeys, KEY_BLOCK_MAX, recordsPageStatement, toCandidates, upsertRecords, type StoredRecord } from '../../worker/storage/identity-records.js';

const fields = (name: string): IdentityFields => ({ name });

/** `n` NetSuite records sharing the key `common`, each with a key of its own. */
async function store(tenantId: string, n: number, common: string): Promise<void> {
  const records: StoredRecord[] = Array.from({ length: n }, (_, i) => ({ externalId: `c${i}`, fields: fields(`Company ${i}`), hint: null, keys: [common, `t:tax${i}`] }));
  await env.DB.batch(upsertRecords(env.DB, tenantId, 'netsuite', records, '2026-12-04T00:00:00.000Z'));
}

async function lookup(tenantId: string, keys: string[]) {
  return toCandidates((await candidatesByKeys(env.DB, tenantId, keys).all()).results);
}

describe('candidatesByKeys: a key too common to identify anything is left out', () => {
  it('a block of KEY_BLOCK_MAX records is still read', async () => {
    await store('blocks-at-cap', KEY_BLOCK_MAX, 'p:quar');
    const found = await lookup('blocks-at-cap', ['p:quar']);
    // The 40 best (all tie on the one shared key), so the block was read.
    expect(found).toHaveLength(40);
  });

  it('a block of KEY_BLOCK_MAX + 1 records is not: a record sharing only that key is no candidate, one sharing an identifying key still is', async () => {
    await store('blocks-over-cap', KEY_BLOCK_MAX + 1, 'p:quar');
    expect(await lookup('blocks-over-cap', ['p:quar'])).toEqual([]);
    const found = await lookup('blocks-over-cap', ['p:quar', 't:tax123']);
    expect(found.map((c) => c.externalId)).toEqual(['c123']);
    // Only the identifying key counted.
    expect(found[0]!.hits).toBe(300);
  });
});

describe('reads in proportion to the answer, not to the tenant', () => {
  const N = 3_000;
  const tenant = 'blocks-rows-read';
  const ids = Array.from({ length: N }, (_, i) => `c${i}`).sort();
  beforeAll(() => store(tenant, N, 'p:quar'));

  it('a candidate lookup by an identifying key reads a few rows, whatever the tenant holds', async () => {
    const res = await candidatesByKeys(env.DB, tenant, ['t:tax2500']).all();
    expect(toCandidates(res.results).map((c) => c.externalId)).toEqual(['c2500']);
    // Before the join was pinned, SQLite walked the tenant's records (3,000 here) for each lookup.
    expect(res.meta.rows_read).toBeLessThan(50);
  });

  it("a page of the link pass seeks to its cursor instead of reading every record before it", async () => {
    const cursor = ids[N - 101]!;
    const res = await recordsPageStatement(env.DB, tenant, 'netsuite', cursor, 100).all<{ externalId: string }>();
    expect(res.results.map((r) => r.externalId)).toEqual(ids.slice(N - 100));
    expect(res.meta.rows_read).toBeLessThan(250);
    const first = await recordsPageStatement(env.DB, tenant, 'netsuite', null, 100).all<{ externalId: string }>();
    expect(first.results.map((r) => r.externalId)).toEqual(ids.slice(0, 100));
  });
});
