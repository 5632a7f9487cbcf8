/**
 * NetSuite's concurrency governance for the sandbox: one pool of N simultaneous requests per
 * account (default 5; `POST /__sandbox/limits {netsuiteConcurrency}`); request N+1 gets 429
 * CONCURRENCY_LIMIT_EXCEEDED without Retry-After. Access tokens (OAuth 2.0 M2M) live 60 minutes.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156224824862.html
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162686838198.html
 */
import type { Context } from 'hono';
import { arrivedAt, countersFor, limitRuntime, type VendorLimitProfile } from '../core/limits.js';
import { expiresInMs } from '../core/tokens.js';
import { nsError, nsUnauthorized } from './errors.js';

/** Access tokens from the client-credentials flow are valid for 60 minutes. */
export const NETSUITE_TOKEN_TTL_MS = expiresInMs('netsuite') ?? 60 * 60_000;

function tooMany(c: Context): Response {
  const body = {
    type: 'https://www.rfc-editor.org/rfc/rfc6585.html#section-4',
    title: 'Too Many Requests',
    status: 429,
    'o:errorDetails': [
      {
        detail: 'The request could not be processed because the concurrency limit for your account has been exceeded. Try again later.',
        'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED',
      },
    ],
  };
  return c.body(JSON.stringify(body), 429, { 'content-type': 'application/vnd.oracle.resource+json; type=error' });
}

/** NetSuite in the fault/limit layer. */
export const netsuiteLimits: VendorLimitProfile = {
  tokenTtlMs: NETSUITE_TOKEN_TTL_MS,
  expired: (c) => nsUnauthorized(c),
  rateLimited: tooMany,
  serverError: (c) => nsError(c, 500, 'UNEXPECTED_ERROR', 'An unexpected error occurred. Error ID: sandbox-fault'),
  isRateLimited: (res) => res.status === 429,
  async enforce(c, state, tenant, next) {
    const rt = limitRuntime(state);
    const live = rt.inFlight.get(tenant) ?? 0;
    if (live >= rt.netsuiteConcurrency) return tooMany(c);
    rt.inFlight.set(tenant, live + 1);
    const counters = countersFor(state, 'netsuite', tenant);
    counters.maxInFlight = Math.max(counters.maxInFlight, live + 1);
    const started = performance.now();
    try {
      await next();
    } finally {
      rt.inFlight.set(tenant, (rt.inFlight.get(tenant) ?? 1) - 1);
      const end = performance.now();
      counters.slotMs += end - started;
      counters.servedMs = (counters.servedMs ?? 0) + end - (arrivedAt(c) ?? started);
    }
  },
};
