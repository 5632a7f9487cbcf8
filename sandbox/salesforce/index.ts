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

/** Daily API request allocation of the sandbox orgs (Enterprise Edition base). */
export const DAILY_API_REQUESTS = 15_000;

/** Builds the Salesforce emulator over the sandbox's state. */
export function salesforceApp(state: SandboxState): Hono {
  const app = new Hono<SalesforceEnv>();
  const usage = new Map<string, number>(); // `${tenant}|${YYYY-MM-DD}` -> requests
  const usageKey = (tenant: string) => `${tenant}|${new Date().toISOString().slice(0, 10)}`;
  const usageOf = (tenant: string) => ({ used: usage.get(usageKey(tenant)) ?? 0, max: DAILY_API_REQUESTS });
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
    const key = usageKey(claims.tenant);
    if (c.req.header('x-sandbox-subrequest') !== internal) {
      const used = usage.get(key) ?? 0;
      if (used >= DAILY_API_REQUESTS) {
        c.header('Sforce-Limit-Info', `api-usage=${used}/${DAILY_API_REQUESTS}`);
        return c.json([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 403);
      }
      usage.set(key, used + 1);
    }
    c.set('tenant', claims.tenant);
    c.set('ds', state.dataset(claims.tenant).salesforce);
    c.set('today', state.anchorDate);
    await next();
    c.header('Sforce-Limit-Info', `api-usage=${usage.get(key) ?? 0}/${DAILY_API_REQUESTS}`);
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
