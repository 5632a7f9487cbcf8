/**
 * Admin reads for the closed-won flow (mounted at `/__sandbox`):
 *   GET /truth/closed-won?tenant=demo   the open demo deals/opportunities, valid and invalid (with the reason)
 *   GET /netsuite/:tenant/stats         customers per company, sales orders per externalId, concurrency (netsuite/stats.ts)
 *   GET /vitally/:tenant/stats          accounts per externalId, projects per account and template (vitally/stats.ts)
 *   /salesforce/package/…               the emulated Concord package's callouts (salesforce/package/admin.ts)
 * Tests and the bench pick fixtures from here by what they are, never by position in a list.
 */
import { Hono } from 'hono';
import { problem } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { isSandboxTenant } from '../core/tokens.js';
import { SANDBOX_TENANTS, type SandboxTenant } from '../seed/types.js';
import { packageAdminApp } from '../salesforce/package/admin.js';
import { netsuiteStatsApp } from '../netsuite/stats.js';
import { vitallyStatsApp } from '../vitally/stats.js';

/** Builds the flow admin routes. */
export function flowAdminApp(state: SandboxState): Hono {
  const app = new Hono();
  const tenantOf = (raw: string | undefined): SandboxTenant | null => {
    const t = raw ?? 'demo';
    return isSandboxTenant(t) ? t : null;
  };

  app.get('/truth/closed-won', (c) => {
    const tenant = tenantOf(c.req.query('tenant'));
    if (!tenant) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', `tenant must be one of ${SANDBOX_TENANTS.join(', ')}`);
    const fixtures = state.dataset(tenant).closedWon ?? { hubspot: { valid: [], invalid: [] }, salesforce: { valid: [], invalid: [] } };
    return c.json(fixtures);
  });

  // Customers per company and sales orders per externalId, counted in the sandbox (netsuite/stats.ts).
  app.route('/', netsuiteStatsApp(state));
  // Accounts per externalId and projects per account and template (vitally/stats.ts).
  app.route('/', vitallyStatsApp(state));

  // The Concord package's closed-won callouts from the Salesforce org (sandbox/salesforce/package/).
  app.route('/salesforce/package', packageAdminApp(state));

  return app;
}
