/**
 * The admin console's "Automations" section in real Chromium against the broker's saved answers
 * (test/fixtures/concord/automations.json, served by msw): each automation on or off in words with
 * when it acts and what it does; the tenant's policy edited (a threshold, a switch), saved, and the
 * saved answer's sentences shown; a refused value shown next to its field (the 422's path) and
 * focused; billing on go-live pointing to the closed-won settings; a failed load with Retry.
 */
import { join } from 'node:path';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { problems } from '../fixtures/concord/index.js';
import { contrastFailures } from './a11y.js';
import { ORIGIN, problem } from './broker-handlers.js';
import { SHOTS, useWidgetBrowser } from './harness.js';

const t = useWidgetBrowser();

const automations = () => t.page.getByRole('region', { name: 'Automations' });
const form = () => automations().getByRole('form', { name: 'Automations' });
const item = (key: string) => automations().locator(`[data-automation="${key}"]`);
/** An automation's title and sentences, whitespace folded. */
const said = async (key: string) => {
  const title = (await item(key).locator('.cc-item-title').innerText()).replace(/\s+/g, ' ').trim();
  const facts = (await item(key).locator('dl.cc-facts').innerText()).replace(/\s+/g, ' ').trim();
  return `${title} ${facts}`;
};

async function openConsole(waitFor: () => Promise<void> = () => item('billing-on-go-live').waitFor()): Promise<void> {
  await t.context.addCookies([{ name: 'concord_session', value: 'sess-1', url: t.broker.origin }]);
  await t.page.goto(`${t.broker.origin}/widgets/console.html?tenant=demo`);
  await t.page.getByRole('heading', { name: 'Concord admin' }).waitFor();
  await waitFor();
}

