/**
 * Fault knobs and vendor limits in front of every emulator. `POST /__sandbox/faults` stores the
 * knobs (schema below, `{}` clears them all); `applyFaults(state, vendor)` is mounted by the
 * server before each vendor's routes and, per request:
 *   1. counts it (per vendor and tenant, see `GET /__sandbox/limits`);
 *   2. refuses expired access tokens in the vendor's 401 shape (HubSpot 30 min, NetSuite 1 h,
 *      measured on the overridable sandbox clock);
 *   3. adds latency, then draws the faults: hang (timeout), 5xx, "slow down" in the vendor's shape;
 *   4. applies the vendor's own limit when this layer owns it (NetSuite pool, Vitally bucket).
 * With a `seed` the draws come from a seeded generator (one per vendor, restarted by each POST),
 * so the same request sequence meets the same faults on every run.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { hubspotLimits } from '../hubspot/limits.js';
import { netsuiteLimits } from '../netsuite/limits.js';
import { salesforceLimits } from '../salesforce/limits.js';
import { Prng } from '../seed/prng.js';
import type { Vendor } from '../seed/types.js';
import { vitallyLimits } from '../vitally/limits.js';
import { extractToken, oauth1Params } from './auth.js';
import { countRoute, countersFor, limitRuntime, noteRequestCounters, routeKey, sandboxNow, type VendorLimitProfile } from './limits.js';
import type { SandboxState, VendorFaults } from './state.js';
import { verifyTbaToken, verifyToken, type TokenClaims, opensApi } from './tokens.js';

const rate = z.number().min(0).max(1);

/** One vendor's faults (the `VendorFaults` shape plus seed/hang), strict so typos are reported. */
export const vendorFaultsSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    errorRate: rate.optional(),
    rateLimitRate: rate.optional(),
    timeoutRate: rate.optional(),
    /**
     * Share of writes (any method but GET; not the POSTs that only read: SuiteQL, search, batch
     * read) the vendor carries out whose answer is then lost: the
     * caller gets the vendor's 5xx although the record was written (the "outcome unknown" case a
     * retry must not duplicate). Drawn after the write, and only when set.
     */
    answerLossRate: rate.optional(),
    /** How long a "timed out" request hangs before the sandbox gives up on it (default 15 s). */
    hangMs: z.number().int().min(1).max(120_000).optional(),
    /** Makes the draws deterministic (same sequence of faults for the same request order). */
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    /**
     * Only requests of these routes meet the latency and the request faults above, each written as
     * `GET /__sandbox/limits` counts it (`GET /resources/accounts/:id/healthScores`); absent: every route.
     */
    routes: z.array(z.string().min(1).max(200)).max(50).optional(),
    /** Outgoing webhooks (sandbox/hubspot/webhooks.ts): share of events sent again later, same eventId. */
    webhookDuplicateRate: rate.optional(),
    /** Outgoing webhooks: shuffle each batch and hold some events back for a later batch. */
    webhookReorder: z.boolean().optional(),
    /** Emulated NetSuite event script (netsuite/events/): share of events posted again later, same eventId. */
    netsuiteEventDuplicateRate: rate.optional(),
    /** Emulated NetSuite event script: shuffle what is pending and hold some events back. */
    netsuiteEventReorder: z.boolean().optional(),
    /** Emulated NetSuite event script: share of events never posted (a lost callout; the poll must find the change). */
    netsuiteEventLossRate: rate.optional(),
    /** The Salesforce package's closed-won callouts (sandbox/salesforce/package/): share sent again later, same idempotency key. */
    salesforceCalloutDuplicateRate: rate.optional(),
    /** The Salesforce package's callouts: shuffle each run and hold some back for a later one. */
    salesforceCalloutReorder: z.boolean().optional(),
  })
  .strict() satisfies z.ZodType<VendorFaults>;

/** A vendor's knobs as accepted by the schema. */
export type SandboxFaults = z.infer<typeof vendorFaultsSchema>;

/** Body of `POST /__sandbox/faults`: `{}` clears every fault. */
export const faultsBodySchema = z
  .object({
    hubspot: vendorFaultsSchema.optional(),
    salesforce: vendorFaultsSchema.optional(),
    netsuite: vendorFaultsSchema.optional(),
    vitally: vendorFaultsSchema.optional(),
  })
  .strict();

const PROFILES: Record<Vendor, VendorLimitProfile> = {
  hubspot: hubspotLimits,
  salesforce: salesforceLimits,
  netsuite: netsuiteLimits,
  vitally: vitallyLimits,
};

/** Default hang for an injected timeout: longer than the broker's 10 s upstream timeout. */
export const DEFAULT_HANG_MS = 15_000;

