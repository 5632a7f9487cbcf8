/**
 * Small seeded pseudo-random source for the seed generator. The estate must be identical for a
 * given (tenant, anchorDate) so the broker's identity map survives a sandbox restart, hence no
 * Math.random anywhere in sandbox/seed.
 */

/** FNV-1a 32-bit hash: turns a seed string into a 32-bit integer seed. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic random source with the helpers the generators need. */
export class Prng {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === 'string' ? hashSeed(seed) : seed >>> 0;
  }

  /** mulberry32: uniform float in [0, 1). https://gist.github.com/tommyettinger/46a874533244883189143505d203312c */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick() from an empty list');
    return item;
  }

  /** One key of a weight table, chosen proportionally to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [key, w] of entries) {
      roll -= w;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Money amount with cents in [min, max]. */
  money(min: number, max: number): number {
    return Math.round((min + this.next() * (max - min)) * 100) / 100;
  }

  /** RFC 4122 version-4 shaped UUID (deterministic, so not actually random). */
  uuid(): string {
    let s = '';
    for (let i = 0; i < 4; i++) s += Math.floor(this.next() * 4294967296).toString(16).padStart(8, '0');
    const variant = ((parseInt(s[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`;
  }
}

// Calendar arithmetic on YYYY-MM-DD strings without Date parsing: the seed does this ~100k times
// and Date parsing dominated start-up. Algorithms: https://howardhinnant.github.io/date_algorithms.html

function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): string {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Interned results: a scaled estate asks for the same few thousand dates millions of times, and
// one shared string per date keeps both the time and the heap of a large seed down.
const dayNumbers = new Map<string, number>();
const dates = new Map<number, string>();
const instants = new Map<number, string>();

function dayNumber(date: string): number {
  let z = dayNumbers.get(date);
  if (z === undefined) {
    z = daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
    dayNumbers.set(date, z);
  }
  return z;
}

function dateOf(z: number): string {
  let d = dates.get(z);
  if (d === undefined) {
    d = civilFromDays(z);
    dates.set(z, d);
  }
  return d;
}

/** `date` (YYYY-MM-DD) plus `days` (may be negative), as YYYY-MM-DD (UTC calendar). */
export function addDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

/** ISO date-time `days` from `date` at a given hour and minute (UTC). */
export function isoAt(date: string, days: number, hour = 9, minute = 0): string {
  const z = dayNumber(date) + days;
  const key = z * 1440 + hour * 60 + minute;
  let iso = instants.get(key);
  if (iso === undefined) {
    iso = `${dateOf(z)}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
    instants.set(key, iso);
  }
  return iso;
}

/**
 * A record's last-change stamp: `isoAt(date, days, hour, minute)`, but never later than the start
 * of the anchor day. The estate is generated on its anchor day, and a vendor never stamps a record
 * later than its own clock: a seeded "today at 14:00" read at 01:00 would be a change from the
 * future, which moves change-poll checkpoints ahead and makes real changes look older.
 */
export function stampAt(anchor: string, date: string, days: number, hour = 9, minute = 0): string {
  const at = isoAt(date, days, hour, minute);
  const dayStart = isoAt(anchor, 0, 0, 0);
  return at > dayStart ? dayStart : at;
}
