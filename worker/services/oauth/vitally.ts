/**
 * Vitally API keys: `https://{subdomain}.rest.vitally.io`, Basic auth with the key as the user.
 * A key is checked by one cheap read before it is stored.
 * https://docs.vitally.io/en/articles/9880209-rest-api-overview
 */
import { z } from 'zod';
import { callUpstream, type CallContext } from '../../connectors/http.js';
import { ConcordError } from '../../errors.js';
import { fillTemplate, oauthConfig, type OAuthEnv } from './config.js';

export function vitallyBaseUrl(env: OAuthEnv, subdomain: string | undefined): string {
  const template = oauthConfig(env).VITALLY_API_URL;
  if (template.includes('{subdomain}') && !subdomain) {
    throw new ConcordError({ kind: 'validation', issues: [{ path: 'subdomain', message: 'required: your Vitally subdomain', code: 'required' }] });
  }
  try {
    return fillTemplate(env, template, 'subdomain', subdomain ?? '');
  } catch {
    throw new ConcordError({ kind: 'validation', issues: [{ path: 'subdomain', message: 'your Vitally subdomain (letters, digits, dashes)', code: 'invalid_string' }] });
  }
}

/** True when the key reads accounts; false when Vitally refuses it (401/403). Other failures throw. */
export async function vitallyKeyWorks(ctx: CallContext, baseUrl: string, apiKey: string): Promise<boolean> {
  try {
    await callUpstream(
      ctx,
      { system: 'vitally', op: 'connect.check', url: `${baseUrl}/resources/accounts?limit=1`, headers: { authorization: `Basic ${btoa(`${apiKey}:`)}` }, timeoutMs: 10_000 },
      z.object({ results: z.array(z.unknown()) }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConcordError && (err.error.kind === 'auth_expired' || err.error.kind === 'upstream_validation')) return false;
    throw err;
  }
}
