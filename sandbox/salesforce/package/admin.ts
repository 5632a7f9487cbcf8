/**
 * Admin routes for the emulated Concord package (mounted at `/__sandbox/salesforce/package`):
 *   PUT    /            {tenant, url, secret, maxAttempts?, retryBaseMs?, maxRetryDelayMs?, timeoutMs?, batchDelayMs?, concurrency?}
 *                       install (or reconfigure) the package in that tenant's org
 *   GET    /?tenant=    settings (never the secret), pending callouts, every attempt made
 *   DELETE /?tenant=    uninstall
 *   POST   /flush       {tenant?, timeoutMs?} send what is queued now and wait for retries → {idle}
 *   POST   /sweep       {tenant, lookbackDays?} run ConcordClosedWonSweep now → {queued: [opportunity ids]}
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { problem, readJson } from '../../core/http.js';
import type { SandboxState } from '../../core/state.js';
import { PackageCallouts, packageConfigSchema } from './callouts.js';

const tenantQuery = z.object({ tenant: z.enum(['demo', 'other']) });
const flushBody = z.object({ tenant: z.enum(['demo', 'other']).optional(), timeoutMs: z.number().int().min(1).max(300_000).default(30_000) }).strict();
/** ConcordClosedWonSweep.LOOKBACK_DAYS is 7. */
const sweepBody = z.object({ tenant: z.enum(['demo', 'other']), lookbackDays: z.number().int().min(1).max(365).default(7) }).strict();
const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** Builds the routes over one callout sender wired to the org's record changes. */
export function packageAdminApp(state: SandboxState): Hono {
  const callouts = new PackageCallouts(state);
  const app = new Hono();

  app.put('/', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = packageConfigSchema.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_package', 'Invalid package configuration', issues(parsed.error));
    callouts.configure(parsed.data);
    return c.json(callouts.view(parsed.data.tenant));
  });

  app.get('/', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    const view = callouts.view(q.data.tenant);
    return view ? c.json(view) : problem(c, 404, 'no_package', 'The Concord package is not installed in this tenant’s org');
  });

  app.delete('/', (c) => {
    const q = tenantQuery.safeParse(c.req.query());
    if (!q.success) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', issues(q.error));
    callouts.remove(q.data.tenant);
    return c.body(null, 204);
  });

  app.post('/flush', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = flushBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_flush', 'Invalid flush request', issues(parsed.error));
    return c.json({ idle: await callouts.drain(parsed.data.tenant, parsed.data.timeoutMs) });
  });

  app.post('/sweep', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = sweepBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_sweep', 'Invalid sweep request', issues(parsed.error));
    if (!callouts.view(parsed.data.tenant)) return problem(c, 404, 'no_package', 'The Concord package is not installed in this tenant’s org');
    return c.json({ queued: callouts.sweep(parsed.data.tenant, parsed.data.lookbackDays) });
  });

  return app;
}
