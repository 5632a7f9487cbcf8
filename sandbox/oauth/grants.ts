/**
 * Checks shared by the sandbox token endpoints: read the form body, authenticate the client app,
 * redeem an authorization code (single use, same client and redirect URI, PKCE S256 verifier),
 * and accept a refresh token (an unrevoked `sbx_` refresh token of the right vendor).
 */
import type { Context } from 'hono';
import { verifyToken, type TokenClaims } from '../core/tokens.js';
import type { Vendor } from '../seed/types.js';
import { s256, type OAuthClientApp, type OAuthStore, type PendingCode } from './store.js';

/** The form fields of a token request (`application/x-www-form-urlencoded`, as RFC 6749 §4.1.3 says). */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return out;
  const body = await c.req.parseBody();
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Why a grant failed, in RFC 6749 §5.2 terms; each vendor renders it in its own shape. */
export type GrantFailure =
  | 'invalid_client'
  | 'invalid_code'
  | 'redirect_mismatch'
  | 'pkce_failed'
  | 'invalid_refresh_token'
  | 'unsupported_grant_type'
  | 'invalid_request';

export type GrantResult<T> = { ok: true; value: T } | { ok: false; failure: GrantFailure; message: string };

export function clientOf(store: OAuthStore, form: Record<string, string>): GrantResult<OAuthClientApp> {
  const app = store.authenticate(form['client_id'], form['client_secret']);
  return app ? { ok: true, value: app } : { ok: false, failure: 'invalid_client', message: 'client_id or client_secret is wrong' };
}

export function redeemCode(store: OAuthStore, vendor: Vendor, app: OAuthClientApp, form: Record<string, string>): GrantResult<PendingCode> {
  const code = form['code'];
  if (!code) return { ok: false, failure: 'invalid_request', message: 'code is required' };
  const pending = store.takeCode(code);
  if (!pending || pending.vendor !== vendor || pending.clientId !== app.clientId) {
    return { ok: false, failure: 'invalid_code', message: 'authorization code is invalid, expired or already used' };
  }
  if (pending.redirectUri !== form['redirect_uri']) return { ok: false, failure: 'redirect_mismatch', message: 'redirect_uri does not match the authorize request' };
  if (pending.codeChallenge) {
    const verifier = form['code_verifier'] ?? '';
    // RFC 7636 §4.1: 43-128 characters from the unreserved set.
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || s256(verifier) !== pending.codeChallenge) {
      return { ok: false, failure: 'pkce_failed', message: 'code_verifier does not match code_challenge' };
    }
  }
  return { ok: true, value: pending };
}

export function acceptRefresh(store: OAuthStore, vendor: Vendor, form: Record<string, string>): GrantResult<TokenClaims> {
  const token = form['refresh_token'];
  const claims = verifyToken(token);
  if (!token || !claims || claims.kind !== 'refresh' || claims.vendor !== vendor || store.revoked.has(token)) {
    return { ok: false, failure: 'invalid_refresh_token', message: 'refresh token is invalid or revoked' };
  }
  return { ok: true, value: claims };
}
