/**
 * HubSpot CRM emulator, mounted by the sandbox server at `/hubspot`, so
 * `new Client({ accessToken, basePath: `${sandboxUrl}/hubspot` })` from `@hubspot/api-client`
 * works unchanged. The bearer token's tenant selects the portal; every answer carries HubSpot's
 * rate-limit headers and bursts past 110 requests / 10 s (search: 5 / s) get HubSpot's 429.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */
import { Hono } from 'hono';
import type { SandboxState } from '../core/state.js';
import { claimsFor } from '../core/auth.js';
import { HubSpotError, errorBody, sendError } from './errors.js';
import type { HubSpotEnv } from './context.js';
import { revokedByUninstall, uninstallApp } from './installs.js';
import { RollingWindow, rateLimitBody } from './rate-limit.js';
import { associationV3Routes, associationV4Routes } from './routes/associations.js';
import { batchRoutes } from './routes/batch.js';
import { objectRoutes } from './routes/objects.js';
import { ownerRoutes } from './routes/owners.js';
import { pipelineRoutes } from './routes/pipelines.js';
import { propertyRoutes } from './routes/properties.js';
import { searchRoutes } from './routes/search.js';

/** Marketplace-app burst limit: https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details */
export const HUBSPOT_BURST = { max: 110, intervalMs: 10_000 } as const;
/** CRM search endpoints: 5 requests per second per account. */
export const HUBSPOT_SEARCH_PER_SECOND = 5;

/** Builds the HubSpot emulator over the sandbox's state. */
export function hubspotApp(state: SandboxState): Hono {
  const app = new Hono<HubSpotEnv>();
  const burst = new RollingWindow(HUBSPOT_BURST.max, HUBSPOT_BURST.intervalMs);
  const search = new RollingWindow(HUBSPOT_SEARCH_PER_SECOND, 1000);

  app.use('*', async (c, next) => {
    const claims = claimsFor(c, 'hubspot');
    if (!claims) {
      return c.json(
        errorBody('INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview'),
        401,
      );
    }
    // The app was uninstalled from this portal after the token was issued (installs.ts).
    if (revokedByUninstall(state, claims)) {
      return c.json(errorBody('INVALID_AUTHENTICATION', 'The OAuth token used to make this call is not valid: the app is not installed in this portal.'), 401);
    }
    const key = claims.tenant;
    const setHeaders = () => {
      c.header('X-HubSpot-RateLimit-Interval-Milliseconds', String(HUBSPOT_BURST.intervalMs));
      c.header('X-HubSpot-RateLimit-Max', String(HUBSPOT_BURST.max));
      c.header('X-HubSpot-RateLimit-Remaining', String(burst.remaining(key)));
    };
    if (!burst.hit(key)) {
      setHeaders();
      return c.json(rateLimitBody('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'), 429);
    }
    if (c.req.method === 'POST' && /\/crm\/v3\/objects\/[^/]+\/search$/.test(c.req.path) && !search.hit(key)) {
      setHeaders();
      return c.json(rateLimitBody('SECONDLY', 'You have reached your secondly limit.'), 429);
    }
    c.set('tenant', claims.tenant);
    c.set('ds', state.dataset(claims.tenant).hubspot);
    await next();
    setHeaders();
  });

  // https://developers.hubspot.com/docs/api-reference/latest/app-management/app-uninstalls/guide
  app.delete('/appinstalls/2026-03/external-install', (c) => {
    const claims = claimsFor(c, 'hubspot')!;
    // Private-app tokens (static sandbox tokens) belong to the portal, not to an installed app.
    if (claims.kind === 'static') return c.json(errorBody('INVALID_AUTHENTICATION', 'Uninstalling needs an OAuth access token of the installed app; private app tokens cannot uninstall.'), 403);
    uninstallApp(state, claims.tenant, 'api');
    return c.body(null, 204);
  });

  app.route('/crm/v3/objects', batchRoutes());
  app.route('/crm/v3/objects', searchRoutes());
  app.route('/crm/v3/objects', objectRoutes());
  app.route('/crm/v3/properties', propertyRoutes());
  app.route('/crm/v3/pipelines', pipelineRoutes());
  app.route('/crm/v3', ownerRoutes());
  app.route('/crm/v3/associations', associationV3Routes());
  app.route('/crm/v4', associationV4Routes());

  // A catch-all route rather than notFound(): a mounted sub-app's notFound is not used by Hono.
  app.all('*', (c) => c.json(errorBody('OBJECT_NOT_FOUND', `No route for ${c.req.method} ${c.req.path} in the HubSpot sandbox.`), 404));
  app.onError((err, c) => {
    if (err instanceof HubSpotError) return sendError(c, err);
    console.error('hubspot emulator error', err);
    return c.json({ status: 'error', message: 'internal error in the HubSpot sandbox', correlationId: crypto.randomUUID(), category: 'INTERNAL_ERROR' }, 500);
  });
  // The server mounts emulators as plain Hono apps; the typed Variables stay internal.
  return app as unknown as Hono;
}
