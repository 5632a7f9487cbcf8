/**
 * Gates backed by the tenant's `RateLimiter` Durable Object (binding `RATE_LIMITER`), one object
 * per tenant and vendor. `limitsFor(env, tenantId)` is what a service puts into its CallContext:
 *   const ctx = { correlationId, log, tenantId, limits: limitsFor(env, tenantId) };
 * Without the binding (an old wrangler.toml) calls are simply not paced.
 */
import type { RateLimiter, LimiterKey } from '../../storage/objects/rate-limiter.js';
import type { Grant, Observation, PermitRequest } from './core.js';
import { PacedGate, type GateOptions, type LimitGate, type LimiterBackend } from './gate.js';
import { LOCAL_WAIT_MS, slotPoolFor, type SlotPool } from './handoff.js';
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

/**
 * A limiter backend over RPC to the object. With a slot pool (NetSuite), single-call slots are
 * handed between callers of this isolate without a round trip in between (handoff.ts).
 */
export class DurableLimiter implements LimiterBackend {
  constructor(
    private readonly stub: DurableObjectStub<RateLimiter>,
    private readonly key: LimiterKey,
    private readonly pool?: SlotPool,
  ) {}

  async acquire(req: PermitRequest): Promise<Grant> {
    const single = this.pool !== undefined && !req.hold && (req.permits ?? 1) === 1;
    let ask = req;
    if (single && (req.waitUpToMs ?? 0) > 0) {
      const t0 = Date.now();
      const handed = await this.pool!.wait(t0, Math.min(req.waitUpToMs!, LOCAL_WAIT_MS));
      // Not ours when it came too late (the caller that handed it on took it for gone): ask the object.
      if (handed && this.pool!.take(handed)) return { ok: true, permits: 1, leaseId: handed.leaseId };
      // What the wait here took comes off the wait in the object's line.
      const left = req.waitUpToMs! - (Date.now() - t0);
      ask = { ...req, waitUpToMs: Math.max(1, left) };
    }
    const grant = (await this.stub.acquire(this.key, ask)) as Grant;
    if (single && grant.ok && grant.leaseId && grant.permits === 1) this.pool!.adopt(grant.leaseId, Date.now());
    return grant;
  }

  async observe(o: Observation): Promise<void> {
    if (this.pool && o.leaseId && this.pool.owns(o.leaseId)) {
      // A 429 or a call without an answer gives the slot back (the object pauses; NetSuite may still run it).
      const { leaseId, ...rest } = o;
      if (this.pool.pass(leaseId, Date.now(), !o.rateLimited && o.status > 0)) {
        await this.stub.observe(this.key, { ...rest, renewLeaseId: leaseId });
        await this.handedOnOrBack(leaseId);
        return;
      }
    }
    await this.stub.observe(this.key, o);
  }

  /**
   * After a handoff and the report that renewed the lease: a waiter still alive has taken the
   * slot by now (its continuation runs as soon as the offer resolves; the report took a round
   * trip and this waits one more turn). One that has not is gone (handoff.ts): the slot goes to
   * the next waiter here, or back to the object, instead of sitting leased to no one for
   * `leaseMs`. A waiter merely late is safe: its `take` fails and it asks the object.
   */
  private async handedOnOrBack(leaseId: string): Promise<void> {
    const pool = this.pool!;
    for (;;) {
      // One turn of the event loop: the waiter's continuation runs first when there is one.
      await new Promise((r) => setTimeout(r, 0));
      if (!pool.untaken(leaseId)) return;
      if (!pool.pass(leaseId, Date.now(), true)) {
        await this.stub.observe(this.key, { status: 0, calls: 0, leaseId });
        return;
      }
    }
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
      const policy = policyFor(key.system, key.overrides);
      const pool = policy.kind === 'concurrency' ? slotPoolFor(`${tenantId}:${system}:${policy.slots}`, policy.leaseMs) : undefined;
      gate = new PacedGate(new DurableLimiter(stub, key, pool), policy, gateOpts);
      gates.set(system, gate);
    }
    return gate;
  };
}
