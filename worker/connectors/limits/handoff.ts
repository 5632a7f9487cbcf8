/**
 * NetSuite slots handed from call to call inside one isolate, without a round trip to the
 * `RateLimiter` object in between.
 *
 * A NetSuite slot granted by the limiter is a lease: the caller makes its call and gives the slot
 * back (`observe`), then the limiter grants it to the next caller in its line, whose grant travels
 * back. Under a burst (closed-won: hundreds of runs waiting for one of five slots) the release and
 * the next grant are two Durable Object round trips during which the slot is held and unused; on a
 * loaded isolate they were about a third of each lease (decision 51). When the next caller waits in
 * the same isolate, the answered call hands its lease straight to it, and the limiter is told in
 * the same report that the call is done and the lease lives on (`renewLeaseId`), so it still counts
 * every call and never sees more slots in use than it granted.
 *
 * Bounds, so the object's line stays first come first served across isolates:
 * - a caller waits here only while fewer callers wait here than this isolate holds slots (each has
 *   a slot coming back to it); the others join the object's line as before;
 * - a lease is handed on at most `MAX_HANDOFFS` times, then given back to the object, whose line
 *   (callers of other isolates included) is served in order;
 * - a 429, a timeout or any answer without a status gives the slot back (the object pauses after
 *   a 429; a timed-out call may still run at NetSuite);
 * - a caller waits here at most `LOCAL_WAIT_MS`, then asks the object (a holder that died never
 *   gives its slot back; the object's lease lapses as before);
 * - a handoff is only an offer until the waiter takes it (`take`): a waiter whose caller is gone
 *   (its request or run was cancelled: workerd then runs neither its continuation nor its timer)
 *   never takes it, so the caller that handed it on, once its report to the object is back, finds
 *   it untaken (`untaken`) and hands it to the next waiter or gives it back to the object
 *   (`DurableLimiter.observe`). Without that, such a slot sat leased to no one for the object's
 *   whole `leaseMs` (30 s), and the gone waiter, its timer never firing, stayed in the line to be
 *   handed the next one too (issue 10, the 1,000-deal burst). A waiter past its own deadline is
 *   never offered a slot for the same reason.
 */

/** Handoffs of one lease before it goes back to the object's line. */
export const MAX_HANDOFFS = 8;
/** Longest a caller waits for a slot from this isolate before asking the object. */
export const LOCAL_WAIT_MS = 2_000;

interface HeldLease {
  /** Granted or last handed on (the object's lease was renewed then). */
  since: number;
  handoffs: number;
  /** The waiter it was last handed to, until that waiter takes it (`take`). */
  offeredTo: LocalWaiter | null;
}

interface LocalWaiter {
  resolve: (offer: Offer | null) => void;
  timer: ReturnType<typeof setTimeout>;
  /** When its own wait ends: past it the caller has asked the object, or is gone. */
  until: number;
}

/** A slot handed on to one waiter: it is the waiter's once `take` says so. */
export interface Offer {
  leaseId: string;
  waiter: unknown;
}

/** The single-call NetSuite leases this isolate holds for one tenant, and its callers waiting for one. */
export class SlotPool {
  private readonly held = new Map<string, HeldLease>();
  private waiters: LocalWaiter[] = [];

  constructor(private readonly leaseMs: number) {}

  /** Leases still held (one whose holder went silent past the lease is forgotten). */
  private live(now: number): number {
    for (const [id, lease] of this.held) if (now - lease.since >= this.leaseMs) this.held.delete(id);
    return this.held.size;
  }

  /** A lease the object granted to one call of this isolate. */
  adopt(leaseId: string, now: number): void {
    this.held.set(leaseId, { since: now, handoffs: 0, offeredTo: null });
  }

  /** Waiters past their own deadline leave the line (their timer may never fire: see above). */
  private dropLate(now: number): void {
    const late = this.waiters.filter((w) => w.until <= now);
    if (late.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.until > now);
    for (const w of late) {
      clearTimeout(w.timer);
      w.resolve(null);
    }
  }

  /**
   * The waiter takes the slot it was handed: true when it is still its own (not yet handed to
   * another waiter or given back because this one was taken for gone). Only then may it call.
   */
  take(offer: Offer): boolean {
    const lease = this.held.get(offer.leaseId);
    if (!lease || lease.offeredTo === null || lease.offeredTo !== offer.waiter) return false;
    lease.offeredTo = null;
    return true;
  }

  /** True when the last handoff of `leaseId` has not been taken (its waiter is gone). */
  untaken(leaseId: string): boolean {
    return this.held.get(leaseId)?.offeredTo != null;
  }

  owns(leaseId: string): boolean {
    return this.held.has(leaseId);
  }

  /**
   * Wait for a slot from a call of this isolate when one is coming back to this caller: resolves
   * to the lease, or null (time to ask the object). Null at once when no slot is coming back here.
   */
  wait(now: number, maxMs: number): Promise<Offer | null> | null {
    this.dropLate(now);
    if (maxMs <= 0 || this.waiters.length >= this.live(now)) return null;
    return new Promise((resolve) => {
      const waiter: LocalWaiter = {
        resolve,
        until: now + maxMs,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(null);
        }, maxMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * The call on `leaseId` has its answer. True when the lease went to the next caller waiting
   * here (the object is to renew it); false when it goes back to the object.
   */
  pass(leaseId: string, now: number, mayPass: boolean): boolean {
    const lease = this.held.get(leaseId);
    if (!lease) return false;
    this.dropLate(now);
    const next = mayPass && lease.handoffs < MAX_HANDOFFS ? this.waiters.shift() : undefined;
    if (next) {
      clearTimeout(next.timer);
      lease.handoffs += 1;
      lease.since = now;
      lease.offeredTo = next;
      next.resolve({ leaseId, waiter: next });
      return true;
    }
    this.held.delete(leaseId);
    // Fewer slots come back here now: the callers that joined last ask the object instead.
    while (this.waiters.length > this.held.size) {
      const w = this.waiters.pop()!;
      clearTimeout(w.timer);
      w.resolve(null);
    }
    return false;
  }
}

/** One pool per limiter object this isolate talks to (module scope: shared by its requests and runs). */
const pools = new Map<string, SlotPool>();

export function slotPoolFor(name: string, leaseMs: number): SlotPool {
  let pool = pools.get(name);
  if (!pool) pools.set(name, (pool = new SlotPool(leaseMs)));
  return pool;
}
