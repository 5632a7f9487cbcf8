/** Canonical SalesOrder and its lines: what closed-won becomes in the ERP. */
import { z } from 'zod';
import { CurrencyCodeSchema, NonNegativeAmountSchema, toCents } from './money.js';
import { ExternalRefsSchema, IdSchema, IsoDateSchema } from './primitives.js';

/** One order line. `amount` = quantity x unitPrice, rounded to cents. */
export const SalesOrderLineSchema = z
  .strictObject({
    lineNo: z.number().int().min(1),
    productId: IdSchema,
    sku: z.string().trim().min(1).max(64).optional(),
    description: z.string().max(4000).optional(),
    quantity: z.number().positive().max(1e9),
    unitPrice: NonNegativeAmountSchema,
    amount: NonNegativeAmountSchema,
    startDate: IsoDateSchema.optional().describe('Service start, for subscription lines.'),
    endDate: IsoDateSchema.optional().describe('Service end (inclusive), for subscription lines.'),
  })
  .superRefine((l, ctx) => {
    if (Math.abs(Math.round(l.quantity * toCents(l.unitPrice)) - toCents(l.amount)) > 1) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'amount must equal quantity x unitPrice' });
    }
    if (l.startDate !== undefined && l.endDate !== undefined && l.endDate < l.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'endDate must not be before startDate' });
    }
  });
/** One sales-order line. */
export type SalesOrderLine = z.infer<typeof SalesOrderLineSchema>;

/** Lifecycle of a sales order. */
export const SalesOrderStatusSchema = z.enum(['draft', 'pending_approval', 'pending_fulfillment', 'billed', 'closed', 'cancelled']);

/** A sales order. `total` is the sum of line amounts. */
export const SalesOrderSchema = z
  .strictObject({
    id: IdSchema,
    accountId: IdSchema,
    number: z.string().trim().min(1).max(64).optional().describe('ERP document number, once created.'),
    orderDate: IsoDateSchema,
    currency: CurrencyCodeSchema,
    status: SalesOrderStatusSchema,
    lines: z.array(SalesOrderLineSchema).min(1),
    total: NonNegativeAmountSchema,
    sourceOpportunityId: IdSchema.optional().describe('The CRM deal/opportunity that produced this order.'),
    refs: ExternalRefsSchema,
  })
  .superRefine((o, ctx) => {
    const sum = o.lines.reduce((s, l) => s + toCents(l.amount), 0);
    if (sum !== toCents(o.total)) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'total must equal the sum of line amounts' });
    }
    const seen = new Set<number>();
    o.lines.forEach((l, i) => {
      if (seen.has(l.lineNo)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'lineNo'], message: 'duplicate lineNo' });
      seen.add(l.lineNo);
    });
  })
  .describe('Sales order (ERP), e.g. created from a closed-won deal.');
/** A sales order. */
export type SalesOrder = z.infer<typeof SalesOrderSchema>;
