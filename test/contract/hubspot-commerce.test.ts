/**
 * What the closed-won flow reads from HubSpot, through the official `@hubspot/api-client`:
 * products (https://developers.hubspot.com/docs/api/crm/products), line items and their
 * association to deals (https://developers.hubspot.com/docs/api/crm/line-items; default
 * association type ids 19 deal->line item, 20 line item->deal:
 * https://developers.hubspot.com/docs/api/crm/associations/v4#association-type-id-values),
 * owners (https://developers.hubspot.com/docs/api/crm/owners), the deal's currency, contract
 * dates and payment terms, the company's address and tax id — all checked against the seed and
 * the closed-won fixtures served at `/__sandbox/truth/closed-won`.
 */
import { Client } from '@hubspot/api-client';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { generateTenant } from '../../sandbox/seed/generate.js';
import type { ClosedWonTruth, TenantDataset } from '../../sandbox/seed/types.js';
import { countryCode } from '../../worker/policies/orders/countries.js';
import { parseTaxId } from '../../worker/policies/identity/tax-id.js';

const sandboxUrl = inject('sandboxUrl');
let demo: Client;
let seed: TenantDataset;
let truth: ClosedWonTruth;

async function token(tenant: 'demo' | 'other'): Promise<string> {
  const res = await fetch(`${sandboxUrl}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'hubspot', tenant, lifetime: 'static' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** The error the client throws for a non-2xx answer. */
async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: number; body?: unknown };
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : (e.body as Record<string, unknown>);
    return { code: e.code ?? 0, body };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  const { anchorDate } = (await (await fetch(`${sandboxUrl}/__sandbox/health`)).json()) as { anchorDate: string };
  seed = generateTenant('demo', anchorDate);
  demo = new Client({ accessToken: await token('demo'), basePath: `${sandboxUrl}/hubspot` });
  const res = await fetch(`${sandboxUrl}/__sandbox/truth/closed-won?tenant=demo`);
  expect(res.status).toBe(200);
  truth = (await res.json()) as ClosedWonTruth;
});

describe('HubSpot products, line items and owners for the closed-won flow', () => {
  it('pages the product library; each product carries name, SKU, price and billing term', async () => {
    const all = await demo.crm.products.getAll(50, undefined, ['name', 'hs_sku', 'price', 'hs_recurring_billing_period', 'recurringbillingfrequency', 'hs_price_eur']);
    expect(all.length).toBe(seed.hubspot.products!.length);
    expect(new Set(all.map((p) => p.properties.hs_sku)).size).toBe(all.length);
    const growth = all.find((p) => p.properties.hs_sku === 'PLAT-GROWTH')!;
    expect(growth.properties).toMatchObject({ name: 'Concord Platform Growth (annual)', hs_recurring_billing_period: 'P12M', recurringbillingfrequency: 'annually' });
    expect(Number(growth.properties.price)).toBeGreaterThan(0);
    expect(Number(growth.properties.hs_price_eur)).toBeGreaterThan(0);
    const onboarding = all.find((p) => p.properties.hs_sku === 'ONBOARD-STD')!;
    expect(onboarding.properties.hs_recurring_billing_period).toBeNull();
    const read = await demo.crm.products.batchApi.read({ inputs: [{ id: growth.id }, { id: onboarding.id }], properties: ['hs_sku'], propertiesWithHistory: [] });
    expect(read.results.map((p) => p.properties.hs_sku).sort()).toEqual(['ONBOARD-STD', 'PLAT-GROWTH']);
  });

  it("reads a demo deal's line items through the v4 associations, one by one and in batch", async () => {
    const c = truth.hubspot.valid[0]!;
    const deal = await demo.crm.deals.basicApi.getById(c.dealId, ['dealname', 'amount', 'dealstage', 'deal_currency_code', 'closedate', 'hubspot_owner_id', 'concord_contract_start', 'concord_contract_end', 'concord_payment_terms'], undefined, ['line_items', 'companies']);
    expect(deal.properties.deal_currency_code).toBe(c.currency);
    expect(Number(deal.properties.amount)).toBeCloseTo(c.amount, 2);
    expect(deal.properties.concord_contract_start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(deal.properties.concord_contract_end! > deal.properties.concord_contract_start!).toBe(true);
    expect(['net_15', 'net_30', 'net_60']).toContain(deal.properties.concord_payment_terms);
    expect(deal.associations?.companies?.results.map((r) => r.id)).toEqual([c.companyId]);
    const viaGet = deal.associations?.line_items?.results ?? [];
    expect(viaGet.every((r) => r.type === 'deal_to_line_item')).toBe(true);

    const page = await demo.crm.associations.v4.basicApi.getPage('deals', c.dealId, 'line_items');
    expect(page.results.map((r) => String(r.toObjectId)).sort()).toEqual(viaGet.map((r) => r.id).sort());
    expect(page.results[0]!.associationTypes[0]).toMatchObject({ category: 'HUBSPOT_DEFINED', typeId: 19 });

    const other = truth.hubspot.valid[1]!;
    const batch = await demo.crm.associations.v4.batchApi.getPage('deals', 'line_items', { inputs: [{ id: c.dealId }, { id: other.dealId }] });
    const byDeal = new Map(batch.results.map((r) => [r._from.id, r.to.map((t) => String(t.toObjectId))]));
    expect(byDeal.get(c.dealId)!.sort()).toEqual(viaGet.map((r) => r.id).sort());

    const items = await demo.crm.lineItems.batchApi.read({ inputs: byDeal.get(c.dealId)!.map((id) => ({ id })), properties: ['hs_product_id', 'hs_sku', 'quantity', 'price', 'amount', 'name', 'hs_line_item_currency_code'], propertiesWithHistory: [] });
    expect(items.results.map((l) => l.properties.hs_sku).sort()).toEqual([...c.skus].sort());
    for (const l of items.results) {
      expect(l.properties.hs_line_item_currency_code).toBe(c.currency);
      expect(Number(l.properties.amount)).toBeCloseTo(Number(l.properties.quantity) * Number(l.properties.price), 2);
      const product = await demo.crm.products.basicApi.getById(l.properties.hs_product_id!, ['hs_sku']);
      expect(product.properties.hs_sku).toBe(l.properties.hs_sku);
    }
    const sum = items.results.reduce((s, l) => s + Number(l.properties.amount), 0);
    expect(sum).toBeCloseTo(Number(deal.properties.amount), 2);
    const back = await demo.crm.associations.v4.basicApi.getPage('line_items', items.results[0]!.id, 'deals');
    expect(back.results.map((r) => [String(r.toObjectId), r.associationTypes[0]!.typeId])).toEqual([[c.dealId, 20]]);
  });

  it('a line item created from a product takes its name, SKU and price in the currency; amount is calculated', async () => {
    const products = await demo.crm.products.getAll(50, undefined, ['hs_sku', 'price', 'hs_price_eur', 'name']);
    const seat = products.find((p) => p.properties.hs_sku === 'SEAT-ADDON')!;
    // Not a fixture deal: its line items must stay as seeded for the other tests.
    const deal = { dealId: seed.hubspot.deals[0]!.id };
    const created = await demo.crm.lineItems.basicApi.create({
      properties: { hs_product_id: seat.id, quantity: '3', hs_line_item_currency_code: 'EUR' },
      associations: [{ to: { id: deal.dealId }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 20 }] }],
    });
    const read = await demo.crm.lineItems.basicApi.getById(created.id, ['name', 'hs_sku', 'price', 'amount', 'quantity']);
    expect(read.properties).toMatchObject({ name: seat.properties.name, hs_sku: 'SEAT-ADDON', price: seat.properties.hs_price_eur, quantity: '3' });
    expect(Number(read.properties.amount)).toBeCloseTo(3 * Number(seat.properties.hs_price_eur), 2);
    await demo.crm.lineItems.basicApi.update(created.id, { properties: { quantity: '4', hs_discount_percentage: '10' } });
    // An update answers the properties it set; the calculated amount is read back.
    const updated = await demo.crm.lineItems.basicApi.getById(created.id, ['amount']);
    expect(Number(updated.properties.amount)).toBeCloseTo(4 * Number(seat.properties.hs_price_eur) * 0.9, 2);
    const onDeal = await demo.crm.associations.v4.basicApi.getPage('deals', deal.dealId, 'line_items');
    expect(onDeal.results.map((r) => String(r.toObjectId))).toContain(created.id);

    const calculated = await failure(demo.crm.lineItems.basicApi.create({ properties: { hs_product_id: seat.id, amount: '1' }, associations: [] }));
    expect(calculated.code).toBe(400);
    expect(calculated.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(String(calculated.body.message)).toContain('amount');
    const ghost = await failure(demo.crm.lineItems.basicApi.create({ properties: { hs_product_id: '424242', quantity: '1' }, associations: [] }));
    expect(ghost.code).toBe(400);
    expect(String(ghost.body.message)).toContain('hs_product_id');
  });

  it('lists owners with paging and e-mail filter, gets one by id or user id; deals and companies name them', async () => {
    const first = await demo.crm.owners.ownersApi.getPage(undefined, undefined, 4);
    expect(first.results).toHaveLength(4);
    expect(first.paging?.next?.after).toBeTruthy();
    const rest = await demo.crm.owners.ownersApi.getPage(undefined, first.paging!.next!.after, 100);
    const all = [...first.results, ...rest.results];
    expect(all.length).toBe(seed.hubspot.owners!.length);
    expect(new Set(all.map((o) => o.id)).size).toBe(all.length);
    const one = all[2]!;
    expect(one).toMatchObject({ type: 'PERSON', archived: false });
    expect(one.email).toMatch(/@/);
    const byEmail = await demo.crm.owners.ownersApi.getPage(one.email!.toUpperCase());
    expect(byEmail.results.map((o) => o.id)).toEqual([one.id]);
    expect((await demo.crm.owners.ownersApi.getById(Number(one.id))).email).toBe(one.email);
    expect((await demo.crm.owners.ownersApi.getById(one.userId!, 'userId')).id).toBe(one.id);
    expect((await failure(demo.crm.owners.ownersApi.getById(1))).code).toBe(404);

    const c = truth.hubspot.valid[0]!;
    const deal = await demo.crm.deals.basicApi.getById(c.dealId, ['hubspot_owner_id']);
    const company = await demo.crm.companies.basicApi.getById(c.companyId, ['hubspot_owner_id']);
    expect(all.map((o) => o.id)).toContain(deal.properties.hubspot_owner_id);
    expect(deal.properties.hubspot_owner_id).toBe(company.properties.hubspot_owner_id);
  });

  it('companies carry address, postal code and a tax id where the country needs one; the invalid fixtures differ by exactly that', async () => {
    const props = ['name', 'address', 'city', 'zip', 'state', 'country', 'concord_tax_id'];
    for (const c of truth.hubspot.valid) {
      const company = await demo.crm.companies.basicApi.getById(c.companyId, props);
      expect(company.properties.address).toBeTruthy();
      expect(company.properties.zip).toBeTruthy();
      // HubSpot's country is free text: an ISO code or a name, as the flow's validation reads it.
      const iso = countryCode(company.properties.country ?? '');
      expect(iso).toMatch(/^[A-Z]{2}$/);
      // Tax ids are spelled as people type them (with or without the country prefix, punctuation); the identity policy reads them.
      if (['DE', 'FR', 'NL', 'ES', 'GB'].includes(iso!)) expect(parseTaxId(company.properties.concord_tax_id, iso)).not.toBeNull();
    }
    const reasons = truth.hubspot.invalid.map((i) => i.reason).sort();
    expect(reasons).toEqual(['missing_tax_id', 'unknown_country', 'unmapped_sku']);
    const noTax = truth.hubspot.invalid.find((i) => i.reason === 'missing_tax_id')!;
    const noTaxCompany = await demo.crm.companies.basicApi.getById(noTax.companyId, props);
    expect(['DE', 'FR', 'NL', 'ES', 'GB']).toContain(countryCode(noTaxCompany.properties.country ?? ''));
    expect(noTaxCompany.properties.concord_tax_id ?? null).toBeNull();
    const nowhere = truth.hubspot.invalid.find((i) => i.reason === 'unknown_country')!;
    expect(countryCode((await demo.crm.companies.basicApi.getById(nowhere.companyId, ['country'])).properties.country ?? '')).toBeNull();
    const unmapped = truth.hubspot.invalid.find((i) => i.reason === 'unmapped_sku')!;
    expect(unmapped.skus).toContain('PLAT-ULTIMATE');
    expect(unmapped.netsuiteCustomerId).not.toBeNull();
    // Both kinds of valid deal exist: for a NetSuite customer, and for a company new to the ERP.
    expect(truth.hubspot.valid.some((c) => c.netsuiteCustomerId === null)).toBe(true);
    expect(truth.hubspot.valid.some((c) => c.netsuiteCustomerId !== null)).toBe(true);
    // All still open: the demo closes them.
    for (const c of [...truth.hubspot.valid, ...truth.hubspot.invalid]) {
      const d = await demo.crm.deals.basicApi.getById(c.dealId, ['dealstage']);
      expect(['contractsent', '1002003']).toContain(d.properties.dealstage);
    }
  });
});
