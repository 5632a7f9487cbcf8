/**
 * Every mapper of worker/connectors/netsuite/map.ts fed the saved NetSuite payloads
 * (test/fixtures/netsuite/, NetSuite's documented shapes), after the same boundary schemas the
 * client applies, asserting the canonical values a user would see.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_RECORD,
  PRODUCT_RECORD,
  accountFactsFromRecord,
  contractFromRow,
  currentSubscription,
  customerBody,
  documentFromRecord,
  inputFieldOf,
  invoiceFromRow,
  matchRecordFromRow,
  paymentBody,
  paymentFromRecord,
  productFromRecord,
  salesOrderBody,
} from '../../worker/connectors/netsuite/map.js';
import {
  CollectionPageSchema,
  CurrencyRowSchema,
  CustomerRecordSchema,
  CustomerRowSchema,
  InvoiceRowSchema,
  ItemRecordSchema,
  PaymentRecordSchema,
  SettlementRecordSchema,
  SubscriptionRowSchema,
  SuiteQlPageSchema,
  TransactionRecordSchema,
  describeNetSuiteError,
} from '../../worker/connectors/netsuite/schemas.js';
import type { z } from 'zod';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/netsuite/${name}.json`, import.meta.url), 'utf8'));
/** A SuiteQL fixture's rows, validated like NetSuiteClient.suiteql does. */
const rows = <S extends z.ZodType>(name: string, row: S): z.infer<S>[] => SuiteQlPageSchema.parse(fixture(name)).items.map((i) => row.parse(i) as z.infer<S>);
const codes: Record<string, 'USD' | 'EUR' | 'GBP' | 'CAD'> = { '1': 'USD', '2': 'EUR', '3': 'GBP', '4': 'CAD' };

describe('SuiteQL rows', () => {
  it('invoiceFromRow: open and disputed invoices with ISO dates and balances', () => {
    const [open, disputed] = rows('suiteql.open-invoices', InvoiceRowSchema).map((r) => invoiceFromRow(r, codes[r.currency]!));
    expect(open).toEqual({ id: '88201', number: 'INV-088201', issueDate: '2026-10-01', dueDate: '2026-10-31', total: 24480, balance: 12240, currency: 'USD', status: 'open', disputed: false });
    expect(disputed).toMatchObject({ id: '88377', status: 'disputed', disputed: true, balance: 1980.5, dueDate: '2026-12-01' });
  });

  it('refuses an invoice row whose dates are in an account format instead of ISO', () => {
    const [row] = SuiteQlPageSchema.parse(fixture('suiteql.open-invoices')).items;
    expect(InvoiceRowSchema.safeParse({ ...row, trandate: '10/1/2026' }).success).toBe(false);
  });

  it('currentSubscription + contractFromRow: the active term, its renewal and ARR', () => {
    const subs = rows('suiteql.subscriptions', SubscriptionRowSchema);
    const current = currentSubscription(subs);
    expect(current?.id).toBe('712');
    expect(contractFromRow(current!, 'USD', '2026-11-26')).toEqual({
      id: '712', name: 'Northwind Traders – Concord Growth 2026', status: 'active', startDate: '2026-01-01', endDate: '2026-12-31',
      renewalDate: '2027-01-01', arr: 21600, currency: 'USD', autoRenew: true,
    });
    // Past its end date an "active" subscription reads as expired.
    expect(contractFromRow(current!, 'USD', '2027-01-15').status).toBe('expired');
    expect(contractFromRow(subs[1]!, 'USD', '2026-11-26')).toMatchObject({ status: 'terminated', autoRenew: false, arr: 9600 });
  });

  it('matchRecordFromRow: name, website, tax id and the CRM hint of a previous integration', () => {
    const [full, sparse] = rows('suiteql.customers', CustomerRowSchema).map((row) => matchRecordFromRow(row));
    const billing = { nkey: '5042', addr1: '1 Harbor Way', city: 'Seattle', zip: '98101', country: 'US' };
    expect(matchRecordFromRow(rows('suiteql.customers', CustomerRowSchema)[0]!, billing)).toMatchObject({ country: 'US', city: 'Seattle', address: '1 Harbor Way' });
    expect(full).toEqual({ externalId: '1042', name: 'Northwind Traders, Inc.', domain: 'https://www.northwind.example', taxId: 'US94-1234567', country: null, city: null, address: null, emails: ['ap@northwind.example'], crmHint: 'hs-5123456789' });
    expect(sparse).toEqual({ externalId: '1043', name: 'Acme Analytics GmbH', domain: null, taxId: null, country: null, city: null, address: null, emails: [], crmHint: null });
  });

  it('reference rows parse: currencies and a customer\'s currency', () => {
    expect(rows('suiteql.currencies', CurrencyRowSchema).map((c) => c.symbol)).toEqual(['USD', 'EUR', 'GBP', 'CAD']);
    expect(rows('suiteql.currency-by-symbol', CurrencyRowSchema)[0]).toEqual({ id: '2', name: 'Euro', symbol: 'EUR' });
    expect(rows('suiteql.customer-currency', CustomerRowSchema)[0]!.currency).toBe('1');
  });
});

