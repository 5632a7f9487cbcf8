/**
 * Fixtures for the closed-won-to-order flow, added after the vendor builders (additive, its own
 * PRNG streams, deterministic for tenant and anchor date):
 * - one product catalogue in HubSpot, Salesforce and NetSuite (catalog.ts);
 * - owners and CSMs (people.ts), addresses and tax ids (enrich.ts);
 * - open demo deals (HubSpot) and opportunities (Salesforce) with line items, ready to be closed
 *   as won: some for companies that already are NetSuite customers, some for companies new to the
 *   ERP, and a few whose data fails validation for exactly one reason (missing tax id where the
 *   country needs one, a SKU with no NetSuite item, a country that does not exist).
 * Their ids are in `TenantDataset.closedWon` (served at `GET /__sandbox/truth/closed-won`), so
 * tests pick them by what they are, never by position.
 */
import { addDays, isoAt, stampAt, Prng } from './prng.js';
import { buildCatalog, hubspotProducts, lineItemProperties, productProperties, salesforceProducts, UNMAPPED_SKU, type CatalogCurrency, type CatalogProduct } from './catalog.js';
import { addFlowProperties, enrichCompanies, TAX_ID_COUNTRIES } from './enrich.js';
import { hubspotOwners, projectTemplates, vitallyAdmins } from './people.js';
import type { CustomerPlan } from './plan.js';
import { CUSTOM_PIPELINE_ID } from './hubspot.js';
import { salesforceId } from './salesforce.js';
import type { ClosedWonCase, ClosedWonFixtures, ClosedWonInvalidCase, HubSpotObject, SalesforceRecord, TenantDataset, TruthCustomer } from './types.js';

/** How many demo deals per tenant: valid ones linked to an ERP customer / new to the ERP. */
const SIZES = { demo: { hsLinked: 6, hsNew: 4, sfLinked: 4, sfNew: 2 }, other: { hsLinked: 2, hsNew: 1, sfLinked: 1, sfNew: 1 } } as const;
/** First ids of the seeded product library and line items (far above the seeded records). */
const PRODUCT_BASE_ID = 6_000_001;
const LINE_ITEM_BASE_ID = 7_000_001;
/** Payment terms of the demo opportunities (the package's `Concord_Payment_Terms__c` values). */
const SF_TERMS = ['Net 30', 'Net 15', 'Net 30', 'Net 60'] as const;
/** A country value no ISO 3166 list knows. */
export const UNKNOWN_COUNTRY = 'Atlantis';

interface Line {
  product: CatalogProduct;
  quantity: number;
}

/** The lines of a demo order: a platform plan sized by ARR plus add-ons and services. */
function orderLines(rng: Prng, catalog: CatalogProduct[], plan: CustomerPlan, unmapped: boolean): Line[] {
  const bySku = new Map(catalog.map((p) => [p.sku, p]));
  const platform = unmapped ? UNMAPPED_SKU : plan.arr >= 90000 ? 'PLAT-ENTERPRISE' : plan.arr >= 24000 ? 'PLAT-GROWTH' : 'PLAT-STARTER';
  const lines: Line[] = [{ product: bySku.get(platform)!, quantity: 1 }];
  lines.push({ product: bySku.get('SEAT-ADDON')!, quantity: rng.int(5, 40) });
  const extra = rng.pick(['API-ADDON', 'SSO-ADDON', 'ANALYTICS-ADDON', plan.arr >= 90000 ? 'ONBOARD-ENT' : 'ONBOARD-STD']);
  if (rng.chance(0.7)) lines.push({ product: bySku.get(extra)!, quantity: 1 });
  return lines.filter((l) => l.product !== undefined);
}

const money = (n: number) => Math.round(n * 100) / 100;
const total = (lines: Line[], ccy: CatalogCurrency) => money(lines.reduce((s, l) => s + l.product.prices[ccy] * l.quantity, 0));

