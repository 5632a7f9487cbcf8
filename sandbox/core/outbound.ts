/**
 * Outgoing deliveries the sandbox makes on a vendor's behalf (HubSpot's webhooks, the Salesforce
 * package's closed-won callouts): one queue per subscriber that collects items for a short
 * batching window, applies the delivery fault knobs, sends through a caller-supplied `send`, and
 * retries failures with exponential backoff. Shared here so both senders draw, hold back,
 * duplicate and retry the same way.
 *
 * Fault knobs (from `POST /__sandbox/faults`, read on every flush):
 * - `duplicateRate`: share of items sent again in a later flush (same item, so the same ids);
 * - `reorder`: each flush is shuffled and some items are held back for a later one.
 * An item is held back at most once and duplicated at most once, so nothing starves. With the
 * knobs' `seed` the draws come from a seeded generator (restarted by each POST), so the same
 * sequence of changes meets the same duplicates and the same order on every run.
 */
import { Prng } from '../seed/prng.js';

/** Share of items a reordering flush holds back for a later one. */
export const HOLD_BACK = 0.3;

/** An item waiting to be sent. */
export interface Queued<T> {
  item: T;
  /** Already held back once (reorder): never again, so nothing starves. */
  held?: boolean;
  /** This is the extra copy made by the duplicate knob. */
  duplicate?: boolean;
}

/** The delivery knobs in force for one flush. */
export interface DeliveryKnobs {
  duplicateRate: number;
  reorder: boolean;
}

/** What one attempt to deliver a unit came to. */
export interface AttemptOutcome {
  ok: boolean;
  /** False for a failure that must not be retried (a permanent refusal). Default: retry. */
  retryable?: boolean;
}

/** Retry and batching settings, read when they are needed (a subscriber may be reconfigured). */
export interface OutboundSettings {
  /** How long items are collected before a flush (0 = next tick). */
  batchDelayMs: number;
  /** Attempts per unit, the first included. */
  maxAttempts: number;
  /** Backoff before retry n is retryBaseMs * 2^(n-1), capped at maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs?: number;
  /** Units sent at once (default 1: one after another, as both vendors' senders do per batch). */
  concurrency?: number;
}

/**
 * A seeded random source per knob object and label: `POST /__sandbox/faults` stores a new object,
 * which restarts the sequence; without a seed, Math.random.
 */
export class KnobRandom {
  private readonly sources = new WeakMap<object, () => number>();
  constructor(private readonly label: string) {}

  for(knobs: { seed?: number } | undefined): () => number {
    if (!knobs || knobs.seed === undefined) return Math.random;
    let next = this.sources.get(knobs);
    if (!next) {
      // Its own sequence, apart from the request faults drawn from the same seed.
      const prng = new Prng(`${this.label}:${knobs.seed}`);
      next = () => prng.next();
      this.sources.set(knobs, next);
    }
    return next;
  }
}

/**
 * Splits what is pending into what goes out now and what waits for a later flush, per the knobs.
 * Two draws per item whatever the knobs, so one knob does not shift the other's sequence.
 */
export function planFlush<T>(taken: Queued<T>[], knobs: DeliveryKnobs, random: () => number): { now: Queued<T>[]; later: Queued<T>[] } {
  const now: Queued<T>[] = [];
  const later: Queued<T>[] = [];
  for (const q of taken) {
    const [dupDraw, holdDraw] = [random(), random()];
    if (knobs.reorder && !q.held && holdDraw < HOLD_BACK) later.push({ ...q, held: true });
    else now.push(q);
    if (!q.duplicate && dupDraw < knobs.duplicateRate) later.push({ item: q.item, duplicate: true, held: true });
  }
  if (knobs.reorder) {
    for (let i = now.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [now[i], now[j]] = [now[j]!, now[i]!];
    }
  }
  return { now, later };
}

/** Callbacks that make a queue a particular vendor's sender. */
export interface OutboundHooks<T, U> {
  settings(): OutboundSettings;
  knobs(): DeliveryKnobs;
  random(): () => number;
  /** Groups a flush's items into delivery units (HubSpot: arrays of up to 100 events; Salesforce: one callout each). */
  units(items: Queued<T>[]): U[];
  /** One delivery attempt (0-based `attempt`); must not throw. */
  send(unit: U, attempt: number): Promise<AttemptOutcome>;
  /** False once the subscriber was removed or replaced: pending retries stop. */
  alive(): boolean;
}

/** One subscriber's queue: batching window, knobs, bounded concurrency, retries. */
export class OutboundQueue<T, U> {
  pending: Queued<T>[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  private active = 0;

  constructor(private readonly hooks: OutboundHooks<T, U>) {}

  /** Queues items and starts the batching window. */
  push(...items: Queued<T>[]): void {
    this.pending.push(...items);
    if (this.pending.length > 0) this.schedule();
  }

  /** True when nothing is pending, sending or waiting for a retry. */
  idle(): boolean {
    return this.pending.length === 0 && this.active === 0;
  }

  /** Stops the batching timer (the subscriber is going away). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.hooks.settings().batchDelayMs);
  }

  /** Sends what is pending now, applying the knobs; resolves when this flush's first attempts are done. */
  async flush(): Promise<void> {
    this.stop();
    if (this.pending.length === 0) return;
    const taken = this.pending.splice(0, this.pending.length);
    const { now, later } = planFlush(taken, this.hooks.knobs(), this.hooks.random());
    if (later.length > 0) {
      this.pending.push(...later);
      this.schedule();
    }
    const units = this.hooks.units(now);
    const width = Math.max(1, this.hooks.settings().concurrency ?? 1);
    this.active += 1;
    try {
      let next = 0;
      const lane = async () => {
        while (next < units.length) await this.attempt(units[next++]!, 0);
      };
      await Promise.all(Array.from({ length: Math.min(width, units.length) }, lane));
    } finally {
      this.active -= 1;
    }
  }

  /** One attempt; a retryable failure schedules the next one with backoff. */
  private async attempt(unit: U, attempt: number): Promise<void> {
    const outcome = await this.hooks.send(unit, attempt);
    const s = this.hooks.settings();
    if (outcome.ok || outcome.retryable === false || attempt + 1 >= s.maxAttempts || !this.hooks.alive()) return;
    const delay = Math.min(s.retryBaseMs * 2 ** attempt, s.maxRetryDelayMs ?? Number.POSITIVE_INFINITY);
    this.active += 1;
    setTimeout(() => {
      void this.attempt(unit, attempt + 1).finally(() => (this.active -= 1));
    }, delay);
  }

  /** Flushes until nothing is pending or in flight (held-back and duplicate items included). */
  async drain(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.pending.length > 0) await this.flush();
      if (this.idle()) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }
}

/** What a single HTTP POST came to, for delivery logs. */
export interface PostResult {
  status: number | null;
  ok: boolean;
  error?: string;
}

/** POSTs `body` with a timeout; never throws (a timeout or refused connection is a failed result). */
export async function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, ok: res.ok, ...(res.ok ? {} : { error: `HTTP ${res.status}` }) };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { status: null, ok: false, error: timedOut ? `timeout after ${timeoutMs} ms` : `connection failed: ${(err as Error).message}` };
  }
}

/** A bounded log of recent deliveries (oldest dropped first). */
export function appendBounded<T>(log: T[], entry: T, keep: number): void {
  log.push(entry);
  if (log.length > keep) log.splice(0, log.length - keep);
}
