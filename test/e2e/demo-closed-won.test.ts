/**
 * /demo's "Close a demo deal as won" on the estate exactly as `npm start` runs it, in real
 * Chromium: the button moves one valid open demo deal to its won stage through the sandbox HubSpot
 * API, the sandbox's signed webhook reaches the broker, the queue starts the closed-won Workflow,
 * and the page follows the run through the flows runs API until the sales order number appears.
 * What the page shows is then checked against the broker's run, the sandbox HubSpot deal and the
 * sales order in the sandbox NetSuite (one order for the deal, by its external id); the completed
 * run the console's saved answer shows (test/fixtures/concord/flow-runs.json) must have the shape
 * of this real one, result included.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { answers } from '../fixtures/concord/index.js';
import { shapeDiff } from '../support/payload-shape.js';

const broker = inject('brokerUrl');
const sandbox = inject('estateSandboxUrl');
const demoKey = inject('demoKey');
const SHOTS = join(process.cwd(), 'test-results/screenshots');

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
});

async function sandboxToken(vendor: 'hubspot' | 'netsuite'): Promise<string> {
  const res = await fetch(`${sandbox}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo', lifetime: 'static' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

interface Run {
  id: string;
  status: string;
  sourceRecord: string;
  result: { orderNumber?: string; orderId?: string } | null;
  steps: { step: string; status: string }[];
}

describe('/demo: close a demo deal as won', () => {
  it('moves a valid open demo deal to won through HubSpot and shows its sales order number once the run creates it', async () => {
    const truth = (await (await fetch(`${sandbox}/__sandbox/truth/closed-won?tenant=demo`)).json()) as { hubspot: { valid: { dealId: string }[]; invalid: { dealId: string }[] } };
    const valid = new Set(truth.hubspot.valid.map((d) => d.dealId));

    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, locale: 'en-US' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${broker}/demo`);
    const section = page.getByRole('region', { name: 'Closed-won to order' });
    const closed = page.waitForResponse((r) => r.url() === `${broker}/demo/closed-won` && r.request().method() === 'POST');
    await section.getByRole('button', { name: 'Close a demo deal as won' }).click();
    const answer = await closed;
    expect(answer.status()).toBe(202);
    const deal = (await answer.json()) as { dealId: string; runId: string; stage: { id: string; label: string } };
    expect(valid.has(deal.dealId)).toBe(true);

    // The page reads the run until the order appears (the whole real path: webhook, queue, Workflow).
    // It stops at the run's end state: created, blocked or failed (each said in its own words).
    const status = section.getByRole('status');
    await status.getByText(/^Sales order \S+ created in NetSuite for | is blocked: | failed at /).waitFor({ timeout: 150_000 });
    const said = await status.innerText();
    await page.screenshot({ path: join(SHOTS, 'demo-closed-won.png'), fullPage: true });

    // The broker's run says the same, and it is an order: a valid demo deal ends as one.
    const runRes = await fetch(`${broker}/v1/tenants/demo/flows/runs/${deal.runId}`, { headers: { authorization: `Bearer ${demoKey}` } });
    expect(runRes.status).toBe(200);
    const run = (await runRes.json()) as Run & { exceptions: unknown };
    expect({ status: run.status, said, exceptions: run.exceptions }).toMatchObject({ status: 'completed', said: expect.stringMatching(/^Sales order \S+ created in NetSuite for /) });
    const shown = said.match(/^Sales order (\S+) created/)![1]!;
    expect(run.sourceRecord).toBe(deal.dealId);
    expect(run.result?.orderNumber).toBe(shown);
    // Step names carry the attempt (`create-sales-order#0`): a stage re-run after a fix is a new step.
    expect(run.steps.filter((s) => s.step.startsWith('create-sales-order#')).map((s) => s.status)).toEqual(['done']);

    const listed = (await (await fetch(`${broker}/v1/tenants/demo/flows/runs?source=hubspot&record=${deal.dealId}`, { headers: { authorization: `Bearer ${demoKey}` } })).json()) as { items: Run[] };
    const saved = (answers.flowRuns as { items: { status: string }[] }).items.find((r) => r.status === 'completed');
    expect(listed.items).toHaveLength(1);
    expect(shapeDiff(saved, listed.items[0])).toEqual([]);

    // HubSpot holds the deal in the won stage the button chose.
    const hs = await sandboxToken('hubspot');
    const hsDeal = (await (await fetch(`${sandbox}/hubspot/crm/v3/objects/deals/${deal.dealId}?properties=dealstage`, { headers: { authorization: `Bearer ${hs}` } })).json()) as { properties: { dealstage: string } };
    expect(hsDeal.properties.dealstage).toBe(deal.stage.id);

    // NetSuite has exactly one sales order for the deal, the one the page names.
    const ns = await sandboxToken('netsuite');
    const order = (await (await fetch(`${sandbox}/netsuite/services/rest/record/v1/salesOrder/eid:hubspot-deal-${deal.dealId}`, { headers: { authorization: `Bearer ${ns}` } })).json()) as { id: string; tranId: string; externalId: string };
    expect(order).toMatchObject({ id: run.result!.orderId, tranId: shown, externalId: `hubspot-deal-${deal.dealId}` });
    const stats = (await (await fetch(`${sandbox}/__sandbox/netsuite/demo/stats`)).json()) as { salesOrders: { duplicates: number } };
    expect(stats.salesOrders.duplicates).toBe(0);
    expect(errors).toEqual([]);

    // A second click closes another deal, never the same one again.
    const again = page.waitForResponse((r) => r.url() === `${broker}/demo/closed-won` && r.request().method() === 'POST');
    await section.getByRole('button', { name: 'Close a demo deal as won' }).click();
    const next = (await (await again).json()) as { dealId: string; runId: string };
    expect(next.dealId).not.toBe(deal.dealId);
    expect(valid.has(next.dealId)).toBe(true);
    // That run is followed to its end too: left running, it would write into the estate while the
    // next e2e files (which change the sandbox's webhook knobs) run.
    let second: Run | null = null;
    for (const until = Date.now() + 150_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      const res = await fetch(`${broker}/v1/tenants/demo/flows/runs/${next.runId}`, { headers: { authorization: `Bearer ${demoKey}` } });
      if (res.status !== 200) continue;
      second = (await res.json()) as Run;
      if (['completed', 'blocked', 'failed'].includes(second.status)) break;
    }
    expect(second?.status).toBe('completed');
    await page.close();
  }, 420_000);
});
