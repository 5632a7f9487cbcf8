/**
 * The limiter's decision logic, pure and synchronous (time is passed in), so the same code runs
 * inside the `RateLimiter` Durable Object (one per tenant and vendor), in Node for tests and the
 * benchmark, and in unit tests with a fake clock. It grants permits, learns from what the vendor
 * said (limit headers, 429s) and keeps the quota counters the ops view shows.
 */
import type { ConcurrencyPolicy, DailyPolicy, LimitPolicy, WindowPolicy, WindowRule } from './policy.js';

/** What the caller asks for. */
export interface PermitRequest {
  /** Permits wanted (a gate may reserve several at once for window policies). */
  permits?: number;
  /** Extra window to pass as well (HubSpot `search`). */
  bucket?: string;
  /** How long the caller has waited so far (recorded for the ops view when the grant comes). */
  waitedMs?: number;
  /**
   * Permits for calls about to be made together (one account-view build's reads of a vendor):
   * up to `permits` are granted in one answer under one lease, each counted as an open call (a
   * NetSuite slot, a window place) until the lease is settled. Fewer may be granted.
   */
  hold?: boolean;
  /**
   * How long the caller is willing to wait for a NetSuite slot inside this one request: a limiter
   * that can hold requests (the `RateLimiter` object) then queues it, first come first served, and
   * grants it the moment a slot is given back, instead of answering "ask again in a few ms". A
   * burst of callers polling for slots would spend the slots' worth of limiter round trips, and a
   * lucky poller would overtake ones that waited longer.
   */
  waitUpToMs?: number;
}

/** The limiter's answer. */
export type Grant =
  | { ok: true; permits: number; leaseId?: string }
  | { ok: false; waitMs: number; exhausted: boolean };

/** What the vendor said about one call, parsed from its answer (see headers.ts). */
export interface Observation {
  status: number;
  /** Calls the vendor says are left in its window, with the window it counts in. */
  remaining?: number;
  max?: number;
  intervalMs?: number;
  /** How long until the oldest call the vendor counts leaves its window (Vitally `RateLimit-Reset`). */
  oldestLeavesInMs?: number;
  /** Server-given wait (Retry-After, RateLimit-Reset), when the vendor sends one. */
  retryAfterMs?: number | null;
  /** Daily allocation (Salesforce). */
  dailyUsed?: number;
  dailyMax?: number;
  /** A NetSuite slot to give back. */
  leaseId?: string;
  /**
   * A NetSuite slot whose call answered and that a caller of the same isolate now uses
   * (handoff.ts): the call counts, the lease stays and runs for another `leaseMs`.
   */
  renewLeaseId?: string;
  /** The answer was the vendor telling us to slow down (429, Salesforce 403 REQUEST_LIMIT_EXCEEDED). */
  rateLimited?: boolean;
  /** The extra window the call used (HubSpot `search`). */
  bucket?: string;
  /** Answers this observation reports (a held lease settles all its calls at once; default 1). */
  calls?: number;
  /**
   * How the caller used a single-call NetSuite slot, as it measured it: from the moment it had the
   * slot (granted or handed on) to this report, and the HTTP exchange within that (signing, the
   * request, the whole body). Summed into `QuotaCounters.slotUse`.
   */
  heldMs?: number;
  callMs?: number;
  /** Held permits that were never used (they did not reach the vendor and leave the window). */
  unused?: number;
}

/** Persistent part of the state (the DO stores it; windows are rebuilt from headers). */
export interface QuotaCounters {
  /** Calls that reached the vendor (observed answers). */
  calls: number;
  /** Answers telling us to slow down (429 / REQUEST_LIMIT_EXCEEDED). */
  rateLimited: number;
  /** Times a caller had to wait for a permit, and the total wait. */
  throttled: number;
  waitedMs: number;
  /** The vendor's own view when it gave one (window remaining or daily allocation). */
  remaining: number | null;
  max: number | null;
  lastStatus: number | null;
  updatedAt: number | null;
  /** Where a concurrency limit's slot time goes (NetSuite only; absent until a slot is used). */
  slotUse?: SlotUse;
}

