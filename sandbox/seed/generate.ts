/**
 * Seed generator: `generateTenant(tenant, anchorDate, {scale})` builds a tenant's estate, one raw
 * dataset per vendor plus the ground-truth list, deterministically for (tenant, anchorDate,
 * scale). Vendor datasets are built lazily, on first access. See sandbox/README.md ("Seed data")
 * for the messiness it deliberately contains.
 */
import { Prng } from './prng.js';
import { planCustomers } from './plan.js';
import { buildHubspot } from './hubspot.js';
import { buildNetsuite } from './netsuite.js';
import { buildSalesforce } from './salesforce.js';
import { buildVitally } from './vitally.js';
import { addClosedWonFixtures } from './closed-won.js';
import type { HubSpotDataset, NetSuiteDataset, SalesforceDataset, SandboxTenant, TenantDataset, TruthCustomer, VitallyDataset } from './types.js';

/**
 * Per-tenant account identifiers (fixed, like a real portal/org/account would be). Org ids are
 * well-formed 18-character ids (their last three characters are the case-safety checksum).
 */
const IDENTITIES: Readonly<Record<SandboxTenant, { portalId: number; orgId: string; accountId: string; subdomain: string }>> = {
  demo: { portalId: 24300001, orgId: '00D5g00000DEMO1EAP', accountId: 'TSTDRV1234567', subdomain: 'concord-demo' },
  other: { portalId: 24300002, orgId: '00D5g00000OTHR1EAP', accountId: 'TSTDRV7654321', subdomain: 'concord-other' },
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Largest scale factor: the name lists hold about 62,000 distinct demo customers. */
export const MAX_SCALE = 100;

/** True for a real calendar date in YYYY-MM-DD form. */
export function isAnchorDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  // "2026-02-30" parses to March 2; "9999-99-99" does not parse at all (and toISOString would throw).
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** True for a whole scale factor from 1 to MAX_SCALE. */
export function isScale(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SCALE;
}

/** The scale from `SANDBOX_SCALE` (1 when unset); throws on anything but a whole number 1..100. */
export function scaleFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const n = Number(raw);
  if (!isScale(n)) throw new Error(`SANDBOX_SCALE must be a whole number from 1 to ${MAX_SCALE}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Today's UTC date, the default anchor. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Options of {@link generateTenant}. */
export interface GenerateOptions {
  /** Size factor (default 1): every count of the estate, hard cases included, is multiplied. */
  scale?: number;
}

/**
 * Build a tenant's estate. Each vendor draws from its own PRNG stream, so a change to one
 * vendor's generator does not reshuffle the others, and building them in any order (lazily)
 * gives the same data.
 */
export function generateTenant(tenant: SandboxTenant, anchorDate: string, opts: GenerateOptions = {}): TenantDataset {
  if (!isAnchorDate(anchorDate)) throw new Error(`anchorDate must be YYYY-MM-DD, got ${JSON.stringify(anchorDate)}`);
  const scale = opts.scale ?? 1;
  if (!isScale(scale)) throw new Error(`scale must be a whole number from 1 to ${MAX_SCALE}, got ${JSON.stringify(scale)}`);
  const seed = scale === 1 ? `${tenant}|${anchorDate}` : `${tenant}|${anchorDate}|x${scale}`;
  const ids = IDENTITIES[tenant];
  const plans = planCustomers(new Prng(`${seed}|plan`), tenant, scale);
  const truth = new Map<string, TruthCustomer>(
    plans.map((p) => [
      p.key,
      { key: p.key, legalName: p.base, country: p.place.country, traits: [...p.traits], hubspotCompanyIds: [], salesforceAccountIds: [], netsuiteCustomerIds: [], vitallyAccountIds: [] },
    ]),
  );
  // Vendors are built on first use of the dataset (not at start-up), all four together: the
  // closed-won fixtures (catalogue, owners, addresses, demo deals) tie them to each other.
  let built: (Pick<TenantDataset, 'hubspot' | 'netsuite' | 'vitally' | 'salesforce'> & { closedWon?: TenantDataset['closedWon'] }) | undefined;
  const build = () => {
    if (built) return built;
    const hubspot = buildHubspot(new Prng(`${seed}|hubspot`), plans, truth, anchorDate, ids.portalId);
    const netsuite = buildNetsuite(new Prng(`${seed}|netsuite`), plans, truth, anchorDate, ids.accountId, hubspot);
    const vitally = buildVitally(new Prng(`${seed}|vitally`), plans, truth, anchorDate, ids.subdomain);
    const salesforce = buildSalesforce(new Prng(`${seed}|salesforce`), plans, truth, anchorDate, ids.orgId, tenant, new Prng(`${seed}|salesforce-detail`));
    const whole = { tenant, anchorDate, scale, hubspot, netsuite, vitally, salesforce, truth: [...truth.values()] } as TenantDataset;
    addClosedWonFixtures(whole, plans, seed);
    built = whole;
    return built;
  };
  const ds: TenantDataset = {
    tenant,
    anchorDate,
    scale,
    get hubspot() {
      return build().hubspot;
    },
    get netsuite() {
      return build().netsuite;
    },
    get vitally() {
      return build().vitally;
    },
    get salesforce() {
      return build().salesforce;
    },
    get closedWon() {
      return build().closedWon;
    },
    get truth() {
      build(); // every vendor's ids are in the truth
      return [...truth.values()];
    },
  };
  return ds;
}
