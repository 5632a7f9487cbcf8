/**
 * `RateLimiter` Durable Object: one instance per tenant and vendor (name `<tenant>:<system>`),
 * so every isolate serving that tenant shares one view of the vendor's limit. Durable Objects are
 * single-threaded, which makes grant decisions race-free without locks. The decision logic is the
 * pure `LimiterCore`; this class adds RPC and keeps the quota counters in the object's storage so
 * the ops view survives eviction. (Windows and leases live in memory: after an eviction the first
 * answers' limit headers, or at worst one 429, rebuild them; leases simply expire.)
 * https://developers.cloudflare.com/durable-objects/best-practices/rpc/
 */
import { DurableObject } from 'cloudflare:workers';
import { LimiterCore, type Grant, type Observation, type PermitRequest, type QuotaCounters, type QuotaSnapshot } from '../../connectors/limits/core.js';
import { policyFor, type LimitedSystem, type PolicyOverrides } from '../../connectors/limits/policy.js';

/** Which vendor (and overrides) an object limits; sent with every call so no setup step is needed. */
export interface LimiterKey {
  system: LimitedSystem;
  overrides?: PolicyOverrides;
}

export class RateLimiter extends DurableObject {
  private core: LimiterCore | undefined;
  private saved: QuotaCounters | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env as never);
    // Load the counters before the first call is served.
    void ctx.blockConcurrencyWhile(async () => {
      this.saved = await ctx.storage.get<QuotaCounters>('counters');
    });
  }

  private coreFor(key: LimiterKey): LimiterCore {
    const policy = policyFor(key.system, key.overrides);
    // A changed override (more NetSuite slots) takes effect at once, counters kept.
    if (!this.core || JSON.stringify(this.core.policy) !== JSON.stringify(policy)) {
      this.core = new LimiterCore(policy, this.core?.counters ?? this.saved);
    }
    return this.core;
  }

  /** Ask for permits (see `LimiterCore.acquire`). */
  async acquire(key: LimiterKey, req: PermitRequest): Promise<Grant> {
    const core = this.coreFor(key);
    const grant = core.acquire(req, Date.now());
    if (grant.ok && req.waitedMs) this.persist(core);
    return grant;
  }

  /** Report one answer: release the slot, count it, learn the vendor's numbers. */
  async observe(key: LimiterKey, o: Observation): Promise<void> {
    const core = this.coreFor(key);
    core.observe(o, Date.now());
    this.persist(core);
  }

  /** Quota consumption for the ops view. */
  async snapshot(key: LimiterKey): Promise<QuotaSnapshot> {
    return this.coreFor(key).snapshot(Date.now());
  }

  private persist(core: LimiterCore): void {
    // Not awaited: the output gate holds the reply until the write is durable, and writes coalesce.
    void this.ctx.storage.put('counters', core.counters);
  }
}
