/**
 * Checks on the canonical write inputs before anything is sent to NetSuite: a bad input is a 422
 * with the field's path (`lines.0.quantity`), never a vendor round trip. Limits are NetSuite's own
 * (external id 255 characters, 1,000 lines per transaction, company name 83 characters).
 */
import { z } from 'zod';
import { fail, zodIssues } from '../../errors.js';
import type { ErpCustomerInput, ErpPaymentInput, ErpSalesOrderInput } from '../../ports/index.js';

const externalId = z.string().regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII without spaces, at most 255 characters');
const erpId = z.string().regex(/^\d{1,18}$/, 'a NetSuite internal id');
const date = z.iso.date();
const money = z.number().positive().max(1e10).refine((n) => Math.round(n * 100) === n * 100, 'at most two decimals');

const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code');
const optionalId = erpId.nullable().optional();

/** NetSuite's address fields and their lengths (addr1/addr2 150, city and state 50, zip 36). */
const AddressSchema = z
  .object({
    line1: z.string().trim().min(1).max(150),
    line2: z.string().max(150).nullable().optional(),
    city: z.string().trim().min(1).max(50),
    postalCode: z.string().max(36).nullable().optional(),
    region: z.string().max(50).nullable().optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code'),
  })
  .strict();

const CustomerInputSchema = z
  .object({
    externalId,
    name: z.string().trim().min(1).max(83),
    legalName: z.string().trim().min(1).max(83).nullable().optional(),
    email: z.email().nullable().optional(),
    website: z.string().max(200).nullable().optional(),
    taxId: z.string().max(20).nullable().optional(),
    currency: currency.optional(),
    billTo: AddressSchema.nullable().optional(),
    shipTo: AddressSchema.nullable().optional(),
    terms: optionalId,
    subsidiary: optionalId,
    parentId: optionalId,
  })
  .strict();

const SalesOrderInputSchema = z
  .object({
    externalId,
    customerId: erpId,
    date: date.optional(),
    memo: z.string().max(999).optional(),
    lines: z
      .array(
        z
          .object({
            itemId: erpId,
            quantity: z.number().positive().max(1e6),
            unitPrice: z.number().nonnegative().max(1e9).optional(),
            description: z.string().max(500).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(1000),
    currency: currency.optional(),
    terms: optionalId,
    startDate: date.nullable().optional(),
    endDate: date.nullable().optional(),
    billingHold: z.boolean().optional(),
  })
  .strict()
  .refine((o) => !o.startDate || !o.endDate || o.endDate >= o.startDate, { message: 'the end date is before the start date', path: ['endDate'] });

const PaymentInputSchema = z
  .object({
    externalId,
    customerId: erpId,
    amount: money,
    date: date.optional(),
    memo: z.string().max(999).optional(),
    applyTo: z.array(z.object({ invoiceId: erpId, amount: money }).strict()).max(1000).optional(),
  })
  .strict()
  .refine((p) => (p.applyTo ?? []).reduce((s, a) => s + a.amount, 0) <= p.amount + 1e-9, { message: 'applied amounts exceed the payment', path: ['applyTo'] });

function check<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) fail({ kind: 'validation', issues: zodIssues(parsed.error.issues) });
  return parsed.data as z.infer<S>;
}

export const checkCustomerInput = (input: ErpCustomerInput): ErpCustomerInput => check(CustomerInputSchema, input);
export const checkSalesOrderInput = (input: ErpSalesOrderInput): ErpSalesOrderInput => check(SalesOrderInputSchema, input);
export const checkPaymentInput = (input: ErpPaymentInput): ErpPaymentInput => check(PaymentInputSchema, input);
