/**
 * ClosedWonToOrder under technical failures, inside workerd against a private sandbox estate:
 * NetSuite losing the answer to the order it wrote (outcome unknown), then timing out, refusing
 * with 429 and failing with 5xx on the retries, ends with exactly one sales order; a stage that
 * exhausts its retries is a dead letter whose replay resumes that stage, not the ones before it.
 * Duplicates are counted in the sandbox itself.
 */
import { introspectWorkflow } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { brokerEnv, connectTenant, done, estate, getRun, startRun, waitForRun, type ClosedWonCase, type Fixtures } from './closed-won-helpers.js';
import { api } from './helpers.js';

const e = estate(inject('closedWonFaultsSandboxUrl'));
let key = '';
let fx: Fixtures;
const used = new Set<string>();

function pick(want: (c: ClosedWonCase) => boolean): ClosedWonCase {
  const c = fx.hubspot.valid.find((x) => !used.has(x.dealId) && want(x));
  if (!c) throw new Error('no unused fixture fits');
  used.add(c.dealId);
  return c;
}

interface Counters {
  requests: number;
  rateLimited: number;
  serverErrors: number;
}
async function netsuiteCounters(): Promise<Counters> {
  const limits = await e.json<{ counters: { netsuite?: { demo?: Counters } } }>(await e.admin('/limits'));
  return limits.counters.netsuite?.demo ?? { requests: 0, rateLimited: 0, serverErrors: 0 };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not reached in ${ms} ms: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  key = await connectTenant(e, 'demo');
  fx = await e.fixtures();
}, 120_000);

describe('NetSuite fails while the sales order is created', () => {
  it('answer lost after the write, then a timeout, a 429 and a 5xx on the retries: still exactly one order, found again by its external id', async () => {
    // The engine's own backoff (2 s, 4 s, ...) stays on: it gives the test time to change the fault between attempts.
    const c = pick((x) => x.netsuiteCustomerId !== null);
    const ns0 = await e.netsuiteStats();
    await e.winHubSpotDeal(c.dealId);
    // Only writes lose their answer: the reads before the order go through.
    await e.faults({ netsuite: { answerLossRate: 1 } });
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);

    // 1. NetSuite writes the order and the broker gets a 5xx instead of the answer.
    await until(e.netsuiteStats, (s) => s.salesOrders.createdThroughApi === ns0.salesOrders.createdThroughApi + 1);
    const afterLoss = await netsuiteCounters();
    // 2. The next request hangs past the broker's 10 s timeout.
    await e.faults({ netsuite: { timeoutRate: 1, hangMs: 12_000 } });
    await until(netsuiteCounters, (n) => n.requests > afterLoss.requests);
    const afterHang = await netsuiteCounters();
    // 3. Then NetSuite's concurrency refusal (429), 4. then a 5xx.
    await e.faults({ netsuite: { rateLimitRate: 1 } });
    const limited = await until(netsuiteCounters, (n) => n.rateLimited > afterHang.rateLimited, 90_000);
    await e.faults({ netsuite: { errorRate: 1 } });
    await until(netsuiteCounters, (n) => n.serverErrors > limited.serverErrors);
    await e.faults({});

    const final = await waitForRun('demo', key, runId, done, 120_000);
    expect(final.status).toBe('completed');
    const order = await e.salesOrder(`hubspot-deal-${c.dealId}`);
    expect(order!.tranId).toBe(final.result!.orderNumber);
    const ns = await e.netsuiteStats();
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.maxPerExternalId).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    expect(ns.customers.createdThroughApi).toBe(ns0.customers.createdThroughApi);
    expect(ns.concurrency.maxInFlight).toBeLessThanOrEqual(ns.concurrency.limit);
  }, 180_000);
});

describe('a stage that exhausts its retries', () => {
  it('is a dead letter with its step and reason; the replay resumes that step and the order is not made twice', async () => {
    await using wf = await introspectWorkflow(brokerEnv.CLOSED_WON);
    await wf.modifyAll(async (m) => {
      await m.disableRetryDelays();
    });
    const c = pick(() => true);
    const [ns0, vi0] = [await e.netsuiteStats(), await e.vitallyStats()];
    await e.winHubSpotDeal(c.dealId);
    // Vitally answers every request with a 5xx: the CS stage cannot succeed.
    await e.faults({ vitally: { errorRate: 1 } });
    const { runId } = await startRun('demo', key, 'hubspot', c.dealId);
    const failed = await waitForRun('demo', key, runId, done, 120_000);
    expect(failed.status).toBe('failed');
    expect(failed.step).toBe('provision-cs');
    expect(failed.exceptions![0]).toMatchObject({ code: 'step_failed', step: 'provision-cs' });
    // The order exists and the deal shows it although CS failed.
    expect(await e.salesOrder(`hubspot-deal-${c.dealId}`)).not.toBeNull();
    expect((await e.hubspotDeal(c.dealId, ['concord_order_status'])).concord_order_status).toBe('created');

    const letters = (await (await api('/v1/tenants/demo/dead-letters', { key })).json()) as { items: { id: string; kind: string; summary?: string; error: string }[] };
    const letter = letters.items.find((l) => l.kind === 'flow.closed-won' && l.summary?.includes(`deal ${c.dealId}:`));
    expect(letter, 'the failed run is in the dead-letter store').toBeDefined();
    expect(letter!.summary).toContain('provision-cs');
    expect(letter!.error).toBeTruthy();

    await e.faults({});
    const replay = await api(`/v1/tenants/demo/dead-letters/${letter!.id}/replay`, { method: 'POST', key });
    expect(replay.status).toBe(202);
    const final = await waitForRun('demo', key, runId, (r) => r.status === 'completed', 60_000);
    expect(final.result!.orderNumber).toBeTruthy();

    // Resumed at provision-cs: the stages before it ran once.
    const steps = (await getRun('demo', key, runId)).steps;
    expect(steps.filter((s) => s.step.startsWith('create-sales-order') && s.status === 'done').map((s) => s.step)).toEqual(['create-sales-order#0']);
    expect(steps.some((s) => s.step === 'provision-cs#1' && s.status === 'done')).toBe(true);
    const [ns, vi] = [await e.netsuiteStats(), await e.vitallyStats()];
    expect(ns.salesOrders.createdThroughApi - ns0.salesOrders.createdThroughApi).toBe(1);
    expect(ns.salesOrders.duplicates).toBe(0);
    expect(vi.accounts.duplicates).toBe(0);
    expect(vi.projects.duplicates).toBe(0);
    expect(vi.accounts.createdThroughApi - vi0.accounts.createdThroughApi).toBeLessThanOrEqual(1);
  }, 180_000);
});
