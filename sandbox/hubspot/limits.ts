/**
 * HubSpot's answers for the sandbox's shared fault/limit layer (`sandbox/core/faults.ts`): expired
 * OAuth tokens (access tokens live 30 minutes), injected 429s and 5xx. The burst and search limits
 * themselves are enforced by `hubspotApp` (rate-limit.ts).
 * https://developers.hubspot.com/docs/api/error-handling
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */
import type { VendorLimitProfile } from '../core/limits.js';
import { expiresInMs } from '../core/tokens.js';
import { errorBody } from './errors.js';
import { rateLimitBody } from './rate-limit.js';

/** OAuth access tokens expire 30 minutes after issue (`expires_in: 1800`); one source of truth in tokens.ts. */
export const HUBSPOT_TOKEN_TTL_MS = expiresInMs('hubspot') ?? 30 * 60_000;

/** HubSpot in the fault/limit layer. */
export const hubspotLimits: VendorLimitProfile = {
  tokenTtlMs: HUBSPOT_TOKEN_TTL_MS,
  expired(c, claims, now) {
    const minutes = Math.max(1, Math.floor((now - claims.iat - HUBSPOT_TOKEN_TTL_MS) / 60_000));
    return c.json({ ...errorBody('INVALID_AUTHENTICATION', `The OAuth token used to make this call expired ${minutes} minute(s) ago.`), category: 'EXPIRED_AUTHENTICATION' }, 401);
  },
  rateLimited(c) {
    c.header('X-HubSpot-RateLimit-Interval-Milliseconds', '10000');
    c.header('X-HubSpot-RateLimit-Max', '110');
    c.header('X-HubSpot-RateLimit-Remaining', '0');
    return c.json(rateLimitBody('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'), 429);
  },
  serverError(c) {
    return c.json({ status: 'error', message: 'internal error', correlationId: crypto.randomUUID(), category: 'INTERNAL_ERROR' }, 502);
  },
  isRateLimited: (res) => res.status === 429,
};
