/**
 * The sandbox's OAuth servers for HubSpot, Salesforce and NetSuite M2M plus their admin
 * endpoints, as one Hono app mounted at the sandbox root before the emulators (so the vendors'
 * bearer-token middleware never sees the token endpoints).
 */
import { Hono } from 'hono';
import { sandboxNow } from '../core/limits.js';
import type { SandboxState } from '../core/state.js';
import { oauthAdmin } from './admin.js';
import { hubspotOAuth } from './hubspot.js';
import { netsuiteOAuth } from './netsuite.js';
import { salesforceOAuth } from './salesforce.js';
import { createOAuthStore } from './store.js';

export { DEMO_CLIENT } from './store.js';

/** Build the OAuth routes with their own in-memory store. */
export function oauthApp(state: SandboxState): Hono {
  const store = createOAuthStore();
  const app = new Hono();
  app.route('/', hubspotOAuth(state, store));
  app.route('/', salesforceOAuth(state, store));
  app.route('/', netsuiteOAuth(store, () => sandboxNow(state)));
  app.route('/', oauthAdmin(state, store));
  return app;
}