describe('record/v1 records', () => {
  it('accountFactsFromRecord: legal name, tax id, currency, bill-to and ship-to addresses', () => {
    const rec = CustomerRecordSchema.parse(fixture('customer.get'));
    expect(accountFactsFromRecord(rec, 'USD', 'northwind.example')).toEqual({
      legalName: 'Northwind Traders, Inc.',
      domain: 'northwind.example',
      taxId: 'US94-1234567',
      currency: 'USD',
      billTo: { line1: '500 Howard St', city: 'San Francisco', postalCode: '94105', country: 'US' },
      shipTo: { line1: '500 Howard St', city: 'San Francisco', postalCode: '94105', country: 'US' },
    });
  });

  it('documentFromRecord: invoice and sales order with their item lines', () => {
    const invoice = documentFromRecord('invoice', TransactionRecordSchema.parse(fixture('invoice.get')), 'USD');
    expect(invoice).toMatchObject({ kind: 'invoice', id: '88201', number: 'INV-088201', customerId: '1042', date: '2026-10-01', dueDate: '2026-10-31', total: 24480, balance: 12240, currency: 'USD' });
    expect(invoice.lines).toEqual([
      { itemId: '201', quantity: 12, unitPrice: 1800, amount: 21600, description: 'Concord Growth platform, 12 months' },
      { itemId: '205', quantity: 1, unitPrice: 2880, amount: 2880, description: 'Professional onboarding' },
    ]);
    const order = documentFromRecord('sales_order', TransactionRecordSchema.parse(fixture('salesOrder.get')), 'USD');
    expect(order).toMatchObject({ kind: 'sales_order', externalId: 'concord-so-hs-deal-9001234567', dueDate: null, balance: null, total: 24480 });
    expect(DOCUMENT_RECORD).toEqual({ sales_order: 'salesOrder', invoice: 'invoice' });
  });

  it('paymentFromRecord: amount and what it was applied to', () => {
    expect(paymentFromRecord(PaymentRecordSchema.parse(fixture('customerPayment.get')), 'USD')).toEqual({
      id: '88310', externalId: 'concord-pay-stripe-pi_3Q', number: 'PYMT-088310', customerId: '1042', date: '2026-10-15', amount: 12240, currency: 'USD',
      applied: [{ invoiceId: '88201', amount: 12240 }],
    });
  });

  it('SettlementRecordSchema: a payment read back by the change pipeline carries its version, customer, amount, status and apply list', () => {
    const rec = SettlementRecordSchema.parse(fixture('customerPayment.get'));
    expect({ id: rec.id, number: rec.tranId, customer: rec.customer?.id, currency: rec.currency?.id, amount: rec.payment, status: rec.status?.id, lastModified: rec.lastModifiedDate }).toEqual({
      id: '88310', number: 'PYMT-088310', customer: '1042', currency: '1', amount: 12240, status: 'C', lastModified: '2026-10-15T16:03:11Z',
    });
    expect(rec.apply?.items.map((a) => ({ invoiceId: a.doc.id, amount: a.amount }))).toEqual([{ invoiceId: '88201', amount: 12240 }]);
    expect(SettlementRecordSchema.safeParse({ ...(fixture('customerPayment.get') as object), lastModifiedDate: 'yesterday' }).success).toBe(false);
  });

  it('productFromRecord: base prices per currency for both item kinds', () => {
    const hw = productFromRecord('inventory', ItemRecordSchema.parse(fixture('inventoryItem.get')), (id) => codes[id] ?? null);
    expect(hw).toEqual({ id: '217', sku: 'HW-GATEWAY', name: 'Edge gateway appliance', kind: 'inventory', active: true, prices: [{ currency: 'USD', amount: 1499.99 }, { currency: 'EUR', amount: 1379.99 }, { currency: 'GBP', amount: 1184.99 }] });
    const svc = productFromRecord('non_inventory', ItemRecordSchema.parse(fixture('nonInventorySaleItem.get')), (id) => (id === '1' ? 'USD' : null));
    expect(svc.prices).toEqual([{ currency: 'USD', amount: 2880 }]);
    expect(PRODUCT_RECORD).toEqual({ inventory: 'inventoryItem', non_inventory: 'nonInventorySaleItem' });
  });

  it('a collection page parses to its ids', () => {
    expect(CollectionPageSchema.parse(fixture('customer.list')).items.map((i) => i.id)).toEqual(['1000', '1001']);
  });
});