/**
 * Slot time of a concurrency limit, in slot-milliseconds, so an operator (and the closed-won
 * bench) can see where a slot's time goes between the limiter and the vendor:
 * - `objectMs`: single-call leases as the limiter counted them, from grant to the report that gave
 *   the slot back (a handed-on lease stays in use through its handoffs) or its lapse;
 * - `callerMs`: the same calls as their callers measured them, from having the slot to reporting;
 * - `callMs`: the HTTP exchanges within that (what the vendor, the network and the body took).
 * `objectMs - callerMs` is the grants' and reports' travel and the handoffs; `callerMs - callMs`
 * is what callers did while holding a slot besides calling. Held leases (an account-view build's
 * permits) are counted apart in `heldMs` (slots x their lease time).
 */
export interface SlotUse {
  leases: number;
  objectMs: number;
  calls: number;
  callerMs: number;
  callMs: number;
  heldLeases: number;
  heldMs: number;
}

const roundSlotUse = (u: SlotUse): SlotUse => ({ ...u, objectMs: Math.round(u.objectMs), callerMs: Math.round(u.callerMs), callMs: Math.round(u.callMs), heldMs: Math.round(u.heldMs) });

const emptySlotUse = (): SlotUse => ({ leases: 0, objectMs: 0, calls: 0, callerMs: 0, callMs: 0, heldLeases: 0, heldMs: 0 });

/** Quota consumption for the ops view: the counters plus live state, times as ISO instants. */
export interface QuotaSnapshot extends Omit<QuotaCounters, 'updatedAt'> {
  policy: LimitPolicy['kind'];
  /** Slots in use (concurrency policy). */
  inFlight: number | null;
  blockedUntil: string | null;
  updatedAt: string | null;
}

const emptyCounters = (): QuotaCounters => ({ calls: 0, rateLimited: 0, throttled: 0, waitedMs: 0, remaining: null, max: null, lastStatus: null, updatedAt: null });

/** One call in a window: open from grant until its answer arrives, then timed at the answer. */
interface Entry {
  t: number;
  open: boolean;
}

/** Most permits one hold may take (a build's reads of one vendor are a handful). */
const MAX_HOLD = 20;

/** An answer that never came back (crashed caller) stops holding the window after this long. */
const OPEN_MAX_MS = 30_000;

/**
 * A rolling log of calls, paced by GCRA (https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm).
 * The vendor counts a call when it arrives, somewhere between our grant and its answer; so a call
 * occupies the window from its grant until `interval` after its answer. Load-dependent delays
 * between grant and arrival then cannot squeeze more than the cap into the vendor's window.
 */
class Window {
  private log: Entry[] = [];
  /** Theoretical arrival time of the next evenly paced call. */
  private tat = 0;

  constructor(
    private readonly rule: WindowRule,
    private readonly cap: number,
    private readonly burst: number,
    private readonly slackMs: number,
  ) {}

  private get span(): number {
    return this.rule.intervalMs + this.slackMs;
  }

  private isOpen(e: Entry, now: number): boolean {
    return e.open && now - e.t < OPEN_MAX_MS;
  }

  private prune(now: number): void {
    const from = now - this.span;
    this.log = this.log.filter((e) => this.isOpen(e, now) || e.t > from);
  }

  /** 0 when one more call may go now, else how long until it may. */
  waitFor(now: number): number {
    this.prune(now);
    const spacing = this.rule.intervalMs / this.cap;
    const paced = Math.max(0, this.tat - (this.burst - 1) * spacing - now);
    let full = 0;
    if (this.log.length >= this.cap) {
      // The (length - cap)-th answered call to expire frees the first place; open calls do not
      // expire until answered, so when they alone fill the window, poll briefly.
      const answered = this.log.filter((e) => !this.isOpen(e, now)).map((e) => e.t).sort((a, b) => a - b);
      const k = this.log.length - this.cap;
      full = k < answered.length ? answered[k]! + this.span - now : 25;
    }
    return Math.max(paced, full);
  }

