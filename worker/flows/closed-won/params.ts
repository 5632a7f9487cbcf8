/**
 * What starts a ClosedWonToOrder run, and the run's id. The id is derived from the source
 * record, so a duplicate or replayed closed-won event can never start a second run for a deal
 * (`create` with an existing id fails): `hubspot-<portalId>-deal-<dealId>`,
 * `salesforce-<orgId>-opp-<oppId>` (Workflow ids: at most 64 of [A-Za-z0-9_-]).
 */
import { z } from 'zod';

export const CrmSourceSchema = z.enum(['hubspot', 'salesforce']);
export type CrmSource = z.infer<typeof CrmSourceSchema>;

export const ClosedWonParamsSchema = z
  .object({
    tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    source: CrmSourceSchema,
    /** HubSpot portal id / Salesforce org id the deal lives in. */
    externalAccount: z.string().regex(/^[A-Za-z0-9]{1,20}$/),
    dealId: z.string().regex(/^[A-Za-z0-9]{1,20}$/),
    /** The correlation id of the event that started the run: every step and write carries it. */
    correlationId: z.string().min(1).max(128),
    /** What started it: a webhook, the Salesforce package's callout, the demo page, an operator. */
    trigger: z.enum(['webhook', 'callout', 'demo', 'api']),
  })
  .strict();

export type ClosedWonParams = z.infer<typeof ClosedWonParamsSchema>;

/** The run (Workflow instance) id of a deal. */
export function runIdFor(p: Pick<ClosedWonParams, 'source' | 'externalAccount' | 'dealId'>): string {
  return p.source === 'hubspot' ? `hubspot-${p.externalAccount}-deal-${p.dealId}` : `salesforce-${p.externalAccount}-opp-${p.dealId}`;
}

/** Concord's key of the ERP sales order for a deal (`eid:` upsert: one order per deal). */
export function orderKeyFor(p: Pick<ClosedWonParams, 'source' | 'dealId'>): string {
  return p.source === 'hubspot' ? `hubspot-deal-${p.dealId}` : `salesforce-opp-${p.dealId}`;
}

/** Concord's key of the ERP customer created for a CRM company (one customer per company). */
export function customerKeyFor(source: CrmSource, companyId: string): string {
  return source === 'hubspot' ? `hubspot-company-${companyId}` : `salesforce-account-${companyId}`;
}

/**
 * Concord's key of the onboarding project made for a CRM company: one per company, so a second
 * won deal of a customer Concord already onboarded finds that project instead of adding one.
 */
export function onboardingKeyFor(source: CrmSource, companyId: string): string {
  return `onboarding-${customerKeyFor(source, companyId)}`;
}

/** Events a blocked or failed run waits for. */
export const RESUME_EVENT = 'resume';
export const ResumeSchema = z.object({ reason: z.enum(['record_changed', 'retry', 'replay']), by: z.string().max(200) }).strict();
export type Resume = z.infer<typeof ResumeSchema>;

/**
 * The event the stalled-run sweep (recovery.ts) sends to a run whose engine may have lost it.
 * No step waits for it: its only effect is that the engine loads the instance, and an engine that
 * is not executing it (the local engine after a restart) replays it from its recorded steps.
 */
export const WAKE_EVENT = 'wake';
