/**
 * ClosedWonToOrder end to end inside workerd against a private sandbox estate.
 */
import { introspectWorkflow } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { brokerEnv, connectTenant, estate, startRun, waitForRun, type Fixtures } from './closed-won-helpers.js';

const e = estate(inject('closedWonSandboxUrl'));
let key = '';
let fx: Fixtures;

beforeAll(async () => {
  key = await connectTenant(e, 'demo');
  fx = await e.fixtures();
});

describe('a valid HubSpot deal', () => {
  it('becomes one customer, one sales order and one CS account', async () => {
    await using wf = await introspectWorkflow(brokerEnv.CLOSED_WON);
    await wf.modifyAll(async (m) => {
      await m.disableRetryDelays();
    });
    const c = fx.hubspot.valid.find((v) => v.netsuiteCustomerId === null)!;
    await e.winHubSpotDeal(c.dealId);
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const run = await waitForRun('demo', key, runId, (r) => r.status === 'completed' || r.status === 'failed' || r.status === 'blocked');
    console.log(JSON.stringify(run, null, 1));
    expect(run.status).toBe('completed');
  });
});
