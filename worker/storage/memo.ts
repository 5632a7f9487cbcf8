/**
 * A small per-isolate memo with expiry, for lookups that are read on every card request and
 * change rarely (portal -> tenant, CRM record -> account). Bounded; values are never secrets.
 */
export class TtlMemo<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 5_000,
  ) {}

  async get(key: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await load();
    if (keep(value)) {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    } else {
      this.entries.delete(key);
    }
    return value;
  }

  /** The remembered value while it is younger than the TTL, without loading anything. */
  peek(key: string): T | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > Date.now() ? hit.value : undefined;
  }

  /** Remembers `value` under `key` for the TTL from now. */
  set(key: string, value: T): void {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs });
  }

  /** Drops one entry (the value it remembered is no longer true). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
