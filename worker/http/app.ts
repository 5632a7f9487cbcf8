/**
 * The broker's HTTP edge: correlation ids on everything, one `onError` that turns every failure
 * into `application/problem+json` with a stable `code`, and the route modules.
 */
import { Hono } from 'hono';
import { ConcordError, toProblem, type Problem } from '../errors.js';
import { createLogger } from '../ops/log.js';
import type { AppEnv } from './context.js';
import { drainUnread } from './body.js';
import { correlation } from './middleware/correlation.js';
import { tenantAuth } from './middleware/tenant-auth.js';
import { serverTiming } from './middleware/server-timing.js';
import { operatorRoutes } from './routes/operator.js';
import { connectionRoutes } from './routes/connections.js';
import { connectRoutes, oauthCallbackRoutes } from './routes/connect.js';
import { credentialConnectionRoutes } from './routes/credential-connections.js';
import { identityRoutes } from './routes/identity.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { referenceRoutes } from './routes/reference.js';
import { demoRoutes } from './routes/demo.js';
import { opsRoutes } from './routes/ops.js';
import { ownershipRoutes } from './routes/ownership.js';
import { cardRoutes } from './routes/cards.js';
import { embedRoutes } from './routes/embed.js';
import { embedTokenRoutes } from './routes/embed-tokens.js';
import { inboundSecretRoutes } from './routes/inbound-secrets.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { webhookRoutes } from './routes/webhooks.js';
import { writeRefusalRoutes } from './routes/write-refusals.js';
import { flowRoutes } from './routes/flows.js';
import { syncRunRoutes } from './routes/sync-runs.js';
import { salesforceWebhookRoutes } from './routes/webhooks-salesforce.js';
import { netsuiteWebhookRoutes } from './routes/webhooks-netsuite.js';
import { vitallyWebhookRoutes } from './routes/webhooks-vitally.js';

export function problemResponse(problem: Problem, correlationId: string | undefined): Response {
  return new Response(JSON.stringify({ ...problem, correlationId }), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...(correlationId ? { 'x-correlation-id': correlationId } : {}) },
  });
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', correlation());
  // A body the route did not read (it takes none, or refused the request first) is dropped before
  // the answer goes out, so the caller reads the answer instead of a broken connection (http/body.ts).
  app.use('*', async (c, next) => {
    await next();
    await drainUnread(c.req.raw);
  });

  app.get('/health', (c) => c.json({ ok: true, service: 'concord-broker' }));
  app.route('/v1/operator', operatorRoutes());

  // Server-Timing and round-trip counts on every answer that carries an account view.
  for (const path of ['/v1/tenants/:tenant/accounts/:id/view', '/v1/cards/hubspot/view', '/v1/cards/salesforce/view', '/v1/embed/accounts/:id/view']) app.use(path, serverTiming());

  const tenant = new Hono<AppEnv>();
  tenant.use('*', tenantAuth());
  tenant.route('/', connectRoutes());
  // Before connectionRoutes: POST netsuite|vitally, and DELETE that also revokes at the vendor.
  tenant.route('/connections', credentialConnectionRoutes());
  tenant.route('/connections', connectionRoutes());
  tenant.route('/identity', identityRoutes());
  tenant.route('/accounts', accountRoutes());
  tenant.route('/audit', auditRoutes());
  tenant.route('/reference', referenceRoutes());
  tenant.route('/ops', opsRoutes());
  tenant.route('/ownership', ownershipRoutes());
  tenant.route('/inbound-secrets', inboundSecretRoutes());
  tenant.route('/embed-tokens', embedTokenRoutes());
  tenant.route('/dead-letters', deadLetterRoutes());
  tenant.route('/write-refusals', writeRefusalRoutes());
  tenant.route('/flows', flowRoutes());
  tenant.route('/sync', syncRunRoutes());
  app.route('/v1/tenants/:tenant', tenant);
  // OAuth redirect target: authenticated by the session cookie and the single-use state.
  app.route('/v1/oauth', oauthCallbackRoutes());
  // Embedded surfaces: authenticated by CRM request signatures / embed tokens, not API keys.
  app.route('/v1/cards', cardRoutes());
  app.route('/v1/embed', embedRoutes());
  // CRM webhooks: signature-verified, tenant from each event's portal (routes/webhooks.ts).
  app.route('/v1/webhooks/salesforce', salesforceWebhookRoutes());
  // ERP and CS change events: the NetSuite event script (account id header) and Vitally playbooks (per-tenant URL).
  app.route('/v1/webhooks/netsuite', netsuiteWebhookRoutes());
  app.route('/v1/webhooks/vitally', vitallyWebhookRoutes());
  app.route('/v1/webhooks', webhookRoutes());
  app.route('/demo', demoRoutes());

  app.notFound((c) =>
    problemResponse({ type: 'https://concord.dev/problems/not-found', title: 'No such route', status: 404, code: 'route_not_found' }, c.get('correlationId')),
  );

  app.onError((err, c) => {
    const correlationId = c.get('correlationId');
    const log = c.get('log') ?? createLogger('info', { correlationId });
    if (err instanceof ConcordError) {
      const problem = toProblem(err.error);
      if (problem.status >= 500) log.error('request.failed', { kind: err.error.kind, code: problem.code });
      return problemResponse(problem, correlationId);
    }
    // Unknown errors: log the name and message for operators; callers get a generic problem.
    log.error('request.crashed', { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    return problemResponse(toProblem({ kind: 'internal', message: 'unexpected' }), correlationId);
  });
  return app;
}
