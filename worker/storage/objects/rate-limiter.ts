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

/** Longest one `acquire` is held in the line (the caller asks again after it, within its own wait). */
export const LINE_WAIT_MAX_MS = 10_000;
/** How often the quota counters are saved while they change. */
export const PERSIST_EVERY_MS = 1_000;

interface Waiter {
  req: PermitRequest;
  resolve: (g: Grant) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class RateLimiter extends DurableObject {
  private core: LimiterCore | undefined;
  private saved: QuotaCounters | undefined;
  /** Callers waiting for a NetSuite slot, oldest first (see `PermitRequest.waitUpToMs`). */
  private line: Waiter[] = [];
  /** One timer that serves the line again when a pause ends without an answer to wake it. */
  private wake: ReturnType<typeof setTimeout> | undefined;
  /** The pending save of the counters (see `persist`). */
  private persistTimer: ReturnType<typeof setTimeout> | undefined;

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

  /**
   * Ask for permits (see `LimiterCore.acquire`). For a concurrency limit (NetSuite) a caller that
   * may wait (`waitUpToMs`) joins the line when no slot is free, or when others wait already (no
   * overtaking), and is answered when a slot comes back, or "ask again" after its wait.
   */
  async acquire(key: LimiterKey, req: PermitRequest): Promise<Grant> {
    const core = this.coreFor(key);
    const queueable = core.policy.kind === 'concurrency' && (req.waitUpToMs ?? 0) > 0;
    if (!(queueable && this.line.length > 0)) {
      const grant = core.acquire(req, Date.now());
      if (grant.ok && req.waitedMs) this.persist(core);
      if (grant.ok || grant.exhausted || !queueable) return grant;
    }
    return new Promise<Grant>((resolve) => {
      const waiter: Waiter = {
        req,
        resolve,
        timer: setTimeout(() => {
          this.line = this.line.filter((w) => w !== waiter);
          resolve({ ok: false, waitMs: 1, exhausted: false });
        }, Math.min(req.waitUpToMs ?? 0, LINE_WAIT_MAX_MS)),
      };
      this.line.push(waiter);
      // A slot may have come back (or a lease lapsed) since the first look.
      this.serveLine(core);
    });
  }

  /** Report one answer: release the slot, count it, learn the vendor's numbers; serve the line. */
  async observe(key: LimiterKey, o: Observation): Promise<void> {
    const core = this.coreFor(key);
    core.observe(o, Date.now());
    this.persist(core);
    this.serveLine(core);
  }

  /**
   * Grant waiting callers, oldest first, while slots are free. Most slots come back with an
   * answer (`observe`), but some refusals end with time alone: the short pause after a 429 (slots
   * taken by another integration) or a lease that lapsed. When nothing is in flight no answer will
   * come, so the line sets itself one timer for the moment the limiter says to look again.
   */
  private serveLine(core: LimiterCore): void {
    if (this.wake !== undefined) {
      clearTimeout(this.wake);
      this.wake = undefined;
    }
    while (this.line.length > 0) {
      const head = this.line[0]!;
      const grant = core.acquire(head.req, Date.now());
      if (!grant.ok) {
        this.wake = setTimeout(() => {
          this.wake = undefined;
          if (this.core) this.serveLine(this.core);
        }, Math.max(1, grant.waitMs));
        return;
      }
      this.line.shift();
      clearTimeout(head.timer);
      if (head.req.waitedMs) this.persist(core);
      head.resolve(grant);
    }
  }

  /** Quota consumption for the ops view. */
  async snapshot(key: LimiterKey): Promise<QuotaSnapshot> {
    return this.coreFor(key).snapshot(Date.now());
  }

  /**
   * Save the counters, at most once per `PERSIST_EVERY_MS`, unconfirmed. They are the ops view's
   * figures, not limiter state: a default `put` makes the output gate hold every reply the object
   * sends until the write is durable, grants to waiting callers included, so under a burst each
   * slot handed on waited for a SQLite commit. An eviction may lose the last second of counts.
   */
  private persist(core: LimiterCore): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      void this.ctx.storage.put('counters', (this.core ?? core).counters, { allowUnconfirmed: true });
    }, PERSIST_EVERY_MS);
  }
}