describe('canonical -> REST bodies (the fields the fixtures show NetSuite reading back)', () => {
  it('customerBody, salesOrderBody, paymentBody', () => {
    expect(customerBody({ externalId: 'c-1', name: 'Northwind Traders, Inc.', email: 'ap@northwind.example', website: 'https://www.northwind.example', taxId: 'US94-1234567', currency: 'USD' }, '1')).toEqual({
      companyName: 'Northwind Traders, Inc.', email: 'ap@northwind.example', url: 'https://www.northwind.example', vatRegNumber: 'US94-1234567', currency: { id: '1' },
    });
    expect(salesOrderBody({ externalId: 'so-1', customerId: '1042', date: '2026-10-01', memo: 'Annual subscription 2026-27', lines: [{ itemId: '201', quantity: 12, unitPrice: 1800 }, { itemId: '205', quantity: 1 }] })).toEqual({
      entity: { id: '1042' }, tranDate: '2026-10-01', memo: 'Annual subscription 2026-27', item: { items: [{ item: { id: '201' }, quantity: 12, rate: 1800 }, { item: { id: '205' }, quantity: 1 }] },
    });
    // Held for billing until go-live: created Pending Approval (orderStatus A).
    expect(salesOrderBody({ externalId: 'so-2', customerId: '1042', lines: [{ itemId: '201', quantity: 1 }], billingHold: true })).toEqual({
      entity: { id: '1042' }, orderStatus: { id: 'A' }, item: { items: [{ item: { id: '201' }, quantity: 1 }] },
    });
    expect(paymentBody({ externalId: 'p-1', customerId: '1042', amount: 12240, date: '2026-10-15', applyTo: [{ invoiceId: '88201', amount: 12240 }] })).toEqual({
      customer: { id: '1042' }, payment: 12240, tranDate: '2026-10-15', apply: { items: [{ doc: { id: '88201' }, apply: true, amount: 12240 }] },
    });
  });
});

describe('error bodies', () => {
  it('describeNetSuiteError keeps the code and the detail of each saved error, and the body field it names', () => {
    expect(describeNetSuiteError(fixture('error.invalid-query')).detail).toMatch(/^INVALID_PARAMETER: Invalid search query\. .*Unknown identifier 'not_existing_field'/);
    // o:errorQueryParam and o:errorUrl name no body field.
    expect(describeNetSuiteError(fixture('error.invalid-query')).path).toBeUndefined();
    expect(describeNetSuiteError(fixture('error.nonexistent-id'))).toEqual({ detail: 'NONEXISTENT_ID: The record instance does not exist. Provide a valid record instance ID.' });
    expect(describeNetSuiteError(fixture('error.invalid-field'))).toMatchObject({ detail: expect.stringMatching(/^INVALID_FIELD: /), path: 'colour' });
    expect(describeNetSuiteError(fixture('error.invalid-login')).detail).toMatch(/^INVALID_LOGIN: Invalid login attempt/);
    expect(describeNetSuiteError(fixture('error.concurrency-limit'))).toEqual({ detail: 'CONCURRENCY_LIMIT_EXCEEDED: Concurrent request limit exceeded. Request blocked.' });
  });
});

describe('the field a NetSuite refusal names, in the port\'s terms', () => {
  it('maps the bodies salesOrderBody and customerBody write back to their input fields', () => {
    expect(inputFieldOf('salesOrder', 'item.items[2].item')).toBe('lines.2.itemId');
    expect(inputFieldOf('salesOrder', 'item.items[0].rate')).toBe('lines.0.unitPrice');
    expect(inputFieldOf('salesOrder', 'item.items')).toBe('lines');
    expect(inputFieldOf('salesOrder', 'entity')).toBe('customerId');
    expect(inputFieldOf('salesOrder', 'currency')).toBe('currency');
    expect(inputFieldOf('customer', 'subsidiary')).toBe('subsidiary');
    expect(inputFieldOf('customer', 'vatRegNumber')).toBe('taxId');
    const billTo = { line1: 'Main St 1', city: 'Berlin', country: 'DE' };
    expect(inputFieldOf('customer', 'addressBook.items[0].addressBookAddress.country', { billTo })).toBe('billTo.country');
    expect(inputFieldOf('customer', 'addressBook.items[1].addressBookAddress.zip', { billTo, shipTo: billTo })).toBe('shipTo.postalCode');
  });

  it('answers null for a path those bodies do not write', () => {
    expect(inputFieldOf('salesOrder', 'colour')).toBeNull();
    expect(inputFieldOf('customer', 'custentity_x')).toBeNull();
  });
});
