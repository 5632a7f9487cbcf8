/**
 * The sandbox Vitally finds an account by id or externalId through an index
 * (sandbox/vitally/accounts.ts), not a scan per request; it must answer as the scan did: the id
 * first, then the first account in the list's order holding the externalId (seeded duplicates
 * share one), an account appended after the index was built, and an externalId changed since.
 */
import { describe, expect, it } from 'vitest';
import { accountByExternalId, findAccount, noteExternalId } from '../../sandbox/vitally/accounts.js';
import type { VitallyAccount, VitallyDataset } from '../../sandbox/seed/types.js';

const account = (id: string, externalId: string | null): VitallyAccount => ({ id, externalId, name: id, traits: {}, healthScore: null, mrr: null, accountOwnerId: null, churnedAt: null, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
const scan = (ds: VitallyDataset, key: string) => ds.accounts.find((a) => a.id === key) ?? ds.accounts.find((a) => a.externalId === key);

describe('sandbox Vitally account look-ups', () => {
  it('answers what a scan of the accounts answers, through appends and externalId changes', () => {
    const ds = { accounts: [account('a1', 'x1'), account('a2', 'dup'), account('a3', 'dup'), account('a4', null)] } as unknown as VitallyDataset;
    const keys = ['a1', 'a2', 'a3', 'a4', 'x1', 'dup', 'x2', 'nope', ''];
    for (const k of keys) expect(findAccount(ds, k)).toBe(scan(ds, k));
    expect(accountByExternalId(ds, 'dup')!.id).toBe('a2');

    // Appended after the index was built: found; a later duplicate does not displace the first.
    ds.accounts.push(account('a5', 'x2'), account('a6', 'dup'));
    // The first holder's externalId changes: it is found by the new one only, and the next
    // holder in the list's order answers for the old one.
    ds.accounts[1]!.externalId = 'moved';
    noteExternalId(ds, ds.accounts[1]!);
    // A later account takes an externalId an earlier one still holds: the earlier one answers.
    ds.accounts[5]!.externalId = 'x1';
    noteExternalId(ds, ds.accounts[5]!);
    for (const k of [...keys, 'a5', 'a6', 'moved']) expect(findAccount(ds, k)).toBe(scan(ds, k));
    expect(findAccount(ds, 'dup')!.id).toBe('a3');
    expect(findAccount(ds, 'moved')!.id).toBe('a2');
    expect(findAccount(ds, 'x1')!.id).toBe('a1');
  });
});