/**
 * Truth customers with one record in `crm` and one (linked) or no (new) NetSuite customer, whose
 * CRM record has its place (a country, as ISO code or English name, and a city): the identity
 * seed leaves some CRM records without one, and a demo deal meant to pass validation must not
 * fail it for that (the invalid fixtures break exactly one rule on purpose).
 */
function candidates(ds: TenantDataset, crm: 'hubspotCompanyIds' | 'salesforceAccountIds', linked: boolean): TruthCustomer[] {
  const active = new Set(ds.netsuite.customer.filter((c) => c.isinactive === 'F').map((c) => c.id));
  const placed = (id: string) => {
    if (crm === 'hubspotCompanyIds') {
      const p = ds.hubspot.companies.find((c) => c.id === id)?.properties;
      return !!p && !!p.country && !!p.city;
    }
    const a = ds.salesforce.Account.find((x) => x.Id === id);
    return !!a && !!a.BillingCountry && !!a.BillingCity;
  };
  return ds.truth.filter(
    (t) =>
      t[crm].length === 1 &&
      placed(t[crm][0]!) &&
      (linked ? t.netsuiteCustomerIds.length === 1 && active.has(t.netsuiteCustomerIds[0]!) : t.netsuiteCustomerIds.length === 0),
  );
}

function hubspotFixtures(ds: TenantDataset, plans: Map<string, CustomerPlan>, catalog: CatalogProduct[], rng: Prng): ClosedWonFixtures {
  const hs = ds.hubspot;
  const size = SIZES[ds.tenant];
  const anchor = ds.anchorDate;
  const companies = new Map(hs.companies.map((c) => [c.id, c]));
  const linked = rng.shuffle(candidates(ds, 'hubspotCompanyIds', true));
  const fresh = rng.shuffle(candidates(ds, 'hubspotCompanyIds', false));
  const needsTax = fresh.find((t) => TAX_ID_COUNTRIES.has(plans.get(t.key)!.place.country));
  const picks: { t: TruthCustomer; problem?: ClosedWonInvalidCase['reason'] }[] = [
    ...linked.slice(0, size.hsLinked).map((t) => ({ t })),
    ...fresh.filter((t) => t !== needsTax).slice(0, size.hsNew).map((t) => ({ t })),
  ];
  const unmappedFor = linked[size.hsLinked];
  if (unmappedFor) picks.push({ t: unmappedFor, problem: 'unmapped_sku' });
  if (needsTax) picks.push({ t: needsTax, problem: 'missing_tax_id' });
  const nowhere = fresh.filter((t) => t !== needsTax)[size.hsNew];
  if (nowhere) picks.push({ t: nowhere, problem: 'unknown_country' });

  // A fold, not Math.max(...ids): a scale-100 estate has more deals than a call takes arguments.
  let dealId = hs.deals.reduce((max, d) => Math.max(max, Number(d.id)), -Infinity) + 1;
  let lineId = LINE_ITEM_BASE_ID;
  const products = new Map((hs.products ?? []).map((p) => [p.properties.hs_sku!, p]));
  const out: ClosedWonFixtures = { valid: [], invalid: [] };
  picks.forEach(({ t, problem }, i) => {
    const plan = plans.get(t.key)!;
    const company = companies.get(t.hubspotCompanyIds[0]!)!;
    if (problem === 'missing_tax_id') company.properties.concord_tax_id = null;
    if (problem === 'unknown_country') company.properties.country = UNKNOWN_COUNTRY;
    const ccy = plan.currency as CatalogCurrency;
    const lines = orderLines(rng, catalog, plan, problem === 'unmapped_sku');
    const start = addDays(anchor, 14 + rng.int(0, 14));
    const id = String(dealId++);
    const created = isoAt(anchor, -rng.int(20, 90), 10);
    const partner = i % 5 === 4; // some in the custom pipeline, whose won stage is numeric
    const amount = total(lines, ccy);
    hs.deals.push(object(id, {
      dealname: `${plan.base} – ${rng.pick(['Platform order', 'New business', 'Expansion'])} (demo)`,
      amount: amount.toFixed(2),
      dealstage: partner ? '1002003' : 'contractsent',
      pipeline: partner ? CUSTOM_PIPELINE_ID : 'default',
      closedate: isoAt(anchor, rng.int(3, 20), 12),
      deal_currency_code: ccy,
      hubspot_owner_id: company.properties.hubspot_owner_id ?? null,
      concord_erp_order_id: null,
      concord_contract_start: start,
      concord_contract_end: addDays(addDays(start, 365), -1),
      concord_payment_terms: rng.pick(['net_15', 'net_30', 'net_30', 'net_60']),
    }, created, stampAt(anchor, anchor, -rng.int(0, 5), 15)));
    hs.associations.dealToCompany.push([id, company.id]);
    lines.forEach((l, position) => {
      const lid = String(lineId++);
      const price = l.product.prices[ccy];
      hs.line_items!.push(object(lid, {
        name: l.product.name,
        hs_product_id: products.get(l.product.sku)?.id ?? null,
        hs_sku: l.product.sku,
        quantity: String(l.quantity),
        price: price.toFixed(2),
        amount: money(price * l.quantity).toFixed(2),
        hs_line_item_currency_code: ccy,
        recurringbillingfrequency: l.product.recurring ? 'annually' : null,
        hs_recurring_billing_period: l.product.recurring ? 'P12M' : null,
        hs_recurring_billing_start_date: l.product.recurring ? start : null,
        hs_position_on_quote: String(position),
      }, created, created));
      hs.associations.lineItemToDeal!.push([lid, id]);
    });
    const entry: ClosedWonCase = { dealId: id, companyId: company.id, netsuiteCustomerId: t.netsuiteCustomerIds[0] ?? null, skus: lines.map((l) => l.product.sku), currency: ccy, amount };
    if (problem) out.invalid.push({ ...entry, reason: problem, field: { missing_tax_id: 'concord_tax_id', unmapped_sku: 'hs_sku', unknown_country: 'country' }[problem] });
    else out.valid.push(entry);
  });
  return out;
}

