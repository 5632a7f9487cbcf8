/**
 * The deal's ERP order on the Concord card, rendered with @hubspot/ui-extensions/testing against
 * a fake `hubspot.fetch` serving the broker's saved order answers (test/fixtures/concord/orders/,
 * rebuilt from the broker's own code by test/unit/order-state.test.ts): creating (and polled until
 * it is created), created with its number and link, blocked with each issue and Retry, failed
 * with Retry, and nothing on a deal that was never closed won.
 */
import { Alert, Heading, Link, LoadingButton, StatisticsItem, StatusTag, Text } from '@hubspot/ui-extensions';
import type { CrmContext } from '@hubspot/ui-extensions';
import { RenderedNodeType, createRenderer } from '@hubspot/ui-extensions/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AccountReviewCard } from '../src/app/cards/AccountReviewCard.tsx';
import { acmeView } from './fixtures/account-view.ts';
import { createFakeFetcher } from './fake-fetcher.ts';

const ORDER_URL = 'https://concord.example.com/v1/cards/hubspot/order?objectType=deals&objectId=5000101';
const RETRY_URL = 'https://concord.example.com/v1/cards/hubspot/orders/retry';

/** A saved broker answer `{order}` (test/fixtures/concord/orders/<name>.json). */
function answer(name: 'creating' | 'created' | 'blocked' | 'failed'): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/concord/orders/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function setup(objectTypeId = '0-3') {
  const renderer = createRenderer('crm.record.tab');
  const fake = createFakeFetcher();
  // The account's recent changes are read beside the view (changes-card.test.tsx covers them).
  fake.route('/v1/cards/hubspot/changes', { status: 200, json: { items: [], next: null } });
  const context: CrmContext = { ...renderer.mocks.context, crm: { objectTypeId, objectId: 5000101 } };
  const start = () =>
    renderer.render(<AccountReviewCard context={context} actions={renderer.mocks.actions} fetcher={fake.fetcher} now={() => new Date('2026-11-26T10:05:00Z')} orderPollMs={20} />);
  const waitFor = (check: () => void) => renderer.waitFor(check, { timeoutInMs: 5000 });
  return { ...renderer, waitFor, fake, start };
}

interface TextTree {
  nodeType: RenderedNodeType;
  text: string | null;
  childNodes?: TextTree[];
}
function textOf(node: TextTree): string {
  if (node.nodeType === RenderedNodeType.Text) return node.text ?? '';
  return (node.childNodes ?? []).map(textOf).join(' ');
}

const alertsOf = (r: ReturnType<typeof setup>) => r.mocks.actions.addAlert.calls.map(([arg]) => arg);
const headings = (r: ReturnType<typeof setup>) => r.findAll(Heading).map((h) => textOf(h as unknown as TextTree));

