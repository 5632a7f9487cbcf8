/**
 * The Preact widgets in real Chromium (Debian chromium driven by playwright-core): the CSM panel
 * through the one-script-tag embed and the iframe page, and the admin console, against a fake
 * broker serving fixture JSON. Screenshots go to test-results/screenshots/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { AccountViewSchema } from '../../worker/model/account-view.js';
import { contrastFailures, horizontalOverflow, overflowingElements, tabTo } from './a11y.js';
import { startFakeBroker, TOKEN, type FakeBroker } from './fake-broker.js';
import { accountView, partialView } from './fixtures.js';

const SHOTS = join(process.cwd(), 'test-results/screenshots');

let outDir: string;
let broker: FakeBroker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'concord-widgets-'));
  const files = await buildWidgets({ outDir, log: false });
  expect(files.map((f) => f.file.split('/').pop())).toEqual(expect.arrayContaining(['panel.js', 'console.js', 'panel.html', 'console.html', 'concord.css']));
  broker = await startFakeBroker(outDir);
  await mkdir(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await broker?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

beforeEach(async () => {
  broker.mode = 'ok';
  broker.requests.length = 0;
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location().url}`); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

afterEach(async () => {
  await context?.close();
});

describe('panel.js', () => {
  it('uses fixtures that are valid canonical AccountViews', () => {
    // Guards the other tests: the panel is tested against what the broker really emits.
    expect(AccountViewSchema.safeParse(accountView).error?.issues).toBeUndefined();
    expect(AccountViewSchema.safeParse(partialView).error?.issues).toBeUndefined();
  });

  it('a script tag on a host page renders the fixture account with formatted figures', async () => {
    await page.goto(`${broker.origin}/host.html?account=acc_ok`);
    const panel = page.getByRole('article', { name: 'Account review: Acme Analytics' });
    await panel.waitFor();

    // The panel is a sibling of the script tag, not a replacement of the host page.
    expect(await page.getByText('Host page content').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('script[data-concord-account]')?.nextElementSibling?.className)).toBe('concord-panel-host');

    expect(await page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
    expect(await page.getByTestId('ar-overdue').textContent()).toBe('$4,200.00');
    expect(await page.getByTestId('ar-disputed').textContent()).toBe('$1,000.00');
    expect(await page.getByTestId('renewal-countdown').textContent()).toBe('50 days to renewal');
    expect(await panel.getByText('Renews Jan 15, 2027').isVisible()).toBe(true);
    expect(await panel.getByText('$48,000.00').isVisible()).toBe(true);

    const invoices = page.getByRole('region', { name: 'Open invoices' }).getByRole('table');
    const rows = await invoices.getByRole('row').allInnerTexts();
    expect(rows[1]).toMatch(/INV-000901\s+Due Oct 1, 2026\s+\$4,200.00\s+of \$5,000.00\s+Overdue\s+56 days late/);
    expect(rows[2]).toMatch(/INV-000915.*Disputed/s);
    expect(rows[3]).toMatch(/INV-000930.*\$7,300.00.*Partially paid/s);

    const chart = page.getByRole('img', { name: /Health score trend/ });
    expect(await chart.getAttribute('aria-label')).toBe('Health score trend: from 78 on Sep 7, 2026 to 64 on Nov 23, 2026');
    expect(await page.getByRole('table', { name: 'Health score history' }).getByRole('row').count()).toBe(6);
    expect(await page.getByTestId('health-score').textContent()).toBe('64');

    const risk = page.getByRole('region', { name: 'Risk' });
    expect(await risk.getByRole('listitem').allInnerTexts()).toEqual([
      'Invoices are past due', 'Health score is falling', 'Renewal is less than 90 days away',
    ]);
    const escalations = await page.getByRole('region', { name: 'Open escalations' }).getByRole('listitem').allInnerTexts();
    expect(escalations[0]).toMatch(/Invoice dispute INV-000915\s+High priority/);
    const changes = page.getByRole('region', { name: 'Recent changes' });
    expect(await changes.getByRole('listitem').first().innerText()).toMatch(/INV-000930 partially paid.*\n.*sync:netsuite · Nov 25, 2026/);
    expect(await page.getByTestId('freshness-netsuite').textContent()).toBe('NetSuite · 2 min ago');
    expect(await page.getByTestId('freshness-vitally').textContent()).toBe('Vitally · 1 h ago (cached)');
    expect(await page.getByRole('region', { name: 'Health' }).getByText('Source of record: Vitally').isVisible()).toBe(true);
    expect(await page.getByRole('region', { name: 'Onboarding' }).getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringMatching(/Kickoff\s+Done\s+Completed Jan 30, 2026/),
      expect.stringMatching(/SSO configured\s+Late\s+Due Mar 1, 2026/),
      expect.stringMatching(/Go-live\s+Not started/),
    ]);

    const view = broker.requests.find((r) => r.path === '/v1/embed/accounts/acc_ok/view');
    expect(view?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'panel-desktop.png'), fullPage: true });
  });

  it('is keyboard navigable, labelled and meets AA text contrast', async () => {
    await page.goto(`${broker.origin}/host.html?account=acc_ok`);
    await page.getByRole('article').waitFor();
    const regions = await page.locator('section.cc-card').evaluateAll((els) =>
      els.map((el) => document.getElementById(el.getAttribute('aria-labelledby') ?? '')?.textContent));
    expect(regions).toEqual(['Renewal', 'Receivables', 'Health', 'Risk', 'Open invoices', 'Onboarding', 'Open escalations', 'Recent changes']);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Acme Analytics');

    expect(await tabTo(page, 'Refresh')).toBe(true);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    // Refresh re-fetches but keeps the figures and the keyboard focus where they were.
    const viewCalls = () => broker.requests.filter((r) => r.path.endsWith('/acc_ok/view')).length;
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
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${broker.origin}/host.html?account=acc_ok`);
    await page.getByRole('article').waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
    // The invoices table fits too, so nobody has to scroll sideways to see a status.
    expect(await page.locator('.cc-invoices .cc-table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'panel-360.png'), fullPage: true });
  });

  it('shows an error with a Retry button reachable by Tab, and Retry recovers', async () => {
    broker.mode = 'error';
    await page.goto(`${broker.origin}/host.html?account=acc_ok`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Account data could not be loaded\s+The Concord service is temporarily unavailable \(HTTP 503\)/);
    await page.screenshot({ path: join(SHOTS, 'panel-error.png') });

    expect(await tabTo(page, 'Retry')).toBe(true);
    broker.mode = 'ok';
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Account review: Acme Analytics' }).waitFor();
    expect(await page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
    // 503s are expected in this test; anything else logged is not.
    expect(consoleErrors.filter((e) => !e.includes('503'))).toEqual([]);
  });

  it('explains an account that is not linked', async () => {
    await page.goto(`${broker.origin}/host.html?account=acc_unlinked`);
    await page.getByRole('heading', { name: 'This account is not linked yet' }).waitFor();
    expect(await page.getByRole('button', { name: 'Check again' }).isVisible()).toBe(true);
    expect(await page.getByRole('article').count()).toBe(0);
  });

  it('says which source is missing when a section is null', async () => {
    await page.goto(`${broker.origin}/host.html?account=acc_partial`);
    await page.getByRole('article').waitFor();
    expect(await page.getByRole('region', { name: 'Health' }).innerText()).toMatch(/Vitally did not answer in time, so this section is empty for now\./);
    expect(await page.getByTestId('freshness-vitally').textContent()).toBe('Vitally · did not answer in time');
    expect(await page.getByTestId('ar-open').textContent()).toBe('$12,500.00');
  });

  it('the iframe page reads account and token from its URL and removes the token from it', async () => {
    await page.goto(`${broker.origin}/widgets/panel.html?account=acc_ok&token=${TOKEN}`);
    await page.getByRole('article', { name: 'Account review: Acme Analytics' }).waitFor();
    expect(page.url()).toBe(`${broker.origin}/widgets/panel.html?account=acc_ok`);
    expect(await page.getByTestId('ar-overdue').textContent()).toBe('$4,200.00');
    // The bundle also exposes the programmatic API for hosts that mount it themselves.
    expect(await page.evaluate(() => typeof (window as unknown as { ConcordPanel?: { mount?: unknown } }).ConcordPanel?.mount)).toBe('function');
    expect(consoleErrors).toEqual([]);
  });

  it('the iframe page without a token tells the embedder what is missing', async () => {
    await page.goto(`${broker.origin}/widgets/panel.html?account=acc_ok`);
    expect(await page.getByRole('alert').textContent()).toBe('Concord: the page URL needs ?account=...&token=...');
  });
});

describe('console.js', () => {
  const openConsole = async () => {
    await context.addCookies([{ name: 'concord_session', value: 'sess-1', url: broker.origin }]);
    await page.goto(`${broker.origin}/widgets/console.html?tenant=demo`);
    await page.getByRole('heading', { name: 'Concord admin' }).waitFor();
    await page.getByRole('combobox', { name: 'account.billTo' }).waitFor();
  };

  it('lists connections, edits the ownership matrix and replays a failed item', async () => {
    await openConsole();
    const rows = page.locator('.cc-conn');
    await page.getByText('Portal 1000123').waitFor();
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(/HubSpot\s+Connected\s+Portal 1000123[\s\S]*Disconnect/),
      expect.stringMatching(/Salesforce\s+Not connected[\s\S]*Connect/),
      expect.stringMatching(/NetSuite\s+Not connected[\s\S]*Connect/),
      expect.stringMatching(/Vitally\s+Needs re-authorising[\s\S]*API key was revoked[\s\S]*Reconnect/),
    ]);
    expect(broker.requests.find((r) => r.path === '/v1/tenants/demo/connections')?.cookie).toBe('concord_session=sess-1');

    const save = page.getByRole('button', { name: 'Save ownership' });
    expect(await save.isDisabled()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'account.healthScore' }).locator('option').allTextContents()).toEqual(['Vitally', 'HubSpot']);
    await page.getByRole('combobox', { name: 'account.billTo' }).selectOption('hubspot');
    await save.click();
    await page.getByText('Ownership saved.').waitFor();
    const put = broker.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/v1/tenants/demo/ownership');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({
      rules: [
        { entity: 'account', field: 'billTo', owner: 'hubspot' },
        { entity: 'account', field: 'owner', owner: 'hubspot' },
        { entity: 'account', field: 'healthScore', owner: 'vitally' },
      ],
    });

    await page.getByRole('button', { name: 'Replay Update bill-to address of Acme Analytics' }).click();
    await page.getByText('Replay queued').waitFor();
    expect(broker.requests.some((r) => r.method === 'POST' && r.path === '/v1/tenants/demo/dead-letters/dl_1/replay')).toBe(true);
    expect(await contrastFailures(page, '.cc-panel')).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console.png'), fullPage: true });
  });

  it('validates and posts NetSuite credentials', async () => {
    await openConsole();
    await page.getByRole('button', { name: 'Connect NetSuite' }).click();
    const form = page.getByRole('form', { name: 'Connect NetSuite' });
    await form.getByLabel('Account ID').fill('1234567_SB1');
    await form.getByLabel('Client ID').fill('client-abc');
    await form.getByLabel('Certificate ID').fill('cert-1');
    await form.getByLabel('Private key (PEM)').fill('not a key');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    expect(await form.getByText(/Paste the whole PEM/).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('privateKeyPem');
    expect(broker.requests.some((r) => r.path.endsWith('/connections/netsuite'))).toBe(false);

    const pem = '-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    await form.getByLabel('Private key (PEM)').fill(pem);
    await page.screenshot({ path: join(SHOTS, 'console-netsuite-form.png'), fullPage: true });
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await page.getByText('NetSuite connected.').waitFor();
    const post = broker.requests.find((r) => r.method === 'POST' && r.path === '/v1/tenants/demo/connections/netsuite');
    expect(JSON.parse(post?.body ?? '{}')).toEqual({ accountId: '1234567_SB1', clientId: 'client-abc', certificateId: 'cert-1', privateKeyPem: pem });
  });

  it('posts NetSuite token-based (TBA) credentials when TBA is chosen', async () => {
    await openConsole();
    await page.getByRole('button', { name: 'Connect NetSuite' }).click();
    const form = page.getByRole('form', { name: 'Connect NetSuite' });
    await form.getByLabel('Token-based (TBA)').check();
    expect(await form.getByLabel('Private key (PEM)').count()).toBe(0);
    await form.getByLabel('Account ID').fill('1234567_SB1');
    await form.getByLabel('Consumer key').fill('ck-0123456789');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    expect(await form.getByText('Token secret is required.').isVisible()).toBe(true);
    expect(broker.requests.some((r) => r.path.endsWith('/connections/netsuite'))).toBe(false);
    await form.getByLabel('Consumer secret').fill('cs-0123456789');
    await form.getByLabel('Token ID').fill('tk-0123456789');
    await form.getByLabel('Token secret').fill('ts-0123456789');
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await page.getByText('NetSuite connected.').waitFor();
    const post = broker.requests.find((r) => r.method === 'POST' && r.path === '/v1/tenants/demo/connections/netsuite');
    expect(JSON.parse(post?.body ?? '{}')).toEqual({ accountId: '1234567_SB1', consumerKey: 'ck-0123456789', consumerSecret: 'cs-0123456789', tokenId: 'tk-0123456789', tokenSecret: 'ts-0123456789' });
  });

  it('Connect for an OAuth system goes to the broker start URL; Disconnect asks to confirm', async () => {
    await openConsole();
    await page.getByRole('button', { name: 'Disconnect HubSpot' }).click();
    await page.getByRole('button', { name: 'Confirm disconnect' }).click();
    await page.getByText('HubSpot disconnected.').waitFor();
    expect(broker.requests.some((r) => r.method === 'DELETE' && r.path === '/v1/tenants/demo/connections/hubspot')).toBe(true);

    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${broker.origin}/v1/tenants/demo/connect/salesforce/start`);
    expect(await page.title()).toBe('OAuth start salesforce');
  });

  it('fits a 360 px wide screen with the NetSuite form open', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await openConsole();
    await page.getByRole('button', { name: 'Connect NetSuite' }).click();
    await page.getByRole('form', { name: 'Connect NetSuite' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-360.png'), fullPage: true });
  });

  it('shows "not available yet" when the broker has no admin routes', async () => {
    broker.mode = 'missing';
    await page.goto(`${broker.origin}/widgets/console.html?tenant=demo`);
    await page.getByText('The ownership matrix is not available yet: this Concord server does not offer it.').waitFor();
    expect(await page.getByText('Connection status is not available yet: this Concord server does not offer it.').isVisible()).toBe(true);
    expect(await page.getByText('The failed-items list is not available yet: this Concord server does not offer it.').isVisible()).toBe(true);
    // The systems can still be connected even though their status is unknown.
    expect(await page.getByRole('button', { name: 'Connect HubSpot' }).isVisible()).toBe(true);
    expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
