/**
 * A delivery queue on top of the shared outbound primitives (outbound.ts): one queue per
 * subscriber that collects items for a short batching window, applies the delivery knobs
 * (`planRound`), sends through a caller-supplied `send`, and retries failures with exponential
 * backoff. The Salesforce package's closed-won callouts use it; HubSpot's webhooks and the
 * NetSuite event script keep their own round loops over the same primitives.
 */
import { knobRandom, planRound, type Deferrable, type RoundKnobs } from './outbound.js';

/** An item waiting to be sent (held back and duplicated at most once each, see `planRound`). */
export interface Queued<T> extends Deferrable {
  item: T;
}

/** The delivery knobs in force for one flush. */
export type DeliveryKnobs = Pick<RoundKnobs, 'duplicateRate' | 'reorder'>;

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

/** The seeded draws for one label under the current knob object (`knobRandom`, outbound.ts). */
export class KnobRandom {
  constructor(private readonly label: string) {}

  for(knobs: { seed?: number } | undefined): () => number {
    return knobRandom(knobs, this.label);
  }
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
    const { send: now, later } = planRound(taken, this.hooks.knobs(), this.hooks.random());
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

/** A bounded log of recent deliveries (oldest dropped first). */
export function appendBounded<T>(log: T[], entry: T, keep: number): void {
  log.push(entry);
  if (log.length > keep) log.splice(0, log.length - keep);
}
