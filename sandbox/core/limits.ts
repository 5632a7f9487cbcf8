/**
 * The sandbox's limit runtime, kept beside (not inside) `SandboxState` so the emulators stay
 * untouched: an overridable clock (token expiry and token buckets read it), per-vendor/per-tenant
 * counters of what the emulators answered (tests count 429s "at the vendor"), and settings such as
 * NetSuite's concurrency pool. `limitsAdminApp` serves them under `/__sandbox`:
 *   POST /__sandbox/clock {offsetMs}      shift the sandbox clock (GET shows it)
 *   GET  /__sandbox/limits                counters per vendor and tenant + settings
 *   POST /__sandbox/limits {netsuiteConcurrency?, tokenExpiry?, reset?}
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxState } from './state.js';
import { problem, readJson } from './http.js';
import type { TokenClaims } from './tokens.js';
import type { Vendor } from '../seed/types.js';

/** What one vendor+tenant pair has seen since the last reset. */
export interface LimitCounters {
  requests: number;
  /** Answers that told the client to slow down (429, or Salesforce's 403 REQUEST_LIMIT_EXCEEDED). */
  rateLimited: number;
  /** 5xx answers (injected or not). */
  serverErrors: number;
  /** 401 answers for expired tokens. */
  expired: number;
  /** Most requests in flight at once (NetSuite's concurrency pool is about this). */
  maxInFlight: number;
  /**
   * Milliseconds requests held a place in the vendor's concurrency pool, summed (NetSuite only):
   * divided by the requests it is the mean latency the vendor had; divided by slots x elapsed
   * time, how busy the pool was.
   */
  slotMs: number;
  /**
   * NetSuite: milliseconds from each request reaching the sandbox's HTTP server (Node's `request`
   * event) to its answer being built, summed: `slotMs` plus any wait for this process's event loop.
   */
  servedMs?: number;
  /**
   * Requests by route: method and path with each id-like segment (digits, ids with digits,
   * `eid:` keys) written `:id`, so a bench can say which calls a flow makes (bounded: at most
   * ROUTE_KEYS routes, the rest counted under `other`).
   */
  byRoute: Record<string, number>;
}

/** Most routes counted apart per vendor and tenant (paths are normalised, so a vendor has a few dozen). */
const ROUTE_KEYS = 200;

/** `GET /services/rest/record/v1/invoice/:id` for `GET /services/rest/record/v1/invoice/5012?expandSubResources=true`. */
export function routeKey(method: string, url: string): string {
  const path = new URL(url, 'http://x').pathname
    .split('/')
    .map((seg) => (/^eid:|^\d+$|^(?=.*\d)[A-Za-z0-9_-]{6,}$/.test(seg) ? ':id' : seg))
    .join('/');
  return `${method} ${path}`;
}

/** Counts one request of `counters` under its route. */
export function countRoute(counters: LimitCounters, method: string, url: string): void {
  countKey(counters, routeKey(method, url));
}

/**
 * Counts a query language request under its text from its first FROM, literals written `?`, cut
 * at 120 characters (`SuiteQL FROM transaction t WHERE t.entity = ? AND …`), beside its route.
 */
export function countQuery(counters: LimitCounters, language: string, q: string): void {
  const text = q.replace(/'(?:[^']|'')*'/g, '?').replace(/\b\d+(?:\.\d+)?\b/g, '?').replace(/\s+/g, ' ').trim();
  const from = text.search(/\bFROM\b/i);
  countKey(counters, `${language} ${text.slice(Math.max(0, from), Math.max(0, from) + 120)}`);
}

/** The counters each request was counted under (set by the faults middleware), for handlers that count more. */
const countedUnder = new WeakMap<Request, LimitCounters>();

export function noteRequestCounters(req: Request, counters: LimitCounters): void {
  countedUnder.set(req, counters);
}

/**
 * Counts the records a batch request carried, under `records <route>` beside the route's own
 * count (a bench reads records per call and per second from it).
 */
export function countBatchRecords(req: Request, n: number): void {
  const counters = countedUnder.get(req);
  if (!counters) return;
  const key = `records ${routeKey(req.method, req.url)}`;
  countKey(counters, key, n);
}

function countKey(counters: LimitCounters, key: string, n = 1): void {
  const known = key in counters.byRoute || Object.keys(counters.byRoute).length < ROUTE_KEYS;
  const k = known ? key : 'other';
  counters.byRoute[k] = (counters.byRoute[k] ?? 0) + n;
}

/** Per-state limit runtime. */
export interface LimitRuntime {
  /** Added to `Date.now()` for everything clock-dependent in the limit layer. */
  offsetMs: number;
  /** Size of each NetSuite account's concurrency pool (default 5). */
  netsuiteConcurrency: number;
  /** Enforce access-token lifetimes (HubSpot 30 min, NetSuite 1 h). */
  tokenExpiry: boolean;
  counters: Map<string, LimitCounters>;
  inFlight: Map<string, number>;
}

const runtimes = new WeakMap<SandboxState, LimitRuntime>();

/** Default NetSuite pool: https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156224824862.html */
export const NETSUITE_DEFAULT_CONCURRENCY = 5;

