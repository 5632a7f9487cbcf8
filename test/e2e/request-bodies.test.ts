/**
 * Oversized and unread request bodies through `wrangler dev`, as `npm start` serves the broker.
 * Refusing a body while the caller was still sending it broke the connection under the caller:
 * wrangler dev's proxy answered 503 "Your worker restarted mid-request" instead of the broker's
 * 400 (and the next request on that connection could fail too). The broker now reads and drops
 * the rest of such a body before it answers (worker/http/body.ts).
 */
import { describe, expect, inject, it } from 'vitest';

const broker = inject('brokerUrl');
const demoKey = inject('demoKey');

const MB = 1024 * 1024;
const bytes = (n: number) => new TextEncoder().encode(JSON.stringify({ rules: [], filler: 'x'.repeat(n) }));

/** A body sent in chunks with no Content-Length (Transfer-Encoding: chunked). */
function streamed(n: number): ReadableStream<Uint8Array> {
  let left = n;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const size = Math.min(64 * 1024, left);
      left -= size;
      controller.enqueue(new Uint8Array(size).fill(120));
    },
  });
}

async function send(method: string, path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<{ status: number; code?: string; text: string }> {
  const res = await fetch(`${broker}${path}`, { method, body, headers: { 'content-type': 'application/json', ...headers }, duplex: 'half' } as RequestInit);
  const text = await res.text();
  let code: string | undefined;
  try {
    const problem = JSON.parse(text) as { code?: string; errors?: { code?: string }[] };
    code = problem.errors?.[0]?.code ?? problem.code;
  } catch {
    // Not JSON: the assertion on the status says what came back.
  }
  return { status: res.status, text: text.slice(0, 200), ...(code ? { code } : {}) };
}

describe('request bodies over their limit, through wrangler dev', () => {
  const auth = { authorization: `Bearer ${demoKey}` };

  it('a 4 MB JSON body is refused with 400 too_big, not a broken connection', async () => {
    const answer = await send('PUT', '/v1/tenants/demo/ownership', bytes(4 * MB), auth);
    expect(answer, answer.text).toMatchObject({ status: 400, code: 'too_big' });
  });

  it('the same body sent in chunks, with no Content-Length, gets the same answer', async () => {
    const answer = await send('PUT', '/v1/tenants/demo/ownership', streamed(4 * MB), auth);
    expect(answer, answer.text).toMatchObject({ status: 400, code: 'too_big' });
  });

  it('a signed-webhook route refuses an oversized body with 400 too_big', async () => {
    const answer = await send('POST', '/v1/webhooks/netsuite', bytes(2 * MB));
    expect(answer, answer.text).toMatchObject({ status: 400, code: 'too_big' });
  });

  it('a request refused before its body is read (no key, no route) gets its own answer', async () => {
    expect(await send('PUT', '/v1/tenants/demo/ownership', bytes(2 * MB))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await send('POST', '/v1/no-such-route', bytes(2 * MB), auth)).toMatchObject({ status: 404, code: 'route_not_found' });
  });

  it('the broker answers normally right after', async () => {
    const res = await fetch(`${broker}/v1/tenants/demo/ownership`, { headers: auth });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });
});