describe('console Automations section', () => {
  it('lists each automation with on or off in words, when it acts and what it does, and its thresholds in a form', async () => {
    const { page } = t;
    await openConsole();
    expect(await said('finance-hold')).toBe(
      'Finance hold On When 1,000 or more (invoice currency) overdue for more than 60 days, disputed invoices not counted ' +
        'Does Sets the finance hold on the HubSpot company and the Salesforce Account; lifted by the change that brings the balance under',
    );
    expect(await said('health-drop')).toMatch(/^Health drop On When The health score falls by 15 points or more between two readings, or to below 40 Does Files one support review task/);
    expect(await said('renewal-risk')).toMatch(/^Renewal at risk On When Renewal risk is high and the contract renews within 90 days/);
    expect(await said('onboarding-stalled')).toMatch(/^Onboarding stalled On When An onboarding milestone is blocked or past its due date/);
    expect(await said('billing-on-go-live')).toMatch(/^Billing waits for go-live Off When The onboarding milestone "Go-live" is completed in the CS system/);
    // The thresholds are the tenant's to change; billing on go-live is the closed-won settings'.
    expect(await form().getByLabel('Overdue for more than (days)').inputValue()).toBe('60');
    expect(await form().getByLabel('Hold from this aged balance (invoice currency)').inputValue()).toBe('1000');
    expect(await form().getByLabel('A fall of at least (points)').inputValue()).toBe('15');
    expect(await form().getByLabel('Or low adoption: health category under (score, 0: off)').inputValue()).toBe('0');
    expect(await form().getByLabel('Health category that measures adoption').inputValue()).toBe('productUsage');
    expect(await form().getByLabel('Past due only after (days past the due date)').inputValue()).toBe('0');
    expect(await form().getByLabel('Risk level that asks for a task').inputValue()).toBe('high');
    expect(await form().getByLabel('While onboarding is stalled, also hold').inputValue()).toBe('none');
    expect(await form().getByLabel('Health drop on').isChecked()).toBe(true);
    const link = item('billing-on-go-live').getByRole('link', { name: 'closed-won settings (Billing)' });
    expect(await link.getAttribute('href')).toBe('#closed-won-settings');
    expect(await page.locator('#closed-won-settings').getByRole('heading', { name: 'Closed-won settings' }).count()).toBe(1);
    expect(await contrastFailures(page, '.cc-automations')).toEqual([]);
    expect(t.consoleErrors).toEqual([]);
  });

  it('edits a threshold and a switch, saves the policy as the broker takes it, and shows the saved answer', async () => {
    const { page, broker } = t;
    await openConsole();
    await form().getByLabel('A fall of at least (points)').fill('25');
    await form().getByLabel('Hold from this aged balance (invoice currency)').fill('2500.50');
    await form().getByLabel('Renewal at risk on').uncheck();
    await form().getByLabel('Risk level that asks for a task').selectOption('medium');
    await form().getByLabel('While onboarding is stalled, also hold').selectOption('billing');
    await form().getByLabel('Or low adoption: health category under (score, 0: off)').fill('30');
    await form().getByRole('button', { name: 'Save automations' }).click();
    await form().getByText('Automations saved.').waitFor();
    const put = broker.requests.find((r) => r.method === 'PUT' && r.path === '/v1/tenants/demo/ops/automations');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({
      financeHold: { enabled: true, overdueDays: 60, minAmount: 2500.5 },
      healthDrop: { enabled: true, dropPoints: 25, below: 40, adoptionBelow: 30, adoptionSignal: 'productUsage' },
      onboardingStalled: { enabled: true, pastDueGraceDays: 0, noProgressDays: 0, hold: 'billing' },
      renewalRisk: { enabled: false, level: 'medium', withinDays: 90 },
    });
    // The sentences are the saved answer's, built from the new values.
    expect(await said('health-drop')).toMatch(/^Health drop On When The health score falls by 25 points or more between two readings, or to below 40; or adoption is low: its productUsage part is below 30 Does/);
    expect(await said('finance-hold')).toMatch(/^Finance hold On When 2,500.5 or more \(invoice currency\) overdue for more than 60 days/);
    expect(await said('renewal-risk')).toMatch(/^Renewal at risk Off When Renewal risk is medium or high and the contract renews within 90 days/);
    expect(await said('onboarding-stalled')).toMatch(/and holds billing while it is stalled: the customer's open sales orders go back to pending approval in the ERP/);
    expect(await form().getByLabel('While onboarding is stalled, also hold').inputValue()).toBe('billing');
    expect(await form().getByLabel('A fall of at least (points)').inputValue()).toBe('25');
    await page.screenshot({ path: join(SHOTS, 'console-automations-saved.png'), fullPage: true });
  });

  it('shows a refused value next to its field and focuses it; nothing else changes', async () => {
    const { page } = t;
    await openConsole();
    const drop = form().getByLabel('A fall of at least (points)');
    await drop.fill('120');
    await form().getByRole('button', { name: 'Save automations' }).click();
    await form().getByText('Not saved: one field needs a fix.').waitFor();
    expect(await form().getByText('Too big: expected number to be <=100').isVisible()).toBe(true);
    expect(await drop.getAttribute('aria-invalid')).toBe('true');
    expect(await drop.evaluate((el) => el === document.activeElement)).toBe(true);
    // The error is the field's description, so a screen reader reads it with the field.
    const describedBy = await drop.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toBe('Too big: expected number to be <=100');
    expect(await said('health-drop')).toMatch(/falls by 15 points or more/);
    expect(await contrastFailures(page, '.cc-automations')).toEqual([]);
    await automations().screenshot({ path: join(SHOTS, 'console-automations-refused.png') });
  });

  it('a failed load says so with Retry', async () => {
    const { broker } = t;
    broker.use(http.get(`${ORIGIN}/v1/tenants/demo/ops/automations`, () => problem(problems.internalError)));
    await openConsole(() => automations().getByRole('alert').waitFor());
    expect(await automations().getByRole('alert').innerText()).toMatch(/^The automation list could not be loaded\.[\s\S]*Retry$/);
    expect(await automations().locator('[data-automation]').count()).toBe(0);
  });
});
