/**
 * The vendors' limit headers, read into an `Observation` the limiter learns from.
 * - HubSpot: `X-HubSpot-RateLimit-Remaining/-Max/-Interval-Milliseconds`
 *   (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details)
 * - Vitally: `RateLimit-Limit: 1000, 1000;window=60`, `RateLimit-Remaining: 999`,
 *   `RateLimit-Reset: 59` (seconds until the earliest request leaves the sliding window)
 *   (https://docs.vitally.io/pushing-data-to-vitally/rest-api, "Rate-Limiting")
 * - Salesforce: `Sforce-Limit-Info: api-usage=N/M`
 *   (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm)
 * - Everyone: `Retry-After` (seconds or an HTTP date, RFC 9110 section 10.2.3).
 * NetSuite sends no limit headers (429 CONCURRENCY_LIMIT_EXCEEDED comes without Retry-After).
 */
import type { Observation } from './core.js';

/** Header lookup over `Headers` or a plain record (the HubSpot SDK gives records). */
export type HeaderSource = Headers | Record<string, string | undefined>;

/** A header's value from either source (names compared case-insensitively). */
export function headerValue(h: HeaderSource, name: string): string | null {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name);
  const rec = h as Record<string, string | undefined>;
  for (const key of Object.keys(rec)) if (key.toLowerCase() === name) return rec[key] ?? null;
  return null;
}

function int(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** IETF `RateLimit-Limit` (`1000` or `1000, 1000;window=60`): the quota and its window, if given. */
export function rateLimitLimit(value: string | null): { max: number; windowMs?: number } | null {
  const m = /^\s*(\d+)\s*(?:,.*?;\s*window=(\d+))?/.exec(value ?? '');
  if (!m) return null;
  return { max: Number(m[1]), ...(m[2] ? { windowMs: Number(m[2]) * 1000 } : {}) };
}

/** `Retry-After` in ms (delta-seconds or HTTP date), or null when absent or unreadable. */
export function retryAfterMs(h: HeaderSource, now = Date.now()): number | null {
  const value = headerValue(h, 'retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** `api-usage=N/M` from `Sforce-Limit-Info`. */
export function salesforceUsage(h: HeaderSource): { used: number; max: number } | null {
  const m = /api-usage=(\d+)\/(\d+)/.exec(headerValue(h, 'sforce-limit-info') ?? '');
  return m ? { used: Number(m[1]), max: Number(m[2]) } : null;
}

/** Everything the limiter can learn from one answer's headers. */
export function readLimitHeaders(system: string, status: number, h: HeaderSource): Observation {
  const o: Observation = { status, retryAfterMs: retryAfterMs(h) };
  if (system === 'hubspot') {
    const remaining = int(headerValue(h, 'x-hubspot-ratelimit-remaining'));
    const max = int(headerValue(h, 'x-hubspot-ratelimit-max'));
    const intervalMs = int(headerValue(h, 'x-hubspot-ratelimit-interval-milliseconds'));
    if (remaining !== undefined && max !== undefined) Object.assign(o, { remaining, max, ...(intervalMs !== undefined ? { intervalMs } : {}) });
  } else if (system === 'vitally') {
    const remaining = int(headerValue(h, 'ratelimit-remaining'));
    const limit = rateLimitLimit(headerValue(h, 'ratelimit-limit'));
    if (remaining !== undefined && limit) Object.assign(o, { remaining, max: limit.max, intervalMs: limit.windowMs ?? 60_000 });
    const reset = int(headerValue(h, 'ratelimit-reset'));
    if (reset !== undefined) o.oldestLeavesInMs = reset * 1000;
    if (status === 429 && o.retryAfterMs === null && reset !== undefined) o.retryAfterMs = Math.max(1000, reset * 1000);
  } else if (system === 'salesforce') {
    const usage = salesforceUsage(h);
    if (usage) Object.assign(o, { dailyUsed: usage.used, dailyMax: usage.max });
  }
  return o;
}
