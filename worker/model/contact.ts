/** Canonical Contact: a person at a customer account (CRM-owned by default). */
import { z } from 'zod';
import { ExternalRefsSchema, IdSchema } from './primitives.js';

/** A person at a customer account. At least one of name or e-mail identifies them. */
export const ContactSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema.optional().describe('Canonical account id, when the contact is linked to one.'),
    firstName: z.string().trim().min(1).max(255).optional(),
    lastName: z.string().trim().min(1).max(255).optional(),
    email: z.email().max(320).optional(),
    phone: z.string().trim().min(3).max(64).optional(),
    title: z.string().trim().min(1).max(255).optional(),
    roles: z.array(z.enum(['billing', 'champion', 'decision_maker', 'technical', 'executive_sponsor', 'other'])).optional(),
    refs: ExternalRefsSchema,
  })
  .refine((c) => c.email !== undefined || c.firstName !== undefined || c.lastName !== undefined, {
    path: ['email'],
    message: 'a contact needs an e-mail or a name',
  })
  .describe('Person at a customer account.');
/** A person at a customer account. */
export type Contact = z.infer<typeof ContactSchema>;
