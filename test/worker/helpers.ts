/** Helpers for the worker tests: provision tenants and connect them to the sandbox estate. */
import { SELF, env } from 'cloudflare:test';

export const OPERATOR_KEY = 'test-operator-key-0123456789';

export function keyFor(tenant: string): string {
  return `test-key-${tenant}-0123456789abcdef`;
}

export async function api(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key) headers.set('authorization', `Bearer ${init.key}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return SELF.fetch(`http://broker.test${path}`, { ...init, headers });
}

export async function provision(tenant: string): Promise<string> {
  const res = await api(`/v1/operator/tenants/${tenant}`, {
    method: 'PUT',
    key: OPERATOR_KEY,
    body: JSON.stringify({ name: `Tenant ${tenant}`, apiKey: keyFor(tenant) }),
  });
  if (!res.ok) throw new Error(`provision ${tenant}: ${res.status} ${await res.text()}`);
  return keyFor(tenant);
}

export async function sandboxToken(vendor: string, tenant: string, sandboxUrl: string = env.SANDBOX_URL): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vendor, tenant }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** Provisions `tenant` and connects HubSpot, Salesforce, NetSuite and Vitally to the sandbox tenant of the same name (the shared sandbox, or a test's own at `sandboxUrl`); answers its API key. */
export async function connectAll(tenant: 'demo' | 'other', sandboxUrl: string = env.SANDBOX_URL): Promise<string> {
  const key = await provision(tenant);
  for (const system of ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const) {
    const token = await sandboxToken(system, tenant, sandboxUrl);
    const credentials = system === 'vitally' ? { type: 'api_key', apiKey: token } : { type: 'bearer', accessToken: token };
    const res = await api(`/v1/tenants/${tenant}/connections/${system}`, {
      method: 'PUT',
      key,
      body: JSON.stringify({ baseUrl: `${sandboxUrl}/${system}`, credentials }),
    });
    if (!res.ok) throw new Error(`connect ${system}: ${res.status} ${await res.text()}`);
  }
  return key;
}

/**
 * Waits until the re-judging a saved automation policy started (`PUT /ops/automations`, answered
 * with `res`) has gone through every account: its last page writes `automations.rejudge.complete`
 * under the request's correlation id (flows/account-changes/rejudge.ts). Returns the accounts judged.
 */
export async function rejudged(tenant: string, res: Response, timeoutMs = 30_000): Promise<number> {
  const correlationId = res.headers.get('x-correlation-id');
  if (!correlationId) throw new Error('the PUT answered without a correlation id');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const row = await env.DB.prepare("SELECT after_json AS a FROM audit_log WHERE tenant_id = ? AND action = 'automations.rejudge.complete' AND correlation_id = ?").bind(tenant, correlationId).first<{ a: string }>();
    if (row) return (JSON.parse(row.a) as { accounts: number }).accounts;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the accounts were not judged again within ${timeoutMs} ms`);
}
