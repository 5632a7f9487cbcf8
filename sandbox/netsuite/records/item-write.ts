/**
 * Writes of the item record types (inventoryItem, nonInventorySaleItem, serviceSaleItem): what a
 * finance user does when a product sold in the CRM has no NetSuite item yet. A create needs the
 * item name (`itemId`, the SKU, unique across items as in NetSuite); prices are the `price`
 * sublist in the shape the record reads back (`{priceLevel:{id}, currency:{id}, price}`), and a
 * PATCH that names `price` replaces the item's price list.
 * https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2024.2/index.html#tag-nonInventorySaleItem
 */
import { z } from 'zod';
import type { NetSuiteDataset, NetSuiteItem } from '../../seed/types.js';
import { NetSuiteError } from '../errors.js';
import { missingValue } from './write.js';

const ref = z.object({ id: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String), refName: z.string().optional() });

export const itemBody = z
  .object({
    itemId: z.string().trim().min(1).max(60),
    displayName: z.string().max(60).optional(),
    isInactive: z.boolean().optional(),
    externalId: z.string().max(255).optional(),
    price: z.object({ items: z.array(z.object({ priceLevel: ref, currency: ref, price: z.number().nonnegative().max(1e9) }).strict()).max(200) }).strict().optional(),
  })
  .strict();

/** Price level names of the sandbox account (1 Base Price, 2 Partner). */
const PRICE_LEVELS: Record<string, string> = { '1': 'Base Price', '2': 'Partner' };

/** Create (existing null) or update an item of `itemtype`. */
export function writeItem(ds: NetSuiteDataset, itemtype: NetSuiteItem['itemtype'], existing: NetSuiteItem | null, b: Partial<z.infer<typeof itemBody>>): NetSuiteItem {
  if (!existing && !b.itemId) throw missingValue('itemId', 'Item Name/Number');
  if (b.itemId && ds.item.some((i) => i !== existing && i.itemid.toLowerCase() === b.itemId!.toLowerCase())) {
    throw new NetSuiteError(400, 'USER_ERROR', `The item name ${b.itemId} is already used by another item.`, 'itemId');
  }
  b.price?.items.forEach((p, i) => {
    if (!PRICE_LEVELS[p.priceLevel.id]) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid priceLevel reference key ${p.priceLevel.id}.`, `price.items[${i}].priceLevel`);
    if (!ds.currency.some((c) => c.id === p.currency.id)) throw new NetSuiteError(400, 'INVALID_KEY_OR_REF', `Invalid currency reference key ${p.currency.id}.`, `price.items[${i}].currency`);
  });
  const item: NetSuiteItem = existing ?? { id: String(ds.item.reduce((m, r) => Math.max(m, Number(r.id) || 0), 100) + 1), itemid: '', displayname: '', itemtype, isinactive: 'F' };
  if (b.itemId !== undefined) item.itemid = b.itemId;
  if (b.displayName !== undefined) item.displayname = b.displayName;
  else if (!existing) item.displayname = item.itemid;
  if (b.isInactive !== undefined) item.isinactive = b.isInactive ? 'T' : 'F';
  if (b.externalId !== undefined) (item as NetSuiteItem & { externalid?: string | null }).externalid = b.externalId;
  if (b.price) {
    ds.pricing = ds.pricing.filter((p) => p.item !== item.id);
    for (const p of b.price.items) ds.pricing.push({ item: item.id, pricelevel: p.priceLevel.id, pricelevelname: PRICE_LEVELS[p.priceLevel.id]!, currency: p.currency.id, unitprice: p.price });
  }
  if (!existing) ds.item.push(item);
  return item;
}
