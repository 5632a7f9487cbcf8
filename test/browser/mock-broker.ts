/**
 * The broker of the widget browser tests: msw handlers (broker-handlers.ts) answering the
 * browser's requests through Playwright's request interception. `page.route`/`context.route`
 * hands each request to msw's `getResponse(handlers, request)`, so the same handlers could serve
 * a Node test or a service worker; nothing listens on a port. Requests to anything the handlers
 * do not know are refused (the tests run offline), and every broker API request is recorded so
 * tests can check what the widgets sent.
 */
import type { BrowserContext, Route } from 'playwright-core';
import { getResponse, type HttpHandler } from 'msw';
import { problems } from '../fixtures/concord/index.js';
import { ORIGIN, brokerHandlers, problem } from './broker-handlers.js';

/** A request the broker received. */
export interface Recorded { method: string; path: string; authorization?: string; cookie?: string; body: string }

/** The mock broker: its handlers, runtime overrides and the requests it saw. */
export class MockBroker {
  readonly origin = ORIGIN;
  readonly requests: Recorded[] = [];
  private readonly base: HttpHandler[];
  private overrides: HttpHandler[] = [];

  constructor(distDir: string) {
    this.base = brokerHandlers(distDir);
  }

  /** Prepend handlers for the current test (msw's `server.use` semantics: first match wins). */
  use(...handlers: HttpHandler[]): void {
    this.overrides = [...handlers, ...this.overrides];
  }

  /** Drop the overrides and the recorded requests. */
  reset(): void {
    this.overrides = [];
    this.requests.length = 0;
  }

  /** Answer every request of `context` through the handlers. */
  async attach(context: BrowserContext): Promise<void> {
    await context.route('**/*', (route) => this.answer(route));
  }

  private async answer(route: Route): Promise<void> {
    const req = route.request();
    const headers = Object.fromEntries(Object.entries(await req.allHeaders()).filter(([k]) => !k.startsWith(':')));
    const method = req.method();
    const body = req.postDataBuffer();
    const url = new URL(req.url());
    if (url.origin === ORIGIN && url.pathname.startsWith('/v1/')) {
      const rec: Recorded = { method, path: url.pathname, body: body?.toString('utf8') ?? '' };
      if (headers['authorization']) rec.authorization = headers['authorization'];
      if (headers['cookie']) rec.cookie = headers['cookie'];
      this.requests.push(rec);
    }
    const request = new Request(url, { method, headers, ...(body && method !== 'GET' && method !== 'HEAD' ? { body: new Uint8Array(body) } : {}) });
    const response = (await getResponse([...this.overrides, ...this.base], request)) ?? (url.origin === ORIGIN ? problem(problems.routeNotFound) : null);
    if (!response) return route.abort('blockedbyclient');
    await route.fulfill({ status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) });
  }
}