  /** Count a call granted now; `open` until `settle` (when the caller reports the answer). */
  take(now: number, open: boolean): Entry {
    const spacing = this.rule.intervalMs / this.cap;
    const entry = { t: now, open };
    this.log.push(entry);
    this.tat = Math.max(this.tat, now) + spacing;
    return entry;
  }

  /** Forget a call that never reached the vendor (an unused held permit), and its place in the pacing. */
  drop(entry: Entry): void {
    const before = this.log.length;
    this.log = this.log.filter((e) => e !== entry);
    if (this.log.length < before) this.tat -= this.rule.intervalMs / this.cap;
  }

  /** Calls we believe the vendor has counted in its current window. */
  used(now: number): number {
    this.prune(now);
    return this.log.length;
  }

  /**
   * The vendor has seen more than we did (someone else uses the account, or this object was
   * evicted and lost its log): count those too. Only the log: others' calls count against the cap
   * but do not shift our own pacing. When the vendor says when its oldest call leaves its window,
   * the missing calls are spread from then to now, so they leave as the vendor's do; without it
   * they are counted as made now. Stamping them all now after an eviction made every caller wait
   * a whole window although the vendor's calls were leaving it one by one (the backfill's score
   * reads ran at half of Vitally's rate: each minute's poll, the first call after the object's
   * eviction, told the waiting callers to wait 59 s).
   */
  catchUp(vendorUsed: number, now: number, oldestLeavesInMs?: number): void {
    const missing = vendorUsed - this.used(now);
    if (missing <= 0) return;
    const from = oldestLeavesInMs === undefined ? now : Math.min(now, now - this.rule.intervalMs + Math.max(0, oldestLeavesInMs));
    for (let i = 0; i < missing; i++) this.log.push({ t: from + ((now - from) * i) / missing, open: false });
  }

  /** After a 429: treat the window as full from now. */
  fill(now: number): void {
    this.catchUp(this.cap, now);
  }
}

/** Answer time becomes the entry's time: the window holds it for `interval` from there. */
function settle(entries: Entry[], now: number): void {
  for (const e of entries) {
    e.t = Math.max(e.t, now);
    e.open = false;
  }
}

/** One tenant's limiter for one vendor. */
export class LimiterCore {
  private readonly windows = new Map<string, Window>();
  /** NetSuite slots in use: lease id -> when it lapses and how many slots it holds. */
  private readonly leases = new Map<string, { until: number; slots: number; grantedAt: number; hold: boolean }>();
  /** Window calls granted and not yet answered, by lease id. */
  private readonly pending = new Map<string, { at: number; entries: Entry[] }>();
  private blockedUntil = 0;
  private daily: { used: number; max: number; pending: number } | null = null;
  /**
   * Lease ids are unique across instances of the object too (an evicted object starts again),
   * since callers keep them (handoff.ts hands a lease on by its id).
   */
  private nextLease = Date.now() * 1000;
  counters: QuotaCounters;

  constructor(
    readonly policy: LimitPolicy,
    counters?: QuotaCounters,
  ) {
    this.counters = counters ?? emptyCounters();
    if (policy.kind === 'window') {
      const slack = policy.reserve > 1 ? policy.reserveTtlMs : 0;
      this.windows.set('', new Window(policy.rule, policy.rule.max - policy.headroom, policy.burst, slack));
      for (const [name, rule] of Object.entries(policy.buckets)) this.windows.set(name, new Window(rule, rule.max, 1, slack));
    }
  }

  /** Ask for permits; a denial says how long to wait (or that the allocation is spent). */
  acquire(req: PermitRequest, now: number): Grant {
    if (this.blockedUntil > now) return { ok: false, waitMs: this.blockedUntil - now, exhausted: false };
    const grant = this.decide(req, now);
    if (grant.ok && req.waitedMs) this.noteWait(req.waitedMs);
    return grant;
  }

