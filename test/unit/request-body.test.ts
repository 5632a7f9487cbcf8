/**
 * Bodies over their limit are refused without being kept, but read to their end (up to
 * DRAIN_MAX_BYTES) before the answer: answering a caller that is still sending broke its
 * connection (a 503 from wrangler dev's proxy instead of the 400). test/e2e/request-bodies.test.ts
 * checks the same through `wrangler dev`.
 */
import { describe, expect, it } from 'vitest';
import { DRAIN_IDLE_MS, drain, drainUnread, readBodyLimited } from '../../worker/http/body.js';

/** A body of `chunks` chunks of `size` bytes that counts what was pulled and whether it was cancelled. */
function countedBody(chunks: number, size = 1024) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= chunks) return controller.close();
      state.pulled += 1;
      controller.enqueue(new Uint8Array(size).fill(120));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const post = (body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) => new Request('https://broker.test/x', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('request bodies over their limit', () => {
  it('a body within its limit is read whole', async () => {
    const { stream } = countedBody(4);
    expect((await readBodyLimited(post(stream), 8 * 1024))?.length).toBe(4 * 1024);
  });

  it('a streamed body over the limit is refused, and what follows is read and dropped to its end', async () => {
    const { stream, state } = countedBody(200);
    expect(await readBodyLimited(post(stream), 8 * 1024)).toBeNull();
    expect(state.pulled).toBe(200);
    expect(state.cancelled).toBe(false);
  });

  it('a declared Content-Length over the limit is refused without keeping any of it, but still read to its end', async () => {
    const { stream, state } = countedBody(50);
    expect(await readBodyLimited(post(stream, { 'content-length': String(50 * 1024) }), 1024)).toBeNull();
    expect(state.pulled).toBe(50);
  });

  it('a body that keeps coming is cancelled once the most a drain reads has passed', async () => {
    const { stream, state } = countedBody(Number.POSITIVE_INFINITY);
    await drain(stream.getReader(), 0, 64 * 1024);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeGreaterThanOrEqual(64);
    expect(state.pulled).toBeLessThan(80);
  });

  it('a body the route never read is dropped; one already read is left alone', async () => {
    const unread = countedBody(30);
    await drainUnread(post(unread.stream));
    expect(unread.state.pulled).toBe(30);

    const read = countedBody(3);
    const req = post(read.stream);
    await req.text();
    await expect(drainUnread(req)).resolves.toBeUndefined();
  });
});

describe('a sender that stalls past the limit', () => {
  it('is answered once it has sent nothing for DRAIN_IDLE_MS, and its body cancelled', async () => {
    let cancelled = false;
    const stalls = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1024));
      },
      pull: () => new Promise(() => {}),
      cancel() {
        cancelled = true;
      },
    });
    const started = Date.now();
    expect(await readBodyLimited(post(stalls), 2 * 1024)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAIN_IDLE_MS - 50);
    expect(cancelled).toBe(true);
  });
});
