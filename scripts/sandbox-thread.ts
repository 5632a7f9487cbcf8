/**
 * The sandbox in a worker thread of its own (`startEstate({ sandboxThread: true })`, the
 * benchmarks' estate): same emulators, same HTTP server, but on an event loop that is not the
 * caller's. In the benchmarks the caller is the measuring client; with the sandbox on its loop, a
 * vendor answer being built (a background rebuild's Vitally reads, say) holds up the client's
 * reading of the answer it is timing, and the physical limit, measured from the same loop, pays it
 * too. Vendors run elsewhere in production, so this is the fair arrangement for timing
 * (docs/performance.md, "The bench's client and the sandbox").
 *
 * Run as a thread, this module starts the sandbox and posts `{ url, anchorDate }`; it answers
 * `{ type: 'loop' }` with how late its own event loop ran since the last `{ type: 'loop-reset' }`
 * (percentiles in ms), and `{ type: 'close' }` by closing the listener.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { SandboxOptions } from '../sandbox/server.js';

/** How late an event loop ran (ms), from `monitorEventLoopDelay`. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** The timer interval event-loop delay is sampled with (ms): small, so short stalls show. */
export const LOOP_RESOLUTION_MS = 2;

/** How late a loop ran: the histogram's samples less the timer's own interval (it records both). */
export function loopLate(h: IntervalHistogram): LoopDelay {
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  return { p50: late(h.percentile(50)), p99: late(h.percentile(99)), max: late(h.max) };
}

/** A sandbox running in a worker thread. */
export interface SandboxThread {
  url: string;
  anchorDate: string;
  /** How late the sandbox's event loop ran since the last reset (or its start). */
  loopDelay(): Promise<LoopDelay>;
  loopReset(): Promise<void>;
  close(): Promise<void>;
}

type Reply = { type: 'ready'; url: string; anchorDate: string } | { type: 'loop'; delay: LoopDelay } | { type: 'ok' } | { type: 'error'; message: string };

/** Start the sandbox in a worker thread listening on `port` (127.0.0.1). */
export async function startSandboxThread(port: number, opts: SandboxOptions): Promise<SandboxThread> {
  // A worker thread does not get tsx's loader from this process (Node 20): it registers it first,
  // then loads this module, whose last line starts the sandbox.
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: { concordSandboxThread: true, port, opts } });
  const replies: ((r: Reply) => void)[] = [];
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`sandbox thread exited with ${code}`)));
  });
  failed.catch(() => undefined);
  worker.on('message', (r: Reply) => replies.shift()?.(r));
  const next = () => Promise.race([new Promise<Reply>((resolve) => replies.push(resolve)), failed]);
  const ask = async (msg: { type: string }): Promise<Reply> => {
    const reply = next();
    worker.postMessage(msg);
    const r = await reply;
    if (r.type === 'error') throw new Error(`sandbox thread: ${r.message}`);
    return r;
  };
  const ready = await next();
  if (ready.type !== 'ready') {
    await worker.terminate();
    throw new Error(`sandbox thread did not start: ${ready.type === 'error' ? ready.message : ready.type}`);
  }
  return {
    url: ready.url,
    anchorDate: ready.anchorDate,
    loopDelay: async () => {
      const r = await ask({ type: 'loop' });
      if (r.type !== 'loop') throw new Error('sandbox thread: unexpected reply');
      return r.delay;
    },
    loopReset: async () => void (await ask({ type: 'loop-reset' })),
    close: async () => {
      await ask({ type: 'close' });
      await worker.terminate();
    },
  };
}

async function runThread(): Promise<void> {
  const port = parentPort!;
  const { port: listenPort, opts } = workerData as { port: number; opts: SandboxOptions };
  try {
    const { createSandbox } = await import('../sandbox/server.js');
    const sandbox = createSandbox(opts);
    const listener = await sandbox.listen(listenPort);
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    port.on('message', (msg: { type: string }) => {
      if (msg.type === 'loop') {
        port.postMessage({ type: 'loop', delay: loopLate(loop) } satisfies Reply);
      } else if (msg.type === 'loop-reset') {
        loop.reset();
        port.postMessage({ type: 'ok' } satisfies Reply);
      } else if (msg.type === 'close') {
        loop.disable();
        listener.close().then(
          () => port.postMessage({ type: 'ok' } satisfies Reply),
          (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies Reply),
        );
      }
    });
    port.postMessage({ type: 'ready', url: listener.url, anchorDate: sandbox.state.anchorDate } satisfies Reply);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies Reply);
  }
}

if (!isMainThread && (workerData as { concordSandboxThread?: unknown } | null)?.concordSandboxThread === true) await runThread();
