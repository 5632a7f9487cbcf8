/**
 * The Vitally workspace's accounts found by id or externalId through an index instead of a scan of
 * every account per request (at SANDBOX_SCALE=100 a backfill reads 56,000 accounts one by one).
 */
import type { VitallyAccount, VitallyDataset } from '../seed/types.js';

/**
 * The workspace's accounts by id and by externalId, per accounts list: accounts are only appended
 * (ids never change), so the index takes in those appended since its last use. An externalId
 * can change (`noteExternalId` adds the account under its new one), so externalId entries are
 * checked against the account when read, and the first in the list's order wins, as a scan's would.
 */
const accountIndexes = new WeakMap<VitallyAccount[], { length: number; byId: Map<string, VitallyAccount>; byExternalId: Map<string, VitallyAccount[]>; position: Map<VitallyAccount, number> }>();

function accountIndex(list: VitallyAccount[]) {
  let index = accountIndexes.get(list);
  if (!index) accountIndexes.set(list, (index = { length: 0, byId: new Map(), byExternalId: new Map(), position: new Map() }));
  for (; index.length < list.length; index.length++) {
    const a = list[index.length]!;
    index.position.set(a, index.length);
    if (!index.byId.has(a.id)) index.byId.set(a.id, a);
    if (a.externalId) addExternalId(index.byExternalId, a.externalId, a);
  }
  return index;
}

function addExternalId(byExternalId: Map<string, VitallyAccount[]>, externalId: string, a: VitallyAccount): void {
  const held = byExternalId.get(externalId);
  if (!held) byExternalId.set(externalId, [a]);
  else if (!held.includes(a)) held.push(a);
}

/** An account by its Vitally id. */
export function accountById(ds: VitallyDataset, id: string): VitallyAccount | undefined {
  return accountIndex(ds.accounts).byId.get(id);
}

/** The account whose externalId was just set to `a.externalId`: found by it from now on. */
export function noteExternalId(ds: VitallyDataset, a: VitallyAccount): void {
  if (a.externalId) addExternalId(accountIndex(ds.accounts).byExternalId, a.externalId, a);
}

/** The first account (in the list's order) whose externalId is `externalId`. */
export function accountByExternalId(ds: VitallyDataset, externalId: string): VitallyAccount | undefined {
  const index = accountIndex(ds.accounts);
  let first: VitallyAccount | undefined;
  for (const a of index.byExternalId.get(externalId) ?? []) {
    if (a.externalId === externalId && (!first || index.position.get(a)! < index.position.get(first)!)) first = a;
  }
  return first;
}

/** Find an account by Vitally id first, then by externalId. */
export function findAccount(ds: VitallyDataset, key: string): VitallyAccount | undefined {
  return accountById(ds, key) ?? accountByExternalId(ds, key);
}
