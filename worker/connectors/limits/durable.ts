/**
 * Gates backed by the tenant's `RateLimiter` Durable Object (binding `RATE_LIMITER`), one object
 * per tenant and vendor. `limitsFor(env, tenantId)` is what a service puts into its CallContext:
 *   const ctx = { correlationId, log, tenantId, limits: limitsFor(env, tenantId) };
 * Without the binding (an old wrangler.toml) calls are simply not paced.
 */
import type { RateLimiter, LimiterKey } from '../../storage/objects/rate-limiter.js';
import type { Grant, Observation, PermitRequest } from './core.js';
import { PacedGate, type GateOptions, type LimitGate, type LimiterBackend } from './gate.js';
import { policyFor, type LimitedSystem, type PolicyOverrides } from './policy.js';

/** The binding this module needs (added to the broker's Env by wrangler.toml). */
export interface LimiterEnv {
  RATE_LIMITER?: DurableObjectNamespace<RateLimiter>;
}

/** Systems with a limiter. */
export const LIMITED: readonly LimitedSystem[] = ['hubspot', 'salesforce', 'netsuite', 'vitally'];

/** The object that limits `system` for `tenantId`. */
export function limiterStub(env: LimiterEnv, tenantId: string, system: LimitedSystem): DurableObjectStub<RateLimiter> | undefined {
  const ns = env.RATE_LIMITER;
  return ns ? ns.get(ns.idFromName(`${tenantId}:${system}`)) : undefined;
}

/** A limiter backend over RPC to the object. */
export class DurableLimiter implements LimiterBackend {
  constructor(
    private readonly stub: DurableObjectStub<RateLimiter>,
    private readonly key: LimiterKey,
  ) {}

  async acquire(req: PermitRequest): Promise<Grant> {
    return (await this.stub.acquire(this.key, req)) as Grant;
  }

  async observe(o: Observation): Promise<void> {
    await this.stub.observe(this.key, o);
  }
}

/**
 * Gate provider for a CallContext: one gate per system for this tenant (kept for the request,
 * so reserved permits are reused across that request's calls).
 */
export function limitsFor(env: LimiterEnv, tenantId: string, opts: { maxWaitMs?: number; overrides?: PolicyOverrides } = {}): (system: string) => LimitGate | undefined {
  const gates = new Map<string, LimitGate>();
  return (system) => {
    if (!LIMITED.includes(system as LimitedSystem)) return undefined;
    let gate = gates.get(system);
    if (!gate) {
      const stub = limiterStub(env, tenantId, system as LimitedSystem);
      if (!stub) return undefined;
      const key: LimiterKey = { system: system as LimitedSystem, ...(opts.overrides ? { overrides: opts.overrides } : {}) };
      const gateOpts: GateOptions = { system, ...(opts.maxWaitMs !== undefined ? { maxWaitMs: opts.maxWaitMs } : {}) };
      gate = new PacedGate(new DurableLimiter(stub, key), policyFor(key.system, key.overrides), gateOpts);
      gates.set(system, gate);
    }
    return gate;
  };
}
