/**
 * TokenRefresher: one Durable Object per connection (`idFromName("<tenant>:<system>")`) so
 * concurrent requests anywhere never race two refreshes. Callers that arrive while a refresh is
 * in flight share its result; callers that arrive after it see the new token in D1 and get that,
 * because the refresher only calls the vendor when the stored token is stale or is the very token
 * the caller saw rejected. (A Durable Object is single-threaded, but it does take new requests
 * while awaiting a fetch, hence the in-memory promise.)
 */
import { DurableObject } from 'cloudflare:workers';
import { ConcordError, type DomainError } from '../../errors.js';
import { createLogger } from '../../ops/log.js';
import type { OAuthEnv } from '../../services/oauth/config.js';
import { RefreshTokenRevoked, isFresh, performRefresh, storedToken, type RefreshPlan } from '../../services/oauth/refresh.js';
import { removeRevokedConnection } from '../../services/oauth/vendor-revoked.js';
import { loadConnectionFresh, updateCredentials, type System } from '../connections.js';

export interface RefreshRequest {
  tenantId: string;
  system: System;
  /** The token the caller saw refused (401), if any: refresh even if it looks unexpired. */
  rejected?: string;
  plan: RefreshPlan;
  correlationId: string;
}

/** What a refresh gives back: the token, or the domain error (RPC carries data, not our classes). */
export type RefreshOutcome = { ok: true; accessToken: string; expiresAt: number | null; refreshed: boolean } | { ok: false; error: DomainError };

/** The refresh itself, shared by the Durable Object and the in-isolate fallback. */
export async function refreshOnce(env: OAuthEnv, req: RefreshRequest): Promise<RefreshOutcome> {
  const log = createLogger('warn', { correlationId: req.correlationId, tenant: req.tenantId });
  try {
    const conn = await loadConnectionFresh(env, req.tenantId, req.system);
    const current = storedToken(conn.credentials);
    const expiresAt = 'expiresAt' in conn.credentials ? (conn.credentials.expiresAt ?? null) : null;
    if (current && current !== req.rejected && isFresh(conn.credentials)) return { ok: true, accessToken: current, expiresAt, refreshed: false };
    let next;
    try {
      next = await performRefresh({ correlationId: req.correlationId, log }, req.plan, conn);
    } catch (err) {
      // The refresh token is dead (app uninstalled, token revoked): delete the connection once so
      // later calls answer not_connected instead of refreshing again. Transient failures (5xx,
      // timeout, 429) are other errors and delete nothing.
      if (err instanceof RefreshTokenRevoked && conn.credentials.type === 'oauth2') {
        const removed = await removeRevokedConnection(env, { tenantId: req.tenantId, system: req.system, refreshToken: conn.credentials.refreshToken, correlationId: req.correlationId });
        if (removed) log.warn('connection.revoked_by_vendor', { system: req.system });
      }
      throw err;
    }
    await updateCredentials(env, conn, next);
    const token = storedToken(next)!;
    return { ok: true, accessToken: token, expiresAt: 'expiresAt' in next ? (next.expiresAt ?? null) : null, refreshed: true };
  } catch (err) {
    if (err instanceof ConcordError) return { ok: false, error: err.error };
    log.error('token.refresh_crashed', { system: req.system, error: err instanceof Error ? err.name : 'unknown' });
    return { ok: false, error: { kind: 'upstream', system: req.system, status: 0, detail: 'token refresh failed' } };
  }
}

export class TokenRefresher extends DurableObject<OAuthEnv> {
  private inflight: Promise<RefreshOutcome> | null = null;

  /** Refresh (or hand out the already-refreshed token); concurrent calls share one vendor call. */
  async refresh(req: RefreshRequest): Promise<RefreshOutcome> {
    if (!this.inflight) this.inflight = refreshOnce(this.env, req).finally(() => (this.inflight = null));
    return this.inflight;
  }
}
