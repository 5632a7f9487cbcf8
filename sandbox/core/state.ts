/**
 * The sandbox's in-memory world: one seeded dataset per tenant, mutated in place by the
 * emulators' write endpoints, reset by `POST /__sandbox/seed`.
 */
import { DEFAULT_DATE_PREFERENCES, type NetSuiteDatePreferences } from '../netsuite/suiteql/dates.js';
import { generateTenant } from '../seed/generate.js';
import { SANDBOX_TENANTS, type SandboxTenant, type TenantDataset, type Vendor } from '../seed/types.js';

/** Fault knobs per vendor (set through POST /__sandbox/faults; `{}` clears them). */
export interface VendorFaults {
  latencyMs?: number;
  errorRate?: number; // 0..1 share of requests answered 5xx
  rateLimitRate?: number; // 0..1 share answered 429 in the vendor's shape
  timeoutRate?: number; // 0..1 share that hang past the client's timeout
  answerLossRate?: number; // 0..1 share of writes carried out whose answer is then lost (a 5xx)
  webhookDuplicateRate?: number;
  webhookReorder?: boolean;
  /** The emulated NetSuite event script (netsuite/events/): share of events sent twice, held back, lost. */
  netsuiteEventDuplicateRate?: number;
  netsuiteEventReorder?: boolean;
  netsuiteEventLossRate?: number;
  /** Makes the draws deterministic. */
  seed?: number;
  /** Only requests of these routes (`GET /resources/accounts/:id/healthScores`, as `GET /__sandbox/limits` counts them) meet the request faults. */
  routes?: string[];
  salesforceCalloutDuplicateRate?: number;
  salesforceCalloutReorder?: boolean;
}

export interface SandboxState {
  /** "Today" for the estate, YYYY-MM-DD. */
  readonly anchorDate: string;
  /** Size factor of the seed (1 = the documented estate). */
  readonly scale: number;
  dataset(tenant: SandboxTenant): TenantDataset;
  /** Drop every change and regenerate both tenants' datasets (optionally for a new anchor date or scale). */
  reseed(anchorDate?: string, scale?: number): void;
  faults: Partial<Record<Vendor, VendorFaults>>;
  /**
   * Each NetSuite account's date and time format preferences (how SuiteQL writes dates). Account
   * configuration, not data: a reseed keeps them. Set through `PUT /__sandbox/netsuite/preferences`.
   */
  netsuitePreferences: Record<SandboxTenant, NetSuiteDatePreferences>;
}

/**
 * The in-memory state: both tenants' plans are made up front and each vendor's records on first
 * use (see `generateTenant`), and `reseed` swaps in fresh datasets (faults are left as they are;
 * clear them with `{}`).
 */
export function createSandboxState(anchorDate: string, scale = 1, netsuite: Partial<NetSuiteDatePreferences> = {}): SandboxState {
  let anchor = anchorDate;
  let size = scale;
  let datasets = generateAll(anchor, size);
  return {
    get anchorDate() {
      return anchor;
    },
    get scale() {
      return size;
    },
    dataset(tenant) {
      const ds = datasets.get(tenant);
      if (!ds) throw new Error(`unknown sandbox tenant ${String(tenant)}`);
      return ds;
    },
    reseed(next, nextScale) {
      anchor = next ?? anchor;
      size = nextScale ?? size;
      datasets = generateAll(anchor, size);
    },
    faults: {},
    netsuitePreferences: Object.fromEntries(SANDBOX_TENANTS.map((t) => [t, { ...DEFAULT_DATE_PREFERENCES, ...netsuite }])) as Record<SandboxTenant, NetSuiteDatePreferences>,
  };
}

function generateAll(anchorDate: string, scale: number): Map<SandboxTenant, TenantDataset> {
  return new Map(SANDBOX_TENANTS.map((t) => [t, generateTenant(t, anchorDate, { scale })]));
}
