/**
 * Seed generator: `generateTenant(tenant, anchorDate)` builds a tenant's whole estate, one raw
 * dataset per vendor plus the ground-truth list, deterministically for (tenant, anchorDate).
 * See sandbox/README.md ("Seed data") for the messiness it deliberately contains.
 */
import { Prng } from './prng.js';
import { TENANT_SHAPES, planCustomers, type TenantShape } from './plan.js';
import { buildHubspot } from './hubspot.js';
import { buildNetsuite } from './netsuite.js';
import { buildSalesforce } from './salesforce.js';
import { buildVitally } from './vitally.js';
import { addClosedWonFixtures } from './closed-won.js';
import type { SandboxTenant, TenantDataset, TruthCustomer } from './types.js';

/**
 * Per-tenant account identifiers (fixed, like a real portal/org/account would be). Org ids are
 * well-formed 18-character ids (their last three characters are the case-safety checksum).
 */
const IDENTITIES: Readonly<Record<SandboxTenant, { portalId: number; orgId: string; accountId: string; subdomain: string }>> = {
  demo: { portalId: 24300001, orgId: '00D5g00000DEMO1EAP', accountId: 'TSTDRV1234567', subdomain: 'concord-demo' },
  other: { portalId: 24300002, orgId: '00D5g00000OTHR1EAP', accountId: 'TSTDRV7654321', subdomain: 'concord-other' },
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date in YYYY-MM-DD form. */
export function isAnchorDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  // "2026-02-30" parses to March 2; "9999-99-99" does not parse at all (and toISOString would throw).
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Today's UTC date, the default anchor. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Build a tenant's estate. Each vendor draws from its own PRNG stream so a change to one
 * vendor's generator does not reshuffle the others.
 */
export function generateTenant(tenant: SandboxTenant, anchorDate: string, shape?: Partial<TenantShape>): TenantDataset {
  if (!isAnchorDate(anchorDate)) throw new Error(`anchorDate must be YYYY-MM-DD, got ${JSON.stringify(anchorDate)}`);
  const seed = `${tenant}|${anchorDate}`;
  const ids = IDENTITIES[tenant];
  const plans = planCustomers(new Prng(`${seed}|plan`), tenant, { ...TENANT_SHAPES[tenant], ...shape });
  const truth = new Map<string, TruthCustomer>(
    plans.map((p) => [p.key, { key: p.key, legalName: p.base, hubspotCompanyIds: [], salesforceAccountIds: [], netsuiteCustomerIds: [], vitallyAccountIds: [] }]),
  );
  const hubspot = buildHubspot(new Prng(`${seed}|hubspot`), plans, truth, anchorDate, ids.portalId);
  const netsuite = buildNetsuite(new Prng(`${seed}|netsuite`), plans, truth, anchorDate, ids.accountId, hubspot);
  const vitally = buildVitally(new Prng(`${seed}|vitally`), plans, truth, anchorDate, ids.subdomain);
  const salesforce = buildSalesforce(new Prng(`${seed}|salesforce`), plans, truth, anchorDate, ids.orgId, tenant, new Prng(`${seed}|salesforce-detail`));
  const dataset: TenantDataset = { tenant, anchorDate, hubspot, salesforce, netsuite, vitally, truth: [...truth.values()] };
  // Closed-won fixtures (catalogue, owners, addresses, demo deals) go on top, from their own streams.
  addClosedWonFixtures(dataset, plans, seed);
  return dataset;
}
