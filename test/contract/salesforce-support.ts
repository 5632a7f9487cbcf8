/**
 * Shared by the Salesforce contract tests: a sandbox session token for a tenant, a jsforce
 * Connection on the emulator, the seeded org regenerated locally, and Salesforce's error code of
 * a failed call (jsforce copies `errorCode` onto the Error it throws).
 */
import { Connection } from 'jsforce';
import { expect, inject } from 'vitest';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';

export const sandboxUrl = inject('sandboxUrl');
/** The version Concord's connector pins (worker/connectors/salesforce/descriptor.ts). */
export const VERSION = '62.0';
export const instanceUrl = `${sandboxUrl}/salesforce`;

/** A fresh access token for the tenant's org (POST /__sandbox/tokens). */
export async function salesforceToken(tenant: 'demo' | 'other'): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'salesforce', tenant }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** jsforce on the emulator; `version` undefined leaves jsforce's own default. */
export function connect(accessToken: string, version: string | undefined = VERSION): Connection {
  return new Connection({ instanceUrl, accessToken, ...(version ? { version } : {}) });
}

/** The seed the sandbox serves (deterministic per anchor date). */
export async function seededOrg(tenant: 'demo' | 'other'): Promise<TenantDataset> {
  const { anchorDate } = (await (await fetch(`${sandboxUrl}/__sandbox/health`)).json()) as { anchorDate: string };
  return generateTenant(tenant, anchorDate);
}

/** The errorCode of a jsforce failure. */
export async function errorCodeOf(p: PromiseLike<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as { errorCode?: string }).errorCode ?? (err as Error).name);
  }
  throw new Error('expected the call to fail');
}

/** Plain HTTP to the REST API (`path` after the instance URL). */
export function rest(token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${instanceUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) } });
}

/** Salesforce's error array of a failed answer. */
export async function errorsOf(res: Response): Promise<{ errorCode: string; message: string; fields?: string[] }[]> {
  return (await res.json()) as { errorCode: string; message: string; fields?: string[] }[];
}
