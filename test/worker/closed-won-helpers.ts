/**
 * Helpers for the closed-won workerd tests: a tenant connected to a private sandbox estate, the
 * estate's closed-won fixtures and duplicate counts, deals closed as won through the sandbox's own
 * vendor APIs, runs started and awaited through the broker's API, and the sandbox's outgoing
 * webhooks and callouts handed to the broker through the relay (test/support/relay.ts).
 */
import { SELF, env } from 'cloudflare:test';
import { expect } from 'vitest';
import type { RelayedRequest } from '../support/relay.js';
import { api, provision } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    // Provided by test/support/worker-sandbox.ts, which is outside this tsconfig's files.
    closedWonSandboxUrl: string;
    closedWonFaultsSandboxUrl: string;
    closedWonConnectorsSandboxUrl: string;
    closedWonRefusalsSandboxUrl: string;
    relayUrl: string;
  }
}

export interface ClosedWonCase {
  dealId: string;
  companyId: string;
  netsuiteCustomerId: string | null;
  skus: string[];
  currency: string;
  amount: number;
}
export interface InvalidCase extends ClosedWonCase {
  reason: 'missing_tax_id' | 'unmapped_sku' | 'unknown_country';
  field: string;
}
export interface Fixtures {
  hubspot: { valid: ClosedWonCase[]; invalid: InvalidCase[] };
  salesforce: { valid: ClosedWonCase[]; invalid: InvalidCase[] };
}

export interface NetSuiteStats {
  concurrency: { limit: number; inFlight: number; maxInFlight: number };
  customers: { total: number; createdThroughApi: number; duplicates: number; duplicateGroups: unknown[] };
  salesOrders: { total: number; createdThroughApi: number; maxPerExternalId: number; duplicates: number; createdWithoutExternalId: number };
}
export interface VitallyStats {
  accounts: { total: number; createdThroughApi: number; duplicates: number };
  projects: { createdThroughApi: number; duplicates: number };
}

export interface Run {
  id: string;
  status: 'queued' | 'running' | 'blocked' | 'failed' | 'completed';
  step: string | null;
  exceptions: { field?: string; code: string; message?: string; fixIn?: string; action?: string; step?: string; reason?: string }[] | null;
  result: { customerId: string; accountId: string; orderId: string; orderNumber: string; csAccountId: string; customer: string } | null;
  steps: { step: string; status: string }[];
}

