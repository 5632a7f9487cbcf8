/**
 * The "real world" behind a tenant's estate: one plan per real customer (a legal entity) saying
 * who it is and which systems know it. The vendor builders turn plans into each vendor's raw
 * records; the truth list is derived from the same plans.
 *
 * Besides the everyday mess, the plans hold the hard identity cases at every scale: one brand
 * registered as separate legal entities in several countries (own domain, tax id and ERP
 * customer each), sister entities sharing a parent's website with their own tax id, CRM names
 * with typos, CRM companies missing their place, and near-miss names of distinct customers.
 */
import { CC_TLD, SHORT_FORM, taxIdFor, type SeedCountry } from './legal.js';
import { CITIES, COUNTRIES_BY_CURRENCY, CURRENCY_OF, INDUSTRIES, NEAR_MISS, baseNames, domainFor, streetAddress, type Place } from './names.js';
import type { Prng } from './prng.js';
import type { SandboxTenant } from './types.js';

/** Currencies a customer can bill in. */
export type CurrencyCode = 'USD' | 'EUR' | 'GBP' | 'CAD';

/** Hard identity cases a plan carries (also listed in the truth as `traits`). */
export type HardCase = 'brand_family' | 'sister_entity' | 'crm_typo' | 'crm_missing_place' | 'near_miss';

/** One real customer (a legal entity) and its footprint across the estate. */
export interface CustomerPlan {
  key: string; // 'T0001'
  base: string; // "Acme Analytics"
  domain: string; // registrable domain, e.g. "acmeanalytics.io"
  currency: CurrencyCode;
  place: Place & { street: string };
  /** Tax id in its canonical form (DE123456789, 12-3456789), or null when the ERP holds none. */
  taxId: string | null;
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
  /** Brand shared with entities in other countries (e.g. "Lumen Payments" in DE, GB, FR). */
  family: string | null;
  /** Key of the entity whose website this sister entity shares (different tax id). */
  sisterOf: string | null;
  /** The CRM company's name has a typo. */
  crmTypo: boolean;
  /** The CRM company has no city, country or domain. */
  crmMissingPlace: boolean;
  /** Days before the anchor when the company first appeared in the CRM. */
  ageDays: number;
  traits: HardCase[];
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
  /** Brands registered in two or three countries. */
  families: number;
  /** ERP-only sister entities sharing another customer's website. */
  sisters: number;
  /** CRM companies whose name has a typo. */
  typos: number;
  /** CRM companies without city, country and domain. */
  missingPlace: number;
}

/** Estate sizes at scale 1: `demo` is the rich tenant, `other` the small isolation tenant. */
export const TENANT_SHAPES: Readonly<Record<SandboxTenant, TenantShape>> = {
  demo: { customers: 560, erpOnly: 15, duplicates: 8, bought: 470, vitally: 450, salesforce: 150, nearMiss: 10, families: 6, sisters: 4, typos: 20, missingPlace: 6 },
  other: { customers: 40, erpOnly: 2, duplicates: 1, bought: 30, vitally: 26, salesforce: 12, nearMiss: 1, families: 1, sisters: 1, typos: 2, missingPlace: 1 },
};

/** The shape at `scale` (every count multiplied, so the hard cases grow with the estate). */
export function scaledShape(tenant: SandboxTenant, scale: number): TenantShape {
  const base = TENANT_SHAPES[tenant];
  return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, Math.round(v * scale)])) as unknown as TenantShape; // same keys as base
}

const CURRENCY_WEIGHTS = { USD: 55, EUR: 25, GBP: 15, CAD: 5 } as const;
/** Countries a brand family spreads over (each entity bills in its own currency). */
const FAMILY_COUNTRIES: readonly SeedCountry[] = ['DE', 'GB', 'FR', 'NL', 'US', 'ES'];
/** The share of US and Canadian customers whose ERP record carries their EIN / business number. */
const NORTH_AMERICA_TAX_SHARE = 0.4;

function placeIn(rng: Prng, country: SeedCountry): CustomerPlan['place'] {
  return { ...rng.pick(CITIES[country]), street: streetAddress(rng, country) };
}

