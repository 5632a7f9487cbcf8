/**
 * NetSuite SuiteTalk REST emulator, mounted at `/netsuite`: record/v1 CRUD and upsert, SuiteQL, and
 * the installed Concord event script (events/).
 * Every request needs `Authorization: Bearer <sandbox token for netsuite>` or a TBA-signed
 * `Authorization: OAuth realm=…` header (tba.ts); the token's tenant selects the dataset. Errors use NetSuite's shape (see errors.ts).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { SandboxEnv } from '../core/auth.js';
import type { SandboxState } from '../core/state.js';
import { NetSuiteError, nsError } from './errors.js';
import { recordEventHook } from './events/record-hook.js';
import { recordRoutes } from './records/routes.js';
import { suiteqlRoutes } from './suiteql/route.js';
import { requireNetSuiteAuth } from './tba.js';
import { netsuiteChanged } from './version.js';

/** Largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Build the NetSuite routes (mounted at `/netsuite`). */
export function netsuiteApp(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.use('/services/rest/*', requireNetSuiteAuth(state));
  // NetSuite refuses oversized requests too; the cap keeps a hostile body from eating memory.
  app.use('/services/rest/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => nsError(c, 413, 'INVALID_CONTENT', `The request body exceeds ${MAX_BODY_BYTES} bytes.`) }));
  // Concord's event script, emulated: record writes are reported to its target when installed.
  app.use('/services/rest/record/v1/*', recordEventHook(state));
  // A record write changes what SuiteQL answers: its kept indexes are dropped (version.ts).
  app.use('/services/rest/record/v1/*', async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const ds = state.dataset(c.get('tenant')).netsuite;
    netsuiteChanged(ds);
    await next();
    netsuiteChanged(ds);
  });
  app.route('/services/rest/record/v1', recordRoutes(state));
  app.route('/services/rest/query/v1', suiteqlRoutes(state));
  app.notFound((c) => nsError(c, 404, 'INVALID_PARAMETER', `No REST resource at ${c.req.method} ${c.req.path}.`));
  app.onError((err, c) => {
    if (err instanceof NetSuiteError) return nsError(c, err.status, err.code, err.message, err.path, err.pathKind);
    console.error('[sandbox/netsuite] unexpected error', err);
    return nsError(c, 500, 'UNEXPECTED_ERROR', 'An unexpected error occurred. Error ID: sandbox');
  });
  return app;
}
