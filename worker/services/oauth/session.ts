/**
 * The admin session a browser uses for the console and the connect flows. Server-side: the
 * cookie holds a random 32-byte id (HttpOnly, SameSite=Lax, Secure when the public URL is https);
 * the `sessions` row (storage/sessions.ts) holds its hash, the tenant, the API key that minted it
 * and an absolute expiry of 8 hours. Only an API key mints a session; logout revokes the row, and
 * replacing the key revokes every session it opened. OAuth `state` rows are bound to the id.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { fail } from '../../errors.js';
import { insertSession, findSession, revokeSession } from '../../storage/sessions.js';
import { publicBase, type OAuthEnv } from './config.js';
import { randomToken } from './pkce.js';

export const SESSION_COOKIE = 'concord_session';
/** Absolute lifetime: a session is never extended, however busy. */
export const SESSION_MS = 8 * 60 * 60 * 1000;

/** Routes are typed with the broker's Env; the session settings live in OAuthEnv. */
const envOf = (c: Context): OAuthEnv => c.env as OAuthEnv;

const ID = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  tenantId: string;
  sessionId: string;
  expiresAt: number;
}

/**
 * Start a session for `tenantId`, minted by the API key whose SHA-256 is `keyHash`, and set its
 * cookie. The Secure flag follows the public URL (CONCORD_PUBLIC_URL; the request's own origin
 * only in development mode), never the Host header.
 */
export async function startSession(c: Context, tenantId: string, keyHash: string): Promise<Session> {
  const secure = publicBase(envOf(c), c.req.url).startsWith('https:');
  const sessionId = randomToken(32);
  const now = Date.now();
  const expiresAt = now + SESSION_MS;
  await insertSession(envOf(c).DB, { id: sessionId, tenantId, keyHash, createdAt: now, expiresAt });
  setCookie(c, SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: Math.floor(SESSION_MS / 1000) });
  return { tenantId, sessionId, expiresAt };
}

/** The request's live session, or null (no cookie, unknown, revoked, expired, key replaced). */
export async function readSession(c: Context): Promise<Session | null> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || !ID.test(id)) return null;
  const row = await findSession(envOf(c).DB, id);
  return row ? { tenantId: row.tenantId, sessionId: id, expiresAt: row.expiresAt } : null;
}

/** Logout: revoke the session on the server and clear the cookie. */
export async function endSession(c: Context): Promise<void> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id && ID.test(id)) await revokeSession(envOf(c).DB, id);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

/**
 * Cookie-authenticated writes must come from the broker's own pages: SameSite=Lax already keeps
 * the cookie off cross-site POSTs; this also refuses a cross-site `Origin` or `Sec-Fetch-Site`.
 */
export function assertSameOrigin(c: Context): void {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const own = new URL(publicBase(envOf(c), c.req.url)).origin;
  if (site === 'cross-site' || (origin && origin !== own && origin !== new URL(c.req.url).origin)) {
    fail({ kind: 'forbidden', message: 'Cross-site request refused.' });
  }
}
