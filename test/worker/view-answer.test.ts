/**
 * A view's answer tells when it has been written (worker/http/view-answer.ts): a stale view's
 * background revalidation waits for that, so it never runs ahead of the answer it was queued behind.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { viewAnswer } from '../../worker/http/view-answer.js';

describe('viewAnswer', () => {
  it('resolves `written` only once the body has been taken, with the JSON type and no-store', async () => {
    let written: Promise<void> | undefined;
    const app = new Hono();
    app.get('/', (c) => {
      const out = viewAnswer(c);
      written = out.written;
      return out.json({ schemaVersion: 3, name: 'Zoë & Co' });
    });
    const res = await app.request('/');
    let done = false;
    void written!.then(() => (done = true));
    // The handler has answered, but nobody has read the body yet: not written.
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ schemaVersion: 3, name: 'Zoë & Co' });
    await written;
    expect(done).toBe(true);
  });

  it('still lets background work begin when the body is never read (the client went away)', async () => {
    let written: Promise<void> | undefined;
    const app = new Hono();
    app.get('/', (c) => {
      const out = viewAnswer(c);
      written = out.written;
      return out.json({ ok: true });
    });
    await app.request('/');
    const started = Date.now();
    await written;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
