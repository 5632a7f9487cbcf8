/**
 * A stand-in for `hubspot.fetch` (which the testing package does not mock): records every call
 * and answers from a queue of scripted replies, optionally held until the test releases them.
 * A request the card sends beside the others (the recent changes, asked in parallel with the
 * view) can be answered by a route instead, so the queue keeps the order of the rest.
 */
import type { HubSpotFetchOptions } from '@hubspot/ui-extensions';
import type { CardFetcher } from '../src/app/cards/lib/broker-client.ts';

/** One scripted reply: a JSON response, a thrown network error, or a reply held back. */
export type Reply =
  | { status: number; json: unknown; contentType?: string }
  | { throws: string };

/** A recorded call. */
export interface FetchCall {
  url: string;
  options: HubSpotFetchOptions | undefined;
}

/** The fake: `fetcher` goes into the card, `calls` and `reply*` drive and inspect it. */
export interface FakeFetcher {
  fetcher: CardFetcher;
  calls: FetchCall[];
  /** Queue a reply for the next call. */
  reply(r: Reply): void;
  /** Queue a reply that is sent only when the returned function is called. */
  replyLater(r: Reply): () => void;
  /**
   * Answer every call whose URL path is `path` (e.g. `/v1/cards/hubspot/changes`) with
   * `r` (a function gets the call number, from 0), instead of the queue; such calls are
   * recorded in `routed`, not `calls`.
   */
  route(path: string, r: Reply | ((n: number) => Reply)): void;
  /** The calls answered by a route. */
  routed: FetchCall[];
}

function toResponse(r: Reply): Response {
  if ('throws' in r) throw new Error(r.throws);
  const type = r.contentType ?? (r.status >= 400 ? 'application/problem+json' : 'application/json');
  return new Response(JSON.stringify(r.json), { status: r.status, headers: { 'content-type': type } });
}

/** Creates a fake fetcher; a call with nothing queued fails the test loudly. */
export function createFakeFetcher(): FakeFetcher {
  const calls: FetchCall[] = [];
  const routed: FetchCall[] = [];
  const queue: Array<() => Promise<Response>> = [];
  const routes = new Map<string, { reply: Reply | ((n: number) => Reply); count: number }>();
  return {
    calls,
    routed,
    fetcher: async (url, options) => {
      const path = new URL(String(url)).pathname;
      const route = routes.get(path);
      if (route) {
        routed.push({ url: String(url), options });
        const n = route.count++;
        return toResponse(typeof route.reply === 'function' ? route.reply(n) : route.reply);
      }
      calls.push({ url: String(url), options });
      const next = queue.shift();
      if (!next) throw new Error(`unexpected fetch ${String(url)}`);
      return next();
    },
    reply(r) {
      queue.push(async () => toResponse(r));
    },
    route(path, r) {
      routes.set(path, { reply: r, count: 0 });
    },
    replyLater(r) {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      queue.push(async () => {
        await gate;
        return toResponse(r);
      });
      return release;
    },
  };
}
