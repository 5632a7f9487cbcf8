/**
 * One product catalogue across the estate, for the closed-won flow: every active NetSuite item is
 * also a HubSpot product (`hs_sku` = NetSuite `itemid`) and a Salesforce Product2 (`ProductCode`
 * = `itemid`) with a standard price book entry per currency, priced from NetSuite's base price in
 * that currency. One CRM-only product (`UNMAPPED_SKU`) has no NetSuite item: the "unmapped SKU"
 * business exception of the demo.
 * HubSpot: https://developers.hubspot.com/docs/api/crm/products, .../crm/line-items
 * Salesforce: https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_product2.htm
 */
import { isoAt } from './prng.js';
import { salesforceId } from './salesforce.js';
import type { HubSpotObject, HubSpotProperty, NetSuiteDataset, SalesforceDataset, SalesforceRecord } from './types.js';

/** A product sold in the CRMs but never set up as a NetSuite item. */
export const UNMAPPED_SKU = 'PLAT-ULTIMATE';

/** ISO code -> NetSuite currency internal id (as seeded in sandbox/seed/netsuite.ts). */
export const CURRENCY_CODES = ['USD', 'EUR', 'GBP', 'CAD'] as const;
export type CatalogCurrency = (typeof CURRENCY_CODES)[number];

/** One sellable product with its price per currency. */
export interface CatalogProduct {
  sku: string;
  name: string;
  family: 'Platform' | 'Add-on' | 'Services' | 'Hardware';
  /** Annual subscription (recurring) or one-time. */
  recurring: boolean;
  prices: Record<CatalogCurrency, number>;
  /** NetSuite item internal id; null for the unmapped product. */
  netsuiteItemId: string | null;
}

function familyOf(sku: string, itemtype: string): CatalogProduct['family'] {
  if (sku.startsWith('PLAT-')) return 'Platform';
  if (itemtype === 'InvtPart') return 'Hardware';
  if (itemtype === 'Service') return 'Services';
  return 'Add-on';
}

/** The catalogue from the NetSuite items (active ones), plus the unmapped product. */
export function buildCatalog(ns: NetSuiteDataset): CatalogProduct[] {
  const code = new Map(ns.currency.map((c) => [c.id, c.symbol]));
  const out: CatalogProduct[] = [];
  for (const item of ns.item) {
    if (item.isinactive === 'T') continue;
    const prices = {} as Record<CatalogCurrency, number>;
    for (const p of ns.pricing) {
      const iso = code.get(p.currency) as CatalogCurrency | undefined;
      if (p.item === item.id && p.pricelevel === '1' && iso) prices[iso] = p.unitprice;
    }
    if (CURRENCY_CODES.some((c) => prices[c] === undefined)) continue;
    const family = familyOf(item.itemid, item.itemtype);
    out.push({ sku: item.itemid, name: item.displayname, family, recurring: item.itemtype === 'NonInvtPart', prices, netsuiteItemId: item.id });
  }
  const growth = out.find((p) => p.sku === 'PLAT-ENTERPRISE')?.prices ?? { USD: 90000, EUR: 82800, GBP: 71100, CAD: 122400 };
  out.push({
    sku: UNMAPPED_SKU,
    name: 'Concord Platform Ultimate (annual)',
    family: 'Platform',
    recurring: true,
    prices: Object.fromEntries(CURRENCY_CODES.map((c) => [c, Math.round(growth[c] * 1.5 * 100) / 100])) as Record<CatalogCurrency, number>,
    netsuiteItemId: null,
  });
  return out;
}

// ------------------------------------------------------------------------------ HubSpot

function prop(name: string, label: string, type: HubSpotProperty['type'], fieldType: string, groupName: string, options?: [string, string][]): HubSpotProperty {
  const p: HubSpotProperty = { name, label, type, fieldType, groupName, hubspotDefined: true };
  if (options) p.options = options.map(([value, optionLabel], i) => ({ label: optionLabel, value, displayOrder: i, hidden: false }));
  return p;
}

const FREQUENCIES: [string, string][] = [
  ['weekly', 'Weekly'], ['biweekly', 'Biweekly'], ['monthly', 'Monthly'], ['quarterly', 'Quarterly'],
  ['per_six_months', 'Every six months'], ['annually', 'Annually'], ['per_two_years', 'Every two years'], ['per_three_years', 'Every three years'],
];
const CURRENCY_OPTIONS: [string, string][] = CURRENCY_CODES.map((c) => [c, c]);

/** HubSpot-defined product properties the emulator knows. */
export function productProperties(): HubSpotProperty[] {
  return [
    prop('name', 'Name', 'string', 'text', 'productinformation'),
    prop('description', 'Description', 'string', 'textarea', 'productinformation'),
    prop('hs_sku', 'SKU', 'string', 'text', 'productinformation'),
    prop('price', 'Unit price', 'number', 'number', 'productinformation'),
    ...CURRENCY_CODES.filter((c) => c !== 'USD').map((c) => prop(`hs_price_${c.toLowerCase()}`, `Unit price (${c})`, 'number', 'number', 'productinformation')),
    prop('hs_cost_of_goods_sold', 'Unit cost', 'number', 'number', 'productinformation'),
    prop('hs_product_type', 'Product type', 'enumeration', 'select', 'productinformation', [['inventory', 'Inventory'], ['non_inventory', 'Non-inventory'], ['service', 'Service']]),
    prop('recurringbillingfrequency', 'Billing frequency', 'enumeration', 'select', 'productinformation', FREQUENCIES),
    prop('hs_recurring_billing_period', 'Term', 'string', 'text', 'productinformation'),
  ];
}

