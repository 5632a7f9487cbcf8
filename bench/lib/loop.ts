/**
 * How late the bench's own event loop (the measuring client's) ran during a phase, and the
 * sandbox's when it runs in a thread of its own (scripts/sandbox-thread.ts). A client whose loop
 * is late reads its answers late, and its timings grow by what else the loop was doing: with the
 * sandbox on the same loop, the vendor answers it builds meanwhile (docs/performance.md, "The
 * bench's client and the sandbox").
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Estate } from '../../scripts/estate.js';
import { LOOP_RESOLUTION_MS, loopLate } from '../../scripts/sandbox-thread.js';

export interface PhaseLoops {
  /** This process's event loop (the client, and the sandbox too when it runs inline). */
  client: { p50: number; p99: number; max: number };
  /** The sandbox thread's loop, when the sandbox runs in a thread. */
  sandbox: { p50: number; p99: number; max: number } | null;
}

/** Starts watching both loops; `stop()` says how late each ran since. */
export async function watchLoops(estate: Estate): Promise<{ stop(): Promise<PhaseLoops> }> {
  const h = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  h.enable();
  await estate.sandboxLoop?.reset();
  return {
    stop: async () => {
      h.disable();
      const client = loopLate(h);
      return { client, sandbox: (await estate.sandboxLoop?.delay()) ?? null };
    },
  };
}

/**
 * Phases watched by name: `watched(name, fn)` runs `fn` with both loops watched and keeps how late
 * they ran under `loops[name]`.
 */
export function phaseLoops(estate: Estate): { loops: Record<string, PhaseLoops>; watched<T>(name: string, fn: () => Promise<T>): Promise<T> } {
  const loops: Record<string, PhaseLoops> = {};
  return {
    loops,
    async watched<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const w = await watchLoops(estate);
      const v = await fn();
      loops[name] = await w.stop();
      return v;
    },
  };
}

/** "client loop late p50 10.1 / p99 12.0 / max 20.3 ms; sandbox thread's 10.2 / 11.0 / 15.0 ms". */
export function fmtLoops(l: PhaseLoops): string {
  const f = (x: { p50: number; p99: number; max: number }) => `p50 ${x.p50.toFixed(1)} / p99 ${x.p99.toFixed(1)} / max ${x.max.toFixed(1)} ms`;
  return `client's event loop late ${f(l.client)}${l.sandbox ? `; sandbox thread's ${f(l.sandbox)}` : ' (the sandbox runs on it)'}`;
}
