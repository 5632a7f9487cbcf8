/**
 * Duplicate checks "counted in the sandbox itself" for the closed-won flow and its bench:
 * `GET /__sandbox/netsuite/:tenant/stats` answers how many customers and sales orders exist, how
 * many were created through the REST API since the seed, sales orders per `externalId` (of those
 * created through the API), and
 * groups of customers that are one company: the same normalised company name or the same
 * registrable web domain (the rules the seed's ground truth is matchable by), listed when a group
 * holds a customer created through the API. Also the account's concurrency limit and the most
 * requests it ever had in flight (as `GET /__sandbox/limits` counts them).
 */
import { Hono } from 'hono';
import { countersFor, limitRuntime } from '../core/limits.js';
import { problem } from '../core/http.js';
import type { SandboxState } from '../core/state.js';
import { isSandboxTenant } from '../core/tokens.js';
import { normalizeCompanyName, registrableDomain } from '../seed/names.js';
import type { NetSuiteCustomer, NetSuiteDataset, SandboxTenant } from '../seed/types.js';

const createdRows = new WeakMap<NetSuiteDataset, WeakSet<object>>();

/** Records that a row was created through the REST API (records/routes.ts calls this). */
export function markCreated(ds: NetSuiteDataset, row: object): void {
  let set = createdRows.get(ds);
  if (!set) createdRows.set(ds, (set = new WeakSet()));
  set.add(row);
}

function wasCreated(ds: NetSuiteDataset, row: object): boolean {
  return createdRows.get(ds)?.has(row) ?? false;
}

/** Groups of customers that share a normalised name or a registrable domain (union-find). */
function companyGroups(customers: readonly NetSuiteCustomer[]): NetSuiteCustomer[][] {
  const parent = customers.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const seen = new Map<string, number>();
  customers.forEach((c, i) => {
    const keys = [`name:${normalizeCompanyName(c.companyname)}`];
    const domain = registrableDomain(c.url);
    if (domain) keys.push(`domain:${domain}`);
    for (const key of keys) {
      const j = seen.get(key);
      if (j === undefined) seen.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, NetSuiteCustomer[]>();
  customers.forEach((c, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), c]));
  return [...groups.values()].filter((g) => g.length > 1);
}

/** The stats of one tenant's NetSuite account. */
export function netsuiteStats(state: SandboxState, tenant: SandboxTenant): Record<string, unknown> {
  const ds = state.dataset(tenant).netsuite;
  const orders = ds.transaction.filter((t) => t.type === 'SalesOrd');
  // Per externalId of the orders created through the API (the seed's older integration left
  // some `hs-deal-…` ids on several orders; those are not the flow's doing).
  const apiKeys = new Set(orders.filter((o) => o.externalid && wasCreated(ds, o)).map((o) => o.externalid!));
  const perExternalId = new Map<string, string[]>();
  for (const o of orders) if (o.externalid && apiKeys.has(o.externalid)) perExternalId.set(o.externalid, [...(perExternalId.get(o.externalid) ?? []), o.id]);
  const repeated = [...perExternalId].filter(([, ids]) => ids.length > 1).map(([externalId, ids]) => ({ externalId, salesOrderIds: ids }));
  const groups = companyGroups(ds.customer)
    .filter((g) => g.some((c) => wasCreated(ds, c)))
    .map((g) => ({ companyNames: g.map((c) => c.companyname), customerIds: g.map((c) => c.id), createdThroughApi: g.filter((c) => wasCreated(ds, c)).map((c) => c.id) }));
  const rt = limitRuntime(state);
  return {
    tenant,
    accountId: ds.accountId,
    concurrency: { limit: rt.netsuiteConcurrency, inFlight: rt.inFlight.get(tenant) ?? 0, maxInFlight: countersFor(state, 'netsuite', tenant).maxInFlight },
    customers: {
      total: ds.customer.length,
      createdThroughApi: ds.customer.filter((c) => wasCreated(ds, c)).length,
      duplicateGroups: groups,
      /** Customers beyond the first in each group above. */
      duplicates: groups.reduce((n, g) => n + g.customerIds.length - 1, 0),
    },
    salesOrders: {
      total: orders.length,
      createdThroughApi: orders.filter((o) => wasCreated(ds, o)).length,
      createdWithoutExternalId: orders.filter((o) => wasCreated(ds, o) && !o.externalid).length,
      maxPerExternalId: Math.max(0, ...[...perExternalId.values()].map((ids) => ids.length)),
      repeatedExternalIds: repeated,
      duplicates: repeated.reduce((n, r) => n + r.salesOrderIds.length - 1, 0),
    },
  };
}

/** `GET /netsuite/:tenant/stats` (mounted at `/__sandbox`). */
export function netsuiteStatsApp(state: SandboxState): Hono {
  const app = new Hono();
  app.get('/netsuite/:tenant/stats', (c) => {
    const tenant = c.req.param('tenant');
    if (!isSandboxTenant(tenant)) return problem(c, 404, 'unknown_tenant', 'Unknown tenant', `tenant must be demo or other, got ${tenant}`);
    return c.json(netsuiteStats(state, tenant));
  });
  return app;
}
