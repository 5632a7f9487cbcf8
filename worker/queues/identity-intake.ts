/**
 * Continuous linking from CRM change events: a company created, restored, or changed in a field
 * that says who it is (name, domain, place), is resolved and linked at once
 * (services/identity/incremental.ts), one batched CRM read per tenant and queue batch. A company
 * deleted or merged away loses its link, or hands it to the record it was merged into
 * (services/identity/removed.ts): a HubSpot company by its `deletion` and `merge` webhooks (a
 * merge arrives as one change per record merged away, connectors/hubspot/webhooks.ts), a
 * Salesforce Account by the change poll's delete log (decisions 52 and 54). Each removed record
 * is read back first, so one restored meanwhile is left alone.
 */
import type { Env } from '../env.js';
import { createLogger } from '../ops/log.js';
import { serviceContext } from '../services/context.js';
import { IDENTITY_PROPERTIES, linkCrmCompanies } from '../services/identity/incremental.js';
import { removeCrmRecords } from '../services/identity/removed.js';
import type { CrmChange } from './messages.js';

/** Company changes that take a record out of the CRM: `deletion`, or `merge` (value: the winner). */
const REMOVALS: ReadonlySet<string> = new Set(['deletion', 'merge']);

/** A company change that removes it from the CRM (HubSpot webhook or Salesforce delete log). */
export function isCompanyRemoval(m: CrmChange): boolean {
  return m.objectType === 'company' && REMOVALS.has(m.change);
}

/** A company change that can change which account the company belongs to (removals included). */
export function isCompanyIdentityChange(m: CrmChange): boolean {
  if (m.objectType !== 'company') return false;
  if (isCompanyRemoval(m)) return true;
  return m.change === 'creation' || m.change === 'restore' || (m.change === 'propertyChange' && m.property !== null && IDENTITY_PROPERTIES.has(m.property));
}

/** Links the changed companies of one tenant (all changes of one CRM), then removes the ones gone. */
export async function companyChangesIntake(env: Env, tenantId: string, changes: readonly CrmChange[]): Promise<void> {
  const first = changes[0];
  if (!first) return;
  const log = createLogger('info', { correlationId: first.correlationId, tenant: tenantId, flow: 'identity-link' });
  const ctx = serviceContext(env, { tenantId, correlationId: first.correlationId, log }, { maxWaitMs: 30_000 });
  const removals = changes.filter(isCompanyRemoval);
  const linked = changes.filter((m) => !isCompanyRemoval(m));
  if (linked.length > 0) await linkCrmCompanies(env, ctx, first.system, linked.map((m) => m.objectId));
  // After the links: a record created and deleted within one batch is read back gone either way.
  if (removals.length > 0) await removeCrmRecords(env, ctx, first.system, removals.map((m) => ({ externalId: m.objectId, mergedInto: m.change === 'merge' ? m.value : null })));
}
