/**
 * Helpers for the connect-flow worker tests: the broker app with the OAuth settings pointed at
 * the test sandbox (a unique client app per test file, registered there), a cookie-keeping
 * caller, and a "browser" that clicks Approve on the sandbox consent page.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { createApp } from '../../worker/http/app.js';
import type { OAuthEnv } from '../../worker/services/oauth/config.js';

export const OPERATOR_KEY = 'test-operator-key-0123456789';
export const sandboxUrl = (): string => (env as unknown as { SANDBOX_URL: string }).SANDBOX_URL;

/**
 * The broker's env for these tests: the pool's bindings plus OAuth settings pointed at `s` (the
 * shared test sandbox unless a test file has its own), with client app `clientId` registered there.
 */
export async function oauthEnv(clientId: string, s: string = sandboxUrl()): Promise<OAuthEnv> {
  const clientSecret = `${clientId}-secret-0123456789`;
  const res = await fetch(`${s}/__sandbox/oauth/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  if (res.status !== 201) throw new Error(`register client: ${res.status}`);
  return {
    ...(env as unknown as OAuthEnv),
    HUBSPOT_CLIENT_ID: clientId,
    HUBSPOT_CLIENT_SECRET: clientSecret,
    HUBSPOT_AUTH_URL: `${s}/hubspot`,
    HUBSPOT_API_URL: `${s}/hubspot`,
    SALESFORCE_CLIENT_ID: clientId,
    SALESFORCE_CLIENT_SECRET: clientSecret,
    SALESFORCE_LOGIN_URL: `${s}/salesforce`,
    SALESFORCE_TEST_LOGIN_URL: `${s}/salesforce`,
    SALESFORCE_MY_DOMAIN_URL: `${s}/salesforce`,
    NETSUITE_API_URL: `${s}/netsuite`,
    VITALLY_API_URL: `${s}/vitally`,
  };
}

const app = createApp();

/** Call the broker in-process with `e`; `cookie` and `key` become headers. */
export async function call(e: OAuthEnv, path: string, init: RequestInit & { key?: string; cookie?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set('authorization', `Bearer ${init.key}`);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const { key: _k, cookie: _c, ...rest } = init;
  return app.fetch(new Request(`http://broker.test${path}`, { ...rest, headers, redirect: 'manual' }), e, createExecutionContext());
}

export function keyFor(tenant: string): string {
  return `test-key-${tenant}-0123456789abcdef`;
}

export async function provision(e: OAuthEnv, tenant: string): Promise<string> {
  const res = await call(e, `/v1/operator/tenants/${tenant}`, { method: 'PUT', key: OPERATOR_KEY, body: JSON.stringify({ name: `Tenant ${tenant}`, apiKey: keyFor(tenant) }) });
  if (!res.ok) throw new Error(`provision ${tenant}: ${res.status}`);
  return keyFor(tenant);
}

/** Open an admin session; returns the `name=value` cookie pair. */
export async function session(e: OAuthEnv, tenant: string, key: string): Promise<string> {
  const res = await call(e, `/v1/tenants/${tenant}/session`, { method: 'POST', key });
  if (res.status !== 201) throw new Error(`session: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** The sandbox consent page: load it, then press Approve (or Deny) for `sandboxTenant`. Returns the redirect back. */
export async function consent(authorizeUrl: string, decision: 'approve' | 'deny' = 'approve', sandboxTenant: 'demo' | 'other' = 'demo'): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${await page.text()}`);
  await page.text();
  const form = new URLSearchParams(new URL(authorizeUrl).searchParams);
  form.set('decision', decision);
  form.set('sandbox_tenant', sandboxTenant);
  const res = await fetch(authorizeUrl.split('?')[0]!, { method: 'POST', body: form, redirect: 'manual' });
  if (res.status !== 302) throw new Error(`consent decision: ${res.status} ${await res.text()}`);
  return new URL(res.headers.get('location')!);
}

/** Start a flow and approve it; returns the callback path (with code and state) the browser would follow. */
export async function approveFlow(e: OAuthEnv, tenant: string, cookie: string, system: 'hubspot' | 'salesforce', query = ''): Promise<string> {
  const start = await call(e, `/v1/tenants/${tenant}/connect/${system}/start${query}`, { cookie });
  if (start.status !== 302) throw new Error(`start: ${start.status} ${await start.text()}`);
  const back = await consent(start.headers.get('location')!);
  return back.pathname + back.search;
}

/** Every raw value in the tenant's D1 rows and KV, to grep for plaintext secrets. */
export async function rawStorage(e: OAuthEnv): Promise<string> {
  const tables = ['connections', 'oauth_states', 'audit_log'];
  const parts: string[] = [];
  for (const t of tables) parts.push(JSON.stringify((await e.DB.prepare(`SELECT * FROM ${t}`).all()).results));
  const keys = await e.KV.list();
  for (const k of keys.keys) parts.push(k.name, (await e.KV.get(k.name)) ?? '');
  return parts.join('\n');
}