/** One random source per knob object: a new POST (new object) restarts the seeded sequence. */
const sources = new WeakMap<object, () => number>();
function randomFor(f: SandboxFaults): () => number {
  let next = sources.get(f);
  if (!next) {
    if (f.seed === undefined) next = Math.random;
    else {
      const prng = new Prng(f.seed);
      next = () => prng.next();
    }
    sources.set(f, next);
  }
  return next;
}

/** The request's sandbox token claims (Bearer, Salesforce's `OAuth`, or Vitally's Basic user). */
function claimsOf(c: Context, vendor: Vendor): TokenClaims | null {
  const header = c.req.header('authorization') ?? '';
  // NetSuite TBA: the token id names the tenant (the emulator checks the signature itself).
  const tba = vendor === 'netsuite' ? oauth1Params(header) : null;
  if (tba) return verifyTbaToken(tba['oauth_token'])?.claims ?? null;
  const token = /^OAuth\s+/i.test(header) ? header.replace(/^OAuth\s+/i, '') : extractToken(header);
  const claims = verifyToken(token);
  return claims && claims.vendor === vendor && opensApi(claims) ? claims : null;
}

/**
 * Whether a request changes the vendor's data: any method but GET, except the POSTs that only
 * read (NetSuite SuiteQL, HubSpot search and batch reads), whose lost answer is no unknown outcome.
 */
function isWrite(c: Context): boolean {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return false;
  return !/\/query\/v1\/suiteql$|\/search$|\/batch\/read$/.test(c.req.path);
}

/** Waits `ms`, or less when the client hangs up first (its abort reaches the request signal). */
function hang(c: Context, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const signal = c.req.raw.signal;
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Middleware applying `vendor`'s faults, token lifetime and limits (see the module comment). */
export function applyFaults(state: SandboxState, vendor: Vendor): MiddlewareHandler {
  const profile = PROFILES[vendor];
  return async (c, next) => {
    const claims = claimsOf(c, vendor);
    const tenant = claims?.tenant ?? '-';
    const counters = countersFor(state, vendor, tenant);
    counters.requests += 1;
    countRoute(counters, c.req.method, c.req.url);
    noteRequestCounters(c.req.raw, counters);
    const answer = (res: Response, kind?: 'rateLimited' | 'serverErrors' | 'expired'): Response => {
      if (kind) counters[kind] += 1;
      return res;
    };

    const now = sandboxNow(state);
    if (claims && claims.kind !== 'static' && profile.tokenTtlMs !== undefined && limitRuntime(state).tokenExpiry && now - claims.iat >= profile.tokenTtlMs) {
      return answer(profile.expired(c, claims, now), 'expired');
    }

    // Faults are drawn (and hangs and latency spent) inside the vendor's limit, so a slow request
    // holds its NetSuite slot; the fault's answer is built afterwards so its headers win.
    let fault: 'timeout' | 'error' | 'limit' | undefined;
    const faulted = async (): Promise<void> => {
      const f = state.faults[vendor] as SandboxFaults | undefined;
      if (f && (!f.routes || f.routes.includes(routeKey(c.req.method, c.req.url)))) {
        if (f.latencyMs) await new Promise((resolve) => setTimeout(resolve, f.latencyMs));
        const random = randomFor(f);
        // Always three draws, so one knob's value does not shift the others' seeded sequences.
        const [timeoutDraw, errorDraw, limitDraw] = [random(), random(), random()];
        if (timeoutDraw < (f.timeoutRate ?? 0)) {
          await hang(c, f.hangMs ?? DEFAULT_HANG_MS);
          fault = 'timeout';
        } else if (errorDraw < (f.errorRate ?? 0)) fault = 'error';
        else if (limitDraw < (f.rateLimitRate ?? 0)) fault = 'limit';
        if (fault) return;
      }
      await next();
      // The vendor acted; its answer is lost on the way back (a fourth draw, only with the knob set).
      if (f?.answerLossRate && isWrite(c) && c.res.status < 400 && randomFor(f)() < f.answerLossRate) lost = true;
    };
    let lost = false;

    if (profile.enforce && claims) {
      const refused = await profile.enforce(c, state, tenant, faulted);
      if (refused) return answer(refused, 'rateLimited');
    } else {
      await faulted();
    }
    if (lost) {
      // The answer already made is replaced (hono keeps a finalized response unless it is reset).
      counters.serverErrors += 1;
      c.res = undefined;
      c.res = profile.serverError(c, state, tenant);
      return;
    }
    if (fault === 'timeout') return answer(c.text('Gateway Timeout', 504), 'serverErrors');
    if (fault === 'error') return answer(profile.serverError(c, state, tenant), 'serverErrors');
    if (fault === 'limit') return answer(profile.rateLimited(c, state, tenant), 'rateLimited');
    if (profile.isRateLimited(c.res)) counters.rateLimited += 1;
    else if (c.res.status >= 500) counters.serverErrors += 1;
  };
}
