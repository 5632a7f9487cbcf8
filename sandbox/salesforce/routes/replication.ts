/**
 * Data replication: `sobjects/{type}/updated?start=&end=` (ids of records added or changed in the
 * span, by SystemModstamp) and `sobjects/{type}/deleted?start=&end=` (records deleted in the span,
 * from the emulator's deletion log). Seconds are cut off both ends, as Salesforce does; the span
 * must start before it ends and within the last 30 days (deletions: within the Recycle Bin's 15
 * days, `earliestDateAvailable`), else 400 INVALID_REPLICATION_DATE.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getupdated.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getupdated.htm (rules)
 */
import type { Context } from 'hono';
import { SalesforceError } from '../errors.js';
import { apiVersion, sobjectParam, type SalesforceEnv } from '../context.js';
import { fieldValue } from '../records.js';
import { allRecords, deletions, isDeleted, sfDateTime } from '../store.js';

const DAY_MS = 86_400_000;
/** How far back `updated` looks, and how long the Recycle Bin keeps deletions. */
const UPDATED_WINDOW_MS = 30 * DAY_MS;
const RECYCLE_BIN_MS = 15 * DAY_MS;

/** 12:30:15 becomes 12:30:00: replication works on whole minutes. */
const toMinute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

function invalid(message: string): SalesforceError {
  return new SalesforceError(400, 'INVALID_REPLICATION_DATE', message);
}

/** `start` and `end` as whole-minute instants, checked against the window that reaches back `windowMs`. */
function span(c: Context<SalesforceEnv>, windowMs: number): { start: number; end: number; covered: number; earliest: number } {
  const raw = { start: c.req.query('start'), end: c.req.query('end') };
  const missing = Object.entries(raw).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length) throw new SalesforceError(400, 'MISSING_ARGUMENT', `Missing required query parameter: ${missing.join(', ')}`);
  // Salesforce datetimes: 2026-11-20T10:00:00Z, +00:00 or +0000 offsets, optional milliseconds.
  const parse = (v: string, name: string) => {
    const t = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/.test(v) ? Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
    if (Number.isNaN(t)) throw invalid(`${name} must be an ISO 8601 date and time with a time zone, e.g. 2026-11-20T10:00:00+00:00 (got ${v})`);
    return toMinute(t);
  };
  const start = parse(raw.start!, 'start');
  const end = parse(raw.end!, 'end');
  if (start >= end) throw invalid('start date must chronologically precede the end date');
  const now = Date.now();
  const earliest = toMinute(now - windowMs);
  if (start < earliest) throw invalid(`start date must not be earlier than ${sfDateTime(new Date(earliest))}`);
  // Covered up to the end asked for, or up to now when the end lies ahead: the next poll starts
  // there (its seconds cut off), so nothing written in between is missed.
  return { start, end, covered: Math.min(end, now), earliest };
}

/** Milliseconds of a Salesforce datetime (`2026-11-20T10:00:00.000+0000`), NaN when absent. */
const instant = (v: unknown) => (typeof v === 'string' ? Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN);

/** `GET .../sobjects/{type}/updated`: `{ids, latestDateCovered}`. */
export function updatedRecords(c: Context<SalesforceEnv>): Response {
  apiVersion(c);
  const type = sobjectParam(c);
  const { start, covered } = span(c, UPDATED_WINDOW_MS);
  const ids = allRecords(c.get('ds'), type)
    .filter((r) => !isDeleted(r))
    .filter((r) => {
      const t = instant(fieldValue(type, r, 'SystemModstamp'));
      return t >= start && t < covered;
    })
    .map((r) => r.Id);
  return c.json({ ids, latestDateCovered: sfDateTime(new Date(covered)) });
}

/** `GET .../sobjects/{type}/deleted`: `{deletedRecords, earliestDateAvailable, latestDateCovered}`. */
export function deletedRecords(c: Context<SalesforceEnv>): Response {
  apiVersion(c);
  const type = sobjectParam(c);
  const { start, covered, earliest } = span(c, RECYCLE_BIN_MS);
  const deletedRecords = deletions(c.get('ds'))
    .filter((d) => d.type === type)
    .filter((d) => {
      const t = instant(d.deletedDate);
      return t >= start && t < covered;
    })
    .map((d) => ({ id: d.id, deletedDate: d.deletedDate }));
  return c.json({ deletedRecords, earliestDateAvailable: sfDateTime(new Date(earliest)), latestDateCovered: sfDateTime(new Date(covered)) });
}
