/** Canonical Product and PriceBookEntry: the catalogue, owned by the ERP by default. */
import { z } from 'zod';
import { CurrencyCodeSchema, NonNegativeAmountSchema } from './money.js';
import { ExternalRefsSchema, IdSchema, IsoDateSchema } from './primitives.js';

/** How a product is charged. */
export const ProductTypeSchema = z.enum(['subscription', 'one_time', 'usage', 'service']);

/** A sellable item. */
export const ProductSchema = z
  .strictObject({
    id: IdSchema,
    sku: z.string().trim().min(1).max(64).describe('Stock-keeping unit / item name, unique per tenant.'),
    name: z.string().trim().min(1).max(255),
    description: z.string().max(4000).optional(),
    type: ProductTypeSchema,
    active: z.boolean(),
    refs: ExternalRefsSchema,
  })
  .describe('Sellable item from the ERP catalogue.');
/** A sellable item. */
export type Product = z.infer<typeof ProductSchema>;

/** Billing period of a price. */
export const BillingPeriodSchema = z.enum(['one_time', 'monthly', 'quarterly', 'annual']);

/** The price of one product in one price book and currency, valid over a date range. */
export const PriceBookEntrySchema = z
  .strictObject({
    id: IdSchema,
    productId: IdSchema,
    priceBook: z.string().trim().min(1).max(255).describe('Price book / price level name, e.g. List.'),
    currency: CurrencyCodeSchema,
    unitPrice: NonNegativeAmountSchema,
    billingPeriod: BillingPeriodSchema,
    validFrom: IsoDateSchema.optional(),
    validTo: IsoDateSchema.optional(),
    refs: ExternalRefsSchema,
  })
  .refine((e) => e.validFrom === undefined || e.validTo === undefined || e.validFrom <= e.validTo, {
    path: ['validTo'],
    message: 'validTo must not be before validFrom',
  })
  .describe('Price of a product in one price book and currency.');
/** A price of a product in one price book and currency. */
export type PriceBookEntry = z.infer<typeof PriceBookEntrySchema>;
