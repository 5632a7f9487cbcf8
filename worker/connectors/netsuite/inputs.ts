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

const CustomerInputSchema = z
  .object({
    externalId,
    name: z.string().trim().min(1).max(83),
    email: z.email().nullable().optional(),
    website: z.string().max(200).nullable().optional(),
    taxId: z.string().max(20).nullable().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code').optional(),
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
  })
  .strict();

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
