/** Reference data served from KV (products, price books, currencies), refreshed from the ERP. */
import { Hono } from 'hono';
import { loadReference, refreshReference } from '../../services/reference.js';
import type { AppEnv } from '../context.js';
import { serviceContext } from '../../services/context.js';

export function referenceRoutes() {
  const r = new Hono<AppEnv>();
  r.get('/products', async (c) => {
    const ref = await loadReference(c.env, serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }));
    return c.json({ items: ref.products, currencies: ref.currencies, cachedAt: ref.cachedAt });
  });
  r.post('/refresh', async (c) => {
    const ref = await refreshReference(c.env, serviceContext(c.env, { tenantId: c.get('tenantId'), correlationId: c.get('correlationId'), log: c.get('log') }, { maxWaitMs: 60_000 }));
    return c.json({ products: ref.products.length, currencies: ref.currencies.length, cachedAt: ref.cachedAt });
  });
  return r;
}
