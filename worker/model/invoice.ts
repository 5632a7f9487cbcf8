/**
 * Canonical Invoice (ERP-owned) and the derivation of its canonical status.
 *
 * Status precedence (docs/account-view.md): void > paid > disputed > overdue > partially_paid > open.
 */
import { z } from 'zod';
import { compareDates } from './dates.js';
import { CurrencyCodeSchema, NonNegativeAmountSchema, toCents } from './money.js';
import { ExternalRefsSchema, IdSchema, IsoDateSchema } from './primitives.js';

/** Canonical invoice status. */
export const InvoiceStatusSchema = z
  .enum(['open', 'partially_paid', 'paid', 'overdue', 'disputed', 'void'])
  .describe('Canonical invoice status; disputed wins over overdue, overdue over partially_paid.');
/** Canonical invoice status. */
export type InvoiceStatus = z.infer<typeof InvoiceStatusSchema>;

/** A customer invoice. `balance` is what remains to be paid, in the invoice currency. */
export const InvoiceSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema,
    number: z.string().trim().min(1).max(64).describe('Document number shown to the customer, e.g. INV-000901.'),
    issueDate: IsoDateSchema,
    dueDate: IsoDateSchema,
    total: NonNegativeAmountSchema,
    balance: NonNegativeAmountSchema.describe('Amount remaining; 0 for paid and void invoices.'),
    currency: CurrencyCodeSchema,
    status: InvoiceStatusSchema,
    disputed: z.boolean().describe('The customer disputes this invoice (ERP dispute flag or open dispute case).'),
    refs: ExternalRefsSchema,
  })
  .superRefine((inv, ctx) => {
    if (compareDates(inv.dueDate, inv.issueDate) < 0) {
      ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'dueDate must not be before issueDate' });
    }
    if (toCents(inv.balance) > toCents(inv.total)) {
      ctx.addIssue({ code: 'custom', path: ['balance'], message: 'balance must not exceed total' });
    }
    if ((inv.status === 'paid' || inv.status === 'void') && toCents(inv.balance) !== 0) {
      ctx.addIssue({ code: 'custom', path: ['balance'], message: `a ${inv.status} invoice has balance 0` });
    }
    if (inv.status === 'disputed' && !inv.disputed) {
      ctx.addIssue({ code: 'custom', path: ['disputed'], message: 'status disputed requires disputed: true' });
    }
  })
  .describe('Customer invoice (ERP).');
/** A customer invoice. */
export type Invoice = z.infer<typeof InvoiceSchema>;

/** The facts `deriveInvoiceStatus` needs; vendor mappers fill them from raw fields. */
export interface InvoiceStatusFacts {
  total: number;
  balance: number;
  /** `YYYY-MM-DD`; the invoice is overdue from the day after. */
  dueDate: string;
  voided?: boolean;
  paidInFull?: boolean;
  disputed?: boolean;
}

/**
 * Derives the canonical status from the facts and today's date (`YYYY-MM-DD`).
 * An invoice due today is not yet overdue. A disputed invoice with nothing left to pay is paid:
 * there is no money in dispute any more.
 */
export function deriveInvoiceStatus(facts: InvoiceStatusFacts, today: string): InvoiceStatus {
  if (facts.voided) return 'void';
  const balance = toCents(facts.balance);
  if (facts.paidInFull || balance <= 0) return 'paid';
  if (facts.disputed) return 'disputed';
  if (compareDates(today, facts.dueDate) > 0) return 'overdue';
  if (balance < toCents(facts.total)) return 'partially_paid';
  return 'open';
}
