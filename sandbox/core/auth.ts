/**
 * Vendor-route authentication shared by every emulator: read the sandbox token from the request
 * (Bearer, or HTTP Basic with the token as user name as Vitally expects), check it was issued for
 * this vendor, and select the tenant's dataset from it. Each emulator answers failures in its
 * own vendor's error shape, so the 401 body is supplied by the caller.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { verifyToken, type TokenClaims, opensApi } from './tokens.js';
import type { SandboxTenant, Vendor } from '../seed/types.js';

/** Hono env for vendor routes: the auth middleware sets `tenant` and `claims`. */
export type SandboxEnv = { Variables: { tenant: SandboxTenant; claims: TokenClaims } };

/**
 * The credential in an Authorization header: `Bearer <token>`, or `Basic base64(token:)` whose
 * user part is the token (https://docs.vitally.io/en/articles/9880209-rest-api-overview).
 */
export function extractToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!scheme || !value) return null;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    try {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const user = decoded.split(':')[0];
      return user || null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Claims of a valid token for `vendor` in the request, or null (missing, forged, other vendor). */
export function claimsFor(c: Context, vendor: Vendor): TokenClaims | null {
  const claims = verifyToken(extractToken(c.req.header('authorization')));
  if (!claims || claims.vendor !== vendor || !opensApi(claims)) return null;
  return claims;
}

/** The tenant whose dataset the request's token opens for `vendor`, or null. */
export function tenantFor(c: Context, vendor: Vendor): SandboxTenant | null {
  return claimsFor(c, vendor)?.tenant ?? null;
}

/**
 * Middleware: require a token for `vendor`; on failure answer with `unauthorized(c)` (the
 * vendor's own 401 shape), otherwise set `tenant` and `claims` for the handlers.
 */
export function requireVendorToken(vendor: Vendor, unauthorized: (c: Context) => Response | Promise<Response>): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const claims = claimsFor(c, vendor);
    if (!claims) return unauthorized(c);
    c.set('claims', claims);
    c.set('tenant', claims.tenant);
    await next();
  };
}

/**
 * The parameters of an OAuth 1.0a `Authorization: OAuth realm="…", oauth_…="…"` header (RFC 5849
 * 3.5.1, values percent-decoded), or null when the header is not one (Salesforce's `OAuth <token>`
 * and bearer tokens are not).
 */
export function oauth1Params(header: string | undefined | null): Record<string, string> | null {
  if (!header || !/^OAuth\s+/i.test(header)) return null;
  const params: Record<string, string> = {};
  const re = /([A-Za-z0-9_]+)="([^"]*)"\s*(?:,\s*|$)/y;
  const rest = header.replace(/^OAuth\s+/i, '');
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(rest))) {
    try {
      params[m[1]!] = decodeURIComponent(m[2]!);
    } catch {
      return null;
    }
    end = re.lastIndex;
  }
  if (end !== rest.length || !('oauth_token' in params)) return null;
  return params;
}
