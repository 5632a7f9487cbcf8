/**
 * The admin console's "Sync runs" section in real Chromium against the broker's saved answers
 * (test/fixtures/concord/sync-run*.json served by msw): each run with its progress bar, done /
 * total, rate and ETA, counts by outcome and who started it; a reconcile's drift report (what
 * differs, master fields and Concord properties alike, who owns the field, what was repaired, what
 * is left for a person); starting a dry run,
 * and the broker's 409 when a run of that kind is still in progress; and the list following a
 * running run by itself.
 */
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { answers } from '../fixtures/concord/index.js';
import { contrastFailures, overflowingElements } from './a11y.js';
import { ORIGIN } from './broker-handlers.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();

const BACKFILL = 'sr_5a1c0d2e9f8b47a6b3c2d1e0f9a8b7c6';
const NIGHTLY = 'sr_0e9d8c7b6a5f44e3a2b1c0d9e8f7a6b5';
const DRY_FAILED = 'sr_7f6e5d4c3b2a41f0e9d8c7b6a5f4e3d2';

const section = () => t.page.getByRole('region', { name: 'Sync runs' });
const run = (id: string) => section().locator(`[data-sync-run="${id}"]`);
const requests = (method: string, path: string) => t.broker.requests.filter((r) => r.method === method && r.path === path);

async function openConsole(): Promise<void> {
  await t.context.addCookies([{ name: 'concord_session', value: 'sess-1', url: t.broker.origin }]);
  await t.page.goto(`${t.broker.origin}/widgets/console.html?tenant=demo`);
  await t.page.getByRole('heading', { name: 'Concord admin' }).waitFor();
  await run(NIGHTLY).waitFor();
}

