/**
 * What Salesforce works out itself when products reach an opportunity, applied while a write is
 * checked (so Collections' all-or-none and the two-phase checks see the same errors):
 * - an OpportunityLineItem names a PricebookEntryId (or, since API 30.0, a Product2Id, from which
 *   the entry of the opportunity's price book and currency is found); the entry must be active, in
 *   the opportunity's currency and price book; the line item takes the entry's product
 *   (Product2Id, ProductCode), its list price and, unless given, its unit price; its Name is the
 *   opportunity's name followed by the product's;
 * - a PricebookEntry takes its product's Name and ProductCode, one entry per price book, product
 *   and currency.
 * Line items without any product reference are still accepted (the sandbox's older, looser
 * model, used by Concord's own line-item writes); a real org refuses them.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitylineitem.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../seed/types.js';
import { SalesforceError } from './errors.js';
import type { SObjectType } from './schema.js';
import { allRecords, findRecord, sameId } from './store.js';

type Scalar = string | number | boolean | null;

function integrity(field: string, why: string): SalesforceError {
  return new SalesforceError(400, 'FIELD_INTEGRITY_EXCEPTION', `field integrity exception: ${field} (${why})`, [field]);
}

function standardBook(ds: SalesforceDataset): SalesforceRecord | undefined {
  return allRecords(ds, 'Pricebook2').find((b) => b.IsStandard === true && b.IsDeleted !== true);
}

/** The price book entry a new line item uses, from its PricebookEntryId or its Product2Id. */
function entryFor(ds: SalesforceDataset, opp: SalesforceRecord, values: Record<string, Scalar>): SalesforceRecord | null {
  const currency = (opp.CurrencyIsoCode as string | null) ?? 'USD';
  const book = (opp.Pricebook2Id as string | null) ?? standardBook(ds)?.Id ?? null;
  if (typeof values.PricebookEntryId === 'string') {
    const entry = findRecord(ds, 'PricebookEntry', values.PricebookEntryId)!;
    if (entry.IsActive !== true) throw integrity('PricebookEntryId', 'pricebook entry is inactive');
    if (entry.CurrencyIsoCode !== currency) throw integrity('PricebookEntryId', 'pricebook entry currency code does not match opportunity currency code');
    if (book && !sameId(entry.Pricebook2Id as string, book)) throw integrity('PricebookEntryId', 'pricebook entry is in a different pricebook than the one assigned to the opportunity');
    if (typeof values.Product2Id === 'string' && !sameId(values.Product2Id, entry.Product2Id as string)) throw integrity('Product2Id', 'product does not match the pricebook entry');
    return entry;
  }
  if (typeof values.Product2Id === 'string') {
    const product = values.Product2Id;
    const entry = allRecords(ds, 'PricebookEntry').find(
      (e) => e.IsDeleted !== true && e.IsActive === true && sameId(e.Product2Id as string, product) && e.CurrencyIsoCode === currency && book !== null && sameId(e.Pricebook2Id as string, book),
    );
    if (!entry) throw integrity('Product2Id', `no active price book entry for this product in the opportunity's price book and currency ${currency}`);
    return entry;
  }
  return null;
}

/** Completes (and checks) a write's values for the product objects; other types pass through. */
export function completeProductWrite(ds: SalesforceDataset, type: SObjectType, values: Record<string, Scalar>, existing?: SalesforceRecord): Record<string, Scalar> {
  if (existing) return values;
  if (type === 'OpportunityLineItem') {
    const opp = typeof values.OpportunityId === 'string' ? findRecord(ds, 'Opportunity', values.OpportunityId) : undefined;
    if (!opp) return values;
    const entry = entryFor(ds, opp, values);
    if (!entry) return values;
    const product = findRecord(ds, 'Product2', entry.Product2Id as string, true);
    const out: Record<string, Scalar> = { ...values, PricebookEntryId: entry.Id, Product2Id: entry.Product2Id as string, ListPrice: entry.UnitPrice as number };
    if (product) {
      out.ProductCode = (product.ProductCode as string | null) ?? null;
      out.Name = `${String(opp.Name ?? '')} ${String(product.Name ?? '')}`.trim();
    }
    if (out.UnitPrice === undefined && out.TotalPrice === undefined) out.UnitPrice = entry.UnitPrice as number;
    return out;
  }
  if (type === 'PricebookEntry') {
    const product = findRecord(ds, 'Product2', String(values.Product2Id ?? ''));
    const currency = (values.CurrencyIsoCode as string | undefined) ?? 'USD';
    const clash = allRecords(ds, 'PricebookEntry').find(
      (e) => e.IsDeleted !== true && sameId(e.Pricebook2Id as string, String(values.Pricebook2Id)) && sameId(e.Product2Id as string, String(values.Product2Id)) && e.CurrencyIsoCode === currency,
    );
    if (clash) throw new SalesforceError(400, 'DUPLICATE_VALUE', `This price definition already exists in this price book: ${clash.Id}`, ['Product2Id']);
    return { ...values, Name: (product?.Name as string | undefined) ?? null, ProductCode: (product?.ProductCode as string | undefined) ?? null };
  }
  return values;
}
