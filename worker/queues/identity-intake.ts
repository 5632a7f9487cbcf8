/**
 * Continuous linking from CRM change events: a company created, or changed in a field that says
 * who it is (name, domain, place), is resolved and linked at once (services/identity/incremental.ts),
 * one batched CRM read per tenant and queue batch.
 */
import type { Env } from '../env.js';
import { createLogger } from '../ops/log.js';
import { serviceContext } from '../services/context.js';
import { IDENTITY_PROPERTIES, linkCrmCompanies } from '../services/identity/incremental.js';
import type { CrmChange } from './messages.js';

/** A company change that can change which account the company belongs to. */
export function isCompanyIdentityChange(m: CrmChange): boolean {
  if (m.objectType !== 'company') return false;
  return m.change === 'creation' || m.change === 'restore' || (m.change === 'propertyChange' && m.property !== null && IDENTITY_PROPERTIES.has(m.property));
}

/** Links the changed companies of one tenant (all changes of one CRM). */
export async function companyChangesIntake(env: Env, tenantId: string, changes: readonly CrmChange[]): Promise<void> {
  const first = changes[0];
  if (!first) return;
  const log = createLogger('info', { correlationId: first.correlationId, tenant: tenantId, flow: 'identity-link' });
  const ctx = serviceContext(env, { tenantId, correlationId: first.correlationId, log }, { maxWaitMs: 30_000 });
  await linkCrmCompanies(env, ctx, first.system, changes.map((m) => m.objectId));
}
