/**
 * Candidate lookup by blocking key (storage/identity-records.ts `candidatesByKeys`): a key shared
 * by more than KEY_BLOCK_MAX records is left out, like a stop word, so a lookup's cost does not
 * grow with the tenant (the quadratic CRM linking pass at SANDBOX_SCALE=100); identifying keys
 * still find their record whatever the common keys do.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { IdentityFields } from '../../worker/policies/identity/index.js';
import { candidatesByKeys, KEY_BLOCK_MAX, toCandidates, upsertRecords, type StoredRecord } from '../../worker/storage/identity-records.js';

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