function object(id: string, props: Record<string, string | null>, createdAt: string, updatedAt: string): HubSpotObject {
  return { id, properties: { ...props, hs_object_id: id, createdate: createdAt, hs_lastmodifieddate: updatedAt }, createdAt, updatedAt, archived: false };
}

function salesforceFixtures(ds: TenantDataset, plans: Map<string, CustomerPlan>, catalog: CatalogProduct[], entries: Map<string, SalesforceRecord>, rng: Prng): ClosedWonFixtures {
  const sf = ds.salesforce;
  const size = SIZES[ds.tenant];
  const anchor = ds.anchorDate;
  const accounts = new Map(sf.Account.map((a) => [a.Id, a]));
  const linked = rng.shuffle(candidates(ds, 'salesforceAccountIds', true));
  const fresh = rng.shuffle(candidates(ds, 'salesforceAccountIds', false));
  const picks: { t: TruthCustomer; problem?: ClosedWonInvalidCase['reason'] }[] = [
    ...linked.slice(0, size.sfLinked).map((t) => ({ t })),
    ...fresh.slice(0, size.sfNew).map((t) => ({ t })),
  ];
  if (linked[size.sfLinked]) picks.push({ t: linked[size.sfLinked]!, problem: 'unmapped_sku' });
  if (fresh[size.sfNew]) picks.push({ t: fresh[size.sfNew]!, problem: 'unknown_country' });
  const standardBook = sf.Pricebook2![0]!.Id;
  sf.OpportunityLineItem ??= [];
  const out: ClosedWonFixtures = { valid: [], invalid: [] };
  picks.forEach(({ t, problem }, i) => {
    const plan = plans.get(t.key)!;
    const account = accounts.get(t.salesforceAccountIds[0]!)!;
    if (problem === 'unknown_country') account.BillingCountry = UNKNOWN_COUNTRY;
    const ccy = plan.currency as CatalogCurrency;
    const lines = orderLines(rng, catalog, plan, problem === 'unmapped_sku');
    const oppId = salesforceId('006', 50_000 + i);
    const name = `${plan.base} - Platform order (demo)`;
    const amount = total(lines, ccy);
    const created = isoAt(anchor, -rng.int(20, 90), 10).replace('Z', '+0000');
    const start = addDays(anchor, 14 + rng.int(0, 14));
    sf.Opportunity.push({
      Id: oppId, AccountId: account.Id, Name: name, Amount: amount, StageName: 'Negotiation/Review', CloseDate: addDays(anchor, rng.int(3, 20)),
      IsClosed: false, IsWon: false, CurrencyIsoCode: ccy, Pricebook2Id: standardBook, OwnerId: account.OwnerId ?? null,
      // The package's input fields (no draws: the fixtures' random streams stay as they were).
      Concord_Contract_Start__c: start, Concord_Contract_End__c: addDays(addDays(start, 365), -1), Concord_Payment_Terms__c: SF_TERMS[i % SF_TERMS.length]!,
      CreatedDate: created, LastModifiedDate: created,
    });
    lines.forEach((l) => {
      const entry = entries.get(`${l.product.sku}|${ccy}`)!;
      sf.OpportunityLineItem!.push({
        Id: salesforceId('00k', sf.OpportunityLineItem!.length + 1), OpportunityId: oppId, PricebookEntryId: entry.Id, Product2Id: entry.Product2Id as string,
        Name: `${name} ${l.product.name}`, ProductCode: l.product.sku, Quantity: l.quantity, UnitPrice: entry.UnitPrice as number,
        TotalPrice: money((entry.UnitPrice as number) * l.quantity), ServiceDate: l.product.recurring ? start : null, Description: null,
        CreatedDate: created, LastModifiedDate: created,
      });
    });
    const entryCase: ClosedWonCase = { dealId: oppId, companyId: account.Id, netsuiteCustomerId: t.netsuiteCustomerIds[0] ?? null, skus: lines.map((l) => l.product.sku), currency: ccy, amount };
    if (problem) out.invalid.push({ ...entryCase, reason: problem, field: problem === 'unmapped_sku' ? 'ProductCode' : 'BillingCountry' });
    else out.valid.push(entryCase);
  });
  return out;
}

