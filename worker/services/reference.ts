/**
 * Low-volatility ERP reference data (currencies, products and their price book entries) cached
 * in KV per tenant (`ref:v1:<tenant>:netsuite`, 6 h), plus a per-isolate copy so the hot path
 * resolves a currency id without any I/O.
 */
import { z } from 'zod';
import { NetSuiteClient } from '../connectors/netsuite/client.js';
import { suiteqlQueries } from '../connectors/netsuite/queries.js';
import { CurrencyRowSchema, ItemRowSchema, PricingRowSchema } from '../connectors/netsuite/schemas.js';
import type { Env } from '../env.js';
import type { CurrencyCode } from '../model/index.js';
import { connectionFor, type ServiceContext } from './context.js';

const TTL_SECONDS = 6 * 3600;
const MEMO_MS = 5 * 60_000;

const ReferenceSchema = z.object({
  cachedAt: z.string(),
  currencies: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })),
  products: z.array(
    z.object({
      id: z.string(),
      sku: z.string(),
      name: z.string(),
      type: z.string(),
      active: z.boolean(),
      prices: z.array(z.object({ priceBook: z.string(), currency: z.string(), unitPrice: z.number() })),
    }),
  ),
});
export type Reference = z.infer<typeof ReferenceSchema>;

const memo = new Map<string, { ref: Reference; until: number }>();
const kvKey = (tenantId: string) => `ref:v1:${tenantId}:netsuite`;

const ITEM_TYPE: Record<string, string> = { InvtPart: 'one_time', NonInvtPart: 'subscription', Service: 'service' };

/** Fetch reference data from NetSuite (SuiteQL, fully paged) and store it in KV. */
export async function refreshReference(env: Env, ctx: ServiceContext): Promise<Reference> {
  const client = new NetSuiteClient(await connectionFor(env, ctx, 'netsuite'), ctx);
  const currencyRows = await client.suiteqlAll(suiteqlQueries.currencies(), CurrencyRowSchema);
  const currencies = currencyRows.map((c) => ({ id: c.id, code: c.symbol.toUpperCase(), name: c.name }));
  const codeOf = new Map(currencies.map((c) => [c.id, c.code]));
  const products: Reference['products'] = [];
  const index = new Map<string, Reference['products'][number]>();
  for await (const page of client.suiteql(suiteqlQueries.items(), ItemRowSchema)) {
    for (const item of page) {
      const product = { id: item.id, sku: item.itemid, name: item.displayname ?? item.itemid, type: ITEM_TYPE[item.itemtype] ?? 'one_time', active: item.isinactive !== 'T', prices: [] };
      products.push(product);
      index.set(product.id, product);
    }
  }
  for await (const page of client.suiteql(suiteqlQueries.pricing(), PricingRowSchema)) {
    for (const p of page) {
      const code = codeOf.get(p.currency);
      if (code) index.get(p.item)?.prices.push({ priceBook: p.pricelevelname ?? p.pricelevel, currency: code, unitPrice: p.unitprice });
    }
  }
  const ref: Reference = { cachedAt: new Date().toISOString(), currencies, products };
  await env.KV.put(kvKey(ctx.tenantId), JSON.stringify(ref), { expirationTtl: TTL_SECONDS });
  memo.set(ctx.tenantId, { ref, until: Date.now() + MEMO_MS });
  return ref;
}

export async function loadReference(env: Env, ctx: ServiceContext): Promise<Reference> {
  const hit = memo.get(ctx.tenantId);
  if (hit && hit.until > Date.now()) return hit.ref;
  const stored = await env.KV.get(kvKey(ctx.tenantId), 'json');
  const parsed = ReferenceSchema.safeParse(stored);
  if (parsed.success) {
    memo.set(ctx.tenantId, { ref: parsed.data, until: Date.now() + MEMO_MS });
    return parsed.data;
  }
  return refreshReference(env, ctx);
}

/** A currency-id resolver for the ERP port; refreshes once if an unknown id shows up. */
export function currencyLookup(env: Env, ctx: ServiceContext): (id: string) => Promise<CurrencyCode | null> {
  let refreshed = false;
  return async (id) => {
    let ref = await loadReference(env, ctx);
    let found = ref.currencies.find((c) => c.id === id);
    if (!found && !refreshed) {
      refreshed = true;
      ref = await refreshReference(env, ctx);
      found = ref.currencies.find((c) => c.id === id);
    }
    return found?.code ?? null;
  };
}

/** Forget the per-isolate copies (tests). */
export function clearReferenceMemo(): void {
  memo.clear();
}