  private decide(req: PermitRequest, now: number): Grant {
    switch (this.policy.kind) {
      case 'window':
        return this.acquireWindow(req, now);
      case 'daily':
        return this.acquireDaily(this.policy, now, req.hold ? (req.permits ?? 1) : 1);
      case 'concurrency':
        return this.acquireSlot(this.policy, now, req.hold ? (req.permits ?? 1) : 1, req.hold === true);
    }
  }

  private acquireWindow(req: PermitRequest, now: number): Grant {
    const p = this.policy as WindowPolicy;
    const main = this.windows.get('')!;
    const extra = req.bucket ? this.windows.get(req.bucket) : undefined;
    // Reserved permits are counted at grant (the window is widened by their TTL instead);
    // single and held permits stay open until answered (see Window).
    const want = Math.max(1, Math.min(req.permits ?? 1, req.hold ? MAX_HOLD : p.reserve));
    const open = want === 1 || req.hold === true;
    for (const [id, v] of this.pending) if (now - v.at > OPEN_MAX_MS) this.pending.delete(id);
    let granted = 0;
    const entries: Entry[] = [];
    for (; granted < want; granted++) {
      const wait = Math.max(main.waitFor(now), extra?.waitFor(now) ?? 0);
      if (wait > 0) {
        if (granted === 0) return { ok: false, waitMs: Math.ceil(wait), exhausted: false };
        break;
      }
      entries.push(main.take(now, open));
      if (extra) entries.push(extra.take(now, open));
    }
    if (!open) return { ok: true, permits: granted };
    const leaseId = `w${this.nextLease++}`;
    this.pending.set(leaseId, { at: now, entries });
    return { ok: true, permits: granted, leaseId };
  }

  private acquireDaily(p: DailyPolicy, now: number, want: number): Grant {
    if (!this.daily) return { ok: true, permits: want }; // nothing known yet: the first answer tells us
    const reserve = Math.max(p.minReserve, Math.ceil(this.daily.max * p.reserveFraction));
    const room = this.daily.max - reserve - this.daily.used - this.daily.pending;
    if (room <= 0) return { ok: false, waitMs: msToNextUtcMidnight(now), exhausted: true };
    const granted = Math.min(want, room);
    this.daily.pending += granted;
    return { ok: true, permits: granted };
  }

  private slotsInUse(now: number): number {
    let used = 0;
    for (const [id, lease] of this.leases) {
      if (lease.until <= now) {
        this.leases.delete(id);
        this.countLease(lease, lease.until);
      } else used += lease.slots;
    }
    return used;
  }

  /** A lease ended (given back at `end`, or lapsed): its slot time goes into `slotUse`. */
  private countLease(lease: { slots: number; grantedAt: number; hold: boolean }, end: number): void {
    const u = (this.counters.slotUse ??= emptySlotUse());
    const ms = Math.max(0, end - lease.grantedAt) * lease.slots;
    if (lease.hold) {
      u.heldLeases += 1;
      u.heldMs += ms;
    } else {
      u.leases += 1;
      u.objectMs += ms;
    }
  }

  private acquireSlot(p: ConcurrencyPolicy, now: number, want: number, hold: boolean): Grant {
    const free = p.slots - this.slotsInUse(now);
    if (free <= 0) {
      const soonest = Math.min(...[...this.leases.values()].map((l) => l.until));
      // Slots are usually given back long before their lease ends: poll briefly.
      return { ok: false, waitMs: Math.max(1, Math.min(25, soonest - now)), exhausted: false };
    }
    const slots = Math.min(want, free);
    const leaseId = `l${this.nextLease++}`;
    this.leases.set(leaseId, { until: now + p.leaseMs, slots, grantedAt: now, hold });
    return { ok: true, permits: slots, leaseId };
  }

  /** Record that a caller waited `ms` for a permit (for the ops view). */
  noteWait(ms: number): void {
    this.counters.throttled += 1;
    this.counters.waitedMs += Math.round(ms);
  }

