/**
 * What a new user sees after `npm start`: /demo, the CSM panel and the admin console in real
 * Chromium against the running estate (sandbox + wrangler dev). Figures on screen are checked
 * against the account view API, and each section state (ok, none, unavailable, stale) is shown
 * for accounts picked by what the sandbox's Vitally holds for them; screenshots are saved to
 * test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findByVitallyFacts, type LinkedAccount } from '../support/vitally-facts.js';

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

/** A page that records console errors and failed requests. */
async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 }, locale: 'en-US' });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}

async function view(accountId: string, refresh = false): Promise<Record<string, any>> {
  const res = await fetch(`${broker}/v1/tenants/demo/accounts/${accountId}/view${refresh ? '?refresh=1' : ''}`, { headers: { authorization: `Bearer ${demoKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

async function demoAccounts(): Promise<LinkedAccount[]> {
  const res = await fetch(`${broker}/v1/tenants/demo/accounts?limit=200`, { headers: { authorization: `Bearer ${demoKey}` } });
  return ((await res.json()) as { items: LinkedAccount[] }).items;
}

/** The panel page of an account, as /demo links it: a short-lived embed token in the URL. */
async function panelUrl(accountId: string): Promise<string> {
  const res = await fetch(`${broker}/v1/tenants/demo/embed-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accountId, ttlSeconds: 600 }),
  });
  expect(res.status).toBe(201);
  const { token } = (await res.json()) as { token: string };
  return `${broker}/widgets/panel?account=${encodeURIComponent(accountId)}&token=${encodeURIComponent(token)}`;
}

