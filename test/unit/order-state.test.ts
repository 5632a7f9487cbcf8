/**
 * What the cards show of a deal's closed-won run (worker/services/order-state.ts), and the ERP
 * order link, built only from NetSuite's own host (worker/connectors/netsuite/descriptor.ts).
 */
import { describe, expect, it } from 'vitest';
import { netsuiteRecordUrl } from '../../worker/connectors/netsuite/descriptor.js';
import { failureText, orderState, stepLabel } from '../../worker/services/order-state.js';
import type { RunFacts } from '../../worker/services/order-state.js';
import { orders } from '../fixtures/concord/index.js';

const run = (over: Partial<RunFacts>): RunFacts & Record<string, unknown> => ({
  id: 'hubspot-24300001-deal-1',
  flow: 'closed-won',
  sourceSystem: 'hubspot',
  sourceRecord: '1',
  status: 'running',
  step: null,
  exceptions: null,
  result: null,
  correlationId: 'c',
  createdAt: '2026-11-26T10:00:00.000Z',
  updatedAt: '2026-11-26T10:00:05.000Z',
  completedAt: null,
  ...over,
});

const systems = { crm: 'hubspot', erp: 'netsuite', cs: 'vitally' };

/** The deal owner a blocked run records with each issue. */
const OWNER = { name: 'Dana Reyes', email: 'dana.reyes@example.com' };

describe('orderState', () => {
  it('queued and running are "creating", with the step in words', () => {
    expect(orderState(run({ status: 'queued' }), systems)).toMatchObject({ state: 'creating', status: 'queued', stepLabel: 'Waiting to start' });
    expect(orderState(run({ step: 'provision-cs' }), systems)).toMatchObject({ state: 'creating', stepLabel: 'Setting up the Vitally account' });
    expect(stepLabel('load', { crm: 'salesforce', erp: 'netsuite', cs: null })).toBe('Reading the Opportunity from Salesforce');
    expect(stepLabel('provision-cs', { crm: 'hubspot', erp: null, cs: null })).toBe('Setting up the customer-success account');
    expect(failureText('create-sales-order', 'Error: timeout', { crm: 'hubspot', erp: null, cs: null })).toBe('The ERP did not answer in time, even after retries.');
  });

  it('completed is "created" with the number and the link it is given', () => {
    const state = orderState(run({ status: 'completed', completedAt: '2026-11-26T10:00:09.000Z', result: { orderId: '9001', orderNumber: 'SO-9001' } }), systems, 'https://x.app.netsuite.com/o');
    expect(state).toEqual({
      runId: 'hubspot-24300001-deal-1',
      startedAt: '2026-11-26T10:00:00.000Z',
      updatedAt: '2026-11-26T10:00:05.000Z',
      state: 'created',
      orderNumber: 'SO-9001',
      orderId: '9001',
      erp: 'netsuite',
      orderUrl: 'https://x.app.netsuite.com/o',
      completedAt: '2026-11-26T10:00:09.000Z',
    });
  });

  it('blocked keeps each well-formed issue with the system to fix it in; malformed ones are dropped', () => {
    const state = orderState(
      run({
        status: 'blocked',
        step: 'resolve-customer',
        exceptions: [
          { field: 'company', code: 'possible_duplicate', message: 'Acme could be any of 2 ERP customers.', fixIn: 'concord', action: 'Link it in the console.', candidates: [] },
          { field: 'deal.currency', code: 'unknown_currency', message: 'The ERP has no currency XTS.', fixIn: 'erp', action: 'Enable XTS.', owner: { name: 'Dana Reyes', email: 'dana@example.com' } },
          { field: 'x', message: 'no code' },
        ],
      }),
      { crm: 'salesforce', erp: null, cs: null },
    );
    expect(state).toMatchObject({ state: 'blocked', stepLabel: 'Finding or creating the ERP customer' });
    expect(state.state === 'blocked' && state.issues).toEqual([
      { field: 'company', code: 'possible_duplicate', message: 'Acme could be any of 2 ERP customers.', fixIn: 'concord', fixInSystem: 'concord', action: 'Link it in the console.', owner: null },
      { field: 'deal.currency', code: 'unknown_currency', message: 'The ERP has no currency XTS.', fixIn: 'erp', fixInSystem: null, action: 'Enable XTS.', owner: { name: 'Dana Reyes', email: 'dana@example.com' } },
    ]);
  });

  it('failed says which system failed and how, from the error kind only', () => {
    expect(failureText('write-back', 'ConcordError: auth_expired', systems)).toBe("HubSpot refused Concord's credentials; an admin needs to reconnect it.");
    expect(failureText('create-sales-order', 'Error: rate_limited', systems)).toBe('NetSuite kept refusing requests over its rate limit.');
    expect(failureText('provision-cs', 'ConcordError: upstream', systems)).toBe('Vitally answered with an error, even after retries.');
    expect(failureText('validate', 'RangeError: Invalid time value at parse (worker.js:1:2)', systems)).toBe('An unexpected error stopped this step; the Concord admin console has the details.');
    const state = orderState(run({ status: 'failed', step: 'create-sales-order', exceptions: [{ code: 'step_failed', step: 'create-sales-order', reason: 'ConcordError: timeout' }] }), systems);
    expect(state).toMatchObject({ state: 'failed', stepLabel: 'Creating the sales order in NetSuite', reason: 'NetSuite did not answer in time, even after retries.' });
  });
});

