/**
 * What a service needs to know about the request it serves, and the hooks every upstream call
 * gets: the tenant's per-vendor limiter gates and the single-flight token refresh.
 */
import { accessTokenFor, currentAccessToken, freshConnection } from '../connectors/auth.js';
import type { CallContext } from '../connectors/http.js';
import { limitsFor } from '../connectors/limits/durable.js';
import type { Env } from '../env.js';
import type { Logger } from '../ops/log.js';
import type { Trace } from '../ops/trace.js';
import { loadConnection, type Connection, type System } from '../storage/connections.js';

export interface ServiceContext extends CallContext {
  tenantId: string;
}

export interface ContextOptions {
  /**
   * Longest a call waits for a limiter permit before failing as rate_limited: short for
   * interactive reads (a card must answer, stale data serves meanwhile), long for batch work.
   */
  maxWaitMs?: number;
}

/** A service context with the limiter and token-refresh hooks wired for this tenant. */
export function serviceContext(env: Env, base: { tenantId: string; correlationId: string; log: Logger; trace?: Trace }, opts: ContextOptions = {}): ServiceContext {
  const ctx: ServiceContext = { ...base, limits: limitsFor(env, base.tenantId, { maxWaitMs: opts.maxWaitMs ?? 10_000 }) };
  ctx.refreshToken = async (system: string) => {
    try {
      const conn = await loadConnection(env, base.tenantId, system as System);
      return await accessTokenFor(env, conn, ctx, { rejected: currentAccessToken(conn) });
    } catch {
      return null;
    }
  };
  return ctx;
}

/** The tenant's connection to `system` with an access token that is fresh (refreshed if due). */
export function connectionFor(env: Env, ctx: ServiceContext, system: System): Promise<Connection> {
  return freshConnection(env, ctx.tenantId, system, ctx);
}
