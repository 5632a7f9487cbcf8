/**
 * The CSM panel in real Chromium (Debian chromium driven by playwright-core), through the
 * one-script-tag embed and the iframe page, against the broker's saved answers served by msw
 * (test/fixtures/concord/, test/browser/broker-handlers.ts): every section state of the view
 * (ok, stale, none, unavailable, not_linked), the finance hold, errors and the not-linked account.
 * Screenshots go to test-results/screenshots/.
 */
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { accountIdOf, views } from '../fixtures/concord/index.js';
import { contrastFailures, horizontalOverflow, overflowingElements, tabTo } from './a11y.js';
import { failingView, ORIGIN, TOKEN } from './broker-handlers.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();
const ACME = accountIdOf(views.ok);
const UNKNOWN = 'acc_00000000000000000000000000000000';

/** Open the host page embedding the panel of `accountId` and wait for the panel. */
async function openPanel(accountId: string, name: string) {
  await t.page.goto(`${t.broker.origin}/host.html?account=${accountId}`);
  const panel = t.page.getByRole('article', { name: `Account review: ${name}` });
  await panel.waitFor();
  return panel;
}

const region = (name: string) => t.page.getByRole('region', { name, exact: true });

describe('panel.js: sections with data (ok)', () => {
  it('a script tag on a host page renders the account with formatted figures', async () => {
    const { page } = t;
    const panel = await openPanel(ACME, 'Acme Analytics');

    // The panel is a sibling of the script tag, not a replacement of the host page.
    expect(await page.getByText('Host page content').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('script[data-concord-account]')?.nextElementSibling?.className)).toBe('concord-panel-host');

    expect(await page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
    expect(await page.getByTestId('ar-overdue').textContent()).toBe('$4,200.00');
    expect(await page.getByTestId('ar-disputed').textContent()).toBe('$1,000.00');
    expect(await page.getByTestId('renewal-countdown').textContent()).toBe('50 days to renewal');
    expect(await panel.getByText('Renews Jan 15, 2027').isVisible()).toBe(true);
    expect(await panel.getByText('$48,000.00').isVisible()).toBe(true);

    const invoices = region('Open invoices').getByRole('table');
    const rows = await invoices.getByRole('row').allInnerTexts();
    expect(rows[1]).toMatch(/INV-000901\s+Due Oct 1, 2026\s+\$4,200.00\s+of \$5,000.00\s+Overdue\s+56 days late/);
    expect(rows[2]).toMatch(/INV-000915.*Disputed/s);
    expect(rows[3]).toMatch(/INV-000930.*\$7,300.00.*Partially paid/s);

    const chart = page.getByRole('img', { name: /Health score trend/ });
    expect(await chart.getAttribute('aria-label')).toBe('Health score trend: from 78 on Sep 7, 2026 to 64 on Nov 23, 2026');
    expect(await page.getByRole('table', { name: 'Health score history' }).getByRole('row').count()).toBe(6);
    expect(await page.getByTestId('health-score').textContent()).toBe('64');

    expect(await region('Risk').getByRole('listitem').allInnerTexts()).toEqual([
      'Invoices are past due', 'An invoice is in dispute', 'Health score is falling', 'There are open escalations', 'Renewal is less than 90 days away',
    ]);
    const escalations = await region('Open escalations').getByRole('listitem').allInnerTexts();
    expect(escalations[0]).toMatch(/Invoice dispute INV-000915\s+High priority/);
    const changes = region('Recent changes');
    const lines = await changes.getByRole('listitem').allInnerTexts();
    // Each line says where the change came from; what an automation did is marked as such.
    expect(lines[0]).toMatch(/HubSpot company name changed to "Acme Analytics"\n\s*HubSpot\s+hubspot_portal:24300001 · Nov 25, 2026/);
    expect(lines[1]).toMatch(/Support review task raised in the CRM: health fell from 78 to 64\n\s*Concord automation\s+concord · Nov 25, 2026/);
    expect(lines[2]).toMatch(/Invoice INV-000901: 4,200.00 USD still due after a payment in NetSuite\n\s*NetSuite\s/);
    expect(await changes.getByText('Concord automation', { exact: true }).getAttribute('class')).toContain('cc-tone-info');
    expect(await page.getByTestId('freshness-netsuite').textContent()).toBe('NetSuite · just now');
    expect(await page.getByTestId('freshness-vitally').textContent()).toBe('Vitally · just now');
    expect(await region('Health').getByText('Source of record: Vitally').isVisible()).toBe(true);
    expect(await region('Onboarding').getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/Kickoff\s+Done\s+Completed Jan 30, 2026/),
      expect.stringMatching(/SSO configured\s+Late\s+Due Mar 1, 2026/),
      expect.stringMatching(/Go-live\s+Not started/),
    ]);
    // Nothing on an all-ok view claims a source is missing or cached.
    expect(await panel.locator('.cc-unavailable, .cc-stale, .cc-none').count()).toBe(0);

    const view = t.broker.requests.find((r) => r.path === `/v1/embed/accounts/${ACME}/view`);
    expect(view?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(t.consoleErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'panel-desktop.png'), fullPage: true });
  });

  it('is keyboard navigable, labelled and meets AA text contrast', async () => {
    const { page } = t;
    await openPanel(ACME, 'Acme Analytics');
    const regions = await page.locator('section.cc-card').evaluateAll((els) =>
      els.map((el) => document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent));
    expect(regions).toEqual(['Renewal', 'Receivables', 'Health', 'Risk', 'Open invoices', 'Onboarding', 'Open escalations', 'Recent changes']);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Acme Analytics');

    expect(await tabTo(page, 'Refresh')).toBe(true);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    // Refresh re-fetches but keeps the figures and the keyboard focus where they were.
    const viewCalls = () => t.broker.requests.filter((r) => r.path.endsWith(`/${ACME}/view`)).length;
    expect(viewCalls()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(viewCalls).toBe(2);
    await page.getByRole('button', { name: 'Refresh', exact: true }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Refresh');
    expect(await page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
    // The scrollable invoices table is reachable by keyboard (it may scroll on narrow screens).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Open invoices table');

    expect(await contrastFailures(page, '.cc-panel')).toEqual([]);
  });

  it('fits a 360 px wide screen without horizontal scrolling', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    await openPanel(ACME, 'Acme Analytics');
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
    // The invoices table fits too, so nobody has to scroll sideways to see a status.
    expect(await page.locator('.cc-invoices .cc-table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'panel-360.png'), fullPage: true });
  });
});

describe('panel.js: section states', () => {
  it('none: says what the source has none of, with a link to start an onboarding project in Vitally', async () => {
    const panel = await openPanel(accountIdOf(views.none), 'Ember Foods');
    expect(await region('Onboarding').innerText()).toMatch(/No onboarding project in Vitally\. Start one in Vitally/);
    const link = region('Onboarding').getByRole('link', { name: 'Start one in Vitally' });
    expect(await link.getAttribute('href')).toBe('https://emberfoods.vitally.io/');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await region('Renewal').innerText()).toMatch(/No current contract in NetSuite\./);
    expect(await region('Open escalations').innerText()).toMatch(/No open escalations\./);
    // A section that has nothing is not a failure: no "unavailable" wording anywhere.
    expect(await panel.locator('.cc-unavailable').count()).toBe(0);
    expect(await panel.innerText()).not.toMatch(/unavailable|did not answer/i);
    expect(await t.page.getByTestId('ar-open').textContent()).toBe('£0.00');
    expect(await region('Risk').innerText()).toMatch(/Low risk\s+No risk signals\./);
    expect(await contrastFailures(t.page, '.cc-panel')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
    await t.page.screenshot({ path: join(SHOTS, 'panel-none.png'), fullPage: true });
  });

  it('stale: shows the last good figures, how old they are and why nothing fresher came', async () => {
    await openPanel(accountIdOf(views.stale), 'Acme Analytics');
    expect(await region('Health').getByTestId('stale-health').textContent()).toBe('Cached 1 h ago: Vitally did not answer in time.');
    expect(await t.page.getByTestId('health-score').textContent()).toBe('64');
    expect(await region('Onboarding').getByRole('listitem').count()).toBe(3);
    expect(await t.page.getByTestId('freshness-vitally').textContent()).toBe('Vitally · 1 h ago (cached)');
    // NetSuite's sections are fresh: no note there.
    expect(await region('Receivables').locator('.cc-stale').count()).toBe(0);
    expect(await contrastFailures(t.page, '.cc-panel')).toEqual([]);
  });

  it('unavailable: says which source failed and why, and keeps the other sections', async () => {
    await openPanel(accountIdOf(views.unavailable), 'Acme Analytics');
    expect(await region('Health').innerText()).toMatch(/Vitally did not answer in time, so this section is empty for now\./);
    expect(await region('Onboarding').innerText()).toMatch(/Vitally did not answer in time, so this section is empty for now\./);
    expect(await t.page.getByTestId('freshness-vitally').textContent()).toBe('Vitally · did not answer in time');
    expect(await t.page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
    // Risk is still assessed from the ERP's sections.
    expect(await region('Risk').getByRole('listitem').allInnerTexts()).toEqual(['Invoices are past due', 'An invoice is in dispute', 'Renewal is less than 90 days away']);
  });

  it('not_linked: says the account has no record in that kind of system yet', async () => {
    await openPanel(accountIdOf(views.notLinked), 'Birchwood Labs');
    for (const name of ['Health', 'Onboarding', 'Open escalations']) {
      expect(await region(name).innerText()).toMatch(/This account is not linked to a customer-success account yet\./);
    }
    expect(await t.page.getByTestId('renewal-countdown').textContent()).toBe('95 days to renewal');
    expect(await t.page.locator('[data-testid^="freshness-"]').allTextContents()).toEqual(['NetSuite · just now']);
  });
});

describe('panel.js: finance hold', () => {
  const HELD = accountIdOf(views.financeHold);

  it('on hold: a status box in words above the sections, with the aged amount and what waits for it', async () => {
    const { page } = t;
    const panel = await openPanel(HELD, 'Cobalt Freight');
    const hold = panel.getByRole('status').filter({ hasText: 'Expansion quoting on hold' });
    expect(await hold.innerText()).toMatch(/^Expansion quoting on hold\s+Finance hold: \$12,480\.00 overdue more than 60 days\. Expansion quotes wait until it is paid\.$/);
    // Above every section: it stops an action, the sections inform.
    expect(await page.locator('.cc-panel > *').evaluateAll((els) => els.map((el) => el.className))).toEqual(['cc-header', 'cc-hold', 'cc-grid']);
    expect(await panel.getByTestId('finance-hold-clear').count()).toBe(0);
    // The older disputed invoice is overdue too, but the hold leaves it out.
    expect(await page.getByTestId('ar-overdue').textContent()).toBe('$15,480.00');
    expect(await contrastFailures(page, '.cc-panel')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'panel-finance-hold.png'), fullPage: true });
  });

  it('on hold: fits a 360 px wide screen', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    await openPanel(HELD, 'Cobalt Freight');
    expect(await page.getByTestId('finance-hold').isVisible()).toBe(true);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'panel-finance-hold-360.png'), fullPage: true });
  });

  it('not on hold: nothing alarming, a quiet line in the receivables; no receivables: nothing at all', async () => {
    const panel = await openPanel(ACME, 'Acme Analytics');
    expect(await panel.getByTestId('finance-hold').count()).toBe(0);
    expect(await region('Receivables').getByTestId('finance-hold-clear').textContent()).toBe('No finance hold: nothing overdue more than 60 days.');

    const view = { ...views.ok, receivables: { state: 'unavailable', error: 'upstream_timeout' }, financeHold: null };
    t.broker.use(http.get(`${ORIGIN}/v1/embed/accounts/:id/view`, () => HttpResponse.json(view)));
    const unknown = await openPanel(ACME, 'Acme Analytics');
    await region('Receivables').getByText(/NetSuite did not answer in time/).waitFor();
    expect(await unknown.getByTestId('finance-hold').count()).toBe(0);
    expect(await unknown.getByTestId('finance-hold-clear').count()).toBe(0);
    expect(await unknown.innerText()).not.toMatch(/finance hold/i);
  });
});

