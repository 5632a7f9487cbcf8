/**
 * The admin console's closed-won sections in real Chromium against the broker's saved answers
 * (test/fixtures/concord/, served by msw): the closed-won orders with their exceptions, actions,
 * order numbers and timings and Retry; the write guard's refusals; a closed-won run's dead letter
 * with its step and Replay; and the closed-won settings form, whose refused fields are shown next
 * to each field.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastFailures, horizontalOverflow, overflowingElements } from './a11y.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();

const openConsole = async () => {
  await t.context.addCookies([{ name: 'concord_session', value: 'sess-1', url: t.broker.origin }]);
  await t.page.goto(`${t.broker.origin}/widgets/console.html?tenant=demo`);
  await t.page.getByRole('heading', { name: 'Concord admin' }).waitFor();
  await t.page.getByRole('region', { name: 'Closed-won orders' }).getByText('HubSpot deal 5000102').waitFor();
};

describe('console.js: closed-won orders', () => {
  it('lists runs with status, deal, step, exceptions and their actions, order number and timings', async () => {
    const { page } = t;
    await openConsole();
    const runs = page.getByRole('region', { name: 'Closed-won orders' });
    const items = runs.locator('.cc-run-item');
    expect(await items.count()).toBe(4);
    const blocked = runs.locator('[data-run="hubspot-24300001-deal-5000102"]');
    const text = await blocked.innerText();
    expect(text).toMatch(/HubSpot deal 5000102\s+Blocked/);
    expect(text).toContain('Step: Validating the order data');
    expect(text).toContain('Customers in DE need a tax id (VAT/GST number) in the ERP.');
    expect(text).toContain('Fix in the CRM: Enter the company tax id (VAT number).');
    expect(text).toContain('Fix in the ERP: Create the item PLAT-ULTIMATE in the ERP (or correct the SKU on the CRM product), then retry.');
    expect(text).toContain('Owner: Dana Reyes <dana.reyes@example.com>');
    expect(text).toContain('Started Nov 26, 2026, 10:00 AM UTC · blocked since Nov 26, 2026, 10:00 AM UTC');

    const failed = await runs.locator('[data-run="hubspot-24300001-deal-5000103"]').innerText();
    expect(failed).toMatch(/Failed/);
    expect(failed).toContain('Creating the sales order failed after its retries: ConcordError: timeout');

    const created = await runs.locator('[data-run="hubspot-24300001-deal-5000101"]').innerText();
    expect(created).toMatch(/HubSpot deal 5000101\s+Created/);
    expect(created).toContain('Sales order SO-10482');
    expect(created).toContain('created in 4 s');
    expect(await runs.locator('[data-run="hubspot-24300001-deal-5000101"]').getByRole('button', { name: /Retry/ }).count()).toBe(0);

    const running = await runs.locator('[data-run="salesforce-00D5g00000DEMO1EAP-opp-006000000000101AAA"]').innerText();
    expect(running).toMatch(/Salesforce Opportunity 006000000000101AAA\s+Creating/);
    expect(running).toContain('Step: Setting up the customer-success account');
    expect(await contrastFailures(page, '.cc-runs')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-closed-won.png'), fullPage: true });
    expect(t.consoleErrors).toEqual([]);
  });

  it('Retry on a blocked run posts to its retry route and reloads the list', async () => {
    const { page, broker } = t;
    await openConsole();
    await page.getByRole('button', { name: 'Retry HubSpot deal 5000102' }).click();
    await page.getByText('Retry sent for HubSpot deal 5000102: Concord is checking it again.').waitFor();
    expect(broker.requests.some((r) => r.method === 'POST' && r.path === '/v1/tenants/demo/flows/runs/hubspot-24300001-deal-5000102/retry')).toBe(true);
    // The list is reloaded after the retry's answer is shown.
    await expect.poll(() => broker.requests.filter((r) => r.method === 'GET' && r.path === '/v1/tenants/demo/flows/runs').length).toBe(2);
  });

  it('filters runs by status through the API', async () => {
    const { page, broker } = t;
    await openConsole();
    const runs = page.getByRole('region', { name: 'Closed-won orders' });
    await runs.getByLabel('Show').selectOption('failed');
    // The failed run is in the unfiltered list too, so wait for the filtered answer to be drawn
    // (the blocked run gone), not for the failed run to be present.
    await expect.poll(() => broker.requests.filter((r) => r.method === 'GET' && r.path === '/v1/tenants/demo/flows/runs').length).toBe(2);
    await runs.locator('[data-run="hubspot-24300001-deal-5000102"]').waitFor({ state: 'detached' });
    // The list is taken away while it loads: wait for the filtered one to be drawn.
    await runs.locator('[data-run="hubspot-24300001-deal-5000103"]').waitFor();
    expect(await runs.locator('.cc-run-item').count()).toBe(1);
    expect(await runs.locator('[data-run="hubspot-24300001-deal-5000103"]').count()).toBe(1);
  });
});

describe('console.js: write refusals and flow dead letters', () => {
  it('shows what the ownership guard refused: field, owner, attempted value, flow, when', async () => {
    const { page } = t;
    await openConsole();
    const refusals = page.getByRole('region', { name: 'Write refusals' });
    const row = refusals.locator('tbody tr').first();
    await row.waitFor();
    expect((await row.locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim())).toEqual([
      'Nov 26, 2026, 09:40 AM UTC',
      'health.score',
      'CRM',
      '64',
      'HubSpot account 1000123',
      'ops.company-updates from Vitally · c0ffee00-0000-4000-8000-000000000201',
    ]);
    expect(await contrastFailures(page, '.cc-refusals')).toEqual([]);
  });

  it("a closed-won run's failed item names its step and replays it", async () => {
    const { page, broker } = t;
    await openConsole();
    const failed = page.getByRole('region', { name: 'Failed items' });
    const item = failed.locator('.cc-dead-item', { hasText: 'closed-won hubspot deal 5000103' });
    expect(await item.innerText()).toContain('Step create-sales-order of run hubspot-24300001-deal-5000103: Replay runs this step again.');
    await item.getByRole('button', { name: 'Replay closed-won hubspot deal 5000103: create-sales-order failed' }).click();
    await item.getByText('Replay queued').waitFor();
    expect(broker.requests.some((r) => r.method === 'POST' && r.path === '/v1/tenants/demo/dead-letters/dl_9a8b7c6d5e4f30211203a4b5/replay')).toBe(true);
  });
});

describe('console.js: closed-won settings', () => {
  it('edits and saves the settings as the broker expects them', async () => {
    const { page, broker } = t;
    await openConsole();
    const form = page.getByRole('form', { name: 'Closed-won settings' });
    await form.getByLabel('Countries whose customers need a tax id').fill('de, fr gb; at');
    await form.getByRole('button', { name: 'Add a mapping' }).click();
    await form.getByLabel('CRM payment terms 2').fill('Net 45');
    await form.getByLabel('ERP term id 2').fill('3');
    await form.getByLabel('Default ERP term id').fill('2');
    await form.getByLabel('Default currency').fill('eur');
    await form.getByLabel('Milestone 2 due days').fill('60');
    await form.getByRole('button', { name: 'Remove milestone 1' }).click();
    await form.getByLabel('Hold each new order for billing until onboarding goes live').check();
    expect(await form.getByLabel('Go-live milestone').inputValue()).toBe('go-live');
    await form.getByRole('button', { name: 'Save closed-won settings' }).click();
    await form.getByText('Closed-won settings saved.').waitFor();
    const put = broker.requests.find((r) => r.method === 'PUT' && r.path === '/v1/tenants/demo/flows/settings/closed-won');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({
      taxIdCountries: ['DE', 'FR', 'GB', 'AT'],
      termsMap: { 'net 30': '2', 'Net 45': '3' },
      defaultTerms: '2',
      defaultCurrency: 'EUR',
      subsidiary: null,
      escalateAfterHours: 72,
      // The template is not edited here: it goes back as it came.
      onboarding: { name: 'Onboarding', template: 'Onboarding - Standard', milestones: [{ key: 'go-live', name: 'Go-live', dueAfterDays: 60 }] },
      billing: { releaseOnGoLive: true, goLiveMilestone: 'go-live' },
    });
  });

  it("shows each field the broker refused next to that field, and focuses the first", async () => {
    const { page } = t;
    await openConsole();
    const form = page.getByRole('form', { name: 'Closed-won settings' });
    await form.getByLabel('Countries whose customers need a tax id').fill('DE, Germany');
    await form.getByLabel('Milestone 2 due days').fill('soon');
    await form.getByRole('button', { name: 'Save closed-won settings' }).click();
    await form.getByText('Not saved: 2 fields need a fix.').waitFor();
    expect(await form.getByText('Entry 2: an ISO 3166-1 alpha-2 code').isVisible()).toBe(true);
    expect(await form.getByText('Due days: Invalid input: expected number, received string').isVisible()).toBe(true);
    const countries = form.getByLabel('Countries whose customers need a tax id');
    expect(await countries.getAttribute('aria-invalid')).toBe('true');
    expect(await countries.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await form.getByLabel('Milestone 2 due days').getAttribute('aria-invalid')).toBe('true');
    expect(await contrastFailures(page, '.cc-settings')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-closed-won-settings.png'), fullPage: true });
  });

  it('fits a 360 px wide screen', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    await openConsole();
    await page.getByRole('form', { name: 'Closed-won settings' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
  });
});