/** The admin side of a private estate, and its vendors' APIs with sandbox tokens. */
export function estate(url: string) {
  const tokens = new Map<string, string>();
  const token = async (vendor: string, tenant = 'demo') => {
    const key = `${vendor}:${tenant}`;
    if (!tokens.has(key)) {
      const res = await fetch(`${url}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant }) });
      tokens.set(key, ((await res.json()) as { accessToken: string }).accessToken);
    }
    return tokens.get(key)!;
  };
  const json = async <T>(res: Response): Promise<T> => {
    if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const admin = (path: string, body?: unknown) =>
    fetch(`${url}/__sandbox${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /**
   * A vendor call as the test's own client makes it. The test shares the portal's rate window with
   * the broker (HubSpot: 110 calls per 10 s), so a 429 is waited out as a well-behaved client
   * would (its Retry-After, else 1 s), up to 20 s, instead of failing the test on the vendor's limit.
   */
  const vendor = async (name: string, method: string, path: string, body?: unknown, tenant = 'demo'): Promise<Response> => {
    for (const until = Date.now() + 20_000; ; ) {
      const res = await fetch(`${url}/${name}${path}`, {
        method,
        headers: { authorization: `Bearer ${await token(name, tenant)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (res.status !== 429 || Date.now() > until) return res;
      await res.body?.cancel();
      const after = Number(res.headers.get('retry-after'));
      await new Promise((r) => setTimeout(r, Number.isFinite(after) && after > 0 ? Math.min(after, 10) * 1000 : 1_000));
    }
  };
  return {
    url,
    token,
    admin,
    vendor,
    json,
    fixtures: async (tenant = 'demo') => json<Fixtures>(await admin(`/truth/closed-won?tenant=${tenant}`)),
    netsuiteStats: async (tenant = 'demo') => json<NetSuiteStats>(await admin(`/netsuite/${tenant}/stats`)),
    vitallyStats: async (tenant = 'demo') => json<VitallyStats>(await admin(`/vitally/${tenant}/stats`)),
    faults: async (body: unknown) => {
      const res = await admin('/faults', body);
      if (!res.ok) throw new Error(`faults: ${res.status} ${await res.text()}`);
    },
    /** A HubSpot deal's properties as the sandbox holds them. */
    hubspotDeal: async (dealId: string, properties: string[]) =>
      (await json<{ properties: Record<string, string | null> }>(await vendor('hubspot', 'GET', `/crm/v3/objects/deals/${dealId}?properties=${properties.join(',')}`))).properties,
    hubspotCompany: async (companyId: string, properties: string[]) =>
      (await json<{ properties: Record<string, string | null> }>(await vendor('hubspot', 'GET', `/crm/v3/objects/companies/${companyId}?properties=${properties.join(',')}`))).properties,
    /** Move a HubSpot deal to the won stage of its pipeline (the default pipeline's `closedwon`, or the custom one's). */
    winHubSpotDeal: async (dealId: string) => {
      const deal = await json<{ properties: { pipeline: string } }>(await vendor('hubspot', 'GET', `/crm/v3/objects/deals/${dealId}?properties=pipeline`));
      const stage = deal.properties.pipeline === 'default' ? 'closedwon' : '1002004';
      await json(await vendor('hubspot', 'PATCH', `/crm/v3/objects/deals/${dealId}`, { properties: { dealstage: stage } }));
    },
    /** Mark a Salesforce Opportunity won through the REST API. */
    winOpportunity: async (oppId: string) => {
      const res = await vendor('salesforce', 'PATCH', `/services/data/v62.0/sobjects/Opportunity/${oppId}`, { StageName: 'Closed Won' });
      if (res.status !== 204) throw new Error(`win opportunity: ${res.status} ${await res.text()}`);
    },
    salesforceRecord: async (type: string, id: string, fields: string[]) =>
      json<Record<string, unknown>>(await vendor('salesforce', 'GET', `/services/data/v62.0/sobjects/${type}/${id}?fields=${fields.join(',')}`)),
    /** The NetSuite sales order with Concord's key, as record/v1 reads it by external id (null when absent). */
    salesOrder: async (externalId: string) => {
      const res = await vendor('netsuite', 'GET', `/services/rest/record/v1/salesOrder/eid:${externalId}`);
      if (res.status === 404) return null;
      return json<{ id: string; tranId: string; externalId: string; entity: { id: string } }>(res);
    },
    /** Point the portal's HubSpot webhooks (deal changes) at `targetOrigin`; sent only on `flushWebhooks`. */
    subscribeHubSpot: async (targetOrigin: string, clientSecret: string) => {
      const res = await fetch(`${url}/__sandbox/webhooks`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vendor: 'hubspot', tenant: 'demo', targetUrl: `${targetOrigin}/v1/webhooks/hubspot`, clientSecret, subscriptions: ['deal.propertyChange'], batchDelayMs: 600_000 }),
      });
      if (!res.ok) throw new Error(`webhooks: ${res.status} ${await res.text()}`);
    },
    flushWebhooks: async () => json(await admin('/webhooks/flush', { tenant: 'demo' })),
    /** Install the Concord package in the org, its callouts signed with `secret`, aimed at `targetOrigin`. */
    installPackage: async (targetOrigin: string, secret: string) => {
      const res = await fetch(`${url}/__sandbox/salesforce/package`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'demo', url: targetOrigin, secret, retryBaseMs: 20, maxRetryDelayMs: 100 }),
      });
      if (!res.ok) throw new Error(`package: ${res.status} ${await res.text()}`);
    },
    flushCallouts: async () => json(await admin('/salesforce/package/flush', { tenant: 'demo' })),
  };
}
export type Estate = ReturnType<typeof estate>;

/** Provision `tenant` and connect its four systems to the estate's sandbox tenant of the same name. */
export async function connectTenant(e: Estate, tenant: 'demo' | 'other'): Promise<string> {
  const key = await provision(tenant);
  for (const system of ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const) {
    const t = await e.token(system, tenant);
    const credentials = system === 'vitally' ? { type: 'api_key', apiKey: t } : { type: 'bearer', accessToken: t };
    const res = await api(`/v1/tenants/${tenant}/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${e.url}/${system}`, credentials }) });
    if (!res.ok) throw new Error(`connect ${system}: ${res.status} ${await res.text()}`);
  }
  const sync = await api(`/v1/tenants/${tenant}/identity/sync`, { method: 'POST', key });
  if (!sync.ok) throw new Error(`identity sync: ${sync.status} ${await sync.text()}`);
  return key;
}

/** Start a deal's run through the API (`POST .../flows/closed-won/runs`). */
export async function startRun(tenant: string, key: string, source: 'hubspot' | 'salesforce', dealId: string): Promise<{ runId: string; started: boolean; status: number }> {
  const res = await api(`/v1/tenants/${tenant}/flows/closed-won/runs`, { method: 'POST', key, body: JSON.stringify({ source, dealId }) });
  if (res.status !== 202 && res.status !== 200) throw new Error(`start run: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as { runId: string; started: boolean }), status: res.status };
}

export async function getRun(tenant: string, key: string, runId: string): Promise<Run> {
  const res = await api(`/v1/tenants/${tenant}/flows/runs/${runId}`, { key });
  expect(res.status).toBe(200);
  return (await res.json()) as Run;
}

/** Poll the run until `done(run)` (the readable state, as a user sees it), or fail after `ms`. */
export async function waitForRun(tenant: string, key: string, runId: string, done: (r: Run) => boolean, ms = 60_000): Promise<Run> {
  const until = Date.now() + ms;
  let last: Run | null = null;
  for (;;) {
    const res = await api(`/v1/tenants/${tenant}/flows/runs/${runId}`, { key });
    if (res.status === 200) {
      last = (await res.json()) as Run;
      if (done(last)) return last;
    }
    if (Date.now() > until) throw new Error(`run ${runId} did not get there in ${ms} ms: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Hand every request the relay kept to the broker, as the sender made it. */
export async function deliverRelayed(relayUrl: string): Promise<{ request: RelayedRequest; status: number }[]> {
  const taken = (await (await fetch(`${relayUrl}/__relay`)).json()) as RelayedRequest[];
  const out: { request: RelayedRequest; status: number }[] = [];
  for (const r of taken) {
    const res = await SELF.fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
    out.push({ request: r, status: res.status });
    await res.arrayBuffer();
  }
  return out;
}

export const brokerEnv = env as unknown as { DB: D1Database; CLOSED_WON: Workflow; HUBSPOT_CLIENT_SECRET: string };

/** The run of a deal, by source record (its id holds the portal / org, which the test does not guess). */
export async function runOfDeal(tenant: string, key: string, source: 'hubspot' | 'salesforce', dealId: string, ms = 30_000): Promise<{ id: string; status: string }[]> {
  const until = Date.now() + ms;
  for (;;) {
    const res = await api(`/v1/tenants/${tenant}/flows/runs?source=${source}&record=${dealId}`, { key });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { id: string; status: string }[] };
    if (items.length > 0 || Date.now() > until) return items;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The tenant's write refusals (what the write guard kept out of a vendor). */
export async function refusals(tenant: string, key: string): Promise<{ field: string; owner: string | null; flow: string | null; attribute?: string; target?: string; correlationId?: string | null }[]> {
  const res = await api(`/v1/tenants/${tenant}/write-refusals?limit=200`, { key });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: never[] }).items;
}

/** Issue the Salesforce org's callout signing secret (what the admin pastes into the package). */
export async function salesforceSecret(tenant: string, key: string): Promise<string> {
  const res = await api(`/v1/tenants/${tenant}/inbound-secrets/salesforce`, { method: 'POST', key, body: '{}' });
  if (!res.ok) throw new Error(`inbound secret: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { secret: string }).secret;
}

export const done = (r: Run) => r.status === 'completed' || r.status === 'failed' || r.status === 'blocked';