  /** Learn from one answer: give back the slot, count it, follow the vendor's own numbers. */
  observe(o: Observation, now: number): void {
    if (o.leaseId) {
      const lease = this.leases.get(o.leaseId);
      if (lease) {
        this.leases.delete(o.leaseId);
        this.countLease(lease, now);
      }
      const p = this.pending.get(o.leaseId);
      if (p) {
        // Held permits never used did not reach the vendor: they leave the window.
        const unused = Math.min(o.unused ?? 0, p.entries.length);
        const main = this.windows.get('');
        for (const e of p.entries.splice(p.entries.length - unused, unused)) main?.drop(e);
        settle(p.entries, now);
      }
      this.pending.delete(o.leaseId);
    }
    if (o.renewLeaseId && this.policy.kind === 'concurrency') {
      const lease = this.leases.get(o.renewLeaseId);
      if (lease) lease.until = now + this.policy.leaseMs;
    }
    const c = this.counters;
    if (this.policy.kind === 'concurrency' && o.heldMs !== undefined && o.callMs !== undefined) {
      const u = (c.slotUse ??= emptySlotUse());
      u.calls += 1;
      u.callerMs += Math.max(0, o.heldMs);
      u.callMs += Math.max(0, o.callMs);
    }
    c.updatedAt = now;
    c.lastStatus = o.status;
    c.calls += o.calls ?? (o.status > 0 ? 1 : 0);
    if (this.daily) this.daily.pending = Math.max(0, this.daily.pending - (o.calls !== undefined ? o.calls + (o.unused ?? 0) : 1));
    if (o.dailyUsed !== undefined && o.dailyMax !== undefined) {
      this.daily = { used: o.dailyUsed, max: o.dailyMax, pending: this.daily?.pending ?? 0 };
      c.remaining = o.dailyMax - o.dailyUsed;
      c.max = o.dailyMax;
    }
    const main = this.windows.get('');
    if (o.remaining !== undefined && o.max !== undefined) {
      c.remaining = o.remaining;
      c.max = o.max;
      // A 429 that says when to come back (Vitally's bucket refills continuously) is followed
      // by that wait alone; reading "0 remaining" as a full window would wait a whole minute.
      if (!(o.rateLimited && o.retryAfterMs != null)) main?.catchUp(o.max - o.remaining, now, o.oldestLeavesInMs);
    }
    if (o.rateLimited) {
      c.rateLimited += 1;
      if (o.retryAfterMs != null) this.blockedUntil = Math.max(this.blockedUntil, now + o.retryAfterMs);
      else if (o.bucket && this.windows.has(o.bucket) && (o.remaining ?? 0) > 0) {
        // The main window still has room, so it was the bucket's limit (HubSpot SECONDLY search).
        this.windows.get(o.bucket)!.fill(now);
      } else if (main) main.fill(now); // HubSpot sends no Retry-After: wait out the window
      else if (this.policy.kind === 'concurrency') this.blockedUntil = Math.max(this.blockedUntil, now + 100);
    }
  }

  /** Quota consumption now. */
  snapshot(now: number): QuotaSnapshot {
    const c = this.counters;
    return {
      policy: this.policy.kind,
      calls: c.calls,
      rateLimited: c.rateLimited,
      throttled: c.throttled,
      waitedMs: c.waitedMs,
      remaining: c.remaining,
      max: c.max,
      inFlight: this.policy.kind === 'concurrency' ? [...this.leases.values()].filter((l) => l.until > now).reduce((n, l) => n + l.slots, 0) : null,
      lastStatus: c.lastStatus,
      blockedUntil: this.blockedUntil > now ? new Date(this.blockedUntil).toISOString() : null,
      updatedAt: c.updatedAt === null ? null : new Date(c.updatedAt).toISOString(),
      ...(c.slotUse ? { slotUse: roundSlotUse(c.slotUse) } : {}),
    };
  }
}

/** Milliseconds until the next UTC midnight (when a daily allocation is next worth retrying). */
export function msToNextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}
