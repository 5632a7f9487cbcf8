/**
 * The JSON answer of an account view (the view route, the cards, the embedded panel), and the
 * moment it has been written: a stale view is revalidated in the background, and that work must
 * not run ahead of the answer it was queued behind. The body goes out through a FixedLengthStream
 * (so it keeps its Content-Length); its one write resolves when the runtime has taken the whole
 * body from the stream to send it, which is when background work may begin. Without that signal a
 * revalidation started on the next turn of the event loop ran its first steps (a KV read, the
 * coordinator call) before the runtime wrote the stale answer out, and a stale read cost about
 * twice a fresh one in `npm run bench` (docs/performance.md).
 */
import type { Context } from 'hono';

/** If the runtime never takes the body (the client went away first), background work starts anyway after this. */
const UNSENT_MS = 1_000;

export interface ViewAnswer {
  /** Keeps background work alive after the answer (ExecutionContext.waitUntil). */
  waitUntil: (promise: Promise<unknown>) => void;
  /** Resolves once the answer's body has been taken by the runtime (or after UNSENT_MS). */
  written: Promise<void>;
  /** The answer: `value` as JSON, never cached by browsers or proxies (views carry customer financials). */
  json(value: unknown): Response;
}

export function viewAnswer(c: Context): ViewAnswer {
  let done!: () => void;
  const taken = new Promise<void>((resolve) => (done = resolve));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const written = Promise.race([taken, new Promise<void>((resolve) => (timer = setTimeout(resolve, UNSENT_MS)))]).finally(() => clearTimeout(timer));
  return {
    waitUntil: (p) => c.executionCtx.waitUntil(p),
    written,
    json(value) {
      const bytes = new TextEncoder().encode(JSON.stringify(value));
      const { readable, writable } = new FixedLengthStream(bytes.byteLength);
      const writer = writable.getWriter();
      // An identity stream's write settles when the reader (the runtime sending the answer) has taken the chunk.
      writer
        .write(bytes)
        .then(() => writer.close())
        .catch(() => undefined)
        .finally(done);
      c.header('cache-control', 'no-store');
      c.header('content-type', 'application/json');
      return c.body(readable, 200);
    },
  };
}
