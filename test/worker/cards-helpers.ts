/**
 * Helpers for the card and embed tests: play HubSpot (sign card requests with signature v3) and
 * the Salesforce package (sign callouts), independently of the broker's own verifier (node:crypto
 * HMAC, not WebCrypto), and set up the demo estate with the portal id HubSpot would send.
 */
import { SELF, env } from 'cloudflare:test';
import { createHmac } from 'node:crypto';
import type { Env as BrokerEnv } from '../../worker/env.js';
import { api, connectAll, sandboxToken } from './helpers.js';

/** `env` with the broker's bindings and the test ones (see vitest.config.mts). */
export const testEnv = env as unknown as BrokerEnv & { SANDBOX_URL: string; HUBSPOT_CLIENT_SECRET: string; CONCORD_EMBED_SECRET: string };

/** Sandbox portal and org ids (sandbox/seed/generate.ts). */
export const PORTAL = { demo: '24300001', other: '24300002' } as const;
export const ORG = { demo: '00D5g00000DEMO1EAP', other: '00D5g00000OTHR1EAP' } as const;

const BASE = 'http://broker.test';

export interface SignOptions {
  secret?: string;
  timestamp?: number;
}

/**
 * What HubSpot signs: the URI with these escapes decoded (its v3 rule), written out here rather
 * than imported so the test does not share the broker's code.
 */
export function hubspotSignedForm(uri: string): string {
  const table: [string, string][] = [['%3A', ':'], ['%2F', '/'], ['%3F', '?'], ['%40', '@'], ['%21', '!'], ['%24', '$'], ['%27', "'"], ['%28', '('], ['%29', ')'], ['%2A', '*'], ['%2C', ','], ['%3B', ';']];
  return table.reduce((acc, [from, to]) => acc.split(from).join(to), uri);
}

/** The two headers HubSpot adds to a request for `path` with body `text`. */
export function hubspotHeaders(method: string, path: string, text: string, opts: SignOptions = {}): Record<string, string> {
  const timestamp = String(opts.timestamp ?? Date.now());
  const signature = createHmac('sha256', opts.secret ?? testEnv.HUBSPOT_CLIENT_SECRET).update(`${method}${hubspotSignedForm(BASE + path)}${text}${timestamp}`).digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}

/** A card request as `hubspot.fetch` sends it: signed over method + full URI + body + timestamp. */
export async function hubspotFetch(method: 'GET' | 'POST', path: string, body?: unknown, opts: SignOptions = {}): Promise<Response> {
  const text = body === undefined ? '' : JSON.stringify(body);
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...hubspotHeaders(method, path, text, opts), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: text }),
  });
}

/** The card's view URL with the query HubSpot appends. */
export function hubspotViewPath(objectType: string, objectId: string, portalId: string = PORTAL.demo): string {
  return `/v1/cards/hubspot/view?objectType=${objectType}&objectId=${objectId}&portalId=${portalId}&userId=101&userEmail=csm%40example.com&appId=42`;
}

/** A callout as ConcordClient (Apex) sends it (GET, or POST with a JSON body). */
export async function salesforceFetch(path: string, secret: string, opts: { orgId?: string; timestamp?: number; method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<Response> {
  const timestamp = String(opts.timestamp ?? Date.now());
  const method = opts.method ?? 'GET';
  const text = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const signature = createHmac('sha256', secret).update(`${method}\n${path}\n${timestamp}\n${text}`).digest('base64');
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      'x-concord-org-id': opts.orgId ?? ORG.demo,
      'x-concord-timestamp': timestamp,
      'x-concord-signature': signature,
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(opts.body === undefined ? {} : { body: text }),
  });
}

/**
 * Connect a tenant to the sandbox. The HubSpot portal id and Salesforce org id are what the
 * sandbox's HubSpot (token metadata) and Salesforce (userinfo) name for its tokens.
 */
export async function connectWithPortal(tenant: 'demo' | 'other'): Promise<string> {
  const key = await connectAll(tenant);
  const res = await api(`/v1/tenants/${tenant}/connections`, { key });
  const hubspot = ((await res.json()) as { items: { system: string; externalAccount: string | null }[] }).items.find((i) => i.system === 'hubspot');
  if (hubspot?.externalAccount !== PORTAL[tenant]) throw new Error(`connect hubspot portal: ${JSON.stringify(hubspot)}`);
  return key;
}

/** Run identity sync for a tenant. */
export async function syncIdentity(tenant: string, key: string): Promise<void> {
  const res = await api(`/v1/tenants/${tenant}/identity/sync`, { method: 'POST', key });
  if (!res.ok) throw new Error(`sync: ${res.status} ${await res.text()}`);
}

/** Call a sandbox vendor API directly, as the vendor's own UI would show the data. */
export async function sandboxGet<T>(vendor: 'hubspot' | 'salesforce', tenant: string, path: string): Promise<T> {
  const res = await fetch(`${testEnv.SANDBOX_URL}/${vendor}${path}`, { headers: { authorization: `Bearer ${await sandboxToken(vendor, tenant)}` } });
  if (!res.ok) throw new Error(`sandbox ${vendor} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface AccountItem {
  id: string;
  name: string;
  links: { system: string; externalId: string }[];
}

/** Every canonical account of a tenant. */
export async function allAccounts(tenant: string, key: string): Promise<AccountItem[]> {
  const out: AccountItem[] = [];
  let cursor: string | null = null;
  do {
    const res = await api(`/v1/tenants/${tenant}/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key });
    const body = (await res.json()) as { items: AccountItem[]; next: string | null };
    out.push(...body.items);
    cursor = body.next;
  } while (cursor);
  return out;
}
