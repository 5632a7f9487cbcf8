/**
 * Quota consumption per vendor for one tenant, read from the tenant's `RateLimiter` objects:
 * calls made, 429s received, waits imposed by the limiter, and what the vendor last said was left.
 */
import { LIMITED, limiterStub, type LimiterEnv } from '../connectors/limits/durable.js';
import type { QuotaSnapshot } from '../connectors/limits/core.js';
import { policyFor, type LimitPolicy } from '../connectors/limits/policy.js';

/** One vendor's line in the ops view. */
export interface VendorQuota {
  system: string;
  /** The limit as Concord enforces it, in words (for operators). */
  limit: string;
  usage: QuotaSnapshot | null;
}

function describe(p: LimitPolicy): string {
  switch (p.kind) {
    case 'window': {
      const extra = Object.entries(p.buckets).map(([name, r]) => `; ${name} ${r.max} / ${r.intervalMs / 1000} s`).join('');
      return `${p.rule.max} requests / ${p.rule.intervalMs / 1000} s rolling (Concord uses ${p.rule.max - p.headroom})${extra}`;
    }
    case 'daily':
      return `daily API allocation from Sforce-Limit-Info (Concord stops ${p.reserveFraction * 100} % / at least ${p.minReserve} calls before the cap)`;
    case 'concurrency':
      return `${p.slots} concurrent requests per account (lease ${p.leaseMs / 1000} s)`;
  }
}

/** The ops view of every vendor's limiter for `tenantId`. */
export async function quotaOf(env: LimiterEnv, tenantId: string): Promise<VendorQuota[]> {
  return Promise.all(
    LIMITED.map(async (system) => {
      const stub = limiterStub(env, tenantId, system);
      const usage = stub ? ((await stub.snapshot({ system })) as QuotaSnapshot) : null;
      return { system, limit: describe(policyFor(system)), usage };
    }),
  );
}
