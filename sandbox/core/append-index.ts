/**
 * An index of an append-only records array (the emulators only ever append records; deleting,
 * archiving and merging flag them), by one key per record, kept per array: each use takes in the
 * records appended since the last, instead of a scan of every record per look-up (56,000 companies
 * at SANDBOX_SCALE=100). A record whose key can change is added under its new key with `add`;
 * callers check each entry against the record when they read it, since an entry may be stale.
 */
export class AppendIndex<T> {
  private readonly byList = new WeakMap<readonly T[], { length: number; byKey: Map<string, T[]> }>();

  /** `keyOf`: the record's key, or nothing to leave it out. */
  constructor(private readonly keyOf: (record: T) => string | null | undefined) {}

  /** The records of `list` by key, in the list's order (and after them those `add`ed). */
  of(list: readonly T[]): Map<string, T[]> {
    let index = this.byList.get(list);
    if (!index) this.byList.set(list, (index = { length: 0, byKey: new Map() }));
    for (; index.length < list.length; index.length++) {
      const record = list[index.length]!;
      const key = this.keyOf(record);
      if (key) push(index.byKey, key, record);
    }
    return index.byKey;
  }

  /** `record` of `list` now has `key` too (a written value); nothing when the list is not indexed yet (its first use will read it). */
  add(list: readonly T[], key: string, record: T): void {
    const index = this.byList.get(list);
    if (!index) return;
    const held = index.byKey.get(key);
    if (!held?.includes(record)) push(index.byKey, key, record);
  }
}

function push<T>(byKey: Map<string, T[]>, key: string, record: T): void {
  const held = byKey.get(key);
  if (held) held.push(record);
  else byKey.set(key, [record]);
}
