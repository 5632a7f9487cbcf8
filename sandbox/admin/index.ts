/**
 * The sandbox's own admin API under `/__sandbox`: health and counts, reseed, token issuing,
 * fault knobs, outgoing webhook subscriptions and the ground-truth list. Local tooling only; never
 * part of a vendor's surface.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { faultsBodySchema } from '../core/faults.js';
import { problem, readJson } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { isSandboxTenant, issueToken } from '../core/tokens.js';
import { preferencesAdminApp } from '../netsuite/preferences.js';
import { tbaAdminApp } from '../netsuite/tba.js';
import { netsuiteEventsAdminApp } from '../netsuite/events/admin.js';
import { vitallyChangesAdminApp } from '../vitally/admin.js';
import { installsAdminApp } from '../hubspot/installs.js';
import { restoreAdminApp } from '../hubspot/restore.js';
import { webhooksAdminApp } from '../hubspot/webhooks.js';
import { flowAdminApp } from './flow.js';
import { salesforceMergeAdminApp } from '../salesforce/merge.js';
import { MAX_SCALE, isAnchorDate, isScale } from '../seed/generate.js';
import { SANDBOX_TENANTS, type TenantDataset } from '../seed/types.js';

const seedBody = z
  .object({
    anchorDate: z.string().refine(isAnchorDate, 'anchorDate must be a real date, YYYY-MM-DD').optional(),
    scale: z.number().refine(isScale, `scale must be a whole number from 1 to ${MAX_SCALE}`).optional(),
  })
  .strict();
/**
 * `lifetime`: `expiring` (default) behaves like an OAuth access token (HubSpot 30 min, NetSuite
 * 1 h); `static` like a private-app / integration token that never expires (what `npm start`
 * uses, so a long demo keeps working).
 */
const tokenBody = z
  .object({ vendor: z.enum(['hubspot', 'salesforce', 'netsuite', 'vitally']), tenant: z.enum(['demo', 'other']), lifetime: z.enum(['expiring', 'static']).default('expiring') })
  .strict();

/** Record counts per tenant for the health endpoint. */
export function counts(ds: TenantDataset): Record<string, number> {
  const tx = ds.netsuite.transaction;
  return {
    truth: ds.truth.length,
    companies: ds.hubspot.companies.length,
    contacts: ds.hubspot.contacts.length,
    deals: ds.hubspot.deals.length,
    salesforceAccounts: ds.salesforce.Account.length,
    opportunities: ds.salesforce.Opportunity.length,
    customers: ds.netsuite.customer.length,
    invoices: tx.filter((t) => t.type === 'CustInvc').length,
    payments: tx.filter((t) => t.type === 'CustPymt').length,
    salesOrders: tx.filter((t) => t.type === 'SalesOrd').length,
    subscriptions: ds.netsuite.subscription.length,
    items: ds.netsuite.item.length,
    vitallyAccounts: ds.vitally.accounts.length,
    healthScores: ds.vitally.healthScores.length,
    projects: ds.vitally.projects.length,
    conversations: ds.vitally.conversations.length,
  };
}

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

