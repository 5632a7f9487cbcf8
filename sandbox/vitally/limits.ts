/**
 * Vitally's rate limit for the sandbox: 1,000 requests per minute per API key (here: per tenant)
 * in a sliding window. Every answer carries the documented headers — `RateLimit-Limit: 1000,
 * 1000;window=60`, `RateLimit-Remaining` (requests left in the current window) and
 * `RateLimit-Reset` (seconds until the earliest request leaves the window) — and a request over
 * the limit gets 429. API keys do not expire.
 * https://docs.vitally.io/pushing-data-to-vitally/rest-api ("Rate-Limiting")
 */
import type { Context } from 'hono';
import type { SandboxState } from '../core/state.js';
import { sandboxNow, type VendorLimitProfile } from '../core/limits.js';

/** 1,000 requests per minute. */
export const VITALLY_PER_MINUTE = 1000;
const WINDOW_MS = 60_000;
const LIMIT_HEADER = `${VITALLY_PER_MINUTE}, ${VITALLY_PER_MINUTE};window=${WINDOW_MS / 1000}`;

/** Request times in the current window, oldest first, per tenant. */
const windows = new WeakMap<SandboxState, Map<string, number[]>>();

function windowFor(state: SandboxState, tenant: string, now: number): number[] {
  let map = windows.get(state);
  if (!map) windows.set(state, (map = new Map()));
  let w = map.get(tenant);
  if (!w) map.set(tenant, (w = []));
  let drop = 0;
  while (drop < w.length && w[drop]! <= now - WINDOW_MS) drop++;
  if (drop > 0) w.splice(0, drop);
  return w;
}

function setHeaders(c: Context, w: number[], now: number): void {
  c.header('RateLimit-Limit', LIMIT_HEADER);
  c.header('RateLimit-Remaining', String(Math.max(0, VITALLY_PER_MINUTE - w.length)));
  c.header('RateLimit-Reset', String(w.length === 0 ? 0 : Math.max(1, Math.ceil((w[0]! + WINDOW_MS - now) / 1000))));
}

function tooMany(c: Context): Response {
  return c.json({ error: 'rate_limit_exceeded', message: `Rate limit of ${VITALLY_PER_MINUTE} requests per minute exceeded` }, 429);
}

/** Vitally in the fault/limit layer. */
export const vitallyLimits: VendorLimitProfile = {
  expired: (c) => c.json({ error: 'unauthorized', message: 'Invalid API key' }, 401),
  rateLimited(c) {
    c.header('RateLimit-Limit', LIMIT_HEADER);
    c.header('RateLimit-Remaining', '0');
    c.header('RateLimit-Reset', '1');
    return tooMany(c);
  },
  serverError: (c) => c.json({ error: 'internal_server_error', message: 'Something went wrong' }, 503),
  isRateLimited: (res) => res.status === 429,
  async enforce(c, state, tenant, next) {
    const now = sandboxNow(state);
    const w = windowFor(state, tenant, now);
    if (w.length >= VITALLY_PER_MINUTE) {
      setHeaders(c, w, now);
      return tooMany(c);
    }
    w.push(now);
    await next();
    setHeaders(c, w, now);
  },
};
