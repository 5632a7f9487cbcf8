/**
 * A tenant's automation policy, pure: whether each lifecycle automation runs and with which
 * thresholds (D1 `flow_settings`, flow `automations`; edited with `PUT /ops/automations`). Every
 * part has defaults, so a tenant that never saved one runs Concord's defaults (the DEFAULT_*
 * constants of each automation), and a stored policy missing a part gets that part's defaults.
 *
 * What "off" means, per automation (docs/decisions.md 37): no new episode opens and no task is
 * filed, not even the task of an episode opened before it was switched off; an open episode is
 * still closed when its situation clears, so switching it on again starts from the account as it
 * is. The finance hold is a fact, not an episode: off, Concord holds no account (the CRM property
 * is written false with the account's next change, lifting a hold it had set) and the account view
 * carries no verdict (`financeHold: null`).
 */
import { z } from 'zod';
import { DEFAULT_FINANCE_HOLD } from './finance-hold.js';
import { DEFAULT_HEALTH_DROP } from './health-drop.js';
import { DEFAULT_ADOPTION } from './low-adoption.js';
import { DEFAULT_RENEWAL_RISK } from './renewal-risk.js';

/** The flow key the policy is stored under in `flow_settings`. */
export const AUTOMATIONS_FLOW = 'automations';

/** By default a milestone is past due the day after its due date. */
export const DEFAULT_PAST_DUE_GRACE_DAYS = 0;

/** By default onboarding is not judged by how long ago a milestone was completed (0: off). */
export const DEFAULT_NO_PROGRESS_DAYS = 0;

/**
 * What a stalled onboarding holds besides filing its task: `none` (the default: a stall is the
 * CSM's to work, not a reason to stop money), `billing` (the customer's open sales orders go back
 * to Pending Approval in the ERP until the stall ends), `renewal` (the renewal-automation hold
 * property on the CRM records, for a HubSpot workflow or Salesforce flow that renews to respect).
 */
export const STALL_HOLDS = ['none', 'billing', 'renewal'] as const;
export type StallHold = (typeof STALL_HOLDS)[number];
export const DEFAULT_STALL_HOLD: StallHold = 'none';

const Days = (max: number) => z.number().int().min(0).max(max);

export const AutomationPolicySchema = z
  .object({
    financeHold: z
      .object({
        enabled: z.boolean().default(true),
        overdueDays: Days(3650).default(DEFAULT_FINANCE_HOLD.overdueDays),
        minAmount: z.number().finite().min(0).max(1e12).default(DEFAULT_FINANCE_HOLD.minAmount),
      })
      .strict()
      .default({ enabled: true, ...DEFAULT_FINANCE_HOLD }),
    healthDrop: z
      .object({
        enabled: z.boolean().default(true),
        /** Health scores are 0-100: a fall of 0 points would open an episode on every reading. */
        dropPoints: z.number().int().min(1).max(100).default(DEFAULT_HEALTH_DROP.dropPoints),
        below: z.number().int().min(0).max(100).default(DEFAULT_HEALTH_DROP.below),
        /** Low adoption (policies/automations/low-adoption.ts): the health category that measures it... */
        adoptionSignal: z.string().trim().min(1).max(100).default(DEFAULT_ADOPTION.adoptionSignal),
        /** ...and the category score (0-100) under which it is low; 0 (the default): not judged. */
        adoptionBelow: z.number().int().min(0).max(100).default(DEFAULT_ADOPTION.adoptionBelow),
      })
      .strict()
      .default({ enabled: true, ...DEFAULT_HEALTH_DROP, ...DEFAULT_ADOPTION }),
    onboardingStalled: z
      .object({
        enabled: z.boolean().default(true),
        /** A milestone not done counts as past due only this many days after its due date. */
        pastDueGraceDays: Days(365).default(DEFAULT_PAST_DUE_GRACE_DAYS),
        /**
         * Onboarding with no milestone completed for more than this many days (since the last one
         * was) is stalled on its current milestone; 0 (the default): not judged by progress.
         */
        noProgressDays: Days(365).default(DEFAULT_NO_PROGRESS_DAYS),
        /** What a stall holds while it lasts (see {@link STALL_HOLDS}); lifted when the stall ends. */
        hold: z.enum(STALL_HOLDS).default(DEFAULT_STALL_HOLD),
      })
      .strict()
      .default({ enabled: true, pastDueGraceDays: DEFAULT_PAST_DUE_GRACE_DAYS, noProgressDays: DEFAULT_NO_PROGRESS_DAYS, hold: DEFAULT_STALL_HOLD }),
    renewalRisk: z
      .object({
        enabled: z.boolean().default(true),
        level: z.enum(['high', 'medium']).default(DEFAULT_RENEWAL_RISK.level),
        withinDays: z.number().int().min(1).max(730).default(DEFAULT_RENEWAL_RISK.withinDays),
      })
      .strict()
      .default({ enabled: true, ...DEFAULT_RENEWAL_RISK }),
  })
  .strict();

export type AutomationPolicy = z.infer<typeof AutomationPolicySchema>;

/** Concord's defaults: what a tenant that never saved a policy runs. */
export const DEFAULT_AUTOMATION_POLICY: AutomationPolicy = AutomationPolicySchema.parse({});

/**
 * The policy of a stored value (null: never saved). A stored policy the schema no longer accepts
 * (an older shape) falls back to the defaults rather than stopping the change pipeline.
 */
export function automationPolicyOf(stored: unknown): AutomationPolicy {
  const parsed = AutomationPolicySchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DEFAULT_AUTOMATION_POLICY;
}

/**
 * The hold a stalled-onboarding episode asks for under the policy: the policy's `hold` while the
 * automation is on and an episode is open; `none` otherwise (switched off, or set back to `none`,
 * lifts what the stall held, like the finance hold switched off).
 */
export function stallHoldOf(policy: Pick<AutomationPolicy['onboardingStalled'], 'enabled' | 'hold'>, episode: { key: string } | null | undefined): StallHold {
  return policy.enabled && episode ? policy.hold : 'none';
}

/**
 * An episode under the policy: while the automation is on, the episode as the automation judged
 * it; while it is off, only the episode that was already open (never a new one), and none once
 * the automation closed it.
 */
export function episodeUnder<E extends { key: string }>(enabled: boolean, open: E | null | undefined, judged: E | null): E | null {
  if (enabled) return judged;
  return judged && open && judged.key === open.key ? judged : null;
}