/** Build the admin routes (mounted at `/__sandbox`). */
export function adminApp(state: SandboxState): Hono {
  const app = new Hono();

  app.get('/health', (c) =>
    c.json({ ok: true, anchorDate: state.anchorDate, scale: state.scale, tenants: Object.fromEntries(SANDBOX_TENANTS.map((t) => [t, counts(state.dataset(t))])) }),
  );

  app.post('/seed', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = seedBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_seed_request', 'Invalid seed request', issues(parsed.error));
    state.reseed(parsed.data.anchorDate, parsed.data.scale);
    return c.json({ ok: true, anchorDate: state.anchorDate, scale: state.scale, tenants: Object.fromEntries(SANDBOX_TENANTS.map((t) => [t, counts(state.dataset(t))])) });
  });

  app.post('/tokens', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = tokenBody.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_token_request', 'vendor must be hubspot|salesforce|netsuite|vitally and tenant demo|other', issues(parsed.error));
    const kind = parsed.data.lifetime === 'static' ? 'static' : 'access';
    const ds = state.dataset(parsed.data.tenant);
    // The vendor account the token opens, as the vendor names it (HubSpot hub id, Salesforce org
    // id, NetSuite account id, Vitally subdomain): what a broker stores beside the credentials.
    const externalAccount = { hubspot: String(ds.hubspot.portalId), salesforce: ds.salesforce.orgId, netsuite: ds.netsuite.accountId, vitally: ds.vitally.subdomain }[parsed.data.vendor];
    return c.json({ accessToken: issueToken(parsed.data.vendor, parsed.data.tenant, kind), tokenType: 'Bearer', vendor: parsed.data.vendor, tenant: parsed.data.tenant, lifetime: parsed.data.lifetime, externalAccount });
  });

  // NetSuite TBA credentials per tenant (POST /__sandbox/netsuite/tba-credentials).
  app.route('/', tbaAdminApp(state));
  // NetSuite account date/time format preferences per tenant (GET|PUT /__sandbox/netsuite/preferences).
  app.route('/', preferencesAdminApp(state));

  app.get('/faults', (c) => c.json(state.faults));
  app.post('/faults', async (c) => {
    const body = await readJson(c, {});
    if (!body.ok) return problem(c, 400, 'bad_json', 'Request body is not valid JSON', body.error);
    const parsed = faultsBodySchema.safeParse(body.value);
    if (!parsed.success) return problem(c, 400, 'invalid_faults', 'Invalid fault configuration', issues(parsed.error));
    // Replace, not merge: the body is the whole fault picture, so `{}` means "no faults".
    state.faults = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    return c.json(state.faults);
  });

  // Closed-won fixtures, NetSuite/Vitally duplicate counts, the Salesforce package's callouts (flow.ts).
  app.route('/', flowAdminApp(state));

  app.get('/truth', (c) => {
    const tenant = c.req.query('tenant') ?? 'demo';
    if (!isSandboxTenant(tenant)) return problem(c, 400, 'unknown_tenant', 'Unknown tenant', `tenant must be one of ${SANDBOX_TENANTS.join(', ')}`);
    return c.json(state.dataset(tenant).truth);
  });

  // Outgoing HubSpot webhooks: subscriptions, deliveries, flush (sandbox/hubspot/webhooks.ts).
  app.route('/webhooks', webhooksAdminApp(state));

  // HubSpot app uninstalls: POST /hubspot/uninstall {tenant} (as from HubSpot's UI), GET /hubspot/uninstalls.
  app.route('/hubspot', installsAdminApp(state));
  // HubSpot's "restore a deleted record" (UI only): POST /hubspot/restore {tenant, objectType, id}.
  app.route('/hubspot', restoreAdminApp(state));

  // Concord's NetSuite event script: target (PUT|GET|DELETE /netsuite/events, POST /netsuite/events/flush)
  // and what a finance user does (POST /netsuite/:tenant/invoices/:id/pay|dispute|credit, .../subscriptions/:id/amend).
  app.route('/netsuite', netsuiteEventsAdminApp(state));

  // Vitally playbook webhooks (PUT|GET|DELETE /vitally/webhooks, POST /vitally/webhooks/flush) and what a
  // CSM does (POST /vitally/:tenant/accounts/:id/health|escalations, .../tasks/:id/complete, .../conversations/:id/close).
  app.route('/vitally', vitallyChangesAdminApp(state));

  // Salesforce Account merges (SOAP merge(), not in jsforce's REST client): POST /salesforce/merge
  // {tenant?, masterRecordId, recordToMergeIds, masterRecord?} (sandbox/salesforce/merge.ts).
  app.route('/salesforce', salesforceMergeAdminApp(state));

  app.notFound((c) => problem(c, 404, 'not_found', 'No such sandbox admin endpoint', `${c.req.method} ${c.req.path}`));
  return app;
}
