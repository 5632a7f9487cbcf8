/**
 * The one HTTP helper every outside call goes through: the tenant's limiter (a permit before the
 * call, the vendor's limit headers after it), timeout, correlation id, retries as `decisionFor`
 * says (full-jitter backoff, vendor waits honoured, one credential refresh on 401), response
 * validation with zod, and every failure classified into a DomainError kind. Connectors never
 * call `fetch` directly.
 */
import type { z } from 'zod';
import { ConcordError, type DomainError } from '../errors.js';
import type { Logger } from '../ops/log.js';
import type { Trace } from '../ops/trace.js';
import { msToNextUtcMidnight } from './limits/core.js';
import type { LimitGate } from './limits/gate.js';
import { guarded, type AttemptResult } from './limits/guard.js';
import { headerValue, retryAfterMs as readRetryAfter, salesforceUsage, type HeaderSource } from './limits/headers.js';

export interface CallContext {
  correlationId: string;
  log: Logger;
  /** Where the request spends its time (ops/trace.ts): each upstream call becomes a span. */
  trace?: Trace;
  /** The tenant's limiter gate for a system (absent: calls are not paced, e.g. in unit tests). */
  limits?: (system: string) => LimitGate | undefined;
  /**
   * Refresh hook from the OAuth/vault code: a fresh access token for `system`, or null when it
   * cannot refresh (then a 401 stops the call). Absent: a 401 stops the call.
   */
  refreshToken?: (system: string) => Promise<string | null>;
}

export interface UpstreamRequest {
  system: string;
  /** Operation name for logs and metrics, e.g. 'suiteql', 'account.get'. */
  op: string;
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  /**
   * Headers computed afresh for every attempt (NetSuite TBA: a new nonce, timestamp and OAuth 1.0a
   * signature each time, since a retry must never reuse a nonce). Applied after `headers`.
   */
  sign?: (method: string, url: string) => Promise<Record<string, string>>;
  /** Authorization headers for a refreshed token (needed for the refresh-and-retry path). */
  auth?: (accessToken: string) => Record<string, string>;
  /** Extra limit window (HubSpot `search`). */
  bucket?: string;
  /** False for writes that must not be repeated after a timeout or 5xx (default: true). */
  idempotent?: boolean;
  /** At most this many attempts (default 6; 1 = no retries). */
  maxAttempts?: number;
}

export interface UpstreamResult<T> {
  data: T;
  status: number;
  headers: Headers;
  ms: number;
}

/** Map an HTTP failure to its kind; `detail` is a short whitelisted excerpt, never the raw body. */
export function classify(system: string, status: number, headers: HeaderSource, detail: string, path?: string): DomainError {
  if (status === 429) return { kind: 'rate_limited', system, retryAfterMs: waitHint(system, headers) };
  // Salesforce answers 403 REQUEST_LIMIT_EXCEEDED for the daily allocation (then nothing helps
  // before the allocation rolls over) and for concurrent long-running requests (back off).
  if (status === 403 && detail.includes('REQUEST_LIMIT_EXCEEDED')) {
    const usage = salesforceUsage(headers);
    return { kind: 'rate_limited', system, retryAfterMs: usage && usage.used >= usage.max ? msToNextUtcMidnight(Date.now()) : readRetryAfter(headers) };
  }
  if (status === 401) return { kind: 'auth_expired', system };
  if (status === 404) return { kind: 'not_found', entity: `${system}_record` };
  if (status === 409) return { kind: 'conflict', message: `${system}: ${detail}` };
  if (status === 400 || status === 403 || status === 422) return { kind: 'upstream_validation', system, detail, ...(path ? { path } : {}) };
  return { kind: 'upstream', system, status, detail };
}

/** The vendor's wait on a 429: Retry-After, else Vitally's RateLimit-Reset (seconds). */
function waitHint(system: string, headers: HeaderSource): number | null {
  const after = readRetryAfter(headers);
  if (after !== null || system !== 'vitally') return after;
  const reset = Number(headerValue(headers, 'ratelimit-reset') ?? undefined);
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : null;
}

