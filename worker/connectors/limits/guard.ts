/**
 * One guarded upstream call: take a permit, make the attempt, tell the limiter what the vendor
 * said, and on failure do what `decisionFor` says for that kind of failure: retry after the
 * vendor's wait or a full-jitter backoff, refresh the credential once and retry, or stop and
 * report. Used by `callUpstream` (plain fetch) and by SDK-based clients (HubSpot) alike.
 */
import { ConcordError, decisionFor, type DomainError } from '../../errors.js';
import type { Logger } from '../../ops/log.js';
import { fullJitter, sleep as realSleep } from './backoff.js';
import type { LimitGate } from './gate.js';
import { readLimitHeaders, type HeaderSource } from './headers.js';

/** What one attempt produced; failures are already classified. */
export type AttemptResult<T> =
  | { ok: true; value: T; status: number; headers: HeaderSource }
  | { ok: false; error: DomainError; status: number; headers: HeaderSource };

/**
 * Refresh hook (provided by the OAuth/vault code): get a fresh credential for `system` and make
 * the next attempt use it. Resolves true when refreshed, false when it cannot (then we stop).
 */
export type RefreshHook = (system: string) => Promise<boolean>;

export interface GuardSpec {
  system: string;
  op: string;
  /** Extra limit window this call needs (HubSpot `search`). */
  bucket?: string;
  /**
   * False for writes that must not be sent twice: then only failures that prove the vendor did
   * not act (rate limited, expired credential) are retried, never timeouts or 5xx.
   */
  idempotent?: boolean;
  /** At most this many attempts in all (default 6). */
  maxAttempts?: number;
  /** Waits longer than this are not slept through: the call stops with the error (default 30 s). */
  maxDelayMs?: number;
}

export interface GuardDeps {
  log: Logger;
  gate?: LimitGate;
  refresh?: RefreshHook;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** Statuses that prove the vendor did not act on the request. */
const NOT_ACTED: ReadonlySet<DomainError['kind']> = new Set(['rate_limited', 'auth_expired']);

/** Run `attempt` under the limiter with retries; resolves to its value or throws a ConcordError. */
export async function guarded<T>(spec: GuardSpec, deps: GuardDeps, attempt: () => Promise<AttemptResult<T>>): Promise<T> {
  const sleep = deps.sleep ?? realSleep;
  const maxAttempts = spec.maxAttempts ?? 6;
  const maxDelay = spec.maxDelayMs ?? 30_000;
  const perKind = new Map<DomainError['kind'], number>();
  for (let n = 0; ; n++) {
    const permit = await deps.gate?.acquire(spec.bucket ? { bucket: spec.bucket } : {});
    // How this call used its permit (a NetSuite slot): had it, then the exchange within (core.ts SlotUse).
    const had = Date.now();
    let callMs = 0;
    let result: AttemptResult<T>;
    try {
      result = await attempt();
      callMs = Date.now() - had;
    } catch (err) {
      // An attempt should return failures, but a thrown ConcordError is classified all the same.
      if (!(err instanceof ConcordError)) {
        await permit?.settle({ status: 0 });
        throw err;
      }
      result = { ok: false, error: err.error, status: 0, headers: {} };
    }
    const observed = readLimitHeaders(spec.system, result.status, result.headers);
    await permit?.settle({
      ...observed,
      rateLimited: !result.ok && result.error.kind === 'rate_limited',
      ...(spec.bucket ? { bucket: spec.bucket } : {}),
      heldMs: Date.now() - had,
      callMs,
    });
    if (result.ok) return result.value;

    const error = result.error;
    const tries = perKind.get(error.kind) ?? 0;
    perKind.set(error.kind, tries + 1);
    let decision = decisionFor(error, tries);
    if (n + 1 >= maxAttempts || (spec.idempotent === false && !NOT_ACTED.has(error.kind))) decision = { action: 'stop' };
    if (decision.action === 'refresh_and_retry') {
      const refreshed = deps.refresh ? await deps.refresh(spec.system) : false;
      deps.log.warn('upstream.refresh', { system: spec.system, op: spec.op, refreshed });
      if (refreshed) continue;
      throw new ConcordError(error);
    }
    if (decision.action === 'stop') throw new ConcordError(error);

    // retry: the vendor's own wait wins; a gate already learned the window from the 429, so
    // only a short jitter is added; otherwise full-jitter backoff.
    let delay: number;
    if (error.kind === 'rate_limited') delay = error.retryAfterMs ?? (deps.gate ? fullJitter(0, 100, 100, deps.random) : fullJitter(tries, 1000, 30_000, deps.random));
    else delay = fullJitter(tries, 250, 10_000, deps.random);
    if (delay > maxDelay) throw new ConcordError(error);
    deps.log.warn('upstream.retry', { system: spec.system, op: spec.op, kind: error.kind, attempt: n + 1, delayMs: Math.round(delay) });
    await sleep(delay);
  }
}
