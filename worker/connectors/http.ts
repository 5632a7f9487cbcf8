/**
 * The one HTTP helper every outside call goes through: timeout, correlation id, response
 * validation with zod, and every failure classified into a DomainError kind. Connectors never
 * call `fetch` directly.
 */
import type { z } from 'zod';
import { ConcordError, type DomainError } from '../errors.js';
import type { Logger } from '../ops/log.js';

export interface CallContext {
  correlationId: string;
  log: Logger;
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
}

export interface UpstreamResult<T> {
  data: T;
  status: number;
  headers: Headers;
  ms: number;
}

function retryAfterMs(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Map an HTTP failure to its kind; `detail` is a short whitelisted excerpt, never the raw body. */
export function classify(system: string, status: number, headers: Headers, detail: string): DomainError {
  if (status === 429) return { kind: 'rate_limited', system, retryAfterMs: retryAfterMs(headers) };
  if (status === 401) return { kind: 'auth_expired', system };
  if (status === 404) return { kind: 'not_found', entity: `${system}_record` };
  if (status === 409) return { kind: 'conflict', message: `${system}: ${detail}` };
  if (status === 400 || status === 403 || status === 422) return { kind: 'upstream_validation', system, detail };
  return { kind: 'upstream', system, status, detail };
}

export async function callUpstream<S extends z.ZodType>(
  ctx: CallContext,
  req: UpstreamRequest,
  schema: S,
  describeError: (body: unknown) => string = () => '',
): Promise<UpstreamResult<z.infer<S>>> {
  const timeoutMs = req.timeoutMs ?? 10_000;
  const started = Date.now();
  const headers: Record<string, string> = { accept: 'application/json', 'x-correlation-id': ctx.correlationId, ...req.headers };
  if (req.body !== undefined) headers['content-type'] ??= 'application/json';
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const ms = Date.now() - started;
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    ctx.log.warn('upstream.failed', { system: req.system, op: req.op, ms, reason: timedOut ? 'timeout' : 'network' });
    throw new ConcordError(
      timedOut ? { kind: 'timeout', system: req.system, afterMs: timeoutMs } : { kind: 'upstream', system: req.system, status: 0, detail: 'network error' },
    );
  }
  const ms = Date.now() - started;
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) {
    const detail = describeError(body).slice(0, 300);
    ctx.log.warn('upstream.error', { system: req.system, op: req.op, status: res.status, ms });
    throw new ConcordError(classify(req.system, res.status, res.headers, detail));
  }
  const parsed = schema.safeParse(body ?? null);
  if (!parsed.success) {
    ctx.log.error('upstream.schema_mismatch', { system: req.system, op: req.op, issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join('.')) });
    throw new ConcordError({ kind: 'upstream', system: req.system, status: res.status, detail: 'unexpected response shape' });
  }
  ctx.log.debug('upstream.ok', { system: req.system, op: req.op, status: res.status, ms });
  return { data: parsed.data, status: res.status, headers: res.headers, ms };
}