interface RawAnswer {
  body: unknown;
  status: number;
  headers: Headers;
  ms: number;
}

/**
 * Call a vendor: paced by the tenant's limiter, retried per `decisionFor`, validated with `schema`.
 * Throws ConcordError with the failure's kind when it gives up.
 */
export async function callUpstream<S extends z.ZodType>(
  ctx: CallContext,
  req: UpstreamRequest,
  schema: S,
  describeError: DescribeError = () => '',
): Promise<UpstreamResult<z.infer<S>>> {
  let authHeaders: Record<string, string> = {};
  const refresh = async (system: string): Promise<boolean> => {
    const token = req.auth && ctx.refreshToken ? await ctx.refreshToken(system) : null;
    if (!token || !req.auth) return false;
    authHeaders = req.auth(token);
    return true;
  };
  // One span per call, retries and permit waits included: what the caller waited for it.
  const done = ctx.trace?.upstream(`up-${req.system}-${req.op}`);
  const answer = await guarded<RawAnswer>(
    { system: req.system, op: req.op, ...(req.bucket ? { bucket: req.bucket } : {}), ...(req.idempotent === false ? { idempotent: false } : {}), ...(req.maxAttempts ? { maxAttempts: req.maxAttempts } : {}) },
    { log: ctx.log, gate: ctx.limits?.(req.system), refresh },
    async () => attemptOnce(ctx, { ...req, headers: { ...req.headers, ...authHeaders, ...(req.sign ? await req.sign(req.method ?? 'GET', req.url) : {}) } }, describeError),
  ).finally(() => done?.());
  const parsed = schema.safeParse(answer.body ?? null);
  if (!parsed.success) {
    ctx.log.error('upstream.schema_mismatch', { system: req.system, op: req.op, issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join('.')) });
    throw new ConcordError({ kind: 'upstream', system: req.system, status: answer.status, detail: 'unexpected response shape' });
  }
  return { data: parsed.data, status: answer.status, headers: answer.headers, ms: answer.ms };
}

/**
 * A vendor's error body in a few whitelisted words: the detail, and where the vendor says the
 * refused field is (its own path), when it says so.
 */
export type DescribeError = (body: unknown) => string | { detail: string; path?: string };

/** One HTTP exchange, its failure classified (never thrown). */
async function attemptOnce(ctx: CallContext, req: UpstreamRequest, describeError: DescribeError): Promise<AttemptResult<RawAnswer>> {
  const timeoutMs = req.timeoutMs ?? 10_000;
  const started = Date.now();
  const headers: Record<string, string> = { accept: 'application/json', 'x-correlation-id': ctx.correlationId, ...req.headers };
  if (req.body !== undefined) headers['content-type'] ??= 'application/json';
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Reading the body is inside the timeout too: a vendor that stalls mid-body is a timeout.
    text = await res.text();
  } catch (err) {
    const ms = Date.now() - started;
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    ctx.log.warn('upstream.failed', { system: req.system, op: req.op, ms, reason: timedOut ? 'timeout' : 'network' });
    const error: DomainError = timedOut ? { kind: 'timeout', system: req.system, afterMs: timeoutMs } : { kind: 'upstream', system: req.system, status: 0, detail: 'network error' };
    return { ok: false, error, status: 0, headers: {} };
  }
  const ms = Date.now() - started;
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) {
    const described = describeError(body);
    const { detail, path } = typeof described === 'string' ? { detail: described, path: undefined } : described;
    ctx.log.warn('upstream.error', { system: req.system, op: req.op, status: res.status, ms });
    return { ok: false, error: classify(req.system, res.status, res.headers, detail.slice(0, 300), path?.slice(0, 200)), status: res.status, headers: res.headers };
  }
  ctx.log.debug('upstream.ok', { system: req.system, op: req.op, status: res.status, ms });
  return { ok: true, value: { body, status: res.status, headers: res.headers, ms }, status: res.status, headers: res.headers };
}
