/**
 * Domain errors as a tagged union. Everything that can go wrong on a request or an upstream call
 * is one of these kinds; `toProblem` turns a kind into an RFC 9457 problem (HTTP edge) and
 * `decisionFor` into what a retrying caller should do. Both switches are exhaustive.
 */

export type FieldIssue = { path: string; message: string; code: string };

export type DomainError =
  | { kind: 'validation'; issues: FieldIssue[]; status?: 400 | 422; message?: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not_found'; entity: string; id?: string; code?: string; /** Says why, when there is more to say than the id. */ detail?: string }
  | { kind: 'conflict'; message: string; /** A stable code more precise than `conflict`. */ code?: string }
  | { kind: 'not_connected'; system: string }
  | { kind: 'rate_limited'; system: string; retryAfterMs: number | null }
  | { kind: 'auth_expired'; system: string }
  | { kind: 'upstream'; system: string; status: number; detail: string }
  | { kind: 'timeout'; system: string; afterMs: number }
  /**
   * The vendor refused the request's data (400/403/422). `path`: the request field the vendor
   * names, in its own terms (NetSuite `o:errorPath`, e.g. `item.items[0].item`); `field`: that
   * field in the port's canonical input (`lines.0.itemId`), when the connector knows it.
   */
  | { kind: 'upstream_validation'; system: string; detail: string; path?: string; field?: string }
  /** A business rule refuses the operation (data to fix, a policy): never retried. */
  | { kind: 'business'; code: string; message: string; issues?: FieldIssue[] }
  | { kind: 'internal'; message: string };

/** Thrown wrapper so domain errors travel through hono's onError. */
export class ConcordError extends Error {
  constructor(readonly error: DomainError) {
    super(error.kind);
    this.name = 'ConcordError';
  }
}

export function fail(error: DomainError): never {
  throw new ConcordError(error);
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: FieldIssue[];
  correlationId?: string;
}

const TYPE_BASE = 'https://concord.dev/problems/';

/** The HTTP problem for a domain error; `detail` never carries secrets or raw vendor payloads. */
export function toProblem(e: DomainError): Problem {
  switch (e.kind) {
    case 'validation':
      return {
        type: TYPE_BASE + 'validation',
        title: e.message ?? 'The request is not valid',
        status: e.status ?? 422,
        code: e.status === 400 ? 'bad_request' : 'validation_failed',
        errors: e.issues,
      };
    case 'unauthorized':
      return { type: TYPE_BASE + 'unauthorized', title: 'Unauthorized', status: 401, code: 'unauthorized', detail: e.message };
    case 'forbidden':
      return { type: TYPE_BASE + 'forbidden', title: 'Forbidden', status: 403, code: 'forbidden', detail: e.message };
    case 'not_found':
      return {
        type: TYPE_BASE + 'not-found',
        title: `${e.entity} not found`,
        status: 404,
        code: e.code ?? `${e.entity}_not_found`,
        ...(e.detail ? { detail: e.detail } : e.id ? { detail: `No ${e.entity} with id ${e.id}` } : {}),
      };
    case 'conflict':
      return { type: TYPE_BASE + 'conflict', title: 'Conflict', status: 409, code: e.code ?? 'conflict', detail: e.message };
    case 'not_connected':
      return {
        type: TYPE_BASE + 'not-connected',
        title: `${e.system} is not connected for this tenant`,
        status: 409,
        code: 'system_not_connected',
      };
    case 'rate_limited':
      return { type: TYPE_BASE + 'upstream-rate-limited', title: `${e.system} rate limit reached`, status: 503, code: 'upstream_rate_limited' };
    case 'auth_expired':
      return { type: TYPE_BASE + 'upstream-auth', title: `${e.system} credentials were refused`, status: 502, code: 'upstream_auth_failed' };
    case 'upstream':
      return { type: TYPE_BASE + 'upstream', title: `${e.system} failed`, status: 502, code: 'upstream_error' };
    case 'timeout':
      return { type: TYPE_BASE + 'upstream-timeout', title: `${e.system} did not answer in time`, status: 504, code: 'upstream_timeout' };
    case 'upstream_validation':
      return { type: TYPE_BASE + 'upstream-validation', title: `${e.system} rejected the request`, status: 422, code: 'upstream_rejected', detail: e.detail };
    case 'business':
      return { type: TYPE_BASE + 'business', title: 'Refused by a business rule', status: 422, code: e.code, detail: e.message, ...(e.issues ? { errors: e.issues } : {}) };
    case 'internal':
      return { type: TYPE_BASE + 'internal', title: 'Internal error', status: 500, code: 'internal_error' };
  }
}

/** What a retrying caller (queue consumer, workflow step, connector) does with a failure. */
export type RetryDecision = { action: 'retry'; delayMs: number } | { action: 'refresh_and_retry' } | { action: 'stop' };

export function decisionFor(e: DomainError, attempt: number): RetryDecision {
  const backoff = (base: number) => Math.min(60_000, base * 2 ** attempt) * (0.5 + Math.random() / 2);
  switch (e.kind) {
    case 'rate_limited':
      return { action: 'retry', delayMs: e.retryAfterMs ?? backoff(1000) };
    case 'timeout':
    case 'upstream':
      return attempt < 5 ? { action: 'retry', delayMs: backoff(250) } : { action: 'stop' };
    case 'auth_expired':
      return attempt < 1 ? { action: 'refresh_and_retry' } : { action: 'stop' };
    case 'validation':
    case 'upstream_validation':
    case 'unauthorized':
    case 'forbidden':
    case 'not_found':
    case 'conflict':
    case 'not_connected':
    case 'business':
    case 'internal':
      return { action: 'stop' };
  }
}

/** zod issues -> field issues with dotted paths (`billTo.country`). */
export function zodIssues(issues: readonly { path: readonly PropertyKey[]; message: string; code: string }[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message, code: i.code }));
}
