/**
 * `node-fetch` for workerd: the platform's `fetch` under node-fetch v2's interface.
 *
 * `@hubspot/api-client` and `jsforce` send through node-fetch, which on workerd runs over the
 * `node:http` compatibility layer; there requests with bodies fail (GETs happened to work). Both
 * wrangler (`[alias]` in wrangler.toml) and the worker test project (vitest.config.mts) resolve
 * `node-fetch` to this module, so the official clients use the Worker's own `fetch`, as
 * Cloudflare recommends for node-fetch: https://developers.cloudflare.com/workers/wrangler/configuration/#module-aliasing
 *
 * Only what those clients use is provided: the default fetch (node-only `agent`, `compress`,
 * `size` and `follow` options dropped), `resp.buffer()`, and the classes they check with
 * `instanceof` or by name.
 */

import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';

type NodeFetchInit = RequestInit & { agent?: unknown; compress?: unknown; size?: unknown; follow?: unknown; timeout?: unknown };

/** node-fetch's operational error (network failure): jsforce retries on `name === 'FetchError'`. */
export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    message: string,
    readonly type = 'system',
    readonly code?: string,
  ) {
    super(message);
  }
}

/** node-fetch's abort error class; the platform raises a DOMException named 'AbortError'. */
export class AbortError extends Error {
  override name = 'AbortError';
}

/**
 * node-fetch's Response over the platform's: `body` is a Node Readable (jsforce pipes it) and
 * `buffer()` exists (the HubSpot client reads binaries with it); the rest delegates.
 */
class NodeFetchResponse {
  readonly #res: globalThis.Response;
  constructor(res: globalThis.Response) {
    this.#res = res;
  }
  get status(): number {
    return this.#res.status;
  }
  get statusText(): string {
    return this.#res.statusText;
  }
  get ok(): boolean {
    return this.#res.ok;
  }
  get redirected(): boolean {
    return this.#res.redirected;
  }
  get url(): string {
    return this.#res.url;
  }
  get headers(): globalThis.Headers {
    return this.#res.headers;
  }
  get bodyUsed(): boolean {
    return this.#res.bodyUsed;
  }
  get body(): Readable | null {
    const web = this.#res.body;
    return web ? Readable.fromWeb(web as import('node:stream/web').ReadableStream) : null;
  }
  text(): Promise<string> {
    return this.#res.text();
  }
  json(): Promise<unknown> {
    return this.#res.json();
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#res.arrayBuffer();
  }
  async buffer(): Promise<Buffer> {
    return Buffer.from(await this.#res.arrayBuffer());
  }
  clone(): NodeFetchResponse {
    return new NodeFetchResponse(this.#res.clone());
  }
}

export default async function fetch(input: RequestInfo | URL, init: NodeFetchInit = {}): Promise<NodeFetchResponse> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { agent: _agent, compress: _compress, size: _size, follow: _follow, timeout: _timeout, ...platformInit } = init;
  let res: globalThis.Response;
  try {
    res = await globalThis.fetch(input, platformInit);
  } catch (err) {
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) throw err;
    throw new FetchError(err instanceof Error ? err.message : String(err));
  }
  return new NodeFetchResponse(res);
}

export const Headers = globalThis.Headers;
export const Request = globalThis.Request;
export { NodeFetchResponse as Response, fetch };