/** The limit runtime of a sandbox (created on first use). */
export function limitRuntime(state: SandboxState): LimitRuntime {
  let rt = runtimes.get(state);
  if (!rt) {
    rt = {
      offsetMs: 0,
      netsuiteConcurrency: NETSUITE_DEFAULT_CONCURRENCY,
      // SANDBOX_TOKEN_EXPIRY=off keeps long demos alive until OAuth refresh is wired everywhere.
      tokenExpiry: process.env.SANDBOX_TOKEN_EXPIRY !== 'off',
      counters: new Map(),
      inFlight: new Map(),
    };
    runtimes.set(state, rt);
  }
  return rt;
}

/** The sandbox's "now" in ms since epoch (real time plus the clock offset). */
export function sandboxNow(state: SandboxState): number {
  return Date.now() + limitRuntime(state).offsetMs;
}

/** Counters of `vendor` for `tenant` (tenant `-` = request without a valid token). */
export function countersFor(state: SandboxState, vendor: Vendor, tenant: string): LimitCounters {
  const rt = limitRuntime(state);
  const key = `${vendor}|${tenant}`;
  let c = rt.counters.get(key);
  if (!c) {
    c = { requests: 0, rateLimited: 0, serverErrors: 0, expired: 0, maxInFlight: 0, slotMs: 0, servedMs: 0, byRoute: {} };
    rt.counters.set(key, c);
  }
  return c;
}

/** Everything a vendor module supplies so the shared fault/limit middleware answers in its shape. */
export interface VendorLimitProfile {
  /** Access-token lifetime after `iat`, or undefined when the vendor's tokens do not expire here. */
  tokenTtlMs?: number;
  /** The vendor's 401 for an expired access token. */
  expired(c: Context, claims: TokenClaims, now: number): Response;
  /** The vendor's "slow down" answer (injected by `rateLimitRate`) to `tenant`'s request. */
  rateLimited(c: Context, state: SandboxState, tenant: string): Response;
  /** The vendor's 5xx (injected by `errorRate`) to `tenant`'s request. */
  serverError(c: Context, state: SandboxState, tenant: string): Response;
  /** True when a response is the vendor telling the client to slow down (counted). */
  isRateLimited(res: Response): boolean;
  /** The vendor's own limit enforced in this layer (NetSuite pool, Vitally bucket), if any. */
  enforce?(c: Context, state: SandboxState, tenant: string, next: () => Promise<void>): Promise<Response | void>;
}

const clockBody = z.object({ offsetMs: z.number().int().min(-31_536_000_000).max(31_536_000_000) }).strict();
const limitsBody = z
  .object({
    netsuiteConcurrency: z.number().int().min(1).max(100).optional(),
    tokenExpiry: z.boolean().optional(),
    /** Zero every counter (settings stay). */
    reset: z.boolean().optional(),
  })
  .strict();

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** Admin routes for the clock and the limit counters (mount at `/__sandbox`). */
export function limitsAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  const clock = () => ({ offsetMs: limitRuntime(state).offsetMs, now: new Date(sandboxNow(state)).toISOString() });

  app.get('/clock', (c) => c.json(clock()));
  app.post('/clock', async (c) => {
    const body = await readJson(c, { offsetMs: 0 });
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = clockBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_clock', 'offsetMs must be an integer number of milliseconds (within a year)', issues(parsed.error));
    limitRuntime(state).offsetMs = parsed.data.offsetMs;
    return c.json(clock());
  });

  app.get('/limits', (c) => {
    const rt = limitRuntime(state);
    const counters: Record<string, Record<string, LimitCounters>> = {};
    for (const [key, value] of rt.counters) {
      const [vendor = '', tenant = ''] = key.split('|');
      (counters[vendor] ??= {})[tenant] = { ...value, byRoute: { ...value.byRoute } };
    }
    // NetSuite requests in flight right now, per tenant (maxInFlight in the counters is the peak).
    const netsuiteInFlight = Object.fromEntries(rt.inFlight);
    return c.json({ netsuiteConcurrency: rt.netsuiteConcurrency, tokenExpiry: rt.tokenExpiry, netsuiteInFlight, counters });
  });
  app.post('/limits', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = limitsBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_limits', 'Invalid limit settings', issues(parsed.error));
    const rt = limitRuntime(state);
    if (parsed.data.netsuiteConcurrency !== undefined) rt.netsuiteConcurrency = parsed.data.netsuiteConcurrency;
    if (parsed.data.tokenExpiry !== undefined) rt.tokenExpiry = parsed.data.tokenExpiry;
    if (parsed.data.reset) rt.counters.clear();
    return c.json({ netsuiteConcurrency: rt.netsuiteConcurrency, tokenExpiry: rt.tokenExpiry });
  });
  return app;
}

/** When each request reached the sandbox's HTTP server (Node's `request` event), by request. */
const arrivals = new WeakMap<object, number>();

/** Note that `req` (Node's IncomingMessage) reached the server now. */
export function markArrival(req: object): void {
  arrivals.set(req, performance.now());
}

/** When the request of `c` reached the server (`@hono/node-server` puts it in `c.env.incoming`), if known. */
export function arrivedAt(c: { env?: unknown }): number | undefined {
  const incoming = (c.env as { incoming?: object } | undefined)?.incoming;
  return incoming ? arrivals.get(incoming) : undefined;
}
