/**
 * What HubSpot does itself when line items are written
 * (https://developers.hubspot.com/docs/api/crm/line-items):
 * - a line item created from a product (`hs_product_id`) takes the product's name, SKU, unit
 *   price (in the line item's currency when the product has a price in it: `hs_price_eur`, …),
 *   billing frequency and term unless the request sets them;
 * - `amount` ("Net price") is calculated: quantity × unit price, less the unit discount and the
 *   discount percentage; a request cannot set it;
 * - `hs_product_id` must name a live product.
 */
import type { HubSpotDataset, HubSpotObject } from '../seed/types.js';
import { invalid } from './errors.js';
import type { ObjectType } from './store.js';

/** Properties HubSpot calculates on line items. */
const CALCULATED = new Set(['amount']);
/** Copied from the product on create when the request leaves them out. */
const FROM_PRODUCT = ['name', 'hs_sku', 'description', 'recurringbillingfrequency', 'hs_recurring_billing_period'];

function refusal(name: string, error: string, message: string): Error {
  const summary = JSON.stringify([{ isValid: false, message, error, name }]);
  return invalid(`Property values were not valid: ${summary}`, [{ message, code: error, context: { propertyName: [name] } }]);
}

function liveProduct(ds: HubSpotDataset, id: string): HubSpotObject | undefined {
  return (ds.products ?? []).find((p) => p.id === id && !p.archived);
}

/** Refuses what HubSpot refuses on a line item write (called from checkWrite, before any write). */
export function checkCommerceWrite(ds: HubSpotDataset, type: ObjectType, props: Record<string, string | null>): void {
  if (type !== 'line_items') return;
  for (const name of Object.keys(props)) {
    if (CALCULATED.has(name)) throw refusal(name, 'READ_ONLY_VALUE', `${name} is a calculated property; its value cannot be set.`);
  }
  const productId = props.hs_product_id;
  if (productId && !liveProduct(ds, productId)) throw refusal('hs_product_id', 'INVALID_OBJECT_REFERENCE', `Product ${productId} does not exist or is archived.`);
}

function num(value: string | null | undefined): number {
  const n = Number(value);
  return value === null || value === undefined || value === '' || !Number.isFinite(n) ? 0 : n;
}

/**
 * The values to store for a line item create (`existing` absent) or update: product defaults on
 * create, and the recalculated `amount` whenever quantity, price or a discount is known.
 */
export function completeCommerceWrite(ds: HubSpotDataset, type: ObjectType, props: Record<string, string | null>, existing?: HubSpotObject): Record<string, string | null> {
  if (type !== 'line_items') return props;
  const out = { ...props };
  if (!existing && out.hs_product_id) {
    const product = liveProduct(ds, out.hs_product_id)!;
    for (const name of FROM_PRODUCT) if (out[name] === undefined && product.properties[name] != null) out[name] = product.properties[name]!;
    if (out.price === undefined) {
      const ccy = (out.hs_line_item_currency_code ?? 'USD').toLowerCase();
      const price = ccy === 'usd' ? product.properties.price : product.properties[`hs_price_${ccy}`] ?? product.properties.price;
      if (price != null) out.price = price;
    }
    if (out.quantity === undefined) out.quantity = '1';
  }
  const merged = { ...(existing?.properties ?? {}), ...out };
  if (merged.price != null || merged.quantity != null) {
    const gross = num(merged.quantity) * (num(merged.price) - num(merged.discount));
    const net = gross * (1 - num(merged.hs_discount_percentage) / 100);
    out.amount = (Math.round(net * 100) / 100).toFixed(2);
  }
  return out;
}
