/** Canonical model: schemas accept good records and reject bad ones with field paths. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AccountSchema,
  AddressSchema,
  ContractSchema,
  ExternalRefsSchema,
  InvoiceSchema,
  MoneySchema,
  OnboardingMilestoneSchema,
  PaymentSchema,
  SalesOrderSchema,
  SCHEMA_VERSION,
  buildJsonSchemas,
  addDays,
  daysBetween,
  renewalDate,
  roundMoney,
  sumMoney,
  toCents,
} from '../../worker/model/index.js';

/** The paths of the issues zod reports, as `a.b.0.c` strings. */
function issuePaths(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

const address = { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };
const invoice = {
  id: '901', accountId: 'acc_1', number: 'INV-000901', issueDate: '2026-09-01', dueDate: '2026-10-01',
  total: 5000, balance: 4200, currency: 'USD', status: 'overdue', disputed: false,
  refs: [{ system: 'netsuite', externalId: '901' }],
};

describe('canonical model', () => {
  it('carries one version everywhere it is published: schema $ids, the schema index and the documented view', () => {
    const files = buildJsonSchemas();
    for (const [file, schema] of Object.entries(files)) {
      if (file === 'index.json') expect((schema as { schemaVersion: number }).schemaVersion).toBe(SCHEMA_VERSION);
      else expect((schema as { $id: string }).$id).toBe(`urn:concord:schema:v${SCHEMA_VERSION}:${file.replace('.schema.json', '')}`);
    }
    const doc = readFileSync(new URL('../../docs/account-view.md', import.meta.url), 'utf8');
    expect(doc).toContain(`schema version ${SCHEMA_VERSION})`);
    expect(doc).toContain(`"schemaVersion": ${SCHEMA_VERSION},`);
    expect(readFileSync(new URL('../../docs/canonical-model.md', import.meta.url), 'utf8')).toContain(`SCHEMA_VERSION = ${SCHEMA_VERSION}`);
  });

  it('accepts a complete account and reports the path of each bad field', () => {
    const account = {
      id: 'acc_1', name: 'Acme Analytics', legalName: 'Acme Analytics, Inc.', domain: 'acme.io', taxId: 'US12-3456789',
      currency: 'USD', billTo: address, refs: [{ system: 'hubspot', externalId: '1000123' }],
    };
    expect(AccountSchema.parse(account)).toEqual(account);
    expect(issuePaths(AccountSchema, { ...account, currency: 'usd', billTo: { ...address, country: 'USA' } }).sort()).toEqual([
      'billTo.country',
      'currency',
    ]);
    expect(issuePaths(AccountSchema, { ...account, domain: 'https://www.acme.io' })).toEqual(['domain']);
    expect(issuePaths(AccountSchema, { ...account, parentAccountId: 'acc_1' })).toEqual(['parentAccountId']);
  });

  it('rejects unknown fields (strict) so vendor field names cannot leak into the model', () => {
    const result = AddressSchema.safeParse({ ...address, zip: '78701' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('allows one link per system', () => {
    expect(issuePaths(ExternalRefsSchema, [{ system: 'hubspot', externalId: '1' }, { system: 'hubspot', externalId: '2' }])).toEqual([
      '1.system',
    ]);
  });

  it('money has at most 2 decimals and an ISO-4217 currency', () => {
    expect(MoneySchema.safeParse({ amount: 10.25, currency: 'EUR' }).success).toBe(true);
    expect(MoneySchema.safeParse({ amount: 0.1 + 0.2, currency: 'EUR' }).success).toBe(true); // float noise is not a third decimal
    expect(issuePaths(MoneySchema, { amount: 10.255, currency: 'EURO' }).sort()).toEqual(['amount', 'currency']);
    expect(issuePaths(MoneySchema, { amount: Number.NaN, currency: 'EUR' })).toEqual(['amount']);
  });

  it('rounds half away from zero and sums in cents without float drift', () => {
    expect(roundMoney(1.005)).toBe(1.01);
    expect(roundMoney(2.675)).toBe(2.68);
    expect(roundMoney(-1.005)).toBe(-1.01);
    expect(toCents(19.99)).toBe(1999);
    expect(sumMoney([0.1, 0.2])).toBe(0.3);
    expect(sumMoney(Array.from({ length: 1000 }, () => 0.01))).toBe(10);
    expect(() => toCents(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('keeps invoice amounts and status consistent', () => {
    expect(InvoiceSchema.safeParse(invoice).success).toBe(true);
    expect(issuePaths(InvoiceSchema, { ...invoice, balance: 6000 })).toEqual(['balance']);
    expect(issuePaths(InvoiceSchema, { ...invoice, status: 'paid' })).toEqual(['balance']);
    expect(issuePaths(InvoiceSchema, { ...invoice, status: 'disputed' })).toEqual(['disputed']);
    expect(issuePaths(InvoiceSchema, { ...invoice, dueDate: '2026-08-01' })).toEqual(['dueDate']);
    expect(issuePaths(InvoiceSchema, { ...invoice, issueDate: '2026-02-30' })).toEqual(['issueDate']);
    expect(issuePaths(InvoiceSchema, { ...invoice, status: 'late' })).toEqual(['status']);
  });

  it('checks contract dates', () => {
    const contract = {
      id: '77', accountId: 'acc_1', name: 'Enterprise 2026', status: 'active', startDate: '2026-01-15', endDate: '2027-01-14',
      renewalDate: '2027-01-15', arr: 48000, currency: 'USD', autoRenew: true, refs: [],
    };
    expect(ContractSchema.safeParse(contract).success).toBe(true);
    expect(issuePaths(ContractSchema, { ...contract, endDate: '2025-12-31', renewalDate: '2026-01-01' })).toEqual(['endDate']);
    expect(issuePaths(ContractSchema, { ...contract, renewalDate: '2027-01-14' })).toEqual(['renewalDate']);
  });

  it('checks sales-order totals and lines', () => {
    const order = {
      id: 'so1', accountId: 'acc_1', orderDate: '2026-11-26', currency: 'USD', status: 'pending_approval', total: 36000.5,
      lines: [
        { lineNo: 1, productId: 'p1', quantity: 12, unitPrice: 3000, amount: 36000 },
        { lineNo: 2, productId: 'p2', quantity: 1, unitPrice: 0.5, amount: 0.5 },
      ],
      refs: [],
    };
    expect(SalesOrderSchema.safeParse(order).success).toBe(true);
    expect(issuePaths(SalesOrderSchema, { ...order, total: 36000 })).toEqual(['total']);
    const badLine = { ...order, lines: [order.lines[0], { ...order.lines[1], lineNo: 1, amount: 5 }], total: 36005 };
    expect(issuePaths(SalesOrderSchema, badLine).sort()).toEqual(['lines.1.amount', 'lines.1.lineNo']);
    expect(issuePaths(SalesOrderSchema, { ...order, lines: [] }).sort()).toEqual(['lines', 'total']);
  });

  it('rejects payments applied beyond their amount', () => {
    const payment = {
      id: 'pay1', accountId: 'acc_1', amount: 100, currency: 'USD', receivedDate: '2026-11-01', refs: [],
      applications: [{ invoiceId: '901', amount: 60 }, { invoiceId: '902', amount: 40 }],
    };
    expect(PaymentSchema.safeParse(payment).success).toBe(true);
    expect(issuePaths(PaymentSchema, { ...payment, amount: 99.99 })).toEqual(['applications']);
  });

  it('requires completedAt exactly for completed milestones', () => {
    const m = { id: 't1', accountId: 'acc_1', name: 'Kickoff', status: 'completed', dueDate: '2026-02-01', completedAt: '2026-01-30T10:00:00Z' };
    expect(OnboardingMilestoneSchema.safeParse(m).success).toBe(true);
    expect(issuePaths(OnboardingMilestoneSchema, { ...m, completedAt: null })).toEqual(['completedAt']);
    expect(issuePaths(OnboardingMilestoneSchema, { ...m, status: 'in_progress' })).toEqual(['completedAt']);
    expect(issuePaths(OnboardingMilestoneSchema, { ...m, completedAt: '2026-01-30 10:00' })).toEqual(['completedAt']);
  });
});

describe('calendar dates', () => {
  it.each([
    ['2026-10-01', '2026-11-26', 56],
    ['2026-11-26', '2026-10-01', -56],
    ['2026-03-28', '2026-03-30', 2], // across a DST change in many zones
    ['2024-02-28', '2024-03-01', 2], // leap year
    ['2026-11-26T23:59:59Z', '2026-11-27', 1],
  ])('daysBetween(%s, %s) = %i', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });

  it('renews the day after the term ends', () => {
    expect(renewalDate('2027-01-14')).toBe('2027-01-15');
    expect(renewalDate('2026-12-31')).toBe('2027-01-01');
    expect(renewalDate('2028-02-28')).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('throws a RangeError on malformed dates instead of rolling them over', () => {
    expect(() => daysBetween('2026-02-30', '2026-03-01')).toThrow(RangeError);
    expect(() => renewalDate('next year')).toThrow(RangeError);
  });
});