/** Adds the closed-won fixtures to a freshly generated tenant (see the module comment). */
export function addClosedWonFixtures(ds: TenantDataset, plans: CustomerPlan[], seed: string): void {
  const planByKey = new Map(plans.map((p) => [p.key, p]));
  const domain = `${ds.vitally.subdomain}.example`;
  ds.vitally.admins = vitallyAdmins(ds.vitally, domain);
  ds.vitally.projectTemplates = projectTemplates(new Prng(`${seed}|closedwon|templates`), ds.anchorDate);
  ds.vitally.tasks ??= [];
  ds.hubspot.owners = hubspotOwners(new Prng(`${seed}|closedwon|owners`), ds.vitally.admins, domain, ds.anchorDate);
  addFlowProperties(ds, ds.hubspot.owners);
  enrichCompanies(ds, plans, new Prng(`${seed}|closedwon|addresses`));

  const catalog = buildCatalog(ds.netsuite);
  ds.hubspot.properties.products ??= productProperties();
  ds.hubspot.properties.line_items ??= lineItemProperties();
  ds.hubspot.products = hubspotProducts(catalog, ds.anchorDate, PRODUCT_BASE_ID);
  ds.hubspot.line_items = [];
  ds.hubspot.associations.lineItemToDeal = [];
  const entries = salesforceProducts(ds.salesforce, catalog, ds.anchorDate);
  ds.closedWon = {
    hubspot: hubspotFixtures(ds, planByKey, catalog, new Prng(`${seed}|closedwon|hubspot`)),
    salesforce: salesforceFixtures(ds, planByKey, catalog, entries, new Prng(`${seed}|closedwon|salesforce`)),
  };
}
