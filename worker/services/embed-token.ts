/**
 * Embed tokens for the CSM account-review panel: short-lived HS256 JWTs (jose) that open ONE
 * account of ONE tenant, read-only. The panel runs in a third-party page, so the token is all it
 * holds: no API key ever reaches a browser.
 *
 * Claims: `iss` 'concord', `aud` 'concord-embed', `sub` = account id, `tenant`, `iat`, `exp`
 * (at most 1 h after `iat`), `jti`. Key: CONCORD_EMBED_SECRET (UTF-8 bytes).
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { config, type Env } from '../env.js';
import { fail } from '../errors.js';

export const EMBED_AUDIENCE = 'concord-embed';
const ISSUER = 'concord';
/** Upper bound of a token's life: a leaked token is useless after this. */
export const MAX_TTL_SECONDS = 3600;
export const DEFAULT_TTL_SECONDS = 900;

export interface EmbedGrant {
  tenantId: string;
  accountId: string;
}

const ClaimsSchema = z.object({
  sub: z.string().regex(/^acc_[a-f0-9]{32}$/),
  tenant: z.string().min(1).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
});

function key(env: Env): Uint8Array {
  const secret = config(env).CONCORD_EMBED_SECRET;
  if (!secret) fail({ kind: 'internal', message: 'CONCORD_EMBED_SECRET is not set' });
  return new TextEncoder().encode(secret);
}

/** Mint a token for `grant`, valid `ttlSeconds` (1..3600). */
export async function mintEmbedToken(env: Env, grant: EmbedGrant, ttlSeconds: number = DEFAULT_TTL_SECONDS): Promise<{ token: string; expiresAt: string }> {
  const ttl = Math.min(Math.max(1, Math.floor(ttlSeconds)), MAX_TTL_SECONDS);
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ttl;
  const token = await new SignJWT({ tenant: grant.tenantId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(EMBED_AUDIENCE)
    .setSubject(grant.accountId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(crypto.randomUUID())
    .sign(key(env));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * Verify a token and return what it grants; throws `unauthorized` with a reason the panel can
 * show (expired vs invalid) and nothing about the key.
 */
export async function verifyEmbedToken(env: Env, token: string): Promise<EmbedGrant> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key(env), { algorithms: ['HS256'], audience: EMBED_AUDIENCE, issuer: ISSUER, requiredClaims: ['exp', 'iat', 'sub'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) fail({ kind: 'unauthorized', message: 'The embed token has expired; ask the host page for a new one.' });
    fail({ kind: 'unauthorized', message: 'The embed token is not valid.' });
  }
  const claims = ClaimsSchema.safeParse(payload);
  // A token living longer than the maximum was not minted by this code: refuse it.
  if (!claims.success || claims.data.exp - claims.data.iat > MAX_TTL_SECONDS) fail({ kind: 'unauthorized', message: 'The embed token is not valid.' });
  return { tenantId: claims.data.tenant, accountId: claims.data.sub };
}
