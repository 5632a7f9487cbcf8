/** Canonical SupportCase: a ticket or escalation about an account (CS-owned by default). */
import { z } from 'zod';
import { IdSchema, InstantSchema } from './primitives.js';

/** Priority of a case. */
export const CasePrioritySchema = z.enum(['low', 'medium', 'high', 'urgent']);
/** Priority of a case. */
export type CasePriority = z.infer<typeof CasePrioritySchema>;

/** Status of a case; open and pending are unresolved. */
export const CaseStatusSchema = z.enum(['open', 'pending', 'resolved', 'closed']);
/** Status of a case. */
export type CaseStatus = z.infer<typeof CaseStatusSchema>;

/** A support case or escalation. */
export const SupportCaseSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema,
    subject: z.string().trim().min(1).max(500),
    priority: CasePrioritySchema,
    status: CaseStatusSchema,
    escalated: z.boolean().describe('Raised to management / the account team.'),
    openedAt: InstantSchema,
    closedAt: InstantSchema.nullable(),
  })
  .refine((c) => c.closedAt === null || c.closedAt >= c.openedAt, { path: ['closedAt'], message: 'closedAt must not be before openedAt' })
  .describe('Support case or escalation about an account.');
/** A support case or escalation. */
export type SupportCase = z.infer<typeof SupportCaseSchema>;

/** True while a case still needs work. */
export function isUnresolved(status: CaseStatus): boolean {
  return status === 'open' || status === 'pending';
}
