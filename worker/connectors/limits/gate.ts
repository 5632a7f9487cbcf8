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
  /**
   * Take permits for `n` calls about to be made together in one limiter round trip; the next
   * `acquire`s are served from them without asking the limiter, and their answers are reported
   * in one round trip by `release`. Resolves to the number held (fewer when the limiter had
   * fewer; the rest are asked for one by one). Waits and gives up as `acquire` does.
   */
  hold?(n: number): Promise<number>;
  /** Report the held permits' answers and give back what is left (one round trip). */
  release?(): Promise<void>;
  /**
   * True when held permits are concurrency slots other callers wait for (NetSuite): they are
   * given back the moment the calls end. Held window permits only report their use, which can
   * wait until the caller has answered.
   */
  readonly holdsSlots?: boolean;
}

/** Permits held for a build (see LimitGate.hold). */
interface Held {
  leaseId?: string;
  total: number;
  /** Window and daily permits are used once; a NetSuite slot is reused by the next sequential call. */
  reusable: boolean;
  used: number;
  inUse: number;
  calls: number;
  last: Observation | null;
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
  get holdsSlots(): boolean {
    return this.policy.kind === 'concurrency';
  }
  private reserved: number[] = []; // expiry times of permits granted but not yet used
  private held: Held | null = null;

  constructor(
    private readonly backend: LimiterBackend,
    private readonly policy: LimitPolicy,
    private readonly opts: GateOptions,
  ) {}

  async hold(n: number): Promise<number> {
    if (this.held) await this.release();
    const grant = await this.grant({ permits: Math.max(1, n), hold: true });
    this.held = { ...(grant.leaseId ? { leaseId: grant.leaseId } : {}), total: grant.permits, reusable: this.policy.kind === 'concurrency', used: 0, inUse: 0, calls: 0, last: null };
    return grant.permits;
  }

  async release(): Promise<void> {
    const h = this.held;
    if (!h) return;
    this.held = null;
    const unused = h.reusable ? 0 : h.total - h.used;
    // The last call's own slot timing is not the held lease's (the limiter counts held leases apart).
    const { heldMs: _heldMs, callMs: _callMs, ...last } = h.last ?? { status: 0 };
    await this.backend.observe({ ...last, calls: h.calls, unused, ...(h.leaseId ? { leaseId: h.leaseId } : {}) });
  }

  /** A permit from the held ones, or null when none is free. */
  private fromHeld(req: { bucket?: string }): Permit | null {
    const h = this.held;
    if (!h || req.bucket || (h.reusable ? h.inUse >= h.total : h.used >= h.total)) return null;
    h.used += 1;
    h.inUse += 1;
    return {
      settle: async (o) => {
        h.inUse -= 1;
        if (o.status > 0) h.calls += 1;
        h.last = o;
        // A "slow down" is news the limiter needs now, not when the build ends.
        if (o.rateLimited) {
          const { heldMs: _heldMs, callMs: _callMs, ...news } = o;
          await this.backend.observe({ ...news, calls: 0 });
        }
      },
    };
  }

  /**
   * What to add to a request for a concurrency limit: how long the limiter may hold it in its line
   * (the rest of this caller's wait). Window and daily limits answer at once with the wait.
   */
  private line(waited: number): { waitUpToMs?: number } {
    const left = (this.opts.maxWaitMs ?? 30_000) - waited;
    return this.policy.kind === 'concurrency' && left > 0 ? { waitUpToMs: left } : {};
  }

  /** Ask the limiter until it grants (sleeping what it says), or give up with rate_limited. */
  private async grant(req: PermitRequest): Promise<{ permits: number; leaseId?: string }> {
    const sleep = this.opts.sleep ?? realSleep;
    const now = this.opts.now ?? Date.now;
    const maxWait = this.opts.maxWaitMs ?? 30_000;
    const t0 = now();
    // The wait counts what the limiter's line held the caller too, not only the sleeps.
    let waited = 0;
    for (;;) {
      const grant = await this.backend.acquire({ ...req, ...(waited ? { waitedMs: waited } : {}), ...this.line(waited) });
      waited = Math.max(waited, now() - t0);
      if (grant.ok) return { permits: grant.permits, ...(grant.leaseId ? { leaseId: grant.leaseId } : {}) };
      if (grant.exhausted || waited + grant.waitMs > maxWait) {
        throw new ConcordError({ kind: 'rate_limited', system: this.opts.system, retryAfterMs: grant.waitMs });
      }
      await sleep(grant.waitMs);
      waited = Math.max(waited + grant.waitMs, now() - t0);
    }
  }

  async acquire(req: { bucket?: string } = {}): Promise<Permit> {
    const local = this.fromHeld(req);
    if (local) return local;
    const now = this.opts.now ?? Date.now;
    const sleep = this.opts.sleep ?? realSleep;
    const maxWait = this.opts.maxWaitMs ?? 30_000;
    const canReserve = this.policy.kind === 'window' && this.policy.reserve > 1 && !req.bucket;
    if (canReserve) {
      this.reserved = this.reserved.filter((until) => until > now());
      if (this.reserved.shift() !== undefined) return this.permit();
    }
    const t0 = now();
    let waited = 0;
    for (;;) {
      const want = canReserve && this.policy.kind === 'window' ? this.policy.reserve : 1;
      const grant = await this.backend.acquire({ permits: want, ...(req.bucket ? { bucket: req.bucket } : {}), ...(waited ? { waitedMs: waited } : {}), ...this.line(waited) });
      waited = Math.max(waited, now() - t0);
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
      waited = Math.max(waited + grant.waitMs, now() - t0);
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