describe('the ERP order on a deal', () => {
  it('shows nothing about an order when the deal was never closed won', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: { order: null } });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());
    expect(r.fake.calls.map((c) => c.url)).toContain(ORDER_URL);
    expect(r.maybeFindByTestId(StatusTag, 'order-status')).toBeNull();
    expect(headings(r)).not.toContain('ERP order');
  });

  it('says the order is being created, asks again, and shows the number and the NetSuite link once created', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: answer('creating') });
    r.fake.reply({ status: 200, json: answer('created') });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(StatusTag, 'order-status')).not.toBeNull());
    await r.waitFor(() => expect(textOf(r.findByTestId(StatusTag, 'order-status') as unknown as TextTree)).toBe('Created'));
    expect(r.fake.calls.filter((c) => c.url === ORDER_URL)).toHaveLength(2);
    expect(textOf(r.findByTestId(Text, 'order-number') as unknown as TextTree)).toBe('Sales order SO-10482');
    const link = r.findByTestId(Link, 'order-link');
    expect(link.props.href).toEqual({ url: 'https://1234567.app.netsuite.com/app/accounting/transactions/salesord.nl?id=10482', external: true });
    expect(textOf(link as unknown as TextTree)).toBe('Open in NetSuite');
    // The account view is still there below the order.
    expect(r.find(StatisticsItem, { id: 'ar-open' }).props.number).toBe('$12,500.00');
  });

  it('while creating, shows the step the run is at', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    const hold = r.fake.replyLater({ status: 200, json: answer('creating') });
    r.start();
    hold();
    await r.waitFor(() => expect(r.maybeFindByTestId(Text, 'order-step')).not.toBeNull());
    expect(textOf(r.findByTestId(StatusTag, 'order-status') as unknown as TextTree)).toBe('Creating');
    expect(textOf(r.findByTestId(Text, 'order-step') as unknown as TextTree)).toBe('Creating the sales order in NetSuite…');
  });

  it('gives no link when the broker gives none (the ERP is not on its own host)', async () => {
    const r = setup();
    const created = answer('created') as { order: Record<string, unknown> };
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: { order: { ...created.order, orderUrl: null } } });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(Text, 'order-number')).not.toBeNull());
    expect(r.maybeFindByTestId(Link, 'order-link')).toBeNull();
  });

  it('drops a link that is not plain https', async () => {
    const r = setup();
    const created = answer('created') as { order: Record<string, unknown> };
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: { order: { ...created.order, orderUrl: 'javascript:alert(1)' } } });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(Text, 'order-number')).not.toBeNull());
    expect(r.maybeFindByTestId(Link, 'order-link')).toBeNull();
  });

  it('lists each blocking issue with where to fix it and what to do, and Retry resumes the run', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: answer('blocked') });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'order-blocked')).not.toBeNull());
    expect(r.findByTestId(Alert, 'order-blocked').props).toMatchObject({ variant: 'warning', title: 'Order blocked: the deal needs a fix' });
    expect(textOf(r.findByTestId(Text, 'order-issue-0') as unknown as TextTree)).toBe('Customers in DE need a tax id (VAT/GST number) in the ERP.');
    expect(textOf(r.findByTestId(Text, 'order-fix-0') as unknown as TextTree)).toBe('Fix in HubSpot: Enter the company tax id (VAT number).');
    expect(textOf(r.findByTestId(Text, 'order-issue-1') as unknown as TextTree)).toBe('SKU PLAT-ULTIMATE (Platform Ultimate) has no ERP item.');
    expect(textOf(r.findByTestId(Text, 'order-fix-1') as unknown as TextTree)).toBe('Fix in NetSuite: Create the item PLAT-ULTIMATE in the ERP (or correct the SKU on the CRM product), then retry.');
    // The deal owner, asked to fix it.
    expect(textOf(r.findByTestId(Text, 'order-owner-0') as unknown as TextTree)).toBe('Owner: Dana Reyes <dana.reyes@example.com>');

    const creating = answer('creating') as { order: Record<string, unknown> };
    r.fake.reply({ status: 202, json: { order: { ...creating.order, runId: 'hubspot-24300001-deal-5000102', step: 'validate', stepLabel: "Checking the deal's data for NetSuite" } } });
    // The card keeps asking while the order is being created: this time it blocks again.
    r.fake.reply({ status: 200, json: answer('blocked') });
    r.findByTestId(LoadingButton, 'order-retry').trigger('onClick');
    await r.waitFor(() => expect(alertsOf(r)).toHaveLength(1));
    const retry = r.fake.calls.find((c) => c.url === RETRY_URL)!;
    expect(retry.options).toMatchObject({ method: 'POST', timeout: 10_000, body: { objectType: 'deals', objectId: '5000101' } });
    expect(alertsOf(r)[0]).toEqual({ type: 'info', title: 'Retry started', message: 'Concord is checking the deal again and creating the order.' });
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'order-blocked')).not.toBeNull());
    expect(r.fake.calls.filter((c) => c.url === ORDER_URL)).toHaveLength(2);
  });

  it('shows why a failed order failed, and reports a refused Retry', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 200, json: answer('failed') });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'order-failed')).not.toBeNull());
    expect(textOf(r.findByTestId(Alert, 'order-failed') as unknown as TextTree)).toContain('Creating the sales order in NetSuite failed. NetSuite did not answer in time, even after retries.');
    r.fake.reply({ status: 409, json: { type: 'https://concord.dev/problems/conflict', title: 'Conflict', status: 409, code: 'order_not_retryable', detail: 'The order was created already.' } });
    r.findByTestId(LoadingButton, 'order-retry').trigger('onClick');
    await r.waitFor(() => expect(alertsOf(r)).toHaveLength(1));
    expect(alertsOf(r)[0]).toEqual({ type: 'danger', title: 'Retry failed', message: 'The order was created already.' });
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, 'order-retry').props.loading).toBe(false));
  });

  it('shows a blocked order even when the deal\'s company is not linked to an account yet', async () => {
    const r = setup();
    r.fake.reply({ status: 404, json: { type: 'https://concord.dev/problems/not-found', title: 'account not found', status: 404, code: 'account_not_linked' } });
    r.fake.reply({ status: 200, json: answer('blocked') });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(Alert, 'order-blocked')).not.toBeNull());
    await r.waitFor(() => expect(headings(r)).toContain('ERP order'));
    expect(r.maybeFindByTestId(Text, 'order-fix-0')).not.toBeNull();
  });

  it('says when the order cannot be read, and still shows the account', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.fake.reply({ status: 503, json: { type: 'https://concord.dev/problems/upstream', title: 'x', status: 503, code: 'upstream_rate_limited' } });
    r.start();
    await r.waitFor(() => expect(r.maybeFindByTestId(Text, 'order-error')).not.toBeNull());
    expect(textOf(r.findByTestId(Text, 'order-error') as unknown as TextTree)).toBe("Concord could not load this deal's order right now. Try again in a moment.");
    expect(r.find(StatisticsItem, { id: 'ar-open' }).props.number).toBe('$12,500.00');
  });

  it('does not ask for an order on a company', async () => {
    const r = setup('0-2');
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());
    expect(r.fake.calls).toHaveLength(1);
  });
});
