/**
 * Sandbox-issued access tokens: `sbx_<payload>.<mac>`, stateless and HMAC-signed so they survive
 * a sandbox restart (the broker keeps them in its vault across `npm start`s). The payload names
 * the vendor and the tenant whose dataset the token opens; a token for one vendor is refused by
 * another, and a token for `other` never reads `demo`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SANDBOX_TENANTS, type SandboxTenant, type Vendor } from '../seed/types.js';

const VENDORS: readonly Vendor[] = ['hubspot', 'salesforce', 'netsuite', 'vitally'];

/** Local-only signing secret; the sandbox holds no real credentials. */
const SECRET = process.env.SANDBOX_TOKEN_SECRET ?? 'concord-sandbox-local-only';

export interface TokenClaims {
  vendor: Vendor;
  tenant: SandboxTenant;
  /** Issue time, ms since epoch. Expiry is enforced per vendor by the emulators. */
  iat: number;
  /** Kind of credential: short-lived access token or refresh token. */
  /** `static`: a long-lived integration token (HubSpot private app, NetSuite TBA) that never expires. */
  kind: 'access' | 'refresh' | 'static';
}

function mac(payload: string): string {
  return createHmac('sha256', SECRET).update(payload).digest('base64url').slice(0, 32);
}

export function issueToken(vendor: Vendor, tenant: SandboxTenant, kind: TokenClaims['kind'] = 'access', now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ v: vendor, t: tenant, i: now, k: kind })).toString('base64url');
  return `sbx_${payload}.${mac(payload)}`;
}

export function verifyToken(token: string | undefined | null): TokenClaims | null {
  if (!token || !token.startsWith('sbx_')) return null;
  const [payload, sig] = token.slice(4).split('.');
  if (!payload || !sig) return null;
  const expected = Buffer.from(mac(payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { v: unknown; t: unknown; i: unknown; k: unknown };
    if (!VENDORS.includes(raw.v as Vendor) || !SANDBOX_TENANTS.includes(raw.t as SandboxTenant)) return null;
    if (typeof raw.i !== 'number') return null;
    return { vendor: raw.v as Vendor, tenant: raw.t as SandboxTenant, iat: raw.i, kind: raw.k === 'refresh' ? 'refresh' : raw.k === 'static' ? 'static' : 'access' };
  } catch {
    return null;
  }
}

/** Whether the token may call the vendor's API (refresh tokens may only be exchanged). */
export function opensApi(claims: TokenClaims): boolean {
  return claims.kind !== 'refresh';
}

export function isSandboxTenant(value: unknown): value is SandboxTenant {
  return SANDBOX_TENANTS.includes(value as SandboxTenant);
}

export function isVendor(value: unknown): value is Vendor {
  return VENDORS.includes(value as Vendor);
}

/**
 * How long an access token issued by the sandbox's OAuth servers lives, per vendor (null: never
 * expires, e.g. Vitally API keys). Emulators that enforce expiry compare `Date.now() - iat` to this.
 * HubSpot: 30 min (https://developers.hubspot.com/docs/api/oauth/tokens); Salesforce: the org's
 * session timeout, 2 h by default, and no `expires_in` in the response; NetSuite M2M: 60 min.
 */
export function expiresInMs(vendor: Vendor): number | null {
  switch (vendor) {
    case 'hubspot':
      return 30 * 60_000;
    case 'salesforce':
      return 2 * 60 * 60_000;
    case 'netsuite':
      return 60 * 60_000;
    case 'vitally':
      return null;
  }
}

/**
 * NetSuite token-based authentication (TBA) credentials, stateless like the tokens above: the
 * token id carries the tenant (`tba_<payload>.<mac>`, never accepted as a bearer token) and every
 * secret is derived from the sandbox secret, so a restart keeps stored credentials working.
 */
export interface TbaCredentials {
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

const derive = (label: string, value: string) => createHmac('sha256', SECRET).update(`${label}:${value}`).digest('hex');

/** The integration record's consumer key of a tenant's account. */
export function tbaConsumerKey(tenant: SandboxTenant): string {
  return derive('tba-consumer-key', tenant);
}

/** Issue a TBA token (id and secret) for `tenant`, with the account's consumer key and secret. */
export function issueTbaCredentials(tenant: SandboxTenant, now = Date.now()): TbaCredentials {
  const payload = Buffer.from(JSON.stringify({ v: 'netsuite', t: tenant, i: now, k: 'static' })).toString('base64url');
  const tokenId = `tba_${payload}.${mac(`tba:${payload}`)}`;
  const consumerKey = tbaConsumerKey(tenant);
  return { consumerKey, consumerSecret: derive('tba-consumer-secret', consumerKey), tokenId, tokenSecret: derive('tba-token-secret', tokenId) };
}

/** The claims of a TBA token id with both secrets, or null for a token id the sandbox did not issue. */
export function verifyTbaToken(tokenId: string | undefined | null): { claims: TokenClaims; consumerKey: string; consumerSecret: string; tokenSecret: string } | null {
  if (!tokenId || !tokenId.startsWith('tba_')) return null;
  const [payload, sig] = tokenId.slice(4).split('.');
  if (!payload || !sig) return null;
  const expected = Buffer.from(mac(`tba:${payload}`));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t: unknown; i: unknown };
    if (!SANDBOX_TENANTS.includes(raw.t as SandboxTenant) || typeof raw.i !== 'number') return null;
    const tenant = raw.t as SandboxTenant;
    const consumerKey = tbaConsumerKey(tenant);
    return {
      claims: { vendor: 'netsuite', tenant, iat: raw.i, kind: 'static' },
      consumerKey,
      consumerSecret: derive('tba-consumer-secret', consumerKey),
      tokenSecret: derive('tba-token-secret', tokenId),
    };
  } catch {
    return null;
  }
}
