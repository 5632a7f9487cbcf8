/**
 * The admin console's "Change intake" and "Automations" sections in real Chromium against the
 * broker's saved answers (test/fixtures/concord/intake.json, automations.json served by msw):
 * per source the last change with its record, both instants and the lag in words; each poll
 * stream's checkpoint, how far behind it is, its last run, what it found and its last error as an
 * error; the accounts waiting for their effects; the empty states a tenant with nothing yet sees;
 * a failed load with Retry (the Automations section unaffected); and both sections at 360 px with
 * AA contrast. The Automations form itself: test/browser/console-automations.test.ts.
 */
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { answers, problems } from '../fixtures/concord/index.js';
import { contrastFailures, horizontalOverflow, overflowingElements } from './a11y.js';
import { ORIGIN, problem } from './broker-handlers.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();

const intake = () => t.page.getByRole('region', { name: 'Change intake' });
const automations = () => t.page.getByRole('region', { name: 'Automations' });
const source = (s: string) => intake().locator(`[data-intake-source="${s}"]`);
const VENDOR: Record<string, string> = { netsuite: 'NetSuite', vitally: 'Vitally', salesforce: 'Salesforce' };
const streamRow = (s: string, stream: string) => source(s).getByRole('region', { name: `${VENDOR[s]} poll streams` }).locator(`tr[data-stream="${stream}"]`);
const cells = async (s: string, stream: string) => (await streamRow(s, stream).locator('th, td').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
const facts = async (s: string) => {
  const dl = source(s).locator('dl.cc-facts');
  const dts = await dl.locator('dt').allInnerTexts();
  const dds = await dl.locator('dd').allInnerTexts();
  return Object.fromEntries(dts.map((k, i) => [k, dds[i]!.replace(/\s+/g, ' ').trim()]));
};
const requests = (path: string) => t.broker.requests.filter((r) => r.method === 'GET' && r.path === path);

/** Opens the console and waits for the section's answer (the NetSuite streams table) to be drawn. */
async function openConsole(waitFor: () => Promise<void> = () => streamRow('netsuite', 'invoice').waitFor()): Promise<void> {
  await t.context.addCookies([{ name: 'concord_session', value: 'sess-1', url: t.broker.origin }]);
  await t.page.goto(`${t.broker.origin}/widgets/console.html?tenant=demo`);
  await t.page.getByRole('heading', { name: 'Concord admin' }).waitFor();
  await waitFor();
}

describe('console Change intake section', () => {
  it("shows each source's last change with its lag, and its poll streams with checkpoint, behind, last run, found and error", async () => {
    const { page } = t;
    await openConsole();
    expect(requests('/v1/tenants/demo/ops/intake')[0]?.cookie).toBe('concord_session=sess-1');

    expect(await source('netsuite').getByRole('heading', { level: 3 }).innerText()).toBe('NetSuite');
    expect(await facts('netsuite')).toEqual({
      'Last change': 'Customer payment 8812',
      'Changed in NetSuite': 'Nov 26, 2026, 11:00 AM UTC',
      'Recorded by Concord': 'Nov 26, 2026, 11:00 AM UTC',
      Lag: '2.1 s',
    });
    await source('vitally').locator('dl.cc-facts').waitFor();
    expect(await facts('vitally')).toEqual({
      'Last change': 'Account 5b0f3c1e-8a2d-4c6b-9e7f-1a2b3c4d5e6f',
      'Changed in Vitally': 'Nov 26, 2026, 10:57 AM UTC',
      'Recorded by Concord': 'Nov 26, 2026, 11:01 AM UTC',
      Lag: '4 min',
    });

    // One row per stream, in the answer's order, with a header row of real column headers.
    const nsTable = source('netsuite').locator('table');
    expect(await nsTable.locator('thead th[scope="col"]').allInnerTexts()).toEqual(['Stream', 'Checkpoint', 'Behind now', 'Last run', 'Found', 'Last error']);
    expect(await nsTable.locator('tbody th[scope="row"]').count()).toBe(6);
    expect(await source('netsuite').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stream')))).toEqual(['contract', 'credit_memo', 'customer', 'invoice', 'payment', 'sales_order']);
    expect(await cells('netsuite', 'invoice')).toEqual(['Invoices invoice', 'Nov 26, 2026, 10:58 AM UTC', '3 min 20 s', 'Nov 26, 2026, 11:01 AM UTC', '2', 'None']);
    expect(await cells('netsuite', 'payment')).toEqual(['Customer payments payment', 'Nov 26, 2026, 11:00 AM UTC', '1 min 29 s', 'Nov 26, 2026, 11:01 AM UTC', '0', 'None']);
    expect((await cells('netsuite', 'contract'))[2]).toBe('42 h 41 min');
    expect((await cells('netsuite', 'customer'))[2]).toBe('6 days');

    // A stream whose last run failed says so in words, not only in red, with the broker's reason.
    expect(await cells('netsuite', 'credit_memo')).toEqual([
      'Credit memos credit_memo', 'Nov 25, 2026, 03:12 PM UTC', '19 h 49 min', 'Nov 26, 2026, 11:01 AM UTC', '0',
      'Failed NetSuite did not answer in time upstream_timeout',
    ]);
    expect(await cells('vitally', 'conversations')).toEqual([
      'Conversations (escalations) conversations', 'Nov 26, 2026, 08:15 AM UTC', '2 h 46 min', 'Nov 26, 2026, 11:01 AM UTC', '0',
      'Failed Vitally is rate limiting requests upstream_rate_limited',
    ]);
    expect(await cells('vitally', 'accounts')).toEqual(['Accounts (health) accounts', 'Nov 26, 2026, 10:57 AM UTC', '5 min', 'Nov 26, 2026, 11:01 AM UTC', '1', 'None']);
    expect(await streamRow('netsuite', 'credit_memo').locator('.cc-badge').innerText()).toBe('Failed');
    // Salesforce, listed by this answer: its Account poll (identity changes) and its last change.
    expect(await source('salesforce').getByRole('heading', { level: 3 }).innerText()).toBe('Salesforce');
    expect((await facts('salesforce'))['Last change']).toBe('Account 001000000000123AAA');
    expect(await cells('salesforce', 'account')).toEqual(['Accounts (name, website, address) account', 'Nov 26, 2026, 11:00 AM UTC', '49 s', 'Nov 26, 2026, 11:01 AM UTC', '1', 'None']);

    const waiting = await intake().locator('.cc-intake-waiting').innerText();
    expect(waiting).toContain('Accounts waiting for their effects: 3');
    expect(waiting).toContain('3 accounts have an applied change whose view rebuild and CRM writes are not done yet.');

    await intake().screenshot({ path: join(SHOTS, 'console-intake.png') });
    expect(await contrastFailures(page, '.cc-intake')).toEqual([]);
    expect(await overflowingElements(page, '.cc-intake')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
  });

  it('says what is true for a tenant with nothing recorded or polled yet, and for a source that was never polled', async () => {
    const { broker } = t;
    broker.use(http.get(`${ORIGIN}/v1/tenants/demo/ops/intake`, () => HttpResponse.json({ tenant: 'demo', sources: [], accountsWaiting: 0 })));
    await openConsole(() => intake().getByText('No change recorded from NetSuite yet.').waitFor());
    const text = await intake().innerText();
    expect(text).toContain('No change recorded from Vitally yet.');
    expect(text).toContain("NetSuite's changes are not polled yet: the change poll runs every minute once NetSuite is connected.");
    expect(text).toContain("Vitally's changes are not polled yet: the change poll runs every minute once Vitally is connected.");
    expect(text).toContain('Accounts waiting for their effects: 0');
    expect(text).toContain('Every applied change has rebuilt its account view and written its CRM properties.');
    expect(await intake().locator('table').count()).toBe(0);
    // A source only some tenants have (Salesforce's Account poll) is not shown when the answer omits it.
    expect(await source('salesforce').count()).toBe(0);

    // Refresh: NetSuite polled but nothing recorded from it yet, Vitally not in the answer at all.
    const saved = answers.intake as { sources: { source: string; streams: unknown[] }[] };
    const netsuite = saved.sources.find((s) => s.source === 'netsuite')!;
    broker.use(http.get(`${ORIGIN}/v1/tenants/demo/ops/intake`, () => HttpResponse.json({ tenant: 'demo', sources: [{ ...netsuite, lastEvent: null }], accountsWaiting: 1 })));
    await intake().getByRole('button', { name: 'Refresh' }).click();
    // Only the new answer has a streams table.
    await streamRow('netsuite', 'invoice').waitFor();
    const after = await intake().innerText();
    expect(after).toContain('No change recorded from NetSuite yet.');
    expect(after).not.toContain("NetSuite's changes are not polled yet");
    expect(after).toContain('No change recorded from Vitally yet.');
    expect(after).toContain("Vitally's changes are not polled yet");
    expect(after).toContain('1 account has an applied change whose view rebuild and CRM writes are not done yet.');
    expect(requests('/v1/tenants/demo/ops/intake').length).toBe(2);
    expect(t.consoleErrors).toEqual([]);
  });

  it('a failed load says so with Retry, and Retry reads the intake again', async () => {
    const { broker } = t;
    let reads = 0;
    broker.use(
      http.get(`${ORIGIN}/v1/tenants/demo/ops/intake`, () => {
        reads += 1;
        return reads === 1 ? problem(problems.internalError) : HttpResponse.json(answers.intake);
      }),
    );
    await openConsole(() => intake().getByRole('alert').waitFor());
    expect(await intake().getByRole('alert').innerText()).toMatch(/^The change intake could not be loaded\./);
    await intake().getByRole('alert').getByRole('button', { name: 'Retry' }).click();
    await streamRow('netsuite', 'invoice').waitFor();
    expect(await intake().getByRole('alert').count()).toBe(0);
    expect(reads).toBe(2);
    // The automations section loads on its own and is not affected.
    await automations().locator('[data-automation="billing-on-go-live"]').waitFor();
    expect(await automations().locator('[data-automation]').count()).toBe(5);
  });
});

describe('Change intake and Automations at 360 px', () => {
  it('fit a 360 px wide screen: the streams table scrolls inside its own region, nothing spills', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    await openConsole(async () => {
      await streamRow('vitally', 'conversations').waitFor();
      await automations().locator('[data-automation="finance-hold"]').waitFor();
    });
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-intake')).toEqual([]);
    expect(await overflowingElements(page, '.cc-automations')).toEqual([]);
    // The table region can be reached with the keyboard to scroll it.
    expect(await source('netsuite').getByRole('region', { name: 'NetSuite poll streams' }).getAttribute('tabindex')).toBe('0');
    expect(await contrastFailures(page, '.cc-intake')).toEqual([]);
    expect(await contrastFailures(page, '.cc-automations')).toEqual([]);
    await intake().screenshot({ path: join(SHOTS, 'console-intake-360.png') });
  });
});
