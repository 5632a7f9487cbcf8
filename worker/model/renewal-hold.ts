/**
 * The renewal hold as the account view shows it: whether a stalled onboarding holds the
 * account's renewal automation (automation policy `onboardingStalled.hold: 'renewal'`, decision
 * 47) and why: the stalled milestone and since when. It is read from the same digest the change
 * pipeline writes the CRM fact `renewalHold` from (policies/automations/renewal-hold.ts), so the
 * card, the LWC and the panel say what the CRM property says.
 */
import { z } from 'zod';
import { IsoDateSchema, InstantSchema } from './primitives.js';

/** Why the onboarding counts as stalled (policies/automations/onboarding-stalled.ts). */
export const STALL_REASONS = ['blocked', 'past_due', 'no_progress'] as const;

/** The renewal-automation hold of an account. */
export const RenewalHoldSchema = z
  .strictObject({
    onHold: z.boolean().describe('The renewal automation is held: a stalled-onboarding episode is open and the tenant holds renewals for it.'),
    milestone: z.string().min(1).nullable().describe('The stalled onboarding milestone; null when not on hold.'),
    reason: z.enum(STALL_REASONS).nullable().describe('blocked (the CS system says so), past_due (not done after its due date) or no_progress (no milestone completed for too long); null when not on hold.'),
    dueDate: IsoDateSchema.nullable().describe("The stalled milestone's due date, when it has one."),
    since: InstantSchema.nullable().describe('When the stall (and with it the hold) began: the reading that first showed it; null when not on hold.'),
  })
  .describe("Renewal-automation hold of a stalled onboarding: the tenant's stall policy applied to the pipeline's digest, as written to the CRM.");
/** The renewal-automation hold of an account. */
export type RenewalHold = z.infer<typeof RenewalHoldSchema>;
