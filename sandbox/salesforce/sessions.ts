/**
 * Sandbox-only knobs scoped to one access token (one "session"), so a test can script what the
 * org answers to that session without disturbing anyone else using the same sandbox tenant (the
 * global fault knobs of `POST /__sandbox/faults` hit every caller of the vendor):
 *
 *   PUT /salesforce/__sandbox/session   (Authorization: Bearer <the session's token>)
 *       {faults?: ('ok'|'limit'|'error'|'timeout'|'expired')[], apiUsage?: {used, max}, hangMs?}
 *   GET /salesforce/__sandbox/session   -> what that session sent (counted at the vendor)
 *
 * `faults` are answered in order, one per request (`ok`: served normally), instead of serving it: `limit` is 403
 * REQUEST_LIMIT_EXCEEDED (ConcurrentPerOrgLongTxn), `error` 503 SERVER_UNAVAILABLE, `timeout`
 * hangs until the client gives up, `expired` 401 INVALID_SESSION_ID. `apiUsage` gives the
 * session its own daily allocation: once `used` reaches `max`, every request is 403
 * REQUEST_LIMIT_EXCEEDED ("TotalRequests Limit exceeded."), as the org answers past its cap.
 * Both refusals carry `Sforce-Limit-Info: api-usage=N/M` like every REST answer (the session's
 * allocation when scripted, else the org's).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
 */
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';

const scriptSchema = z
  .object({
    faults: z.array(z.enum(['ok', 'limit', 'error', 'timeout', 'expired'])).max(1000).default([]),
    apiUsage: z.object({ used: z.number().int().min(0), max: z.number().int().min(1) }).optional(),
    /** Longest a scripted timeout hangs (the client normally hangs up first). */
    hangMs: z.number().int().min(1).max(120_000).default(15_000),
  })
  .strict();

/** What one session sent, as the vendor counted it. */
export interface SessionStats {
  /** Every REST request that reached the org with this session (composite subrequests excluded). */
  requests: number;
  /** Answered normally (any status the routes gave). */
  served: number;
  /** Refused with REQUEST_LIMIT_EXCEEDED (scripted or past the allocation). */
  refused: number;
  /** Scripted 5xx, timeouts and 401s. */
  faulted: number;
  /** `METHOD /path-after-version` -> count (query strings and locators dropped). */
  routes: Record<string, number>;
  /** Subrequest count of each composite call, in order. */
  compositeSizes: number[];
  /** Record count of each sObject Collections call, in order. */
  collectionSizes: number[];
}

interface Session {
  script: z.infer<typeof scriptSchema>;
  stats: SessionStats;
}

const emptyStats = (): SessionStats => ({ requests: 0, served: 0, refused: 0, faulted: 0, routes: {}, compositeSizes: [], collectionSizes: [] });

function tokenOf(c: Context): string {
  return (c.req.header('authorization') ?? '').replace(/^(Bearer|OAuth)\s+/i, '');
}

/** `/services/data/v62.0/query/01g...-200?x` -> `query`; sObject ids and locators collapsed. */
function routeKey(method: string, path: string): string {
  const rest = path.replace(/^.*\/services\/data\/v[\d.]+\/?/, '');
  const parts = rest.split('/').map((p) => (/^[a-zA-Z0-9]{15,18}$/.test(p) && /\d/.test(p) ? ':id' : /^01g[A-Za-z0-9]+-\d+$/.test(p) ? ':locator' : p));
  return `${method} /${parts.join('/')}`;
}

/** Session knobs, their admin routes and the middleware that applies them. */
export class SessionScripts {
  private readonly sessions = new Map<string, Session>();

  /** Admin: set (and reset the counters of) the session named by the request's token. */
  async put(c: Context): Promise<Response> {
    const token = tokenOf(c);
    if (!token) return c.json({ error: 'Authorization: Bearer <token> names the session' }, 400);
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      raw = undefined;
    }
    const parsed = scriptSchema.safeParse(raw ?? {});
    if (!parsed.success) return c.json({ error: 'invalid session script', issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) }, 400);
    // Sessions are only ever added by tests; keep the map bounded all the same.
    if (this.sessions.size > 1000) this.sessions.delete(this.sessions.keys().next().value as string);
    this.sessions.set(token, { script: parsed.data, stats: emptyStats() });
    return c.json({ ok: true });
  }

  /** Admin: the counters of the session named by the request's token. */
  get(c: Context): Response {
    const s = this.sessions.get(tokenOf(c));
    return c.json(s ? s.stats : emptyStats());
  }

  /**
   * Middleware for `/services/data/*` requests of scripted sessions (others pass untouched).
   * `isSubrequest` tells composite subrequests apart: they are part of one counted call.
   */
  middleware(isSubrequest: (c: Context) => boolean, orgUsage: (c: Context) => { used: number; max: number } | null): MiddlewareHandler {
    return async (c, next) => {
      const s = this.sessions.get(tokenOf(c));
      if (!s || isSubrequest(c)) return next();
      const st = s.stats;
      st.requests += 1;
      const key = routeKey(c.req.method, c.req.path);
      st.routes[key] = (st.routes[key] ?? 0) + 1;
      const usage = s.script.apiUsage;
      // The session's own allocation when scripted, else the org's (every answer carries one).
      const limitInfo = () => {
        const u = usage ?? orgUsage(c);
        return u ? `api-usage=${u.used}/${u.max}` : undefined;
      };
      const fault = s.script.faults.shift();
      if (fault === 'limit' || (usage && usage.used >= usage.max)) {
        st.refused += 1;
        const info = limitInfo();
        if (info) c.header('Sforce-Limit-Info', info);
        const message = fault === 'limit' ? 'ConcurrentPerOrgLongTxn Limit exceeded.' : 'TotalRequests Limit exceeded.';
        return c.json([{ message, errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 403);
      }
      if (fault === 'error') {
        st.faulted += 1;
        return c.json([{ message: 'Server temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }], 503);
      }
      if (fault === 'expired') {
        st.faulted += 1;
        return c.json([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], 401);
      }
      if (fault === 'timeout') {
        st.faulted += 1;
        await hang(c, s.script.hangMs);
        return c.text('Gateway Timeout', 504);
      }
      await recordSizes(c, st);
      if (usage) usage.used += 1;
      await next();
      st.served += 1;
      if (usage) c.header('Sforce-Limit-Info', `api-usage=${usage.used}/${usage.max}`);
    };
  }
}

/** Notes the size of composite and collections calls (the body is read from a clone). */
async function recordSizes(c: Context, st: SessionStats): Promise<void> {
  const path = c.req.path;
  const isComposite = /\/composite\/?$/.test(path) && c.req.method === 'POST';
  const isCollection = /\/composite\/sobjects(\/[^/]+\/[^/]+)?\/?$/.test(path) && (c.req.method === 'POST' || c.req.method === 'PATCH');
  if (!isComposite && !isCollection) return;
  try {
    const body = (await c.req.raw.clone().json()) as { compositeRequest?: unknown[]; records?: unknown[] };
    if (isComposite && Array.isArray(body.compositeRequest)) st.compositeSizes.push(body.compositeRequest.length);
    if (isCollection && Array.isArray(body.records)) st.collectionSizes.push(body.records.length);
  } catch {
    // Not JSON: the route answers JSON_PARSER_ERROR; nothing to note.
  }
}

/** Waits `ms`, or less when the client hangs up first. */
function hang(c: Context, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    c.req.raw.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