describe('netsuiteRecordUrl', () => {
  it("links to the account's NetSuite UI from its own SuiteTalk host", () => {
    expect(netsuiteRecordUrl('https://1234567-sb1.suitetalk.api.netsuite.com', 'sales_order', '9001')).toBe(
      'https://1234567-sb1.app.netsuite.com/app/accounting/transactions/salesord.nl?id=9001',
    );
  });

  it('gives no link for any other host, a non-https URL or an id that is not an internal id', () => {
    for (const base of ['http://127.0.0.1:8788/netsuite', 'http://1234567.suitetalk.api.netsuite.com', 'https://1234567.suitetalk.api.netsuite.com.evil.example', 'https://evil.example/1234567.suitetalk.api.netsuite.com', 'https://user:pw@1234567.suitetalk.api.netsuite.com', 'https://1234567.suitetalk.api.netsuite.com:8443', 'not a url']) {
      expect(netsuiteRecordUrl(base, 'sales_order', '9001'), base).toBeNull();
    }
    expect(netsuiteRecordUrl('https://1234567.suitetalk.api.netsuite.com', 'sales_order', '9001&x=1')).toBeNull();
  });
});

describe('the saved order answers the surfaces are tested with', () => {
  const at = (s: number) => `2026-11-26T10:0${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}.000Z`;
  const runs: Record<keyof typeof orders, [RunFacts, string | null]> = {
    creating: [run({ id: 'hubspot-24300001-deal-5000101', status: 'running', step: 'create-sales-order', updatedAt: at(2) }), null],
    created: [
      run({ id: 'hubspot-24300001-deal-5000101', status: 'completed', updatedAt: at(4), completedAt: at(4), result: { customerId: '77', accountId: 'acc_1', orderId: '10482', orderNumber: 'SO-10482', csAccountId: 'cs', customer: 'created' } }),
      netsuiteRecordUrl('https://1234567.suitetalk.api.netsuite.com', 'sales_order', '10482'),
    ],
    blocked: [
      run({
        id: 'hubspot-24300001-deal-5000102',
        status: 'blocked',
        step: 'validate',
        updatedAt: at(1),
        exceptions: [
          { field: 'company.taxId', code: 'tax_id_required', message: 'Customers in DE need a tax id (VAT/GST number) in the ERP.', fixIn: 'crm', action: 'Enter the company tax id (VAT number).', owner: OWNER },
          { field: 'lines.0.sku', code: 'unmapped_sku', message: 'SKU PLAT-ULTIMATE (Platform Ultimate) has no ERP item.', fixIn: 'erp', action: 'Create the item PLAT-ULTIMATE in the ERP (or correct the SKU on the CRM product), then retry.', owner: OWNER },
        ],
      }),
      null,
    ],
    failed: [run({ id: 'hubspot-24300001-deal-5000103', status: 'failed', step: 'create-sales-order', updatedAt: at(190), exceptions: [{ code: 'step_failed', step: 'create-sales-order', reason: 'ConcordError: timeout' }] }), null],
  };
  it.each(Object.keys(orders) as (keyof typeof orders)[])('%s is what the broker answers for such a run', (name) => {
    const [facts, url] = runs[name];
    expect(orders[name]).toEqual({ order: orderState(facts, systems, url) });
  });
});