describe('console Sync runs section', () => {
  it('shows each run with its progress bar, rate, ETA, counts and who started it', async () => {
    const { page } = t;
    await openConsole();
    expect(await section().locator('.cc-sync-item').count()).toBe(3);

    const backfill = run(BACKFILL);
    expect(await backfill.innerText()).toMatch(/Backfill\s+Running/);
    const bar = backfill.getByRole('progressbar', { name: 'Backfill progress' });
    expect(await bar.getAttribute('value')).toBe('22');
    expect(await bar.getAttribute('max')).toBe('100');
    const text = await backfill.innerText();
    expect(text).toContain('Linking CRM records · 1,240 of 5,530 · 62.4 per second · about 1 min 9 s left');
    expect(text).toContain('1,240 records read · 610 linked · 12 accounts created · 3 review cases');
    expect(text).toContain('Started Nov 26, 2026, 11:00 AM UTC by an admin in this console');
    // A backfill has no drift report to open.
    expect(await backfill.getByRole('button', { name: /drift report/ }).count()).toBe(0);

    const nightly = await run(NIGHTLY).innerText();
    expect(nightly).toMatch(/Reconcile\s+Completed/);
    expect(nightly).toContain('Done · 553 of 553 · 98.8 per second');
    expect(nightly).not.toContain('left');
    expect(nightly).toContain('4 differences · 2 repaired · 2 for a person · 2 vendor write calls');
    expect(nightly).toContain('by the nightly schedule · finished after 6 s');

    const failed = await run(DRY_FAILED).innerText();
    expect(failed).toMatch(/Reconcile \(dry run\)\s+Failed/);
    expect(failed).toContain('Stopped: ConcordError: upstream_timeout (netsuite after 30000 ms)');
    expect(failed).toContain('by API key ops · stopped after 35 s');
    expect(failed).toContain('1 difference · 1 would be repaired');

    expect(await contrastFailures(page, '.cc-sync')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
  });

  it("opens a reconcile's drift report: the field, the record, both values, the owner and the outcome", async () => {
    const { page } = t;
    await openConsole();
    await run(NIGHTLY).getByRole('button', { name: 'Show the drift report of Reconcile started Nov 26, 2026, 03:00 AM UTC' }).click();
    const report = run(NIGHTLY).getByRole('region', { name: `Drift report of Reconcile ${NIGHTLY}` });
    await report.waitFor();
    expect(requests('GET', `/v1/tenants/demo/sync/runs/${NIGHTLY}`).length).toBe(1);
    const rows = report.locator('tbody tr');
    expect(await rows.count()).toBe(4);
    const cells = async (key: string) => (await report.locator(`[data-drift="${key}"]`).locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    expect(await cells('hubspot-1000123-account.domain')).toEqual([
      'Domain',
      'HubSpot 1000123 account acc_3b8f0c1d2e4a45b6978c0d1e2f3a4b5c',
      'acme-analytics.io',
      'acmeanalytics.com ERP owns it (NetSuite)',
      'Repaired hubspot has "acme-analytics.io", the ERP (owner) "acmeanalytics.com": Concord writes the owner\'s value',
    ]);
    // A Concord property a person changed on the company: Concord's value from the ERP written back.
    expect(await cells('hubspot-1000123-facts.arr')).toEqual([
      'ARR Concord property',
      'HubSpot 1000123 account acc_3b8f0c1d2e4a45b6978c0d1e2f3a4b5c',
      '150000',
      '120000 ERP owns it (NetSuite)',
      'Repaired hubspot has "150000", Concord "120000" from the ERP\'s receivables and contract: Concord writes its value again',
    ]);
    const country = await cells('netsuite-4471-account.billTo');
    expect(country[0]).toBe('Billing country');
    expect(country[3]).toBe('Germany CRM owns it (HubSpot)');
    expect(country[4]).toMatch(/^For a person netsuite has "AT"/);
    await page.screenshot({ path: join(SHOTS, 'console-sync-runs.png'), fullPage: true });
    expect(await overflowingElements(page, '.cc-sync')).toEqual([]);
    expect(await contrastFailures(page, '.cc-sync')).toEqual([]);

    // The same button closes it again.
    await run(NIGHTLY).getByRole('button', { name: /^Hide the drift report/ }).click();
    await report.waitFor({ state: 'detached' });
    expect(t.consoleErrors).toEqual([]);
  });

  it('starts a dry run as the API expects and says so; a second backfill is refused with the reason', async () => {
    const { page } = t;
    await openConsole();
    await section().getByRole('button', { name: 'Dry run (changes nothing)' }).click();
    await section().getByText('Reconcile (dry run) started: run sr_2c3d4e5f6a7b48c9d0e1f2a3b4c5d6e7. Its progress shows below.').waitFor();
    expect(requests('POST', '/v1/tenants/demo/sync/runs').map((r) => JSON.parse(r.body) as unknown)).toEqual([{ kind: 'reconcile', dryRun: true }]);
    // The list is read again once the run was accepted.
    await expect.poll(() => requests('GET', '/v1/tenants/demo/sync/runs').length).toBeGreaterThanOrEqual(2);

    await section().getByRole('button', { name: 'Backfill' }).click();
    const alert = section().getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe(`Backfill was not started: A backfill run is already in progress: ${BACKFILL}. Follow it at /sync/runs/${BACKFILL}.`);
    expect(requests('POST', '/v1/tenants/demo/sync/runs').map((r) => JSON.parse(r.body) as unknown)).toEqual([{ kind: 'reconcile', dryRun: true }, { kind: 'backfill' }]);
    expect(await page.getByRole('button', { name: 'Reconcile now' }).isEnabled()).toBe(true);
  });

  it('follows a running run by itself until it is finished, then stops asking', async () => {
    const { page, broker } = t;
    const saved = answers.syncRuns as { items: { id: string; status: string; progress: Record<string, unknown>; finishedAt: string | null }[] };
    const running = saved.items.find((r) => r.id === BACKFILL)!;
    const finished = {
      ...running,
      status: 'completed',
      progress: { ...running.progress, phase: 'done', done: 5530, total: 5530, percent: 100, etaSeconds: 0 },
      finishedAt: '2026-11-26T11:01:30.000Z',
    };
    // The first read shows it running; every later read shows it completed.
    let reads = 0;
    broker.use(
      http.get(`${ORIGIN}/v1/tenants/demo/sync/runs`, () => {
        reads += 1;
        return HttpResponse.json({ items: saved.items.map((r) => (r.id === BACKFILL && reads > 1 ? finished : r)) });
      }),
    );
    await openConsole();
    expect(await run(BACKFILL).innerText()).toMatch(/Backfill\s+Running/);
    // Read again without a click, drawn without a "Loading" flash.
    await run(BACKFILL).getByText('Completed').waitFor({ timeout: 10_000 });
    expect(await run(BACKFILL).getByRole('progressbar').getAttribute('value')).toBe('100');
    expect(await run(BACKFILL).innerText()).toContain('finished after 1 min 30 s');
    // Nothing is running any more: no further reads.
    const after = reads;
    await page.waitForTimeout(3500);
    expect(reads).toBe(after);
    expect(t.consoleErrors).toEqual([]);
  });
});
