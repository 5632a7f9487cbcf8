/**
 * The closed-won fixtures of the seed (sandbox/seed/closed-won.ts): one SKU catalogue across the
 * three systems, demo deals whose line items add up, valid deals that pass every check the flow
 * makes, and invalid ones that fail exactly one — in both tenants, the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { countryCode } from '../../worker/policies/orders/countries.js';
import { UNMAPPED_SKU } from '../../sandbox/seed/catalog.js';
import { TAX_ID_COUNTRIES } from '../../sandbox/seed/enrich.js';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { ClosedWonCase, TenantDataset } from '../../sandbox/seed/types.js';

const ANCHOR = '2026-11-26';
const tenants: Record<'demo' | 'other', TenantDataset> = { demo: generateTenant('demo', ANCHOR), other: generateTenant('other', ANCHOR) };
/** A country the flow's validation knows: an ISO code or an English name, as sales types it. */
const isCountry = (c: string | null | undefined) => !!c && countryCode(c) !== null;

/** The NetSuite base price of a SKU in an ISO currency. */
function basePrice(ds: TenantDataset, sku: string, iso: string): number | undefined {
  const item = ds.netsuite.item.find((i) => i.itemid === sku && i.isinactive === 'F');
  const currency = ds.netsuite.currency.find((c) => c.symbol === iso);
  return ds.netsuite.pricing.find((p) => p.item === item?.id && p.currency === currency?.id && p.pricelevel === '1')?.unitprice;
}

/** What the flow's validation looks at for a HubSpot fixture, as problems found. */
function hubspotProblems(ds: TenantDataset, c: ClosedWonCase): string[] {
  const company = ds.hubspot.companies.find((x) => x.id === c.companyId)!.properties;
  const problems: string[] = [];
  if (!isCountry(company.country)) problems.push('unknown_country');
  else if (TAX_ID_COUNTRIES.has(countryCode(company.country!)!) && !company.concord_tax_id) problems.push('missing_tax_id');
  if (c.skus.some((sku) => basePrice(ds, sku, c.currency) === undefined)) problems.push('unmapped_sku');
  if (!company.name || !company.address || !company.zip || !company.city) problems.push('incomplete_address');
  return problems;
}

