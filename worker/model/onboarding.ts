/** Canonical OnboardingMilestone (customer-success owned, e.g. Vitally projects/tasks). */
import { z } from 'zod';
import { IdSchema, InstantSchema, IsoDateSchema } from './primitives.js';

/** Status of one milestone. */
export const MilestoneStatusSchema = z.enum(['not_started', 'in_progress', 'completed', 'blocked', 'skipped']);
/** Status of one milestone. */
export type MilestoneStatus = z.infer<typeof MilestoneStatusSchema>;

/** Status of onboarding as a whole. */
export const OnboardingStatusSchema = z.enum(['not_started', 'active', 'completed', 'stalled']);
/** Status of onboarding as a whole. */
export type OnboardingStatus = z.infer<typeof OnboardingStatusSchema>;

/** One onboarding milestone; `completedAt` is set exactly when it is completed. */
export const OnboardingMilestoneSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema,
    name: z.string().trim().min(1).max(255),
    status: MilestoneStatusSchema,
    dueDate: IsoDateSchema.nullable(),
    completedAt: InstantSchema.nullable(),
  })
  .refine((m) => (m.status === 'completed') === (m.completedAt !== null), {
    path: ['completedAt'],
    message: 'completedAt is set if and only if the milestone is completed',
  })
  .describe('Onboarding milestone (customer-success system).');
/** One onboarding milestone. */
export type OnboardingMilestone = z.infer<typeof OnboardingMilestoneSchema>;
