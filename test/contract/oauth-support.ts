/**
 * Shared by the contract tests that go through the sandbox's OAuth servers: a client app of
 * their own, PKCE pairs, the consent page approved as a user would, and form-encoded posts to
 * the token endpoints.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect, inject } from 'vitest';

const sandboxUrl = inject('sandboxUrl');
export const redirectUri = 'http://127.0.0.1:9/callback';

/** A client app registered with the sandbox's OAuth servers under a fresh id (`base`: another sandbox). */
export async function registerClient(base = sandboxUrl): Promise<{ clientId: string; clientSecret: string }> {
  const client = { clientId: `contract-${randomBytes(4).toString('hex')}`, clientSecret: 'contract-secret-0123456789' };
  const res = await fetch(`${base}/__sandbox/oauth/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(client) });
  expect(res.status).toBe(201);
  return client;
}

/** RFC 7636 verifier and S256 challenge. */
export const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

/** Load the consent page, press Approve (for tenant `demo`); returns the code from the redirect. */
export async function authorize(authorizePath: string, params: Record<string, string>, base = sandboxUrl): Promise<string> {
  const url = `${base}${authorizePath}?${new URLSearchParams(params)}`;
  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Approve');
  const res = await fetch(`${base}${authorizePath}`, { method: 'POST', body: new URLSearchParams({ ...params, decision: 'approve', sandbox_tenant: 'demo' }), redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
  expect(back.searchParams.get('state')).toBe(params['state']);
  return back.searchParams.get('code')!;
}

/** POST `fields` form-encoded to a sandbox path. */
export const form = (path: string, fields: Record<string, string>, base = sandboxUrl) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
