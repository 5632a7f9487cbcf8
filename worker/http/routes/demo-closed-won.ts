/**
 * The demo page's "Close a demo deal as won" (behind the same `/demo` door: development mode, a
 * loopback Host, the demo tenant):
 * - `POST /demo/closed-won`: moves one valid open demo deal to its won stage through the sandbox
 *   HubSpot API (demo-sandbox.ts), so HubSpot's signed webhook starts the closed-won run the
 *   real way (webhook → queue → Workflow); answers 202 with the deal and its run id, and opens the
 *   demo tenant's admin session so the page can read that run from the tenant API;
 * - `GET /demo/closed-won.js`: the page's script, which follows the run through
 *   `GET /v1/tenants/:t/flows/runs/:id` until the order number appears (or the run is blocked
 *   or failed, with the reasons).
 */
import { Hono } from 'hono';
import { fail } from '../../errors.js';
import { FLOW } from '../../flows/closed-won/settings.js';
import { runIdFor } from '../../flows/closed-won/params.js';
import { listConnections } from '../../storage/connections.js';
import { runsOfRecords } from '../../storage/flow-runs.js';
import { assertSameOrigin } from '../../services/oauth/session.js';
import type { AppEnv } from '../context.js';
import { DEMO_CLOSED_WON_SCRIPT } from './demo-closed-won-script.js';
import { demoTenant, openDemoSession } from './demo-door.js';
import { closeDemoDealAsWon, sandboxOrigin } from './demo-sandbox.js';

export function closedWonDemoRoutes() {
  const r = new Hono<AppEnv>();

  r.post('/closed-won', async (c) => {
    const tenantId = demoTenant(c);
    assertSameOrigin(c);
    const hubspot = (await listConnections(c.env.DB, tenantId)).find((x) => x.system === 'hubspot' && x.status === 'connected');
    if (!hubspot?.externalAccount) fail({ kind: 'not_connected', system: 'hubspot' });
    const sandbox = sandboxOrigin(hubspot!.baseUrl);
    // Deals that already have a run were closed before (by this button or by hand): never twice.
    const skip = async (dealIds: string[]) => {
      const seen = new Set<string>();
      for (let i = 0; i < dealIds.length; i += 90) {
        for (const run of await runsOfRecords(c.env.DB, tenantId, FLOW, 'hubspot', dealIds.slice(i, i + 90))) seen.add(run.sourceRecord);
      }
      return seen;
    };
    const deal = await closeDemoDealAsWon({ correlationId: c.get('correlationId'), log: c.get('log') }, sandbox, tenantId, skip);
    if (!deal) fail({ kind: 'conflict', code: 'no_open_demo_deal', message: 'Every valid demo deal is already closed: reseed the sandbox (POST /__sandbox/seed) to get new ones.' });
    await openDemoSession(c, tenantId);
    const runId = runIdFor({ source: 'hubspot', externalAccount: hubspot!.externalAccount!, dealId: deal!.dealId });
    c.get('log').info('demo.closed_won', { tenantId, dealId: deal!.dealId, runId });
    return c.json({ ...deal!, runId, runUrl: `/v1/tenants/${encodeURIComponent(tenantId)}/flows/runs/${encodeURIComponent(runId)}` }, 202);
  });

  r.get('/closed-won.js', (c) => {
    demoTenant(c);
    return c.body(DEMO_CLOSED_WON_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
  });
  return r;
}
