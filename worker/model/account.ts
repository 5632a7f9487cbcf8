/**
 * Canonical Account: the customer company as one record across CRM, ERP and CS.
 * Field owners (who may write what) live in `worker/policies/ownership`, not here.
 */
import { z } from 'zod';
import { AddressSchema } from './address.js';
import { CurrencyCodeSchema } from './money.js';
import { ExternalRefsSchema, IdSchema, InstantSchema } from './primitives.js';

/** A bare registrable host name, lower case, no scheme or `www.` (normalise with `normalizeDomain`). */
export const DomainSchema = z
  .string()
  .max(253)
  .regex(/^(?!www\.)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/, 'must be a lower-case host name like acme.io')
  .describe('Company web domain, lower case, without scheme or www (acme.io).');

/** A customer company. */
export const AccountSchema = z
  .strictObject({
    id: IdSchema.describe('Concord canonical account id.'),
    name: z.string().trim().min(1).max(255).describe('Display/commercial name (CRM).'),
    legalName: z.string().trim().min(1).max(255).optional().describe('Registered legal name (ERP).'),
    domain: DomainSchema.optional(),
    taxId: z.string().trim().min(1).max(64).optional().describe('Tax/VAT/EIN number as registered in the ERP.'),
    currency: CurrencyCodeSchema.optional().describe('Primary transaction currency (ERP).'),
    soldTo: AddressSchema.optional(),
    billTo: AddressSchema.optional(),
    shipTo: AddressSchema.optional(),
    legalEntity: z.string().trim().min(1).max(255).optional().describe('Selling legal entity / ERP subsidiary.'),
    paymentTerms: z.string().trim().min(1).max(64).optional().describe('Payment terms, e.g. Net 30 (ERP).'),
    parentAccountId: IdSchema.optional().describe('Canonical id of the parent account in a hierarchy.'),
    owner: z.string().trim().min(1).max(255).optional().describe('Account owner in the CRM (user id or e-mail).'),
    stage: z.string().trim().min(1).max(64).optional().describe('CRM lifecycle stage, e.g. customer.'),
    refs: ExternalRefsSchema,
    updatedAt: InstantSchema.optional(),
  })
  .refine((a) => a.parentAccountId !== a.id, { path: ['parentAccountId'], message: 'an account cannot be its own parent' })
  .describe('Customer company, merged across CRM, ERP and customer-success systems.');
/** A customer company. */
export type Account = z.infer<typeof AccountSchema>;
