/**
 * App installs per sandbox portal, and uninstalling the app, as HubSpot does it
 * (https://developers.hubspot.com/docs/api-reference/latest/app-management/app-uninstalls/guide):
 * - `DELETE /hubspot/appinstalls/2026-03/external-install` with the portal's OAuth access token
 *   answers 204 (no body) and removes the app from that portal;
 * - `POST /__sandbox/hubspot/uninstall {tenant}` does the same as an admin uninstalling the app
 *   from HubSpot's UI (the app is not told).
 * Either way every OAuth token issued to that portal before the uninstall dies: its refresh tokens
 * get the token endpoint's 400 BAD_REFRESH_TOKEN and its access tokens HubSpot's 401. Tokens
 * issued afterwards (a reinstall through the OAuth flow) work. Static sandbox tokens (lifetime
 * `static`, what `npm start` connects with) stand for private-app tokens, which belong to the
 * portal rather than to an installed app: an uninstall does not touch them, and they cannot
 * uninstall (403). Kept in memory per sandbox state: a restart reinstalls everything.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import type { TokenClaims } from '../core/tokens.js';
import { SANDBOX_TENANTS, type SandboxTenant } from '../seed/types.js';

/** The id of the sandbox's one HubSpot app (webhook events and token metadata carry it). */
export const SANDBOX_APP_ID = 4_242_001;

/** One uninstall, for tests to see what the sandbox was asked (`via`: the API or the admin route). */
export interface UninstallEvent {
  tenant: SandboxTenant;
  portalId: number;
  via: 'api' | 'admin';
  at: string;
}

interface Installs {
  /** Per tenant: tokens issued at or before this instant (ms) are dead. */
  uninstalledAt: Map<SandboxTenant, number>;
  events: UninstallEvent[];
}

const byState = new WeakMap<SandboxState, Installs>();

function installsOf(state: SandboxState): Installs {
  let i = byState.get(state);
  if (!i) {
    i = { uninstalledAt: new Map(), events: [] };
    byState.set(state, i);
  }
  return i;
}

/** Remove the app from the tenant's portal: every OAuth token issued to it until now stops working. */
export function uninstallApp(state: SandboxState, tenant: SandboxTenant, via: UninstallEvent['via']): UninstallEvent {
  const installs = installsOf(state);
  // Tokens carry their issue time in ms (core/tokens.ts, real time like the token endpoints).
  installs.uninstalledAt.set(tenant, Date.now());
  const event: UninstallEvent = { tenant, portalId: state.dataset(tenant).hubspot.portalId, via, at: new Date().toISOString() };
  installs.events.push(event);
  return event;
}

/** Whether an uninstall killed this HubSpot OAuth token (access or refresh; static tokens never). */
export function revokedByUninstall(state: SandboxState, claims: TokenClaims): boolean {
  if (claims.vendor !== 'hubspot' || claims.kind === 'static') return false;
  const at = installsOf(state).uninstalledAt.get(claims.tenant);
  return at !== undefined && claims.iat <= at;
}

const uninstallBody = z.object({ tenant: z.enum(SANDBOX_TENANTS) }).strict();

/** Admin routes (mount at `/__sandbox/hubspot`): uninstall from "HubSpot's UI", and the log of uninstalls. */
export function installsAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  app.post('/uninstall', async (c) => {
    const body = await readJson(c);
    const parsed = body.ok ? uninstallBody.safeParse(body.value) : null;
    if (!parsed?.success) return problem(c, 400, 'invalid_uninstall', 'Send {tenant: "demo"|"other"}');
    return c.json(uninstallApp(state, parsed.data.tenant, 'admin'));
  });
  app.get('/uninstalls', (c) => {
    const tenant = c.req.query('tenant');
    const events = installsOf(state).events;
    return c.json({ items: tenant ? events.filter((e) => e.tenant === tenant) : events });
  });
  return app;
}
