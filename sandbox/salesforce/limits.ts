/**
 * Salesforce's answers for the sandbox's shared fault/limit layer: injected REQUEST_LIMIT_EXCEEDED
 * (403, the code Salesforce uses for both the daily allocation and concurrent long-running
 * requests) and 5xx. The daily allocation itself is counted by `salesforceApp`.
 * Session lifetime is an org setting driven by inactivity (tokens.ts `expiresInMs` gives the 2 h
 * default for the OAuth server's answers), so this layer does not expire Salesforce tokens by age.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
import type { VendorLimitProfile } from '../core/limits.js';

/** `api-usage=N/M` from `Sforce-Limit-Info`, or null. */
export function parseLimitInfo(header: string | null): { used: number; max: number } | null {
  const m = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
  return m ? { used: Number(m[1]), max: Number(m[2]) } : null;
}

/** Salesforce in the fault/limit layer. */
export const salesforceLimits: VendorLimitProfile = {
  expired: (c) => c.json([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], 401),
  rateLimited: (c) => c.json([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 403),
  serverError: (c) => c.json([{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }], 503),
  isRateLimited(res) {
    if (res.status !== 403) return false;
    const usage = parseLimitInfo(res.headers.get('sforce-limit-info'));
    return usage !== null && usage.used >= usage.max;
  },
};
