/**
 * The admin session a browser uses for the console and the connect flows: a JWT (HS256, jose)
 * signed with CONCORD_SESSION_SECRET, 8 hours, in an HttpOnly SameSite=Lax cookie (Secure on
 * https). It names the tenant and a random session id; OAuth `state` rows are bound to that id.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SignJWT, jwtVerify } from 'jose';
import { fail } from '../../errors.js';
import { oauthConfig, publicBase, type OAuthEnv } from './config.js';
import { randomToken } from './pkce.js';

export const SESSION_COOKIE = 'concord_session';
const SESSION_SECONDS = 8 * 60 * 60;
const ISSUER = 'concord-broker';
const AUDIENCE = 'concord-admin-session';

/** Routes are typed with the broker's Env; the session settings live in OAuthEnv. */
const envOf = (c: Context): OAuthEnv => c.env as OAuthEnv;

export interface Session {
  tenantId: string;
  sessionId: string;
  expiresAt: number;
}

function secretKey(env: OAuthEnv): Uint8Array {
  const secret = oauthConfig(env).CONCORD_SESSION_SECRET;
  if (!secret) fail({ kind: 'conflict', message: 'Admin sessions are disabled: set CONCORD_SESSION_SECRET (32+ characters).' });
  return new TextEncoder().encode(secret);
}

/** Start a session for `tenantId` and set its cookie on the response. */
export async function startSession(c: Context, tenantId: string): Promise<Session> {
  const sessionId = randomToken(18);
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(tenantId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + SESSION_SECONDS)
    .sign(secretKey(envOf(c)));
  const secure = publicBase(envOf(c), c.req.url).startsWith('https:');
  setCookie(c, SESSION_COOKIE, jwt, { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: SESSION_SECONDS });
  return { tenantId, sessionId, expiresAt: (now + SESSION_SECONDS) * 1000 };
}

/** The request's valid session, or null (no cookie, bad signature, expired, sessions disabled). */
export async function readSession(c: Context): Promise<Session | null> {
  const jwt = getCookie(c, SESSION_COOKIE);
  const secret = oauthConfig(envOf(c)).CONCORD_SESSION_SECRET;
  if (!jwt || !secret) return null;
  try {
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string' || typeof payload.exp !== 'number') return null;
    return { tenantId: payload.sub, sessionId: payload['sid'], expiresAt: payload.exp * 1000 };
  } catch {
    return null;
  }
}

export function endSession(c: Context): void {
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
