/**
 * What the sandbox's outgoing callouts share (HubSpot webhooks in hubspot/webhooks.ts, the
 * emulated NetSuite event script in netsuite/events/): the seeded draws behind the delivery fault
 * knobs, one planning step that applies the duplicate / reorder / loss knobs to what is pending,
 * and one POST with a timeout whose outcome is recorded, never thrown.
 */
import { Prng } from '../seed/prng.js';

/** Share of items a reordering round holds back for a later round. */
export const HOLD_BACK = 0.3;

const streams = new WeakMap<object, Map<string, () => number>>();

/**
 * The draws for one kind of callout under a vendor's knob object: seeded by the knobs' `seed`
 * (its own sequence per `stream`, apart from the request faults drawn from the same seed), else
 * Math.random. A new POST /__sandbox/faults is a new object, so it restarts the sequence.
 */
export function knobRandom(knobs: { seed?: number } | undefined, stream: string): () => number {
  if (!knobs || knobs.seed === undefined) return Math.random;
  let byStream = streams.get(knobs);
  if (!byStream) streams.set(knobs, (byStream = new Map()));
  let next = byStream.get(stream);
  if (!next) {
    const prng = new Prng(`${stream}:${knobs.seed}`);
    next = () => prng.next();
    byStream.set(stream, next);
  }
  return next;
}

/** A pending item: `held` once held back (never twice, so nothing starves), `duplicate` for a copy. */
export interface Deferrable {
  held?: boolean;
  duplicate?: boolean;
}

/** The knobs of one round. Without `lossRate` no loss is drawn (the draws per item stay two). */
export interface RoundKnobs {
  duplicateRate: number;
  reorder: boolean;
  lossRate?: number;
}

/**
 * Splits what was pending into what is sent now (shuffled when reordering), what waits for a later
 * round (held-back items and duplicates, marked so they are neither held nor copied again), and
 * what is lost (drawn once, on an item's first round; a lost item is never sent nor copied).
 * A fixed number of draws per item whatever the knobs, so one knob does not shift another's
 * seeded sequence.
 */
export function planRound<Q extends Deferrable>(taken: readonly Q[], knobs: RoundKnobs, random: () => number): { send: Q[]; later: Q[]; lost: Q[] } {
  const send: Q[] = [];
  const later: Q[] = [];
  const lost: Q[] = [];
  const withLoss = knobs.lossRate !== undefined;
  for (const q of taken) {
    const dupDraw = random();
    const holdDraw = random();
    const lossDraw = withLoss ? random() : 1;
    if (!q.held && !q.duplicate && lossDraw < (knobs.lossRate ?? 0)) {
      lost.push(q);
      continue;
    }
    if (knobs.reorder && !q.held && holdDraw < HOLD_BACK) later.push({ ...q, held: true });
    else send.push(q);
    if (!q.duplicate && dupDraw < knobs.duplicateRate) later.push({ ...q, duplicate: true, held: true });
  }
  if (knobs.reorder) {
    for (let i = send.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [send[i], send[j]] = [send[j]!, send[i]!];
    }
  }
  return { send, later, lost };
}

/** How one POST went: the status when the target answered, else why it did not. */
export interface PostOutcome {
  status: number | null;
  ok: boolean;
  error?: string;
}

/** POSTs `body` to `url`; a non-2xx answer, a timeout or a refused connection is an outcome, not a throw. */
export async function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostOutcome> {
  try {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { status: res.status, ok: true } : { status: res.status, ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    const error = name === 'TimeoutError' || name === 'AbortError' ? `timeout after ${timeoutMs} ms` : `connection failed: ${(err as Error).message}`;
    return { status: null, ok: false, error };
  }
}
