/** Canonical Contract (a subscription term), ERP-owned by default. */
import { z } from 'zod';
import { CurrencyCodeSchema, NonNegativeAmountSchema } from './money.js';
import { ExternalRefsSchema, IdSchema, IsoDateSchema } from './primitives.js';

/** Lifecycle of a contract/subscription term. */
export const ContractStatusSchema = z
  .enum(['draft', 'pending', 'active', 'suspended', 'expired', 'terminated'])
  .describe('draft: not signed; pending: signed, not started; active; suspended; expired: ended without renewal; terminated: ended early.');
/** Lifecycle of a contract. */
export type ContractStatus = z.infer<typeof ContractStatusSchema>;

/** A subscription contract term. `renewalDate` is normally the day after `endDate`. */
export const ContractSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema,
    name: z.string().trim().min(1).max(255),
    status: ContractStatusSchema,
    startDate: IsoDateSchema,
    endDate: IsoDateSchema.describe('Last day of the term (inclusive).'),
    renewalDate: IsoDateSchema.describe('First day of the next term; see renewalDate(endDate).'),
    arr: NonNegativeAmountSchema.describe('Annual recurring revenue of the term.'),
    currency: CurrencyCodeSchema,
    autoRenew: z.boolean(),
    refs: ExternalRefsSchema,
  })
  .refine((c) => c.startDate <= c.endDate, { path: ['endDate'], message: 'endDate must not be before startDate' })
  .refine((c) => c.renewalDate > c.endDate, { path: ['renewalDate'], message: 'renewalDate must be after endDate' })
  .describe('Subscription contract term (ERP).');
/** A subscription contract term. */
export type Contract = z.infer<typeof ContractSchema>;
