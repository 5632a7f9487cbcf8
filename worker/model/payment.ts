/** Canonical Payment received from a customer and its application to invoices (ERP-owned). */
import { z } from 'zod';
import { CurrencyCodeSchema, NonNegativeAmountSchema, toCents } from './money.js';
import { ExternalRefsSchema, IdSchema, IsoDateSchema } from './primitives.js';

/** Part of a payment applied to one invoice. */
export const PaymentApplicationSchema = z.strictObject({ invoiceId: IdSchema, amount: NonNegativeAmountSchema });

/** A customer payment. Applications may not exceed the payment amount (the rest is unapplied). */
export const PaymentSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema,
    amount: NonNegativeAmountSchema,
    currency: CurrencyCodeSchema,
    receivedDate: IsoDateSchema,
    method: z.enum(['ach', 'wire', 'card', 'check', 'other']).optional(),
    reference: z.string().trim().min(1).max(255).optional().describe('Bank/processor reference.'),
    applications: z.array(PaymentApplicationSchema),
    refs: ExternalRefsSchema,
  })
  .refine((p) => p.applications.reduce((s, a) => s + toCents(a.amount), 0) <= toCents(p.amount), {
    path: ['applications'],
    message: 'applied amounts exceed the payment amount',
  })
  .describe('Customer payment (ERP).');
/** A customer payment. */
export type Payment = z.infer<typeof PaymentSchema>;
