/**
 * The connect flows as an admin clicks them in real Chromium, against the estate `npm start`
 * runs (sandbox + `wrangler dev` on workerd, free ports, throwaway state): open the admin
 * session, click through the HubSpot and Salesforce consent pages, land back on the console,
 * and check the connections are stored and read through the broker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEstate, type Estate } from '../../scripts/estate.js';

let estate: Estate;
let persistDir: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'concord-connect-'));
  estate = await startEstate({ brokerPort: await freePort(), sandboxPort: await freePort(), persistDir });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  page = await (await browser.newContext()).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await estate?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

async function api(method: string, path: string): Promise<Response> {
  return fetch(`${estate.brokerUrl}${path}`, { method, headers: { authorization: `Bearer ${estate.tenants.demo.apiKey}` } });
}

async function connection(system: string): Promise<Record<string, unknown> | undefined> {
  const list = (await (await api('GET', '/v1/tenants/demo/connections')).json()) as { items: Record<string, unknown>[] };
  return list.items.find((i) => i['system'] === system);
}

describe('connect flows in the browser', () => {
  it('opens an admin session: an HttpOnly cookie the page cannot read', async () => {
    await page.goto(`${estate.brokerUrl}/health`);
    // What the console does with the tenant API key: one same-origin POST.
    const status = await page.evaluate(
      async ([key]) => (await fetch('/v1/tenants/demo/session', { method: 'POST', headers: { authorization: `Bearer ${key}` } })).status,
      [estate.tenants.demo.apiKey],
    );
    expect(status).toBe(201);
    const cookies = await page.context().cookies(estate.brokerUrl);
    expect(cookies.find((c) => c.name === 'concord_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('concord_session');
  });

  it('connects HubSpot by approving the consent page, and the broker reads HubSpot with the new token', async () => {
    await page.goto(`${estate.brokerUrl}/v1/tenants/demo/connect/hubspot/start`);
    expect(page.url()).toContain('/hubspot/oauth/authorize');
    await page.getByLabel('Sandbox account').selectOption('demo');
    await Promise.all([page.waitForURL(/connected=hubspot/), page.getByRole('button', { name: 'Approve' }).click()]);
    // The console page (assets serve console.html at /widgets/console).
    expect(new URL(page.url()).pathname).toBe('/widgets/console');

    const hubspot = await connection('hubspot');
    // The estate connected HubSpot with a plain token and no hub id; the install flow records the portal.
    expect(hubspot?.['externalAccount']).toMatch(/^\d+$/);
    expect(JSON.stringify(hubspot)).not.toContain('sbx_');
    expect((await api('POST', '/v1/tenants/demo/connect/hubspot/check')).status).toBe(200);
    const sync = await api('POST', '/v1/tenants/demo/identity/sync');
    expect(sync.status).toBe(200);
    expect(((await sync.json()) as { crmRecords: number }).crmRecords).toBeGreaterThan(0);
  });

  it('connects Salesforce through the sandbox login host with PKCE, and the broker queries the org', async () => {
    await page.goto(`${estate.brokerUrl}/v1/tenants/demo/connect/salesforce/start?loginHost=test`);
    expect(page.url()).toContain('/salesforce/services/oauth2/authorize');
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
    await Promise.all([page.waitForURL(/connected=salesforce/), page.getByRole('button', { name: 'Approve' }).click()]);

    const sf = await connection('salesforce');
    expect(sf).toMatchObject({ status: 'connected', baseUrl: `${estate.sandboxUrl}/salesforce` });
    expect(sf?.['externalAccount']).toMatch(/^00D/);
    const check = await api('POST', '/v1/tenants/demo/connect/salesforce/check');
    expect(check.status).toBe(200);
    expect(await check.json()).toMatchObject({ system: 'salesforce', ok: true });
  });

  it('returns to the console with an error when the admin denies consent', async () => {
    await page.goto(`${estate.brokerUrl}/v1/tenants/demo/connect/hubspot/start`);
    await Promise.all([page.waitForURL(/error=access_denied/), page.getByRole('button', { name: 'Deny' }).click()]);
    expect(new URL(page.url()).searchParams.get('tenant')).toBe('demo');
  });
});
