/**
 * Timing of the view and card answers: each such request gets a Trace (ops/trace.ts), its
 * bindings traced (ops/traced-env.ts), and the answer carries
 * - `Server-Timing`: auth, link (cards), cache, coordinator, and from the build: token, account,
 *   permits per vendor, each upstream call, assembly, cache write; plus total
 *   (https://www.w3.org/TR/server-timing/);
 * - `X-Concord-Round-Trips`: the storage and Durable Object round trips it made, how many ran one
 *   after another, and how many of those before the first upstream call.
 * Both say how long and how many, never what: no ids, keys or vendor data.
 */
import type { MiddlewareHandler } from 'hono';
import { Trace } from '../../ops/trace.js';
import { tracedEnv } from '../../ops/traced-env.js';
import type { Env } from '../../env.js';

export const TIMING_HEADERS = ['Server-Timing', 'X-Concord-Round-Trips'];

export const serverTiming = (): MiddlewareHandler<{ Bindings: Env; Variables: { trace?: Trace } }> => async (c, next) => {
  const trace = new Trace();
  c.set('trace', trace);
  c.env = tracedEnv(c.env, trace);
  await next();
  trace.authenticated();
  c.res.headers.set('server-timing', trace.serverTiming());
  c.res.headers.set('x-concord-round-trips', trace.roundTripHeader());
};
