/** Canonical postal address (sold-to, bill-to, ship-to); owned by the ERP by default. */
import { z } from 'zod';

/** ISO-3166-1 alpha-2 country code, upper case (`US`, `DE`). */
export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO-3166-1 alpha-2 code: two upper-case letters')
  .describe('ISO-3166-1 alpha-2 country code, e.g. US.');

const line = z.string().trim().min(1).max(300);

/** A postal address. `region` is the state/province/county where the country uses one. */
export const AddressSchema = z
  .strictObject({
    line1: line,
    line2: line.optional(),
    city: line,
    region: line.optional().describe('State, province or county (e.g. TX).'),
    postalCode: z.string().trim().min(1).max(20),
    country: CountryCodeSchema,
  })
  .describe('Postal address.');
/** A postal address. */
export type Address = z.infer<typeof AddressSchema>;