describe('panel.js: renewal hold', () => {
  const STALLED = accountIdOf(views.renewalHold);

  it('on hold: a status box in words above the sections, naming the stalled milestone and since when', async () => {
    const { page } = t;
    const panel = await openPanel(STALLED, 'Dune Logistics');
    const hold = panel.getByRole('status').filter({ hasText: 'Renewal on hold' });
    expect(await hold.innerText()).toMatch(
      /^Renewal on hold\s+Renewal on hold: onboarding stalled at Data migration \(blocked\) since Nov 20, 2026\. Renewal automation waits until onboarding moves again\.$/,
    );
    expect(await page.locator('.cc-panel > *').evaluateAll((els) => els.map((el) => el.className))).toEqual(['cc-header', 'cc-hold cc-hold-renewal', 'cc-grid']);
    // No finance hold on this account: its quiet line stays in the receivables.
    expect(await panel.getByTestId('finance-hold').count()).toBe(0);
    expect(await region('Receivables').getByTestId('finance-hold-clear').count()).toBe(1);
    expect(await contrastFailures(page, '.cc-panel')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'panel-renewal-hold.png'), fullPage: true });
  });

  it('with the finance hold: both boxes, the finance hold first; fits a 360 px wide screen', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    const view = { ...views.financeHold, renewalHold: views.renewalHold['renewalHold'] };
    t.broker.use(http.get(`${ORIGIN}/v1/embed/accounts/:id/view`, () => HttpResponse.json(view)));
    await openPanel(accountIdOf(views.financeHold), 'Cobalt Freight');
    expect(await page.locator('.cc-panel > *').evaluateAll((els) => els.map((el) => el.className))).toEqual(['cc-header', 'cc-hold', 'cc-hold cc-hold-renewal', 'cc-grid']);
    expect(await page.getByTestId('renewal-hold').isVisible()).toBe(true);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
  });

  it('not on hold, no renewal policy, or a view from before the field: nothing about it', async () => {
    for (const renewalHold of [{ onHold: false, milestone: null, reason: null, dueDate: null, since: null }, null, undefined]) {
      const view: Record<string, unknown> = { ...views.renewalHold, renewalHold };
      if (renewalHold === undefined) delete view['renewalHold'];
      t.broker.use(http.get(`${ORIGIN}/v1/embed/accounts/:id/view`, () => HttpResponse.json(view)));
      const panel = await openPanel(STALLED, 'Dune Logistics');
      expect(await panel.getByTestId('renewal-hold').count()).toBe(0);
      expect(await panel.innerText()).not.toMatch(/renewal on hold/i);
    }
  });
});

