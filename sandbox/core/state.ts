/**
 * The sandbox's in-memory world: one seeded dataset per tenant, mutated in place by the
 * emulators' write endpoints, reset by `POST /__sandbox/seed`.
 */
import type { SandboxTenant, TenantDataset, Vendor } from '../seed/types.js';

/** Fault knobs per vendor (set through POST /__sandbox/faults; `{}` clears them). */
export interface VendorFaults {
  latencyMs?: number;
  errorRate?: number; // 0..1 share of requests answered 5xx
  rateLimitRate?: number; // 0..1 share answered 429 in the vendor's shape
  timeoutRate?: number; // 0..1 share that hang past the client's timeout
  webhookDuplicateRate?: number;
  webhookReorder?: boolean;
}

export interface SandboxState {
  /** "Today" for the estate, YYYY-MM-DD. */
  readonly anchorDate: string;
  dataset(tenant: SandboxTenant): TenantDataset;
  /** Drop every change and regenerate both tenants' datasets. */
  reseed(): void;
  faults: Partial<Record<Vendor, VendorFaults>>;
}