/** Build the customer plans for a tenant at `scale` (1 = the documented demo sizes). */
export function planCustomers(rng: Prng, tenant: SandboxTenant, scale = 1): CustomerPlan[] {
  const shape = scaledShape(tenant, scale);
  const familySizes = Array.from({ length: shape.families }, () => rng.int(2, 3));
  const familyMembers = familySizes.reduce((a, b) => a + b, 0);
  const regularCount = shape.customers - shape.nearMiss - familyMembers - shape.sisters;
  const names = baseNames(rng, tenant, regularCount + shape.families);
  const familyNames = names.splice(regularCount, shape.families);
  const nearMissNames: { name: string; of: string }[] = [];
  for (const name of names) {
    if (nearMissNames.length >= shape.nearMiss) break;
    const noun = name.split(' ').pop() ?? '';
    const alt = NEAR_MISS[noun];
    if (alt) nearMissNames.push({ name: name.replace(new RegExp(`${noun}$`), alt), of: name });
  }
  const domains = new Set<string>();
  let seq = 0;
  const plan = (base: string, country: SeedCountry, extra: Partial<CustomerPlan>): CustomerPlan => {
    const currency = CURRENCY_OF[country];
    const northAmerica = country === 'US' || country === 'CA';
    return {
      key: `T${String(++seq).padStart(4, '0')}`,
      base,
      domain: extra.domain ?? domainFor(rng, base, domains, country),
      currency,
      place: placeIn(rng, country),
      taxId: !northAmerica || rng.chance(NORTH_AMERICA_TAX_SHARE) ? taxIdFor(rng, country) : null,
      industry: rng.pick(INDUSTRIES),
      arr: rng.pick([6000, 12000, 18000, 24000, 36000, 48000, 60000, 90000, 120000, 250000]) + rng.int(0, 40) * 250,
      inHubspot: true,
      hubspotDuplicate: false,
      inNetsuite: false,
      inVitally: false,
      inSalesforce: false,
      nearMissOf: null,
      family: null,
      sisterOf: null,
      crmTypo: false,
      crmMissingPlace: false,
      ageDays: rng.int(60, 1500),
      traits: [],
      ...extra,
    };
  };
  const countryFor = () => rng.pick(COUNTRIES_BY_CURRENCY[rng.weighted(CURRENCY_WEIGHTS)]!);

  const plans: CustomerPlan[] = [...names.map((n) => plan(n, countryFor(), {})), ...nearMissNames.map(({ name, of }) => plan(name, countryFor(), { nearMissOf: of, traits: ['near_miss'] }))];
  // One brand, one legal entity per country: same brand label, the country's own domain suffix.
  familyNames.forEach((brand, f) => {
    const label = brand.toLowerCase().replace(/[^a-z]/g, '');
    for (const country of rng.shuffle(FAMILY_COUNTRIES).slice(0, familySizes[f])) {
      let domain = `${label}.${CC_TLD[country]}`;
      if (domains.has(domain)) domain = `${label}-${country.toLowerCase()}.${CC_TLD[country]}`;
      domains.add(domain);
      plans.push(plan(brand, country, { domain, family: brand, traits: ['brand_family'] }));
    }
  });

  // Near-miss pairs, brand families and sister parents must be in CRM and ERP, or the trap never springs.
  const pinned = new Set<CustomerPlan>(plans.filter((p) => p.nearMissOf || p.family));
  for (const p of plans) if (p.nearMissOf) pinned.add(plans.find((q) => q.base === p.nearMissOf)!);
  let order = rng.shuffle(plans.filter((p) => !pinned.has(p)));
  // Sister entities: a second legal entity sharing a parent's website (and city), own tax id, ERP only.
  const parents = order.filter((p) => p.taxId !== null).slice(0, shape.sisters);
  order = order.filter((p) => !parents.includes(p));
  for (const parent of parents) {
    pinned.add(parent);
    const country = parent.place.country;
    const sister = plan(`${parent.base} Services`, country, { domain: parent.domain, sisterOf: parent.key, inHubspot: false, inNetsuite: true, traits: ['sister_entity'] });
    sister.place = { ...parent.place, street: streetAddress(rng, country) };
    sister.taxId = taxIdFor(rng, country);
    plans.push(sister);
  }
  const erpOnly = order.slice(0, shape.erpOnly);
  for (const p of erpOnly) {
    p.inHubspot = false;
    p.inNetsuite = true;
  }
  const crm = [...pinned, ...order.slice(shape.erpOnly)].filter((p) => p.inHubspot);
  crm.slice(0, shape.bought).forEach((p) => (p.inNetsuite = true));
  const plain = crm.filter((p) => !p.family && !p.nearMissOf);
  for (const p of rng.shuffle(plain).slice(0, shape.duplicates)) p.hubspotDuplicate = true;
  for (const p of rng.shuffle(plain.filter((q) => !q.hubspotDuplicate)).slice(0, shape.typos)) {
    p.crmTypo = true;
    p.traits.push('crm_typo');
  }
  // A company typed in without its place; one brand-family entity is among them at every scale.
  const family = crm.filter((p) => p.family);
  const missing = [...family.slice(0, Math.min(1, shape.missingPlace)), ...rng.shuffle(plain.filter((q) => !q.crmTypo && !q.hubspotDuplicate)).slice(0, Math.max(0, shape.missingPlace - 1))];
  for (const p of missing) {
    p.crmMissingPlace = true;
    p.traits.push('crm_missing_place');
  }

  const buyers = plans.filter((p) => p.inNetsuite);
  for (const p of rng.shuffle(buyers).slice(0, shape.vitally)) p.inVitally = true;
  for (const p of rng.shuffle(crm).slice(0, shape.salesforce)) p.inSalesforce = true;
  return plans;
}

/** The legal form a CRM user would type after the name (by the plan's country). */
export function shortForm(p: CustomerPlan): string {
  return SHORT_FORM[p.place.country];
}
