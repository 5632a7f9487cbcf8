/**
 * Vitally's rate limit for the sandbox: a token bucket of 1,000 requests per minute per API key
 * (here: per tenant), with `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * (seconds) on every answer and 429 when the bucket is empty. API keys do not expire.
 * https://docs.vitally.io/en/articles/9880209-rest-api-overview (rate limiting)
 */
import type { Context } from 'hono';
import type { SandboxState } from '../core/state.js';
import { sandboxNow, type VendorLimitProfile } from '../core/limits.js';

/** 1,000 requests per minute. */
export const VITALLY_PER_MINUTE = 1000;
const REFILL_PER_MS = VITALLY_PER_MINUTE / 60_000;

interface Bucket {
  tokens: number;
  at: number;
}
const buckets = new WeakMap<SandboxState, Map<string, Bucket>>();

function bucketFor(state: SandboxState, tenant: string, now: number): Bucket {
  let map = buckets.get(state);
  if (!map) buckets.set(state, (map = new Map()));
  const b = map.get(tenant) ?? { tokens: VITALLY_PER_MINUTE, at: now };
  b.tokens = Math.min(VITALLY_PER_MINUTE, b.tokens + Math.max(0, now - b.at) * REFILL_PER_MS);
  b.at = now;
  map.set(tenant, b);
  return b;
}

function setHeaders(c: Context, b: Bucket): void {
  c.header('RateLimit-Limit', String(VITALLY_PER_MINUTE));
  c.header('RateLimit-Remaining', String(Math.floor(b.tokens)));
  // Seconds until at least one request is allowed again (0 while tokens remain).
  c.header('RateLimit-Reset', String(b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / REFILL_PER_MS / 1000)));
}

function tooMany(c: Context): Response {
  return c.json({ error: 'rate_limit_exceeded', message: `Rate limit of ${VITALLY_PER_MINUTE} requests per minute exceeded` }, 429);
}

/** Vitally in the fault/limit layer. */
export const vitallyLimits: VendorLimitProfile = {
  expired: (c) => c.json({ error: 'unauthorized', message: 'Invalid API key' }, 401),
  rateLimited(c) {
    c.header('RateLimit-Limit', String(VITALLY_PER_MINUTE));
    c.header('RateLimit-Remaining', '0');
    c.header('RateLimit-Reset', '1');
    return tooMany(c);
  },
  serverError: (c) => c.json({ error: 'internal_server_error', message: 'Something went wrong' }, 503),
  isRateLimited: (res) => res.status === 429,
  async enforce(c, state, tenant, next) {
    const b = bucketFor(state, tenant, sandboxNow(state));
    if (b.tokens < 1) {
      setHeaders(c, b);
      return tooMany(c);
    }
    b.tokens -= 1;
    await next();
    setHeaders(c, b);
  },
};
