/**
 * Each vendor's limit as data: what the limiter enforces before a call leaves the broker.
 * The numbers come from the connectors' descriptors (which cite the vendor docs); this file only
 * adds the limiter's own margins (headroom, burst, reservation) and says why they are what they are.
 */
import { hubspotDescriptor } from '../hubspot/descriptor.js';
import { netsuiteDescriptor } from '../netsuite/descriptor.js';
import { salesforceDescriptor } from '../salesforce/descriptor.js';
import { vitallyDescriptor } from '../vitally/descriptor.js';

/** A rolling window: at most `max` calls in any `intervalMs`. */
export interface WindowRule {
  max: number;
  intervalMs: number;
}

/**
 * Requests per rolling window, paced evenly (GCRA) with a small burst. `headroom` permits are
 * never used so that clock jitter between broker and vendor cannot produce a 429. Named `buckets`
 * are extra windows a call may also need (HubSpot search: 5/s on top of the 110/10 s).
 */
export interface WindowPolicy {
  kind: 'window';
  rule: WindowRule;
  headroom: number;
  /** Calls allowed back to back before even pacing applies. */
  burst: number;
  buckets: Record<string, WindowRule>;
  /** Permits a gate may take per round trip to the limiter; each must be used within `reserveTtlMs`. */
  reserve: number;
  reserveTtlMs: number;
}

/** A daily allocation the vendor reports in headers (Salesforce `Sforce-Limit-Info`). */
export interface DailyPolicy {
  kind: 'daily';
  /** Stop this many calls before the cap (max(minReserve, fraction x cap)) so users keep some. */
  reserveFraction: number;
  minReserve: number;
}

/** A pool of simultaneous requests (NetSuite): acquire a slot, release it after the call. */
export interface ConcurrencyPolicy {
  kind: 'concurrency';
  slots: number;
  /** A slot not released within this time is reclaimed (crashed request, lost isolate). */
  leaseMs: number;
}

export type LimitPolicy = WindowPolicy | DailyPolicy | ConcurrencyPolicy;

/** Systems the limiter knows. */
export type LimitedSystem = 'hubspot' | 'salesforce' | 'netsuite' | 'vitally';

/** Optional per-connection overrides (a NetSuite account with SuiteCloud Plus has more slots). */
export interface PolicyOverrides {
  netsuiteSlots?: number;
}

/** The limit policy of `system`. */
export function policyFor(system: LimitedSystem, overrides: PolicyOverrides = {}): LimitPolicy {
  switch (system) {
    case 'hubspot': {
      const r = hubspotDescriptor.rateLimit;
      // 2 of 110 kept back: the vendor counts on arrival, we count on grant; a few ms of jitter
      // at the window edge must not cost a 429. Burst 10 keeps a card's parallel reads fast.
      return { kind: 'window', rule: { max: r.requests, intervalMs: r.intervalMs }, headroom: 2, burst: 10, buckets: { search: { max: r.searchPerSecond, intervalMs: 1000 } }, reserve: 1, reserveTtlMs: 0 };
    }
    case 'vitally':
      // 1,000/min as a token bucket: a burst of 500 lets a page of cold views through at once;
      // one permit per round trip (a reservation left unused would sit idle in the window).
      return { kind: 'window', rule: { max: vitallyDescriptor.requestsPerMinute, intervalMs: 60_000 }, headroom: 10, burst: 500, buckets: {}, reserve: 1, reserveTtlMs: 0 };
    case 'netsuite':
      return { kind: 'concurrency', slots: overrides.netsuiteSlots ?? netsuiteDescriptor.defaultConcurrency, leaseMs: netsuiteDescriptor.timeoutMs * 3 };
    case 'salesforce':
      return { kind: 'daily', ...salesforceDescriptor.dailyAllocation };
  }
}
