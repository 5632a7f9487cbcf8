/**
 * Salesforce's answers for the sandbox's shared fault/limit layer: injected REQUEST_LIMIT_EXCEEDED
 * (403, the code Salesforce uses for both the daily allocation and concurrent long-running
 * requests) and 5xx. The daily allocation itself is counted by `salesforceApp`.
 * Session lifetime is an org setting driven by inactivity (tokens.ts `expiresInMs` gives the 2 h
 * default for the OAuth server's answers), so this layer does not expire Salesforce tokens by age.
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
 */
import type { Context } from 'hono';
import type { VendorLimitProfile } from '../core/limits.js';
import type { SandboxState } from '../core/state.js';

/** Daily API request allocation of the sandbox orgs (Enterprise Edition base). */
export const DAILY_API_REQUESTS = 15_000;

/** Each org's API requests today, per sandbox estate. */
const usageByState = new WeakMap<SandboxState, Map<string, number>>();
const dayKey = (tenant: string) => `${tenant}|${new Date().toISOString().slice(0, 10)}`;

/** The org's daily API usage counter (`tenant` = org), as `Sforce-Limit-Info` reports it. */
export function apiUsage(state: SandboxState) {
  let usage = usageByState.get(state);
  if (!usage) usageByState.set(state, (usage = new Map()));
  const map = usage;
  return {
    of: (tenant: string) => ({ used: map.get(dayKey(tenant)) ?? 0, max: DAILY_API_REQUESTS }),
    count: (tenant: string) => void map.set(dayKey(tenant), (map.get(dayKey(tenant)) ?? 0) + 1),
    header: (tenant: string) => `api-usage=${map.get(dayKey(tenant)) ?? 0}/${DAILY_API_REQUESTS}`,
  };
}

/** An injected answer carries the org's usage like every REST answer does. */
function withUsage(c: Context, state: SandboxState, tenant: string): Context {
  c.header('Sforce-Limit-Info', apiUsage(state).header(tenant));
  return c;
}

/** `api-usage=N/M` from `Sforce-Limit-Info`, or null. */
export function parseLimitInfo(header: string | null): { used: number; max: number } | null {
  const m = /api-usage=(\d+)\/(\d+)/.exec(header ?? '');
  return m ? { used: Number(m[1]), max: Number(m[2]) } : null;
}

/** Salesforce in the fault/limit layer. */
export const salesforceLimits: VendorLimitProfile = {
  expired: (c) => c.json([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], 401),
  rateLimited: (c, state, tenant) => withUsage(c, state, tenant).json([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 403),
  serverError: (c, state, tenant) => withUsage(c, state, tenant).json([{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }], 503),
  isRateLimited(res) {
    if (res.status !== 403) return false;
    const usage = parseLimitInfo(res.headers.get('sforce-limit-info'));
    return usage !== null && usage.used >= usage.max;
  },
};
