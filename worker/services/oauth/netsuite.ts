/**
 * NetSuite OAuth 2.0 client credentials (M2M): a JWT assertion signed PS256/ES256 with the
 * integration certificate's private key (jose), exchanged for a 60-minute access token.
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_162686838198.html
 */
import { SignJWT, importPKCS8 } from 'jose';
import { z } from 'zod';
import type { CallContext } from '../../connectors/http.js';
import { fail } from '../../errors.js';
import type { Credentials } from '../../storage/connections.js';
import { fillTemplate, oauthConfig, type OAuthEnv } from './config.js';
import { postForm } from './token-endpoint.js';

type M2M = Extract<Credentials, { type: 'netsuite_m2m' }>;

const TokenResponseSchema = z.object({
  access_token: z.string().min(8),
  // NetSuite sends "3600" as a string.
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string().optional(),
});

const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';

/** REST base URL of an account: `TSTDRV123_SB1` -> `https://tstdrv123-sb1.suitetalk.api.netsuite.com`. */
export function netsuiteBaseUrl(env: OAuthEnv, accountId: string): string {
  try {
    return fillTemplate(env, oauthConfig(env).NETSUITE_API_URL, 'accountId', accountId.toLowerCase().replace(/_/g, '-'));
  } catch {
    return fail({ kind: 'validation', issues: [{ path: 'accountId', message: 'a NetSuite account id such as 1234567 or 1234567_SB1', code: 'invalid_string' }] });
  }
}

export function netsuiteTokenUrl(baseUrl: string): string {
  return `${baseUrl}${TOKEN_PATH}`;
}

/** Which algorithm the PEM's key can sign with: EC P-256 -> ES256, RSA -> PS256; null if neither. */
export async function algorithmFor(privateKeyPem: string): Promise<'ES256' | 'PS256' | null> {
  for (const alg of ['ES256', 'PS256'] as const) {
    try {
      await importPKCS8(privateKeyPem, alg);
      return alg;
    } catch {
      // try the next algorithm
    }
  }
  return null;
}

export type NetSuiteTokenResult = { ok: true; accessToken: string; expiresAt: number } | { ok: false; error: string };

/** Sign an assertion and exchange it for an access token. */
export async function fetchNetSuiteToken(ctx: CallContext, tokenUrl: string, creds: M2M): Promise<NetSuiteTokenResult> {
  const key = await importPKCS8(creds.privateKeyPem, creds.algorithm);
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: ['rest_webservices'] })
    .setProtectedHeader({ alg: creds.algorithm, typ: 'JWT', kid: creds.certificateId })
    .setIssuer(creds.clientId)
    .setAudience(tokenUrl)
    .setIssuedAt(now)
    // NetSuite: exp at most 60 minutes after iat.
    .setExpirationTime(now + 50 * 60)
    .sign(key);
  const res = await postForm(
    ctx,
    {
      system: 'netsuite',
      op: 'oauth.client_credentials',
      url: tokenUrl,
      fields: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion },
    },
    TokenResponseSchema,
  );
  if (!res.ok) return { ok: false, error: res.error };
  return { ok: true, accessToken: res.data.access_token, expiresAt: Date.now() + res.data.expires_in * 1000 };
}
