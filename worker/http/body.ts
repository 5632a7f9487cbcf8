/**
 * Reading request bodies with a byte limit. Limits count bytes (UTF-8 on the wire), not
 * characters, and a body over its limit is never buffered: what comes past the limit is read and
 * dropped (up to DRAIN_MAX_BYTES), then the caller is answered.
 */

/**
 * How much of a refused or unread body is read and dropped before the answer goes out. Answering
 * while the caller is still sending breaks the connection under it: behind `wrangler dev`'s proxy
 * (`npm start`) the caller got a 503 "Your worker restarted mid-request" instead of the 400 that
 * names the limit, and a plain HTTP client may see a reset before it reads the answer. Past this
 * much (a declared Content-Length over it, or a stream that keeps coming) the body is cancelled
 * at once: a caller that streams without end is not read forever. It is Cloudflare's own cap on
 * a request body (Free and Pro plans), so every body the platform lets through is answered.
 * Dropping 30 MB took 80 ms under wrangler dev; nothing of it is kept in memory.
 */
export const DRAIN_MAX_BYTES = 100 * 1024 * 1024;

/**
 * A drain also stops when the caller sends nothing for DRAIN_IDLE_MS, or after DRAIN_MAX_MS in
 * all: a sender that stalls past the limit is answered, not waited for.
 */
export const DRAIN_IDLE_MS = 1_000;
export const DRAIN_MAX_MS = 10_000;

/** Reads and drops the rest of a body (`already` bytes of it read), up to `max` bytes in all; then cancels it. */
export async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, already = 0, max = DRAIN_MAX_BYTES): Promise<void> {
  const deadline = Date.now() + DRAIN_MAX_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (let total = already; total <= max; ) {
      const wait = Math.min(DRAIN_IDLE_MS, deadline - Date.now());
      if (wait <= 0) break;
      const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), wait)));
      const next = await Promise.race([reader.read(), stalled]);
      clearTimeout(timer);
      if (next === 'stalled') break;
      if (next.done) return;
      total += next.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The caller went away: nothing left to drop.
  } finally {
    clearTimeout(timer);
  }
}

/** Drops a body nobody read (the route takes none, or failed before reading it), as `drain` does. */
export async function drainUnread(req: Request): Promise<void> {
  if (!req.body || req.bodyUsed || req.body.locked) return;
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > DRAIN_MAX_BYTES) {
    await req.body.cancel().catch(() => {});
    return;
  }
  await drain(req.body.getReader());
}

/** The body as text, or null when it is larger than `maxBytes` (the rest is dropped, not kept). */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<string | null> {
  if (!req.body) return '';
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) {
    await drainUnread(req);
    return null;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await drain(reader, total);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
