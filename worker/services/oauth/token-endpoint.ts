/**
 * POSTs to vendors' OAuth endpoints. Token endpoints take `application/x-www-form-urlencoded`
 * bodies (RFC 6749 §4.1.3), which the JSON-only connector helper does not send. Responses are
 * checked with zod; failures keep only the vendor's error code (never a body that could hold a
 * token), and network failures and 5xx become retryable `upstream` errors.
 */
import type { z } from 'zod';
import type { CallContext } from '../../connectors/http.js';
import { ConcordError } from '../../errors.js';

export type FormResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string };

const TIMEOUT_MS = 10_000;

/** The vendor's error code from an OAuth error body: `error` (RFC 6749), `status` (HubSpot), `o:errorCode` (NetSuite). */
function errorCode(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['error', 'status', 'errorType']) if (typeof b[key] === 'string') return (b[key] as string).slice(0, 80);
  }
  return 'unknown_error';
}

export async function postForm<S extends z.ZodType>(
  ctx: CallContext,
  req: { system: string; op: string; url: string; fields: Record<string, string | undefined>; method?: 'POST' | 'DELETE' },
  schema: S,
): Promise<FormResult<z.infer<S>>> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(req.fields)) if (v !== undefined) body.set(k, v);
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method ?? 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-correlation-id': ctx.correlationId },
      body: req.method === 'DELETE' ? undefined : body.toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    ctx.log.warn('oauth.call_failed', { system: req.system, op: req.op, reason: timedOut ? 'timeout' : 'network' });
    throw new ConcordError(timedOut ? { kind: 'timeout', system: req.system, afterMs: TIMEOUT_MS } : { kind: 'upstream', system: req.system, status: 0, detail: 'network error' });
  }
  const text = await res.text();
  let parsedBody: unknown = null;
  try {
    parsedBody = text ? JSON.parse(text) : null;
  } catch {
    parsedBody = null;
  }
  const ms = Date.now() - started;
  if (res.status >= 500 || res.status === 429) {
    ctx.log.warn('oauth.upstream_error', { system: req.system, op: req.op, status: res.status, ms });
    throw new ConcordError(res.status === 429 ? { kind: 'rate_limited', system: req.system, retryAfterMs: null } : { kind: 'upstream', system: req.system, status: res.status, detail: 'token endpoint failed' });
  }
  if (!res.ok) {
    const error = errorCode(parsedBody);
    ctx.log.warn('oauth.refused', { system: req.system, op: req.op, status: res.status, error, ms });
    return { ok: false, status: res.status, error };
  }
  const parsed = schema.safeParse(parsedBody);
  if (!parsed.success) {
    ctx.log.error('oauth.schema_mismatch', { system: req.system, op: req.op, issues: parsed.error.issues.slice(0, 3).map((i) => i.path.join('.')) });
    throw new ConcordError({ kind: 'upstream', system: req.system, status: res.status, detail: 'unexpected token response' });
  }
  ctx.log.debug('oauth.ok', { system: req.system, op: req.op, ms });
  return { ok: true, data: parsed.data };
}

/**
 * Whether a token endpoint's refusal says the refresh token itself is dead (revoked, or the app
 * was uninstalled): HubSpot 400 `BAD_REFRESH_TOKEN`, Salesforce (RFC 6749) 400 `invalid_grant`.
 * Other refusals (a wrong client id or secret: our configuration) say nothing about the tokens.
 */
export function refreshTokenDead(refusal: { status: number; error: string }): boolean {
  return refusal.status === 400 && (refusal.error === 'BAD_REFRESH_TOKEN' || refusal.error === 'invalid_grant');
}
