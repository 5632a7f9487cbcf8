/**
 * Shared by the HubSpot contract tests: a sandbox of the file's own, a sandbox token for a portal,
 * the official client on the emulator, the seeded portal regenerated locally, and the status and
 * parsed body of a failed client call (the client throws an ApiException carrying both).
 */
import { Client } from '@hubspot/api-client';
import { afterAll, expect } from 'vitest';
import { createSandbox } from '../../sandbox/server.js';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { CONTRACT_ANCHOR_DATE } from './global-setup.js';

/**
 * A sandbox of the importing test file's own (vitest loads this module once per file), anchored
 * like the shared contract sandbox. HubSpot allows a portal 110 requests per rolling 10 s, and the
 * HubSpot files together make more than that: on one shared portal, files running side by side
 * would take each other's window and answer one another's 429s.
 */
const listener = await createSandbox({ anchorDate: CONTRACT_ANCHOR_DATE }).listen(0);
afterAll(() => listener.close());
export const sandboxUrl = listener.url;

/** A private-app-like token for the tenant's portal (POST /__sandbox/tokens). */
export async function token(tenant: 'demo' | 'other'): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** `@hubspot/api-client` on the emulator. */
export function hubspotClient(accessToken: string): Client {
  return new Client({ accessToken, basePath: `${sandboxUrl}/hubspot` });
}

/** The seed the sandbox serves (deterministic per anchor date). */
export async function seededPortal(tenant: 'demo' | 'other'): Promise<TenantDataset> {
  const { anchorDate } = (await (await fetch(`${sandboxUrl}/__sandbox/health`)).json()) as { anchorDate: string };
  return generateTenant(tenant, anchorDate);
}

/** The error the client throws for a non-2xx answer (ApiException: code + parsed body). */
export async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: number; body?: unknown };
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : (e.body as Record<string, unknown>);
    return { code: e.code ?? 0, body };
  }
  throw new Error('expected the call to fail');
}