async function sandboxFaults(body: unknown): Promise<void> {
  const res = await fetch(`${sandbox}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

/** Accounts a test in this file already opened (the panel's view of them is cached). */
const seen = new Set<string>();

const money = (amount: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);

describe('/demo', () => {
  it('shows a real account with receivables, contract, health and milestones, without console errors', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${broker}/demo`);
    const firstLink = page.locator('nav a').first();
    const name = (await firstLink.textContent())!.trim();
    const accountId = new URL((await firstLink.getAttribute('href'))!, broker).searchParams.get('account')!;
    await page.getByRole('heading', { name, level: 2 }).or(page.getByText(name).nth(1)).first().waitFor({ timeout: 20_000 });
    await page.getByText(/days to renewal|Renewed|renewal/i).first().waitFor({ timeout: 20_000 });
    seen.add(accountId);
    const v = await view(accountId);
    const text = await page.locator('body').innerText();
    // Whatever state each section is in, the panel says it (docs/account-view.md).
    expect(v.receivables.state).toBe('ok');
    expect(text).toContain(money(v.receivables.data.openTotal, v.receivables.data.currency));
    // A contract whose renewal date has passed is said so ("Renewal date passed 481 days ago").
    if (v.contract.state === 'ok') {
      const days = v.contract.data.daysToRenewal as number;
      expect(text).toContain(days >= 0 ? `${days} day` : `Renewal date passed ${-days} days ago`);
    }
    else expect(text).toContain('No current contract in NetSuite.');
    if (v.health.state === 'ok') expect(await page.getByTestId('health-score').textContent()).toBe(String(v.health.data.score));
    else expect(text).toContain('No health score in Vitally yet.');
    if (v.onboarding.state === 'ok') for (const m of v.onboarding.data.milestones.slice(0, 3)) expect(text).toContain(m.name);
    else expect(text).toContain('No onboarding project in Vitally.');
    expect(text).not.toMatch(/so this section is empty for now/);
    expect(text).toMatch(/NetSuite · (just now|\d+ (s|sec|min))/);
    await page.screenshot({ path: join(SHOTS, 'demo.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the panel of another account from its link', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${broker}/demo`);
    const link = page.locator('nav a').nth(1);
    const accountId = new URL((await link.getAttribute('href'))!, broker).searchParams.get('account')!;
    seen.add(accountId);
    await link.click();
    await page.waitForURL(/\/widgets\/panel/);
    await page.getByText(/Receivables/i).first().waitFor({ timeout: 20_000 });
    // The embed token is taken out of the address bar once read.
    expect(page.url()).not.toContain('token=');
    const v = await view(accountId);
    await page.getByText(money(v.receivables.data.openTotal, v.receivables.data.currency)).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'panel.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('section states in the panel /demo opens', () => {
  it('none: an account whose Vitally record has no onboarding project says so, not "unavailable"', async () => {
    const { account } = await findByVitallyFacts(sandbox, 'demo', await demoAccounts(), (f) => f.projects === 0, seen);
    seen.add(account.id);
    const { page, errors } = await openPage();
    await page.goto(await panelUrl(account.id));
    const onboarding = page.getByRole('region', { name: 'Onboarding', exact: true });
    await onboarding.getByText('No onboarding project in Vitally.').waitFor({ timeout: 20_000 });
    // The sandbox is not Vitally's own host: the panel names Vitally without a made-up link.
    expect(await onboarding.innerText()).toMatch(/A CSM can start one in Vitally\./);
    expect(await onboarding.getByRole('link').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toMatch(/Vitally (is unavailable|did not answer|returned an error)/);
    expect(await page.getByTestId('freshness-vitally').textContent()).toMatch(/^Vitally · (just now|\d+ min ago)$/);
    await page.screenshot({ path: join(SHOTS, 'panel-none.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('unavailable and stale: while Vitally fails, a cold account says why its CS sections are empty and a cached one shows its last good figures', async () => {
    const accounts = await demoAccounts();
    const cached = await findByVitallyFacts(sandbox, 'demo', accounts, (f) => f.healthScores > 0, seen);
    seen.add(cached.account.id);
    const cold = await findByVitallyFacts(sandbox, 'demo', accounts, (f) => f.healthScores > 0, seen);
    seen.add(cold.account.id);
    const before = await view(cached.account.id);
    expect(before.health.state).toBe('ok');
    await sandboxFaults({ vitally: { errorRate: 1, seed: 1 } });
    try {
      // Rebuilt while Vitally fails: the cached account falls back to its last good answer.
      const after = await view(cached.account.id, true);
      expect(after.health.state).toBe('stale');
      const code = after.health.error as string;

      const { page, errors } = await openPage();
      await page.goto(await panelUrl(cold.account.id));
      const health = page.getByRole('region', { name: 'Health', exact: true });
      await health.getByText(/Vitally .+, so this section is empty for now\./).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('freshness-vitally').textContent()).toMatch(/^Vitally · /);
      expect(await page.getByTestId('ar-open').isVisible()).toBe(true);
      await page.screenshot({ path: join(SHOTS, 'panel-unavailable.png'), fullPage: true });

      await page.goto(await panelUrl(cached.account.id));
      const staleNote = page.getByTestId('stale-health');
      await staleNote.waitFor({ timeout: 30_000 });
      expect(await staleNote.textContent()).toMatch(/^Cached (just now|\d+ min ago): Vitally .+\.$/);
      expect(await page.getByTestId('health-score').textContent()).toBe(String(before.health.data.score));
      expect(await page.getByTestId('freshness-vitally').textContent()).toMatch(/\(cached\)$/);
      await page.screenshot({ path: join(SHOTS, 'panel-stale.png'), fullPage: true });
      expect(code).toMatch(/^upstream_/);
      // The failing Vitally calls are the broker's, not the page's.
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await sandboxFaults({});
    }
  });
});

describe('admin console from /demo', () => {
  it('opens with a session and shows the connections and the ownership matrix', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${broker}/demo`);
    await page.getByRole('button', { name: 'Open the admin console' }).click();
    await page.waitForURL(/\/widgets\/console/);
    for (const name of ['HubSpot', 'Salesforce', 'NetSuite', 'Vitally']) await page.getByText(name).first().waitFor({ timeout: 20_000 });
    await page.getByText('Ownership matrix').first().waitFor({ timeout: 20_000 });
    await page.locator('code', { hasText: 'account.billTo' }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'console.png'), fullPage: true });
    // Failed items (dead letters) arrive with the write-back queues; until then the console says
    // "not available yet" for that section, and the browser logs that 404.
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await page.close();
  });

  it('starts a dry-run reconcile from the console, follows it to its end and shows a drift report that repaired nothing', { timeout: 180_000 }, async () => {
    const { page, errors } = await openPage();
    await page.goto(`${broker}/demo`);
    await page.getByRole('button', { name: 'Open the admin console' }).click();
    await page.waitForURL(/\/widgets\/console/);
    const sync = page.getByRole('region', { name: 'Sync runs' });
    await sync.getByRole('button', { name: 'Dry run (changes nothing)' }).click();
    const started = sync.getByText(/^Reconcile \(dry run\) started: run sr_[0-9a-f]{32}\./);
    await started.waitFor({ timeout: 20_000 });
    const id = /sr_[0-9a-f]{32}/.exec(await started.innerText())![0];
    const run = sync.locator(`[data-sync-run="${id}"]`);
    // The list reads itself again while the run is queued or running (the sync queue works it).
    await run.getByText('Completed', { exact: true }).waitFor({ timeout: 90_000 });
    expect(await run.getByRole('progressbar').getAttribute('value')).toBe('100');
    await run.getByRole('button', { name: /^Show the drift report of Reconcile \(dry run\)/ }).click();
    const report = run.getByRole('region', { name: `Drift report of Reconcile (dry run) ${id}` }).or(run.getByText('No drift: the linked records agree on every compared field.'));
    await report.first().waitFor({ timeout: 20_000 });
    // A dry run reports and changes nothing: no row says it was repaired.
    const outcomes = await run.locator('[data-drift] .cc-badge').allInnerTexts();
    expect(outcomes.filter((o) => o === 'Repaired')).toEqual([]);
    expect(new Set(outcomes).size <= 2 && outcomes.every((o) => o === 'Would repair' || o === 'For a person')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'console-sync-dry-run.png'), fullPage: true });
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await page.close();
  });
});