describe.each(['demo', 'other'] as const)('closed-won fixtures of %s', (tenant) => {
  const ds = tenants[tenant];
  const fixtures = ds.closedWon!;

  it('has one catalogue: every CRM SKU but the unmapped one is an active NetSuite item, priced from NetSuite in each currency', () => {
    const hsSkus = ds.hubspot.products!.map((p) => p.properties.hs_sku!);
    const sfSkus = ds.salesforce.Product2!.map((p) => p.ProductCode as string);
    expect(new Set(hsSkus)).toEqual(new Set(sfSkus));
    expect(hsSkus).toContain(UNMAPPED_SKU);
    for (const sku of hsSkus.filter((s) => s !== UNMAPPED_SKU)) {
      const product = ds.hubspot.products!.find((p) => p.properties.hs_sku === sku)!;
      expect(Number(product.properties.price)).toBe(basePrice(ds, sku, 'USD'));
      expect(Number(product.properties.hs_price_eur)).toBe(basePrice(ds, sku, 'EUR'));
    }
    expect(basePrice(ds, UNMAPPED_SKU, 'USD')).toBeUndefined();
    expect(ds.salesforce.PricebookEntry!.length).toBe(ds.salesforce.Product2!.length * 4);
  });

  it('HubSpot demo deals are open, their line items add up to the amount in the deal currency at NetSuite prices', () => {
    const all = [...fixtures.hubspot.valid, ...fixtures.hubspot.invalid];
    expect(fixtures.hubspot.valid.length).toBeGreaterThanOrEqual(3);
    for (const c of all) {
      const deal = ds.hubspot.deals.find((d) => d.id === c.dealId)!;
      expect(['contractsent', '1002003']).toContain(deal.properties.dealstage);
      expect(deal.properties.deal_currency_code).toBe(c.currency);
      expect(ds.hubspot.associations.dealToCompany).toContainEqual([c.dealId, c.companyId]);
      const lineIds = ds.hubspot.associations.lineItemToDeal!.filter(([, d]) => d === c.dealId).map(([l]) => l);
      const lines = ds.hubspot.line_items!.filter((l) => lineIds.includes(l.id));
      expect(lines.map((l) => l.properties.hs_sku).sort()).toEqual([...c.skus].sort());
      expect(lines.reduce((s, l) => s + Number(l.properties.amount), 0)).toBeCloseTo(Number(deal.properties.amount), 2);
      for (const l of lines) {
        expect(l.properties.hs_line_item_currency_code).toBe(c.currency);
        const ns = basePrice(ds, l.properties.hs_sku!, c.currency);
        if (ns !== undefined) expect(Number(l.properties.price)).toBe(ns);
      }
      if (c.netsuiteCustomerId) expect(ds.netsuite.customer.find((x) => x.id === c.netsuiteCustomerId)!.currency).toBe(ds.netsuite.currency.find((x) => x.symbol === c.currency)!.id);
    }
  });

  it('valid deals pass every check; each invalid one fails exactly its own', () => {
    for (const c of fixtures.hubspot.valid) expect(hubspotProblems(ds, c), c.dealId).toEqual([]);
    expect(fixtures.hubspot.invalid.map((c) => [c.reason, hubspotProblems(ds, c)])).toEqual(fixtures.hubspot.invalid.map((c) => [c.reason, [c.reason]]));
    expect(new Set(fixtures.hubspot.invalid.map((c) => c.reason))).toEqual(new Set(['missing_tax_id', 'unmapped_sku', 'unknown_country']));
    expect(fixtures.hubspot.valid.some((c) => c.netsuiteCustomerId === null) && fixtures.hubspot.valid.some((c) => c.netsuiteCustomerId !== null)).toBe(true);
  });

  it('Salesforce opportunities: open, in their currency, each line on an active entry of the standard price book', () => {
    for (const c of [...fixtures.salesforce.valid, ...fixtures.salesforce.invalid]) {
      const opp = ds.salesforce.Opportunity.find((o) => o.Id === c.dealId)!;
      expect(opp).toMatchObject({ IsWon: false, IsClosed: false, CurrencyIsoCode: c.currency, AccountId: c.companyId });
      const lines = ds.salesforce.OpportunityLineItem!.filter((l) => l.OpportunityId === c.dealId);
      expect(lines.map((l) => l.ProductCode).sort()).toEqual([...c.skus].sort());
      for (const l of lines) {
        const entry = ds.salesforce.PricebookEntry!.find((e) => e.Id === l.PricebookEntryId)!;
        expect(entry).toMatchObject({ CurrencyIsoCode: c.currency, IsActive: true, Product2Id: l.Product2Id, UnitPrice: l.UnitPrice });
      }
      const account = ds.salesforce.Account.find((a) => a.Id === c.companyId)!;
      const reason = 'reason' in c ? c.reason : null;
      expect(isCountry(account.BillingCountry as string)).toBe(reason !== 'unknown_country');
      expect(c.skus.includes(UNMAPPED_SKU)).toBe(reason === 'unmapped_sku');
    }
  });

  it('every owner id on companies and deals is an owner; CSM owners are Vitally admins with the same e-mail', () => {
    const ownerIds = new Set(ds.hubspot.owners!.map((o) => o.id));
    for (const o of [...ds.hubspot.companies, ...ds.hubspot.deals]) if (o.properties.hubspot_owner_id) expect(ownerIds.has(o.properties.hubspot_owner_id)).toBe(true);
    const csmEmails = ds.hubspot.owners!.filter((o) => o.teams.some((t) => t.name === 'Customer Success')).map((o) => o.email).sort();
    expect(csmEmails).toEqual(ds.vitally.admins!.map((a) => a.email).sort());
    expect(new Set(ds.vitally.accounts.map((a) => a.accountOwnerId).filter(Boolean))).toEqual(new Set(ds.vitally.admins!.map((a) => a.id)));
  });
});
