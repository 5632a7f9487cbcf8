/**
 * The guard every `/demo` route shares, and the demo tenant's admin session. The demo door is
 * open only in the explicit development mode (CONCORD_DEV_MODE=1, which `npm start` sets and
 * production never does), only when CONCORD_DEMO_TENANT names a tenant, and only to a request
 * whose Host is this machine (127.0.0.1, localhost, [::1]): a tunnel, a proxy or a DNS-rebinding
 * page names another Host and gets 404, as if the route did not exist.
 */
import type { Context } from 'hono';
import { config, devMode } from '../../env.js';
import { fail } from '../../errors.js';
import { isLoopbackHost } from '../../connectors/hosts.js';
import { sha256Hex } from '../../storage/crypto.js';
import { findApiKey } from '../../storage/tenants.js';
import { startSession } from '../../services/oauth/session.js';
import type { AppEnv } from '../context.js';

/** The demo tenant when the demo door is open for this request; otherwise a 404. */
export function demoTenant(c: Context<AppEnv>): string {
  const tenantId = config(c.env).CONCORD_DEMO_TENANT;
  if (!tenantId || !devMode(c.env) || !isLoopbackHost(new URL(c.req.url).hostname)) fail({ kind: 'not_found', entity: 'page', code: 'route_not_found' });
  return tenantId;
}

/**
 * Opens an admin session for the demo tenant, minted with its API key from .dev.vars
 * (CONCORD_DEMO_API_KEY, which must still be the tenant's key); otherwise a 404. The session is
 * what the console and the demo page's own requests to the tenant API carry.
 */
export async function openDemoSession(c: Context<AppEnv>, tenantId: string): Promise<void> {
  const demoKey = config(c.env).CONCORD_DEMO_API_KEY;
  const keyHash = demoKey ? await sha256Hex(demoKey) : null;
  const entry = keyHash ? await findApiKey(c.env.DB, keyHash) : null;
  if (!keyHash || entry?.tenantId !== tenantId) fail({ kind: 'not_found', entity: 'page', code: 'route_not_found' });
  await startSession(c, tenantId, keyHash!);
}
