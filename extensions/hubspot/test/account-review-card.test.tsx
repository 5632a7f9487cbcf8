/**
 * The Concord app card as a HubSpot user sees it, rendered with @hubspot/ui-extensions/testing
 * against a fake `hubspot.fetch` answering with AccountView JSON and problem JSON.
 */
import {
  Alert,
  Button,
  Link,
  DescriptionListItem,
  EmptyState,
  ErrorState,
  LoadingButton,
  LoadingSpinner,
  ScoreCircle,
  StatisticsItem,
  StatisticsTrend,
  StatusTag,
  StepIndicator,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import type { CrmContext } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { RenderedNodeType } from '@hubspot/ui-extensions/testing';
import { describe, expect, it } from 'vitest';
import { AccountReviewCard } from '../src/app/cards/AccountReviewCard.tsx';
import { acmeView, acmeViewOnFinanceHold, acmeViewOnRenewalHold, acmeViewVitallyDown, acmeViewVitallyStale, birchViewNotInVitally, emberViewNothingYet } from './fixtures/account-view.ts';
import { createFakeFetcher } from './fake-fetcher.ts';

const VIEW_URL = 'https://concord.example.com/v1/cards/hubspot/view';
const FIXED_NOW = () => new Date('2026-11-26T06:02:00Z');

/** Renders the card on a company (0-2) or deal (0-3) record with a fresh fake fetcher. */
function setup(objectTypeId = '0-2', objectId = 1000123) {
  const renderer = createRenderer('crm.record.tab');
  const fake = createFakeFetcher();
  // The account's recent changes are read beside the view (changes-card.test.tsx covers them).
  fake.route('/v1/cards/hubspot/changes', { status: 200, json: { items: [], next: null } });
  const context: CrmContext = { ...renderer.mocks.context, crm: { objectTypeId, objectId } };
  const start = () =>
    renderer.render(<AccountReviewCard context={context} actions={renderer.mocks.actions} fetcher={fake.fetcher} now={FIXED_NOW} />);
  // The default 1 s waitFor budget is tight on a shared CI box; failures still surface, just later.
  const waitFor = (check: () => void) => renderer.waitFor(check, { timeoutInMs: 5000 });
  return { ...renderer, waitFor, fake, start };
}

function statistic(r: ReturnType<typeof setup>, id: string): string | number {
  return r.find(StatisticsItem, { id }).props.number;
}

/** All text under a node, as a user reads it (the renderer's `text` covers direct text only). */
interface TextTree {
  nodeType: RenderedNodeType;
  text: string | null;
  childNodes?: TextTree[];
}
function textOf(node: TextTree): string {
  if (node.nodeType === RenderedNodeType.Text) return node.text ?? '';
  return (node.childNodes ?? []).map(textOf).join(' ');
}

function alertsOf(r: ReturnType<typeof setup>): Array<{ type?: string; title?: string; message: string }> {
  return r.mocks.actions.addAlert.calls.map(([arg]) => arg);
}

describe('Concord account review card', () => {
  it('shows a spinner, then the AR figures, invoices, contract, health, onboarding and risk', async () => {
    const r = setup();
    const release = r.fake.replyLater({ status: 200, json: acmeView() });
    r.start();

    expect(r.find(LoadingSpinner).props.label).toBe('Loading account data from Concord');

    release();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());
    expect(r.fake.calls).toHaveLength(1);
    expect(r.fake.calls[0]!.url).toBe(`${VIEW_URL}?objectType=companies&objectId=1000123`);
    expect(r.fake.calls[0]!.options).toMatchObject({ method: 'GET', timeout: 10_000 });

    // AR summary in the account currency.
    expect(statistic(r, 'ar-open')).toBe('$12,500.00');
    expect(statistic(r, 'ar-overdue')).toBe('$4,200.00');
    expect(statistic(r, 'ar-disputed')).toBe('$1,000.00');

    // Invoices: one row per invoice (plus the header), status tags coloured by status.
    expect(r.findAll(TableRow)).toHaveLength(4);
    const tags = r.findAll(StatusTag).map((t) => [t.text, t.props.variant]);
    expect(tags).toEqual([
      ['Overdue · 56 d', 'danger'],
      ['Disputed', 'warning'],
      ['Open', 'info'],
    ]);
    const firstRow = r.findAll(TableRow)[1]!;
    expect(textOf(firstRow)).toContain('INV-000901');
    expect(textOf(firstRow)).toContain('Oct 1, 2026');
    expect(textOf(firstRow)).toContain('$4,200.00');

    // Contract: renewal inside 90 days is flagged.
    const renewal = r.findByTestId(Tag, 'renewal-tag');
    expect(renewal.text).toBe('Renews in 50 days');
    expect(renewal.props.variant).toBe('warning');

    // Health: score, and a red downward trend of 14 points.
    expect(r.find(ScoreCircle).props.score).toBe(64);
    const trend = r.find(StatisticsTrend);
    expect(trend.props).toMatchObject({ direction: 'decrease', color: 'red', value: '14 pts since Sep 7, 2026' });
    expect(r.findByTestId(Text, 'health-trend').text).toBe('Trending down · as of Nov 23, 2026');
    expect(textOf(r.find(DescriptionListItem, { label: 'Product usage' }))).toBe('55');

    // Onboarding: Kickoff done, Go-live current.
    const steps = r.find(StepIndicator);
    expect(steps.props.stepNames).toEqual(['Kickoff', 'Go-live', 'First QBR']);
    expect(steps.props.currentStep).toBe(1);
    expect(r.findByTestId(Text, 'onboarding-summary').text).toBe('Active · Next: Go-live, due Dec 1, 2026');

    // Risk: high, with readable reasons and the open escalation.
    const risk = r.findByTestId(Alert, 'risk-alert');
    expect(risk.props).toMatchObject({ variant: 'danger', title: 'High renewal risk' });
    expect(textOf(risk)).toContain('Overdue receivables · Disputed invoices · Health score declining · Open escalations · Renewal within 90 days');
    expect(textOf(risk)).toContain('Escalation: Invoice dispute INV-000902 (high priority)');
  });

  it('says where each section comes from, how old it is and which system owns it', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(r.findByTestId(Text, 'freshness-receivables').text).toBe('NetSuite · 2 min ago');
    expect(r.findByTestId(Text, 'owner-receivables').text).toBe('Owned by NetSuite');
    expect(r.findByTestId(Text, 'freshness-contract').text).toBe('NetSuite · 2 min ago');
    expect(r.findByTestId(Text, 'freshness-health').text).toBe('Vitally · just now');
    expect(r.findByTestId(Text, 'owner-onboarding').text).toBe('Owned by Vitally');
  });

  it('unavailable: keeps NetSuite figures and explains the gap when Vitally is down with nothing cached', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeViewVitallyDown() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(statistic(r, 'ar-open')).toBe('$12,500.00');
    expect(r.findByTestId(Text, 'freshness-receivables').text).toBe('NetSuite · 3 h ago (stale)');
    expect(r.findByTestId(Text, 'stale-receivables').text).toBe('Showing NetSuite data from 3 h ago; refreshing.');
    expect(r.findByTestId(Text, 'freshness-health').text).toBe('Vitally · unavailable (Upstream timeout)');
    expect(r.findByTestId(Text, 'unavailable-health').text).toBe('Vitally data is not available right now (Upstream timeout). Refresh to try again.');
    expect(r.findByTestId(Text, 'unavailable-onboarding').text).toBe('Vitally data is not available right now (Upstream timeout). Refresh to try again.');
    expect(r.maybeFind(ScoreCircle)).toBeNull();
    expect(r.maybeFind(StepIndicator)).toBeNull();
  });

  it('stale: shows the last good Vitally figures with their age and why nothing fresher came', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeViewVitallyStale() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(r.findByTestId(Text, 'stale-health').text).toBe('Showing Vitally data from 1 h ago: Vitally is unavailable right now (Upstream timeout).');
    expect(r.find(ScoreCircle).props.score).toBe(64);
    expect(r.find(StepIndicator).props.stepNames).toEqual(['Kickoff', 'Go-live', 'First QBR']);
    expect(r.findByTestId(Text, 'freshness-health').text).toBe('Vitally · 1 h ago (stale)');
    // The escalation from the last good answer still shows under the risk.
    expect(textOf(r.findByTestId(Alert, 'risk-alert'))).toContain('Escalation: Invoice dispute INV-000902 (high priority)');
    expect(r.maybeFindByTestId(Text, 'stale-receivables')).toBeNull();
  });

  it('none: says what the source has none of, with a link to start an onboarding project in Vitally', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: emberViewNothingYet() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(r.findByTestId(Text, 'none-onboarding').text).toBe('No onboarding project in Vitally.');
    const link = r.findByTestId(Link, 'start-onboarding');
    expect(link.text).toBe('Start one in Vitally');
    expect(link.props.href).toEqual({ url: 'https://emberfoods.vitally.io/', external: true });
    expect(r.findByTestId(Text, 'none-contract').text).toBe('No current contract in NetSuite.');
    expect(r.findByTestId(Text, 'none-health').text).toBe('No health score in Vitally yet.');
    expect(statistic(r, 'ar-open')).toBe('£0.00');
    // Nothing says a source failed: the sources answered, they have none.
    expect(r.maybeFindByTestId(Text, 'unavailable-onboarding')).toBeNull();
    expect(r.findByTestId(Text, 'freshness-onboarding').text).toBe('Vitally · just now');
  });

  it('none without a known Vitally web app: names Vitally and links nowhere; a non-https link is dropped', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: emberViewNothingYet('javascript:alert(1)') });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(r.findByTestId(Text, 'none-onboarding').text).toBe('No onboarding project in Vitally.');
    expect(r.maybeFind(Link)).toBeNull();
    expect(r.find(Text, (t) => t.text === 'A CSM can start one in Vitally.')).toBeTruthy();
  });

  it('not_linked: says the account has no customer-success record, and shows no owner for those sections', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: birchViewNotInVitally() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(r.findByTestId(Text, 'not-linked-health').text).toBe('This account is not linked to a customer-success account yet.');
    expect(r.findByTestId(Text, 'not-linked-onboarding').text).toBe('This account is not linked to a customer-success account yet.');
    expect(r.maybeFindByTestId(Text, 'owner-health')).toBeNull();
    expect(statistic(r, 'ar-open')).toBe('$12,500.00');
  });

  it('finance hold: an alert in words above the risk, with the aged amount and what waits for it', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeViewOnFinanceHold() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    const hold = r.findByTestId(Alert, 'finance-hold');
    expect(hold.props).toMatchObject({ variant: 'danger', title: 'Expansion quoting on hold' });
    expect(textOf(hold)).toBe('Finance hold: $12,480.00 overdue more than 60 days. Expansion quotes wait until it is paid.');
    // It comes before the risk alert: it stops an action, the risk only informs.
    const alerts = r.findAll(Alert).map((a) => a.props.testId);
    expect(alerts.indexOf('finance-hold')).toBeLessThan(alerts.indexOf('risk-alert'));
    expect(r.maybeFindByTestId(Text, 'finance-hold-clear')).toBeNull();
    // The disputed invoice is overdue too, but not part of the hold.
    expect(statistic(r, 'ar-overdue')).toBe('$16,480.00');
  });

  it('no finance hold: nothing alarming, a quiet line under the receivables; no receivables: nothing at all', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());
    expect(r.maybeFindByTestId(Alert, 'finance-hold')).toBeNull();
    expect(r.findByTestId(Text, 'finance-hold-clear').text).toBe('No finance hold: nothing overdue more than 60 days.');
    expect(r.findByTestId(Text, 'finance-hold-clear').props.variant).toBe('microcopy');

    const unknown = setup();
    unknown.fake.reply({ status: 200, json: { ...acmeView(), receivables: { state: 'unavailable', error: 'upstream_timeout' }, financeHold: null } });
    unknown.start();
    await unknown.waitFor(() => expect(unknown.maybeFind(LoadingSpinner)).toBeNull());
    expect(unknown.findByTestId(Text, 'unavailable-receivables')).toBeTruthy();
    expect(unknown.maybeFindByTestId(Alert, 'finance-hold')).toBeNull();
    expect(unknown.maybeFindByTestId(Text, 'finance-hold-clear')).toBeNull();
  });

  it('renewal hold: an alert in words next to the finance hold, naming the stalled milestone and since when', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeViewOnRenewalHold() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    const hold = r.findByTestId(Alert, 'renewal-hold');
    expect(hold.props).toMatchObject({ variant: 'warning', title: 'Renewal on hold' });
    expect(textOf(hold)).toBe('Renewal on hold: onboarding stalled at Data migration (blocked) since Nov 20, 2026. Renewal automation waits until onboarding moves again.');
    // Beside the finance hold (not on hold here: its quiet line stays), before the risk.
    const alerts = r.findAll(Alert).map((a) => a.props.testId);
    expect(alerts.indexOf('renewal-hold')).toBeLessThan(alerts.indexOf('risk-alert'));
    expect(r.maybeFindByTestId(Alert, 'finance-hold')).toBeNull();
    expect(r.findByTestId(Text, 'finance-hold-clear')).toBeTruthy();

    // Both holds at once: finance first (it stops a quote), then renewal.
    const both = setup();
    both.fake.reply({ status: 200, json: { ...acmeViewOnFinanceHold(), renewalHold: acmeViewOnRenewalHold()['renewalHold'] } });
    both.start();
    await both.waitFor(() => expect(both.maybeFind(LoadingSpinner)).toBeNull());
    const order = both.findAll(Alert).map((a) => a.props.testId);
    expect(order.slice(0, 2)).toEqual(['finance-hold', 'renewal-hold']);
  });

  it('no renewal hold: nothing when the stall is over, the policy holds no renewals, or a view predates the field', async () => {
    for (const renewalHold of [{ onHold: false, milestone: null, reason: null, dueDate: null, since: null }, null, undefined]) {
      const r = setup();
      const json: Record<string, unknown> = { ...acmeViewOnRenewalHold(), renewalHold };
      if (renewalHold === undefined) delete json['renewalHold'];
      r.fake.reply({ status: 200, json });
      r.start();
      await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());
      expect(r.maybeFindByTestId(Alert, 'renewal-hold')).toBeNull();
      expect(r.findByTestId(Text, 'finance-hold-clear').text).toBe('No finance hold: nothing overdue more than 60 days.');
    }
  });

  it('turns the renewal red inside 30 days, asks for a decision without auto-renew, and caps the invoice list', async () => {
    const view = acmeView();
    const contract = view.contract as { data: Record<string, unknown> };
    view.contract = { state: 'ok', data: { ...contract.data, daysToRenewal: 20, autoRenew: false } };
    const receivables = (view.receivables as { data: { openInvoiceCount: number; openInvoices: Array<Record<string, unknown>> } }).data;
    const template = receivables.openInvoices[2]!;
    receivables.openInvoices = Array.from({ length: 12 }, (_, i) => ({ ...template, id: `9${i}`, number: `INV-1${i}` }));
    receivables.openInvoiceCount = 14;
    view.risk = { level: 'low', reasons: [] };
    const r = setup();
    r.fake.reply({ status: 200, json: view });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).toBeNull());

    expect(r.findByTestId(Tag, 'renewal-tag').props).toMatchObject({ variant: 'error' });
    expect(r.findByTestId(Tag, 'renewal-tag').text).toBe('Renews in 20 days');
    expect(r.find(Alert, { title: 'Renewal needs a decision' }).props.variant).toBe('warning');
    expect(r.findAll(TableRow)).toHaveLength(11);
    expect(r.find(Text, (t) => t.text === 'Showing 10 of 14 open invoices.')).toBeTruthy();
    expect(r.findByTestId(Alert, 'risk-alert').props).toMatchObject({ variant: 'success', title: 'Low risk' });
  });

  it('shows a helpful empty state when the record is not linked, and checks again on request', async () => {
    const r = setup();
    r.fake.reply({
      status: 404,
      json: { type: 'about:blank', title: 'Account not linked', status: 404, code: 'account_not_linked', detail: 'No NetSuite customer matches acme.io.' },
    });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(EmptyState)).not.toBeNull());

    const empty = r.find(EmptyState);
    expect(empty.props.title).toBe('Not linked to an ERP account yet');
    expect(textOf(empty)).toContain('has not matched this company to a NetSuite customer');
    expect(textOf(empty)).toContain("Records are linked when an admin runs Concord's identity sync");
    expect(textOf(empty)).not.toContain('console');
    expect(textOf(empty)).toContain('No NetSuite customer matches acme.io.');
    expect(r.maybeFind(ErrorState)).toBeNull();

    r.fake.reply({ status: 200, json: acmeView() });
    r.findByTestId(Button, 'not-linked-retry').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());
    expect(r.fake.calls[1]!.url).toBe(`${VIEW_URL}?objectType=companies&objectId=1000123&refresh=1`);
  });

  it('shows an error state with the code and recovers with Try again', async () => {
    const r = setup();
    r.fake.reply({
      status: 503,
      json: { title: 'Service unavailable', status: 503, code: 'upstream_unavailable', detail: 'netsuite pool exhausted at 10.0.0.4' },
    });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(ErrorState)).not.toBeNull());

    const error = r.find(ErrorState);
    expect(textOf(error)).toContain('Concord had a problem loading this account. Try again in a moment.');
    expect(textOf(error)).toContain('Error code: upstream_unavailable');
    // Server-side detail is for the broker's logs, not for the user.
    expect(textOf(error)).not.toContain('10.0.0.4');

    const release = r.fake.replyLater({ status: 200, json: acmeView() });
    r.findByTestId(Button, 'error-retry').trigger('onClick');
    await r.waitFor(() => expect(r.maybeFind(LoadingSpinner)).not.toBeNull());
    release();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());
    expect(r.maybeFind(ErrorState)).toBeNull();
  });

  it('treats an unreachable broker and an unreadable answer as retryable errors', async () => {
    const offline = setup();
    offline.fake.reply({ throws: 'timeout' });
    offline.start();
    await offline.waitFor(() => expect(offline.maybeFind(ErrorState)).not.toBeNull());
    expect(textOf(offline.find(ErrorState))).toContain('Error code: network');

    const garbled = setup();
    garbled.fake.reply({ status: 200, json: { ...acmeView(), receivables: { state: 'ok', data: { currency: 'USD', openTotal: 'lots' } } } });
    garbled.start();
    await garbled.waitFor(() => expect(garbled.maybeFind(ErrorState)).not.toBeNull());
    expect(textOf(garbled.find(ErrorState))).toContain('Error code: invalid_view');
  });

  it('Refresh re-fetches with refresh=1 and shows the new figures', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());

    const paid = acmeView();
    paid.receivables = { state: 'ok', data: { currency: 'USD', openTotal: 7300, overdueTotal: 0, disputedTotal: 0, openInvoiceCount: 1, openInvoices: [] } };
    const release = r.fake.replyLater({ status: 200, json: paid });
    r.findByTestId(LoadingButton, 'refresh').trigger('onClick');
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, 'refresh').props.loading).toBe(true));
    release();
    await r.waitFor(() => expect(statistic(r, 'ar-open')).toBe('$7,300.00'));

    expect(r.fake.calls[1]!.url).toBe(`${VIEW_URL}?objectType=companies&objectId=1000123&refresh=1`);
    expect(statistic(r, 'ar-overdue')).toBe('$0.00');
    // The button spins until everything Refresh re-reads is back (the view and the recent changes).
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, 'refresh').props.loading).toBe(false));
  });

  it('keeps the figures and raises an alert when a refresh fails', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());

    r.fake.reply({ status: 429, json: { title: 'Too many requests', status: 429, code: 'rate_limited' } });
    r.findByTestId(LoadingButton, 'refresh').trigger('onClick');
    await r.waitFor(() => expect(alertsOf(r)).toHaveLength(1));

    expect(alertsOf(r)[0]).toMatchObject({ type: 'danger', title: 'Refresh failed', message: 'Concord is busy right now. Try again in a few seconds.' });
    expect(statistic(r, 'ar-open')).toBe('$12,500.00');
    expect(r.maybeFind(ErrorState)).toBeNull();
  });

  it('creates a follow-up task through the broker and confirms it', async () => {
    const r = setup();
    r.fake.reply({ status: 200, json: acmeView() });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());

    r.fake.reply({ status: 201, json: { id: 'task-5001' } });
    r.findByTestId(LoadingButton, 'create-task').trigger('onClick');
    await r.waitFor(() => expect(alertsOf(r)).toHaveLength(1));

    const call = r.fake.calls[1]!;
    expect(call.url).toBe('https://concord.example.com/v1/cards/hubspot/tasks');
    expect(call.options).toMatchObject({
      method: 'POST',
      timeout: 10_000,
      body: { objectType: 'companies', objectId: '1000123', subject: 'Follow up with Acme Analytics: overdue receivables', dueDate: '2026-11-29' },
    });
    expect(alertsOf(r)[0]).toEqual({
      type: 'success',
      title: 'Follow-up task created',
      message: '"Follow up with Acme Analytics: overdue receivables" is due Nov 29, 2026.',
    });
    await r.waitFor(() => expect(r.findByTestId(LoadingButton, 'create-task').props.loading).toBe(false));
  });

  it('reports a task the broker refused, with its reason', async () => {
    const r = setup('0-3', 555);
    r.fake.reply({ status: 200, json: acmeView() });
    // On a deal the card also asks for the deal's order; this one was never closed won.
    r.fake.reply({ status: 200, json: { order: null } });
    r.start();
    await r.waitFor(() => expect(r.maybeFind(StatisticsItem, { id: 'ar-open' })).not.toBeNull());
    expect(r.fake.calls[0]!.url).toBe(`${VIEW_URL}?objectType=deals&objectId=555`);
    expect(r.fake.calls[1]!.url).toBe('https://concord.example.com/v1/cards/hubspot/order?objectType=deals&objectId=555');

    r.fake.reply({ status: 422, json: { title: 'Validation failed', status: 422, code: 'validation', detail: 'Task subject is too long for HubSpot.' } });
    r.findByTestId(LoadingButton, 'create-task').trigger('onClick');
    await r.waitFor(() => expect(alertsOf(r)).toHaveLength(1));

    expect(r.fake.calls[2]!.options?.body).toMatchObject({ objectType: 'deals', objectId: '555' });
    expect(alertsOf(r)[0]).toEqual({ type: 'danger', title: 'Task not created', message: 'Task subject is too long for HubSpot.' });
  });

  it('does not call the broker on a record type the card is not configured for', () => {
    const r = setup('0-1', 42);
    r.start();
    expect(r.find(EmptyState).props.title).toBe('Not available on this record type');
    expect(r.fake.calls).toHaveLength(0);
    expect(r.fake.routed).toHaveLength(0);
  });
});
