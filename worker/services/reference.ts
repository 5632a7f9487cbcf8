/**
 * Low-volatility ERP reference data (currencies, products and their price book entries, payment
 * terms) cached
 * in KV per tenant (`ref:v1:<tenant>:netsuite`, 6 h), plus a per-isolate copy so the hot path
 * resolves a currency id without any I/O.
 */
import { z } from 'zod';
import type { Env } from '../env.js';
import type { CurrencyCode } from '../model/index.js';
import { portsFor } from '../ports/registry.js';
import type { ServiceContext } from './context.js';

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
  /** Absent in a cache written before terms were kept: `refreshReference` adds them. */
  terms: z.array(z.object({ id: z.string(), name: z.string(), days: z.number().nullable() })).optional(),
});
export type Reference = z.infer<typeof ReferenceSchema>;

const memo = new Map<string, { ref: Reference; until: number }>();
const kvKey = (tenantId: string) => `ref:v1:${tenantId}:netsuite`;

/** Fetch reference data from the ERP (fully paged) and store it in KV. */
export async function refreshReference(env: Env, ctx: ServiceContext): Promise<Reference> {
  const erp = await portsFor(env, ctx, { flow: 'reference-data', actor: 'concord' }).erp();
  const { currencies, products, terms } = await erp.referenceData!();
  const ref: Reference = { cachedAt: new Date().toISOString(), currencies, products, ...(terms ? { terms } : {}) };
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

/** An ISO-code -> ERP currency id resolver over the cached reference data; refreshes once on a miss. */
export function currencyIdLookup(env: Env, ctx: ServiceContext): (code: string) => Promise<string | null> {
  let refreshed = false;
  return async (code) => {
    let ref = await loadReference(env, ctx);
    let found = ref.currencies.find((c) => c.code === code);
    if (!found && !refreshed) {
      refreshed = true;
      ref = await refreshReference(env, ctx);
      found = ref.currencies.find((c) => c.code === code);
    }
    return found?.id ?? null;
  };
}

/** Forget the per-isolate copies (tests). */
export function clearReferenceMemo(): void {
  memo.clear();
}
