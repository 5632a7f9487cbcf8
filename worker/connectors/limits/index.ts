/**
 * Vendor limits, retries and pacing for connectors. See docs/limits.md.
 * - policy.ts: each vendor's limit as data; core.ts: the pure limiter;
 * - gate.ts: what connectors hold (reservations, waiting, giving up); durable.ts: DO-backed gates;
 * - guard.ts: one guarded call (permit, attempt, observe, decide); headers.ts: vendor limit headers.
 */
export { LimiterCore, msToNextUtcMidnight, type Grant, type Observation, type PermitRequest, type QuotaSnapshot } from './core.js';
export { PacedGate, LocalLimiter, localGate, type LimitGate, type LimiterBackend, type Permit } from './gate.js';
export { guarded, type AttemptResult, type GuardSpec, type RefreshHook } from './guard.js';
export { readLimitHeaders, retryAfterMs, salesforceUsage } from './headers.js';
export { fullJitter } from './backoff.js';
export { policyFor, type LimitPolicy, type LimitedSystem } from './policy.js';
