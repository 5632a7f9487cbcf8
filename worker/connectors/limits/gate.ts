/**
 * Gates: what a connector holds to ask "may I call the vendor now?". A gate talks to a limiter
 * backend (the tenant's `RateLimiter` Durable Object, or an in-process `LimiterCore`), waits when
 * told to, keeps reserved permits so generous limits do not cost one limiter round trip per call,
 * and gives up with `rate_limited` (and the time to retry) when the wait would be too long or the
 * allocation is spent, so interactive callers fail fast and queues retry later.
 */
import { ConcordError } from '../../errors.js';
import { sleep as realSleep } from './backoff.js';
import { LimiterCore, type Grant, type Observation, type PermitRequest, type QuotaSnapshot } from './core.js';
import type { LimitPolicy } from './policy.js';

/** Permission for one call; `settle` reports the answer (and gives a NetSuite slot back). */
export interface Permit {
  settle(o: Observation): Promise<void>;
}

/** What connectors use. */
export interface LimitGate {
  acquire(req?: { bucket?: string }): Promise<Permit>;
}

/** The limiter a gate talks to. */
export interface LimiterBackend {
  acquire(req: PermitRequest): Promise<Grant>;
  observe(o: Observation): Promise<void>;
}

export interface GateOptions {
  system: string;
  /** Longest a caller waits for a permit before giving up with `rate_limited` (default 30 s). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** A gate over any backend, with local reservations for window policies that allow them. */
export class PacedGate implements LimitGate {
  private reserved: number[] = []; // expiry times of permits granted but not yet used

  constructor(
    private readonly backend: LimiterBackend,
    private readonly policy: LimitPolicy,
    private readonly opts: GateOptions,
  ) {}

  async acquire(req: { bucket?: string } = {}): Promise<Permit> {
    const now = this.opts.now ?? Date.now;
    const sleep = this.opts.sleep ?? realSleep;
    const maxWait = this.opts.maxWaitMs ?? 30_000;
    const canReserve = this.policy.kind === 'window' && this.policy.reserve > 1 && !req.bucket;
    if (canReserve) {
      this.reserved = this.reserved.filter((until) => until > now());
      if (this.reserved.shift() !== undefined) return this.permit();
    }
    let waited = 0;
    for (;;) {
      const want = canReserve && this.policy.kind === 'window' ? this.policy.reserve : 1;
      const grant = await this.backend.acquire({ permits: want, ...(req.bucket ? { bucket: req.bucket } : {}), ...(waited ? { waitedMs: waited } : {}) });
      if (grant.ok) {
        if (canReserve && this.policy.kind === 'window') {
          const until = now() + this.policy.reserveTtlMs;
          for (let i = 1; i < grant.permits; i++) this.reserved.push(until);
        }
        return this.permit(grant.leaseId);
      }
      if (grant.exhausted || waited + grant.waitMs > maxWait) {
        throw new ConcordError({ kind: 'rate_limited', system: this.opts.system, retryAfterMs: grant.waitMs });
      }
      await sleep(grant.waitMs);
      waited += grant.waitMs;
    }
  }

  private permit(leaseId?: string): Permit {
    return { settle: (o) => this.backend.observe(leaseId ? { ...o, leaseId } : o) };
  }
}

/** An in-process limiter (Node tools, tests, or a single-isolate fallback). */
export class LocalLimiter implements LimiterBackend {
  readonly core: LimiterCore;

  constructor(
    policy: LimitPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.core = new LimiterCore(policy);
  }

  async acquire(req: PermitRequest): Promise<Grant> {
    return this.core.acquire(req, this.now());
  }

  async observe(o: Observation): Promise<void> {
    this.core.observe(o, this.now());
  }

  snapshot(): QuotaSnapshot {
    return this.core.snapshot(this.now());
  }
}

/** A gate with its own in-process limiter for `policy`. */
export function localGate(policy: LimitPolicy, opts: GateOptions): { gate: PacedGate; limiter: LocalLimiter } {
  const limiter = new LocalLimiter(policy, opts.now);
  return { gate: new PacedGate(limiter, policy, opts), limiter };
}
