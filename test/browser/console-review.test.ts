/**
 * The admin console's Review section in real Chromium against the broker's saved answers
 * (test/fixtures/concord/identity-reviews*.json served by msw): both records of a case side by
 * side with the score and the evidence, and each decision (link, keep apart, link to another
 * account, split a decided link) sent as the broker's API expects.
 */
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { contrastFailures, horizontalOverflow, overflowingElements, tabTo } from './a11y.js';
import { withoutAdminRoutes } from './broker-handlers.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();

const review = () => t.page.getByRole('region', { name: 'Review' });
const card = (title: string): Locator => review().getByRole('article', { name: title });
const posted = (path: string) => t.broker.requests.filter((r) => r.method === 'POST' && r.path === path).map((r) => JSON.parse(r.body) as unknown);

async function openConsole(): Promise<void> {
  await t.context.addCookies([{ name: 'concord_session', value: 'sess-1', url: t.broker.origin }]);
  await t.page.goto(`${t.broker.origin}/widgets/console.html?tenant=demo`);
  await card('HubSpot company 1000527 and NetSuite customer 1113').waitFor();
}

describe('console Review section', () => {
  it('shows both records side by side with the score and the evidence', async () => {
    const { page, broker, consoleErrors } = t;
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
    const { page } = t;
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
    const { page } = t;
    await page.setViewportSize({ width: 360, height: 800 });
    await openConsole();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await overflowingElements(page, '.cc-review')).toEqual([]);
  });

  it('says the review queue is not available on a broker without it', async () => {
    const { page, broker } = t;
    broker.use(...withoutAdminRoutes);
    await page.goto(`${broker.origin}/widgets/console.html?tenant=demo`);
    await page.getByText('The review queue is not available yet: this Concord server does not offer it.').waitFor();
  });
});
