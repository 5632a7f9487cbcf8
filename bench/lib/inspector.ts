/**
 * The broker's isolates through workerd's own V8 inspector. wrangler dev starts the broker's
 * workerd with `--inspector-addr=localhost:0`; that inspector lists one target per isolate
 * (`core:user:concord` is Concord's Worker with its Durable Objects, `d1:db` miniflare's D1
 * simulator, ...). Talking to it directly needs neither wrangler's inspector proxy (off in every
 * estate, decision 65) nor `Network.enable`, so a reading does not change what it reads beyond
 * the requested garbage collection. Linux only (/proc, `ss`); null where the inspector cannot be
 * found.
 */
import { execSync } from 'node:child_process';
import { brokerPids } from './processes.js';

interface NodeWs {
  once(event: 'open' | 'error', fn: (...args: unknown[]) => void): NodeWs;
  on(event: 'message', fn: (data: unknown) => void): NodeWs;
  send(data: string): void;
  close(): void;
}

export interface Inspector {
  send<T>(method: string, params?: object): Promise<T>;
  close(): void;
}

/** Concord's own isolate in the broker's workerd. */
export const CONCORD_ISOLATE = 'core:user:concord';

/** WebSocket URL of an isolate's inspector target in the broker's workerd, or null. */
export function isolateInspectorUrl(target: string = CONCORD_ISOLATE): string | null {
  const pids = brokerPids();
  if (!pids || pids.length === 0) return null;
  let listening: string;
  try {
    listening = execSync('ss -ltnp', { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return null;
  }
  const ports = listening
    .split('\n')
    .filter((l) => pids.some((p) => l.includes(`pid=${p},`)))
    .map((l) => /127\.0\.0\.1:(\d+)/.exec(l)?.[1])
    .filter((p): p is string => Boolean(p));
  for (const port of ports) {
    try {
      const targets = JSON.parse(execSync(`curl -s -m 2 http://127.0.0.1:${port}/json/list`, { stdio: ['ignore', 'pipe', 'ignore'] }).toString()) as { id?: string; webSocketDebuggerUrl?: string }[];
      const url = Array.isArray(targets) ? targets.find((t) => t.id === target)?.webSocketDebuggerUrl : undefined;
      if (url) return url;
    } catch {
      // Not an inspector (the broker's own HTTP port answers 404 problems).
    }
  }
  return null;
}

/** A Chrome DevTools Protocol session on `url`. */
export async function inspector(url: string): Promise<Inspector> {
  // `ws` is not a dependency of ours (wrangler installs it); typed here by what is used of it.
  // Node 20's own WebSocket is refused by the inspector.
  const wsModule = 'ws';
  const { WebSocket: Ws } = (await import(wsModule)) as { WebSocket: new (url: string) => NodeWs };
  const ws = new Ws(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.on('message', (m) => {
    const msg = JSON.parse(String(m)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve, reject) => {
        const i = ++id;
        pending.set(i, resolve as (v: unknown) => void);
        ws.send(JSON.stringify({ id: i, method, params }));
        setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 15_000);
      }),
    close: () => ws.close(),
  };
}

/**
 * Heap (MB) the Concord isolate holds after a full garbage collection: what the Worker and its
 * Durable Objects keep, without the garbage a busy isolate carries between collections and without
 * the rest of the workerd process (miniflare's simulators, SQLite's memory for local D1). Null when
 * the inspector is not reachable.
 */
export async function concordHeapMb(): Promise<number | null> {
  const url = isolateInspectorUrl();
  if (!url) return null;
  try {
    const ws = await inspector(url);
    try {
      // workerd answers collectGarbage only with the HeapProfiler domain enabled (seen after a
      // broker restart: without it the call never answered).
      await ws.send('HeapProfiler.enable');
      await ws.send('HeapProfiler.collectGarbage');
      const { usedSize } = await ws.send<{ usedSize: number }>('Runtime.getHeapUsage');
      await ws.send('HeapProfiler.disable');
      return Math.round((usedSize / 1048576) * 10) / 10;
    } finally {
      ws.close();
    }
  } catch {
    return null;
  }
}
