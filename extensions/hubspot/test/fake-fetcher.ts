/**
 * A stand-in for `hubspot.fetch` (which the testing package does not mock): records every call
 * and answers from a queue of scripted replies, optionally held until the test releases them.
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
}

function toResponse(r: Reply): Response {
  if ('throws' in r) throw new Error(r.throws);
  const type = r.contentType ?? (r.status >= 400 ? 'application/problem+json' : 'application/json');
  return new Response(JSON.stringify(r.json), { status: r.status, headers: { 'content-type': type } });
}

/** Creates a fake fetcher; a call with nothing queued fails the test loudly. */
export function createFakeFetcher(): FakeFetcher {
  const calls: FetchCall[] = [];
  const queue: Array<() => Promise<Response>> = [];
  return {
    calls,
    fetcher: async (url, options) => {
      calls.push({ url: String(url), options });
      const next = queue.shift();
      if (!next) throw new Error(`unexpected fetch ${String(url)}`);
      return next();
    },
    reply(r) {
      queue.push(async () => toResponse(r));
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