/** HubSpot-defined line item properties; `amount` is calculated (quantity × price − discounts). */
export function lineItemProperties(): HubSpotProperty[] {
  return [
    prop('name', 'Name', 'string', 'text', 'lineiteminformation'),
    prop('description', 'Description', 'string', 'textarea', 'lineiteminformation'),
    prop('hs_product_id', 'Product ID', 'number', 'number', 'lineiteminformation'),
    prop('hs_sku', 'SKU', 'string', 'text', 'lineiteminformation'),
    prop('quantity', 'Quantity', 'number', 'number', 'lineiteminformation'),
    prop('price', 'Unit price', 'number', 'number', 'lineiteminformation'),
    prop('amount', 'Net price', 'number', 'calculation_equation', 'lineiteminformation'),
    prop('discount', 'Unit discount', 'number', 'number', 'lineiteminformation'),
    prop('hs_discount_percentage', 'Discount percentage', 'number', 'number', 'lineiteminformation'),
    prop('hs_line_item_currency_code', 'Currency', 'enumeration', 'select', 'lineiteminformation', CURRENCY_OPTIONS),
    prop('recurringbillingfrequency', 'Billing frequency', 'enumeration', 'select', 'lineiteminformation', FREQUENCIES),
    prop('hs_recurring_billing_period', 'Term', 'string', 'text', 'lineiteminformation'),
    prop('hs_recurring_billing_start_date', 'Billing start date', 'date', 'date', 'lineiteminformation'),
    prop('hs_position_on_quote', 'Position on quote', 'number', 'number', 'lineiteminformation'),
  ];
}

/** The catalogue as HubSpot products (ids from `firstId`), prices in USD plus `hs_price_<ccy>`. */
export function hubspotProducts(catalog: CatalogProduct[], anchor: string, firstId: number): HubSpotObject[] {
  const ts = isoAt(anchor, -900, 10);
  return catalog.map((p, i) => {
    const id = String(firstId + i);
    const properties: Record<string, string | null> = {
      hs_object_id: id,
      createdate: ts,
      hs_lastmodifieddate: ts,
      name: p.name,
      description: `${p.family}: ${p.name}`,
      hs_sku: p.sku,
      price: p.prices.USD.toFixed(2),
      hs_price_eur: p.prices.EUR.toFixed(2),
      hs_price_gbp: p.prices.GBP.toFixed(2),
      hs_price_cad: p.prices.CAD.toFixed(2),
      hs_product_type: p.family === 'Hardware' ? 'inventory' : p.family === 'Services' ? 'service' : 'non_inventory',
      recurringbillingfrequency: p.recurring ? 'annually' : null,
      hs_recurring_billing_period: p.recurring ? 'P12M' : null,
    };
    return { id, properties, createdAt: ts, updatedAt: ts, archived: false };
  });
}

// ------------------------------------------------------------------------------ Salesforce

/** Key prefixes of the product objects (standard Salesforce prefixes). */
export const PRODUCT_PREFIX = { Product2: '01t', Pricebook2: '01s', PricebookEntry: '01u' } as const;

/**
 * Product2, the standard Pricebook2 and one PricebookEntry per product and currency
 * (multi-currency org: an entry per CurrencyIsoCode). Returns the entry lookup for line items.
 */
export function salesforceProducts(sf: SalesforceDataset, catalog: CatalogProduct[], anchor: string): Map<string, SalesforceRecord> {
  const created = isoAt(anchor, -900, 10).replace('Z', '+0000');
  const standard: SalesforceRecord = {
    Id: salesforceId(PRODUCT_PREFIX.Pricebook2, 1), Name: 'Standard Price Book', IsActive: true, IsStandard: true,
    Description: null, CreatedDate: created, LastModifiedDate: created,
  };
  sf.Pricebook2 = [standard];
  sf.Product2 = [];
  sf.PricebookEntry = [];
  const entries = new Map<string, SalesforceRecord>();
  catalog.forEach((p, i) => {
    const product: SalesforceRecord = {
      Id: salesforceId(PRODUCT_PREFIX.Product2, i + 1), Name: p.name, ProductCode: p.sku, Family: p.family, IsActive: true,
      Description: `${p.family}: ${p.name}`, CreatedDate: created, LastModifiedDate: created,
    };
    sf.Product2!.push(product);
    CURRENCY_CODES.forEach((ccy, j) => {
      const entry: SalesforceRecord = {
        Id: salesforceId(PRODUCT_PREFIX.PricebookEntry, i * CURRENCY_CODES.length + j + 1), Pricebook2Id: standard.Id, Product2Id: product.Id,
        UnitPrice: p.prices[ccy], IsActive: true, UseStandardPrice: false, CurrencyIsoCode: ccy, CreatedDate: created, LastModifiedDate: created,
      };
      sf.PricebookEntry!.push(entry);
      entries.set(`${p.sku}|${ccy}`, entry);
    });
  });
  return entries;
}