describe('panel.js: errors and embeds', () => {
  it('shows an error with a Retry button reachable by Tab, and Retry recovers', async () => {
    const { page } = t;
    t.broker.use(...failingView);
    await page.goto(`${t.broker.origin}/host.html?account=${ACME}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Account data could not be loaded\s+The Concord service is temporarily unavailable \(HTTP 500\)/);
    await page.screenshot({ path: join(SHOTS, 'panel-error.png') });

    expect(await tabTo(page, 'Retry')).toBe(true);
    t.broker.reset();
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Account review: Acme Analytics' }).waitFor();
    expect(await page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
    // 500s are expected in this test; anything else logged is not.
    expect(t.consoleErrors.filter((e) => !e.includes('500'))).toEqual([]);
  });

  it('explains an account that is not linked', async () => {
    const { page } = t;
    await page.goto(`${t.broker.origin}/host.html?account=${UNKNOWN}`);
    await page.getByRole('heading', { name: 'This account is not linked yet' }).waitFor();
    expect(await page.getByRole('button', { name: 'Check again' }).isVisible()).toBe(true);
    expect(await page.getByRole('article').count()).toBe(0);
  });

  it('the iframe page reads account and token from its URL and removes the token from it', async () => {
    const { page } = t;
    await page.goto(`${t.broker.origin}/widgets/panel.html?account=${ACME}&token=${TOKEN}`);
    await page.getByRole('article', { name: 'Account review: Acme Analytics' }).waitFor();
    expect(page.url()).toBe(`${t.broker.origin}/widgets/panel.html?account=${ACME}`);
    expect(await page.getByTestId('ar-overdue').textContent()).toBe('$4,200.00');
    // The bundle also exposes the programmatic API for hosts that mount it themselves.
    expect(await page.evaluate(() => typeof (window as unknown as { ConcordPanel?: { mount?: unknown } }).ConcordPanel?.mount)).toBe('function');
    expect(t.consoleErrors).toEqual([]);
  });

  it('the iframe page without a token tells the embedder what is missing', async () => {
    await t.page.goto(`${t.broker.origin}/widgets/panel.html?account=${ACME}`);
    expect(await t.page.getByRole('alert').textContent()).toBe('Concord: the page URL needs ?account=...&token=...');
  });
});
