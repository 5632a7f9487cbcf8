/**
 * A NetSuite account's version, bumped by every write to its records (the REST record routes and
 * the sandbox admin's invoice actions, the only code that changes them), so SuiteQL can keep its
 * indexes and derived tables between queries instead of rebuilding them every second (at
 * SANDBOX_SCALE=100 that rebuild, over 500,000 transactions, and the garbage it left were most
 * of the sandbox's time in a backfill).
 */
import type { NetSuiteDataset } from '../seed/types.js';

const versions = new WeakMap<NetSuiteDataset, number>();

/** Records of `ds` changed (or may have). */
export function netsuiteChanged(ds: NetSuiteDataset): void {
  versions.set(ds, (versions.get(ds) ?? 0) + 1);
}

/** The version of `ds`'s records: equal versions, equal records. */
export function netsuiteVersion(ds: NetSuiteDataset): number {
  return versions.get(ds) ?? 0;
}
