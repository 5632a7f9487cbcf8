/**
 * The "real world" behind a tenant's estate: one plan per real customer saying who it is and which
 * systems know it. The vendor builders turn plans into each vendor's raw records; the truth list is
 * derived from the same plans.
 */
import { Prng } from './prng.js';
import { INDUSTRIES, NEAR_MISS, PLACES, baseNames, domainFor } from './names.js';
import type { SandboxTenant } from './types.js';

/** Currencies a customer can bill in. */
export type CurrencyCode = 'USD' | 'EUR' | 'GBP' | 'CAD';

/** One real customer and its footprint across the estate. */
export interface CustomerPlan {
  key: string; // 'T0001'
  base: string; // "Acme Analytics"
  domain: string; // registrable domain, e.g. "acmeanalytics.io"
  currency: CurrencyCode;
  place: { city: string; country: string; zip: string };
  industry: string;
  /** Annual contract value in the customer's currency (drives invoices, deals, ARR). */
  arr: number;
  inHubspot: boolean;
  /** Entered twice in HubSpot (a true duplicate). */
  hubspotDuplicate: boolean;
  /** Bought: has a NetSuite customer. */
  inNetsuite: boolean;
  inVitally: boolean;
  inSalesforce: boolean;
  /** Sibling of a near-miss pair ("Acme Analytics" vs "Acme Analysis"). */
  nearMissOf: string | null;
  /** Days before the anchor when the company first appeared in the CRM. */
  ageDays: number;
}

/** Size of each tenant's estate. */
export interface TenantShape {
  customers: number;
  erpOnly: number;
  duplicates: number;
  bought: number;
  vitally: number;
  salesforce: number;
  nearMiss: number;
}

/** Estate sizes: `demo` is the rich tenant, `other` the small isolation tenant. */
export const TENANT_SHAPES: Readonly<Record<SandboxTenant, TenantShape>> = {
  demo: { customers: 560, erpOnly: 15, duplicates: 8, bought: 470, vitally: 450, salesforce: 150, nearMiss: 10 },
  other: { customers: 40, erpOnly: 2, duplicates: 1, bought: 30, vitally: 26, salesforce: 12, nearMiss: 1 },
};

const CURRENCY_WEIGHTS = { USD: 55, EUR: 25, GBP: 15, CAD: 5 } as const;

/**
 * Build the customer plans for a tenant. `shape` overrides the tenant's default size (the
 * freshness benchmark grows `demo` past 1,000 customers; at most 1,440 base names exist).
 */
export function planCustomers(rng: Prng, tenant: SandboxTenant, shape: TenantShape = TENANT_SHAPES[tenant]): CustomerPlan[] {
  const names = baseNames(rng, tenant, shape.customers - shape.nearMiss);
  const nearMissNames: { name: string; of: string }[] = [];
  for (const name of names) {
    if (nearMissNames.length >= shape.nearMiss) break;
    const noun = name.split(' ').pop() ?? '';
    const alt = NEAR_MISS[noun];
    if (alt) nearMissNames.push({ name: name.replace(new RegExp(`${noun}$`), alt), of: name });
  }
  const all = [...names.map((n) => ({ name: n, of: null as string | null })), ...nearMissNames];
  const domains = new Set<string>();
  const plans: CustomerPlan[] = all.map(({ name, of }, i) => {
    const currency = rng.weighted(CURRENCY_WEIGHTS);
    return {
      key: `T${String(i + 1).padStart(4, '0')}`,
      base: name,
      domain: domainFor(rng, name, domains),
      currency,
      place: rng.pick(PLACES[currency]!),
      industry: rng.pick(INDUSTRIES),
      arr: rng.pick([6000, 12000, 18000, 24000, 36000, 48000, 60000, 90000, 120000, 250000]) + rng.int(0, 40) * 250,
      inHubspot: true,
      hubspotDuplicate: false,
      inNetsuite: false,
      inVitally: false,
      inSalesforce: false,
      nearMissOf: of,
      ageDays: rng.int(60, 1500),
    };
  });

  // Near-miss pairs must both be in CRM and ERP, otherwise the trap never springs.
  const pinned = new Set<string>();
  for (const p of plans) if (p.nearMissOf) pinned.add(p.base).add(p.nearMissOf);
  const order = rng.shuffle(plans.filter((p) => !pinned.has(p.base)));
  const erpOnly = order.slice(0, shape.erpOnly);
  for (const p of erpOnly) {
    p.inHubspot = false;
    p.inNetsuite = true;
  }
  const crm = [...plans.filter((p) => pinned.has(p.base)), ...order.slice(shape.erpOnly)];
  crm.slice(0, shape.bought).forEach((p) => (p.inNetsuite = true));
  for (const p of rng.shuffle(crm).slice(0, shape.duplicates)) p.hubspotDuplicate = true;

  const buyers = plans.filter((p) => p.inNetsuite);
  for (const p of rng.shuffle(buyers).slice(0, shape.vitally)) p.inVitally = true;
  for (const p of rng.shuffle(crm).slice(0, shape.salesforce)) p.inSalesforce = true;
  return plans;
}
