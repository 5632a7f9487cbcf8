/**
 * Access tokens for connector calls. `accessTokenFor` returns a token that is valid now: the
 * stored one while it is fresh, otherwise one refreshed through the connection's TokenRefresher
 * Durable Object (single flight: twenty concurrent callers cause one vendor refresh). After a
 * 401, pass the refused token as `rejected` to force a refresh even if it looked unexpired.
 */
import { ConcordError } from '../errors.js';
import type { OAuthEnv } from '../services/oauth/config.js';
import { isFresh, planFor, storedToken } from '../services/oauth/refresh.js';
import { forgetConnection, loadConnection, type Connection, type System } from '../storage/connections.js';
import { refreshOnce, type RefreshOutcome, type RefreshRequest } from '../storage/objects/token-refresher.js';
import type { CallContext } from './http.js';

/** Without the Durable Object binding (misconfigured deploy), at least single-flight per isolate. */
const local = new Map<string, Promise<RefreshOutcome>>();

async function viaRefresher(env: OAuthEnv, req: RefreshRequest): Promise<RefreshOutcome> {
  const name = `${req.tenantId}:${req.system}`;
  if (env.TOKEN_REFRESHER) return env.TOKEN_REFRESHER.get(env.TOKEN_REFRESHER.idFromName(name)).refresh(req);
  let p = local.get(name);
  if (!p) {
    p = refreshOnce(env, req).finally(() => local.delete(name));
    local.set(name, p);
  }
  return p;
}

/**
 * The token as stored, for clients that build their auth header synchronously. Pair it with
 * `freshConnection` (or `accessTokenFor`) so what is stored is fresh.
 */
export function currentAccessToken(conn: Connection): string {
  const token = storedToken(conn.credentials);
  if (!token) throw new ConcordError({ kind: 'auth_expired', system: conn.system });
  return token;
}

/** A valid access token for `conn`, refreshing (single flight) when it is stale or was refused. */
export async function accessTokenFor(env: OAuthEnv, conn: Connection, ctx: CallContext, opts: { rejected?: string } = {}): Promise<string> {
  const creds = conn.credentials;
  const current = storedToken(creds);
  if (current && isFresh(creds) && current !== opts.rejected) return current;
  const plan = planFor(env, conn);
  // Static credentials cannot be refreshed: a refused one stays refused.
  if (!plan) throw new ConcordError({ kind: 'auth_expired', system: conn.system });
  const outcome = await viaRefresher(env, {
    tenantId: conn.tenantId,
    system: conn.system,
    ...(opts.rejected ? { rejected: opts.rejected } : {}),
    plan,
    correlationId: ctx.correlationId,
  });
  // The refresher wrote D1; this isolate's cached copy is now stale.
  forgetConnection(conn.tenantId, conn.system);
  if (!outcome.ok) throw new ConcordError(outcome.error);
  if (outcome.refreshed) ctx.log.info('token.refreshed', { system: conn.system });
  return outcome.accessToken;
}

/** `loadConnection` with credentials that hold a fresh access token (refreshed if needed). */
export async function freshConnection(env: OAuthEnv, tenantId: string, system: System, ctx: CallContext): Promise<Connection> {
  const conn = await loadConnection(env, tenantId, system);
  if (isFresh(conn.credentials)) return conn;
  const token = await accessTokenFor(env, conn, ctx);
  return loadConnection(env, tenantId, system).then((c) => (storedToken(c.credentials) === token ? c : withToken(c, token)));
}

function withToken(conn: Connection, token: string): Connection {
  const c = conn.credentials;
  if (c.type === 'oauth2' || c.type === 'netsuite_m2m' || c.type === 'bearer') return { ...conn, credentials: { ...c, accessToken: token } };
  return conn;
}

/**
 * A per-call token holder for retrying callers (the limiter's `guarded` takes `refresh` as its
 * RefreshHook): `token()` for the auth header, `refresh()` after a 401 forces one single-flight
 * refresh with the refused token and answers whether a new token is available.
 */
export interface TokenSource {
  token(): Promise<string>;
  refresh(system?: string): Promise<boolean>;
}

export function tokenSource(env: OAuthEnv, conn: Connection, ctx: CallContext): TokenSource {
  let current: string | null = null;
  return {
    async token() {
      current ??= await accessTokenFor(env, conn, ctx);
      return current;
    },
    async refresh() {
      try {
        current = await accessTokenFor(env, conn, ctx, current ? { rejected: current } : {});
        return true;
      } catch (err) {
        // not_connected: the refresher just deleted the connection (refresh token revoked by the vendor).
        if (err instanceof ConcordError && (err.error.kind === 'auth_expired' || err.error.kind === 'not_connected')) return false;
        throw err;
      }
    },
  };
}
