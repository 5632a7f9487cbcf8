/**
 * Salesforce REST emulator, mounted by the sandbox server at `/salesforce`, so
 * `new jsforce.Connection({ instanceUrl: `${sandboxUrl}/salesforce`, accessToken, version })`
 * works unchanged. The bearer token's tenant selects the org; every answer carries
 * `Sforce-Limit-Info: api-usage=N/15000`, counted per tenant per UTC day. Tests script one
 * session's answers (limits, 5xx, timeouts, expiry) under `/salesforce/__sandbox/session`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest.htm
 */
import { Hono } from 'hono';
import type { SandboxState } from '../core/state.js';
import { verifyToken, opensApi } from '../core/tokens.js';
import { SalesforceError } from './errors.js';
import type { SalesforceEnv } from './context.js';
import { collectionRoutes } from './routes/collections.js';
import { compositeRoutes } from './routes/composite.js';
import { metaRoutes, versionList } from './routes/meta.js';
import { queryRoutes } from './routes/query.js';
import { sobjectRoutes } from './routes/sobjects.js';
import { SessionScripts } from './sessions.js';
import { apiUsage } from './limits.js';


/** Builds the Salesforce emulator over the sandbox's state. */
export function salesforceApp(state: SandboxState): Hono {
  const app = new Hono<SalesforceEnv>();
  const usage = apiUsage(state);
  const usageOf = usage.of;
  // Composite subrequests re-enter the app carrying this per-process marker so they are not
  // counted again (a composite call counts as one API request).
  const internal = crypto.randomUUID();

  // Sandbox-only: per-session scripted answers and counters for tests (sessions.ts).
  const sessions = new SessionScripts();
  app.put('/__sandbox/session', (c) => sessions.put(c));
  app.get('/__sandbox/session', (c) => sessions.get(c));
  app.use(
    '/services/data/*',
    sessions.middleware(
      (c) => c.req.header('x-sandbox-subrequest') === internal,
      (c) => {
        const claims = verifyToken((c.req.header('authorization') ?? '').replace(/^(Bearer|OAuth)\s+/i, ''));
        return claims ? usageOf(claims.tenant) : null;
      },
    ),
  );

  app.get('/services/data', (c) => c.json(versionList()));
  app.get('/services/data/', (c) => c.json(versionList()));

  app.use('/services/data/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const claims = verifyToken(header.replace(/^(Bearer|OAuth)\s+/i, ''));
    if (!claims || claims.vendor !== 'salesforce' || !opensApi(claims)) {
      return c.json([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], 401);
    }
    if (c.req.header('x-sandbox-subrequest') !== internal) {
      const { used, max } = usage.of(claims.tenant);
      if (used >= max) {
        c.header('Sforce-Limit-Info', usage.header(claims.tenant));
        return c.json([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 403);
      }
      usage.count(claims.tenant);
    }
    c.set('tenant', claims.tenant);
    c.set('ds', state.dataset(claims.tenant).salesforce);
    c.set('today', state.anchorDate);
    await next();
    c.header('Sforce-Limit-Info', usage.header(claims.tenant));
  });

  const base = '/services/data/:version';
  app.route(base, metaRoutes(usageOf));
  app.route(base, queryRoutes());
  app.route(`${base}/sobjects`, sobjectRoutes());
  app.route(`${base}/composite/sobjects`, collectionRoutes());
  app.route(
    `${base}/composite`,
    compositeRoutes((method, url, body, headers) => Promise.resolve(app.request(url, { method, body, headers: { ...headers, 'x-sandbox-subrequest': internal } }))),
  );

  // A catch-all route rather than notFound(): a mounted sub-app's notFound is not used by Hono.
  app.all('*', (c) => c.json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }], 404));
  app.onError((err, c) => {
    if (err instanceof SalesforceError) return c.json(err.items, err.status);
    console.error('salesforce emulator error', err);
    return c.json([{ message: 'An unexpected error occurred in the Salesforce sandbox', errorCode: 'UNKNOWN_EXCEPTION' }], 500);
  });
  // The server mounts emulators as plain Hono apps; the typed Variables stay internal.
  return app as unknown as Hono;
}
