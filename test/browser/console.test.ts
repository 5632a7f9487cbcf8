/**
 * The admin console in real Chromium against the broker's saved answers served by msw
 * (test/fixtures/concord/, test/browser/broker-handlers.ts): connections as the broker lists
 * them, the ownership matrix (owners are roles), credential forms, OAuth starts and replays.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrastFailures, horizontalOverflow, overflowingElements } from './a11y.js';
import { SALESFORCE_AUTHORIZE, withoutAdminRoutes } from './broker-handlers.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();

const openConsole = async () => {
  await t.context.addCookies([{ name: 'concord_session', value: 'sess-1', url: t.broker.origin }]);
  await t.page.goto(`${t.broker.origin}/widgets/console.html?tenant=demo`);
  await t.page.getByRole('heading', { name: 'Concord admin' }).waitFor();
  await t.page.getByRole('combobox', { name: 'account.billTo' }).waitFor();
};

describe('console.js', () => {
  it('lists connections, edits the ownership matrix and replays a failed item', async () => {
    const { page, broker } = t;
    await openConsole();
    const rows = page.locator('.cc-conn');
    await page.getByText('24300001', { exact: true }).waitFor();
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(/HubSpot\s+Connected\s+24300001\s+since Oct 1, 2026[\s\S]*Disconnect/),
      expect.stringMatching(/Salesforce\s+Not connected[\s\S]*Connect/),
      expect.stringMatching(/NetSuite\s+Not connected[\s\S]*Connect/),
      expect.stringMatching(/Vitally\s+Connected\s+acme-cs[\s\S]*Disconnect/),
    ]);
    expect(broker.requests.find((r) => r.path === '/v1/tenants/demo/connections')?.cookie).toBe('concord_session=sess-1');

    const save = page.getByRole('button', { name: 'Save ownership' });
    expect(await save.isDisabled()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'account.healthScore' }).locator('option').allTextContents()).toEqual(['CRM', 'ERP', 'Customer success']);
    await page.getByRole('combobox', { name: 'account.billTo' }).selectOption('crm');
    await save.click();
    await page.getByText('Ownership saved.').waitFor();
    const put = broker.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/v1/tenants/demo/ownership');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({
      rules: [
        { entity: 'account', field: 'billTo', owner: 'crm' },
        { entity: 'account', field: 'name', owner: 'crm' },
        { entity: 'account', field: 'healthScore', owner: 'cs' },
      ],
    });

    await page.getByRole('button', { name: 'Replay hubspot companies 1000123: name changed' }).click();
    await page.getByText('Replay queued').waitFor();
    expect(broker.requests.some((r) => r.method === 'POST' && r.path === '/v1/tenants/demo/dead-letters/dl_4f1c2b3a4d5e6f708192a3b4/replay')).toBe(true);
    expect(await contrastFailures(page, '.cc-panel')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console.png'), fullPage: true });
  });

  it('validates and posts NetSuite credentials', async () => {
    const { page, broker } = t;
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
    const { page, broker } = t;
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

  it('Connect for an OAuth system goes through the broker start URL to the vendor; Disconnect asks to confirm', async () => {
    const { page, broker } = t;
    await openConsole();
    await page.getByRole('button', { name: 'Disconnect HubSpot' }).click();
    await page.getByRole('button', { name: 'Confirm disconnect' }).click();
    await page.getByText('HubSpot disconnected.').waitFor();
    expect(broker.requests.some((r) => r.method === 'DELETE' && r.path === '/v1/tenants/demo/connections/hubspot')).toBe(true);

    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL((url) => url.href.startsWith(SALESFORCE_AUTHORIZE));
    expect(await page.title()).toBe('Salesforce login');
    expect(broker.requests.some((r) => r.method === 'GET' && r.path === '/v1/tenants/demo/connect/salesforce/start')).toBe(true);
  });

  it('fits a 360 px wide screen with the NetSuite form open', async () => {
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    await openConsole();
    await page.getByRole('button', { name: 'Connect NetSuite' }).click();
    await page.getByRole('form', { name: 'Connect NetSuite' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-panel')).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-360.png'), fullPage: true });
  });

  it('shows "not available yet" when the broker has no admin routes', async () => {
    const { page, broker } = t;
    broker.use(...withoutAdminRoutes);
    await page.goto(`${broker.origin}/widgets/console.html?tenant=demo`);
    await page.getByText('The ownership matrix is not available yet: this Concord server does not offer it.').waitFor();
    // Each section asks on its own: wait for each answer to be drawn.
    await page.getByText('Connection status is not available yet: this Concord server does not offer it.').waitFor();
    await page.getByText('The failed-items list is not available yet: this Concord server does not offer it.').waitFor();
    // The systems can still be connected even though their status is unknown.
    expect(await page.getByRole('button', { name: 'Connect HubSpot' }).isVisible()).toBe(true);
    expect(t.consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
