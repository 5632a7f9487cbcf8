/** Pre-create validation of closed-won deals: each problem named by field, with who fixes it where. */
import { describe, expect, it } from 'vitest';
import { countryCode, problemKey, validateOrder, type OrderRules } from '../../worker/policies/orders/index.js';
import type { CrmOrderSource } from '../../worker/ports/index.js';

const rules: OrderRules = { taxIdCountries: ['DE', 'GB'], termsMap: { 'net 30 days': '2' }, defaultTerms: null, defaultCurrency: null };
const ref = {
  currencies: [{ id: '1', code: 'USD', name: 'US Dollar' }, { id: '2', code: 'EUR', name: 'Euro' }],
  terms: [{ id: '1', name: 'Net 15', days: 15 }, { id: '2', name: 'Net 30', days: 30 }],
  products: [
    { id: '10', sku: 'PLAT-ANNUAL', name: 'Platform', type: 'subscription', active: true, prices: [] },
    { id: '11', sku: 'OLD-ADDON', name: 'Old add-on', type: 'subscription', active: false, prices: [] },
  ],
};

function source(overrides: { company?: Partial<NonNullable<CrmOrderSource['company']>> | null; deal?: Partial<CrmOrderSource['deal']>; lines?: CrmOrderSource['lines'] } = {}): CrmOrderSource {
  return {
    deal: { externalId: '9001', name: 'Acme renewal', amount: 12000, currency: 'EUR', pipeline: 'default', stage: 'closedwon', closeDate: '2026-11-30T10:00:00.000Z', closed: true, won: true, contractStart: '2026-12-01', contractEnd: '2027-11-30', paymentTerms: 'Net 30', ...overrides.deal },
    company:
      overrides.company === null
        ? null
        : { externalId: '501', name: 'Acme GmbH', domain: 'acme.de', taxId: 'DE123456789', parentId: null, billingAddress: { line1: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', region: null, country: 'Germany' }, ...overrides.company },
    owner: { externalId: '77', email: 'ae@example.com', name: 'Ada' },
    lines: overrides.lines ?? [{ externalId: 'l1', sku: 'PLAT-ANNUAL', name: 'Platform', quantity: 1, unitPrice: 12000 }],
  };
}

describe('validateOrder', () => {
  it('resolves country, currency, terms and ERP items of a complete deal', () => {
    const v = validateOrder(source(), ref, rules);
    expect(v).toEqual({ ok: true, order: { country: 'DE', currency: 'EUR', termsId: '2', lines: [{ externalId: 'l1', itemId: '10', sku: 'PLAT-ANNUAL', quantity: 1, unitPrice: 12000, description: 'Platform' }] } });
  });

  it('requires a tax id where the country needs one, and says who fixes it', () => {
    const v = validateOrder(source({ company: { taxId: null } }), ref, rules);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.issues).toEqual([expect.objectContaining({ field: 'company.taxId', code: 'tax_id_required', fixIn: 'crm' })]);
    // A US customer needs none.
    expect(validateOrder(source({ company: { taxId: null, billingAddress: { line1: '1 Main St', city: 'Austin', postalCode: '73301', region: 'TX', country: 'US' } }, deal: { currency: 'USD' } }), ref, rules).ok).toBe(true);
  });

  it('names an unmapped and an inactive SKU as ERP fixes, and a line without SKU as a CRM fix', () => {
    const v = validateOrder(source({ lines: [
      { externalId: 'a', sku: 'NOPE-1', name: 'Mystery', quantity: 1, unitPrice: 10 },
      { externalId: 'b', sku: 'OLD-ADDON', name: 'Old', quantity: 1, unitPrice: 10 },
      { externalId: 'c', sku: null, name: 'Custom', quantity: 2, unitPrice: 10 },
    ] }), ref, rules);
    expect(!v.ok && v.issues.map((i) => [i.field, i.code, i.fixIn])).toEqual([
      ['lines.0.sku', 'unmapped_sku', 'erp'],
      ['lines.1.sku', 'inactive_item', 'erp'],
      ['lines.2.sku', 'required', 'crm'],
    ]);
  });

  it('refuses an unknown country, an unknown currency and unknown payment terms, each with its field', () => {
    const v = validateOrder(source({ company: { billingAddress: { line1: 'x', city: 'y', postalCode: null, region: null, country: 'Atlantis' } }, deal: { currency: 'XYZ', paymentTerms: 'Net 999' } }), ref, rules);
    expect(!v.ok && v.issues.map((i) => i.code).sort()).toEqual(['unknown_country', 'unknown_currency', 'unknown_terms']);
  });

  it('maps terms through the tenant map, then by ERP term name, then the default', () => {
    expect(validateOrder(source({ deal: { paymentTerms: 'NET 30 DAYS' } }), ref, rules)).toMatchObject({ ok: true, order: { termsId: '2' } });
    expect(validateOrder(source({ deal: { paymentTerms: 'net 15' } }), ref, rules)).toMatchObject({ ok: true, order: { termsId: '1' } });
    // HubSpot enumeration values are snake case ("net_30") where the ERP says "Net 30".
    expect(validateOrder(source({ deal: { paymentTerms: 'net_30' } }), ref, rules)).toMatchObject({ ok: true, order: { termsId: '2' } });
    expect(validateOrder(source({ deal: { paymentTerms: 'net-30-days' } }), ref, rules)).toMatchObject({ ok: true, order: { termsId: '2' } });
    expect(validateOrder(source({ deal: { paymentTerms: null } }), ref, { ...rules, defaultTerms: '1' })).toMatchObject({ ok: true, order: { termsId: '1' } });
    expect(validateOrder(source({ deal: { paymentTerms: null } }), ref, rules)).toMatchObject({ ok: false, issues: [{ field: 'deal.paymentTerms', code: 'required' }] });
  });

  it('needs a company and at least one product', () => {
    const v = validateOrder(source({ company: null, lines: [] }), ref, rules);
    expect(!v.ok && v.issues.map((i) => i.code)).toEqual(['no_company', 'no_lines']);
  });
});

describe('countryCode', () => {
  it('reads ISO codes and English names, with common aliases and diacritics', () => {
    expect(['DE', 'de', 'Germany', 'germany ', 'United Kingdom', 'UK', 'USA', 'United States', 'Côte d’Ivoire'].map(countryCode)).toEqual(['DE', 'DE', 'DE', 'DE', 'GB', 'GB', 'US', 'US', 'CI']);
    expect(countryCode('Atlantis')).toBeNull();
    expect(countryCode('XX')).toBeNull();
  });
});

describe('problemKey (the blocked-order re-check compares it)', () => {
  it('is the CRM-side problems by field and code, in any order; ERP-side ones and wording do not count', () => {
    const a = problemKey([
      { field: 'company.taxId', code: 'tax_id_required', fixIn: 'crm' },
      { field: 'company.billTo.country', code: 'unknown_country', fixIn: 'crm' },
      { field: 'lines.0.sku', code: 'unmapped_sku', fixIn: 'erp' },
    ]);
    expect(a).toBe(problemKey([{ field: 'company.billTo.country', code: 'unknown_country', fixIn: 'crm' }, { field: 'company.taxId', code: 'tax_id_required', fixIn: 'crm' }]));
    expect(a).not.toBe(problemKey([{ field: 'company.taxId', code: 'tax_id_required', fixIn: 'crm' }]));
    expect(problemKey([{ field: 'lines.0.sku', code: 'unmapped_sku', fixIn: 'erp' }])).toBe('');
  });
});
