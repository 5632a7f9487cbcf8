/**
 * The admin console's Review section in real Chromium against the fake broker: both records of
 * a case side by side with the score and the evidence, and each decision (link, keep apart,
 * link to another account, split a decided link) sent as the broker's API expects.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { contrastFailures, horizontalOverflow, overflowingElements, tabTo } from './a11y.js';
import { startFakeBroker, type FakeBroker } from './fake-broker.js';

const SHOTS = join(process.cwd(), 'test-results/screenshots');

let outDir: string;
let broker: FakeBroker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'concord-review-'));
  await buildWidgets({ outDir, log: false });
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

const review = () => page.getByRole('region', { name: 'Review' });
const card = (title: string): Locator => review().getByRole('article', { name: title });
const posted = (path: string) => broker.requests.filter((r) => r.method === 'POST' && r.path === path).map((r) => JSON.parse(r.body) as unknown);

async function openConsole(): Promise<void> {
  await context.addCookies([{ name: 'concord_session', value: 'sess-1', url: broker.origin }]);
  await page.goto(`${broker.origin}/widgets/console.html?tenant=demo`);
  await card('HubSpot company 1000527 and NetSuite customer 1113').waitFor();
}

describe('console Review section', () => {
  it('shows both records side by side with the score and the evidence', async () => {
    await openConsole();
    const first = card('HubSpot company 1000527 and NetSuite customer 1113');
    const table = first.getByRole('table');
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Field', 'HubSpot company 1000527', 'NetSuite customer 1113']);
    const row = async (field: string) => (await table.getByRole('row', { name: new RegExp(`^${field}`) }).getByRole('cell').allTextContents());
    expect(await row('Name')).toEqual(['Orbit Payments', 'Orbit Payments GmbH']);
    expect(await row('Tax id')).toEqual(['—', 'DE123456789']);
    expect(await row('E-mails')).toEqual(['—', 'billing@orbitpayments.de']);
    expect(await first.getByText('Score 0.50').isVisible()).toBe(true);
    expect(await first.getByRole('list', { name: 'Evidence' }).innerText()).toContain('+0.50 Same name "orbit payments"');
    const second = card('HubSpot company 1000320 and NetSuite customer 1099');
    expect(await second.getByText(/Conflict:\s*Different tax ids/).isVisible()).toBe(true);
    expect(broker.requests.find((r) => r.path === '/v1/tenants/demo/identity/reviews')?.cookie).toBe('concord_session=sess-1');
    expect(await contrastFailures(page, '.cc-review')).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await review().screenshot({ path: join(SHOTS, 'console-review.png') });
  });

  it('links a pair and keeps another apart, reachable by keyboard', async () => {
    await openConsole();
    expect(await tabTo(page, 'Link these records', 60)).toBe(true);
    await page.keyboard.press('Enter');
    await card('HubSpot company 1000527 and NetSuite customer 1113').getByText('Linked. Both records now belong to one account.').waitFor();
    await card('HubSpot company 1000320 and NetSuite customer 1099').getByRole('button', { name: 'Keep apart' }).click();
    await page.getByText('Kept apart. Concord will not suggest this pair again.').waitFor();
    expect(posted('/v1/tenants/demo/identity/reviews/rv_aaaaaaaaaaaaaaaaaaaaaaa1/decision')).toEqual([{ decision: 'approve' }]);
    expect(posted('/v1/tenants/demo/identity/reviews/rv_aaaaaaaaaaaaaaaaaaaaaaa2/decision')).toEqual([{ decision: 'reject' }]);
  });

  it('links the subject to another account, checking the id and showing the broker’s refusal', async () => {
    await openConsole();
    const second = card('HubSpot company 1000320 and NetSuite customer 1099');
    await second.getByRole('button', { name: 'Link to another account…' }).click();
    const form = second.getByRole('form', { name: 'Link HubSpot company 1000320 to another account' });
    await form.getByLabel('Account id').fill('not-an-id');
    await form.getByRole('button', { name: 'Link' }).click();
    expect(await second.getByRole('alert').textContent()).toMatch(/Enter an account id/);
    expect(posted('/v1/tenants/demo/identity/reviews/rv_aaaaaaaaaaaaaaaaaaaaaaa2/decision')).toEqual([]);
    await form.getByLabel('Account id').fill('acc_ffffffffffffffffffffffffffffffff');
    await form.getByRole('button', { name: 'Link' }).click();
    await second.getByRole('alert').getByText('No account with that id.').waitFor();
    await form.getByLabel('Account id').fill('acc_33333333333333333333333333333333');
    await form.getByRole('button', { name: 'Link' }).click();
    await second.getByText('Linked HubSpot company 1000320 to acc_33333333333333333333333333333333.').waitFor();
    expect(posted('/v1/tenants/demo/identity/reviews/rv_aaaaaaaaaaaaaaaaaaaaaaa2/decision').at(-1)).toEqual({ decision: 'link', accountId: 'acc_33333333333333333333333333333333' });
  });

  it('splits a decided link off again', async () => {
    await openConsole();
    await review().getByRole('button', { name: 'Decided' }).click();
    const decided = card('HubSpot company 1000527 and NetSuite customer 1113');
    await decided.getByText('Linked', { exact: true }).waitFor();
    await decided.getByRole('button', { name: 'Split NetSuite customer 1113 off again' }).click();
    await decided.getByText('NetSuite customer 1113 taken out of acc_11111111111111111111111111111111; kept apart from now on.').waitFor();
    expect(posted('/v1/tenants/demo/identity/split')).toEqual([{ accountId: 'acc_11111111111111111111111111111111', system: 'netsuite', externalId: '1113' }]);
  });

  it('fits a 360 px wide screen', async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    await openConsole();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-review')).toEqual([]);
  });

  it('says the review queue is not available on a broker without it', async () => {
    broker.mode = 'missing';
    await page.goto(`${broker.origin}/widgets/console.html?tenant=demo`);
    await page.getByText('The review queue is not available yet: this Concord server does not offer it.').waitFor();
  });
});
