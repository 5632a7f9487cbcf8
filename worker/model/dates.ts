/**
 * Calendar-date arithmetic on `YYYY-MM-DD` strings, in UTC so that a server's time zone or a
 * daylight-saving change never shifts a due date by a day.
 */

const DAY_MS = 86_400_000;

/** Parses `YYYY-MM-DD` (or the date part of an ISO instant) to UTC midnight in epoch ms. */
function toUtcDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) throw new RangeError(`not an ISO date: ${JSON.stringify(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC silently rolls 2026-02-30 over to March: reject instead.
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  }
  return ms;
}

/** Formats epoch ms as `YYYY-MM-DD` (UTC). */
function fromUtcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Whole days from `from` to `to` (positive when `to` is later). Accepts `YYYY-MM-DD` or ISO
 * instants (only the date part counts). Throws RangeError on a malformed date.
 */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcDay(to) - toUtcDay(from)) / DAY_MS);
}

/** The calendar date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return fromUtcDay(toUtcDay(date) + days * DAY_MS);
}

/**
 * The renewal date of a term that ends on `endDate`: the next day, when the new term starts
 * (a contract running 2026-01-15..2027-01-14 renews on 2027-01-15).
 */
export function renewalDate(endDate: string): string {
  return addDays(endDate, 1);
}

/** Today's date in UTC as `YYYY-MM-DD` (callers pass `today` explicitly to keep code testable). */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Compares two `YYYY-MM-DD` strings (lexicographic order is chronological for this format). */
export function compareDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
