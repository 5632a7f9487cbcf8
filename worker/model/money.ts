/**
 * Money: decimal amounts with at most 2 decimal places plus an ISO-4217 currency code.
 *
 * Amounts travel as JSON numbers (the AccountView contract), but every sum is done in integer
 * cents so that 0.1 + 0.2 style float drift never reaches a total a finance user reconciles.
 */
import { z } from 'zod';

/** Largest amount accepted: keeps `amount * 100` an exact integer in a double. */
export const MAX_AMOUNT = 1e13;

/** True when `value` has at most 2 decimal places (tolerant of binary float noise). */
export function hasAtMostTwoDecimals(value: number): boolean {
  const cents = value * 100;
  return Math.abs(cents - Math.round(cents)) < 1e-6;
}

/** An ISO-4217 alphabetic currency code, upper case (`USD`, `EUR`). */
export const CurrencyCodeSchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO-4217 code: three upper-case letters')
  .describe('ISO-4217 currency code, e.g. USD.');
/** ISO-4217 currency code. */
export type CurrencyCode = z.infer<typeof CurrencyCodeSchema>;

/** A decimal amount in a currency's major unit, at most 2 decimal places. May be negative (credits). */
export const AmountSchema = z
  .number()
  .min(-MAX_AMOUNT)
  .max(MAX_AMOUNT)
  .refine(hasAtMostTwoDecimals, 'must have at most 2 decimal places')
  .describe('Decimal amount in major units (e.g. dollars), at most 2 decimal places.');

/** A non-negative amount (totals, balances, prices). */
export const NonNegativeAmountSchema = AmountSchema.min(0).describe('Non-negative decimal amount, at most 2 decimal places.');

/** An amount with its currency. */
export const MoneySchema = z
  .strictObject({ amount: AmountSchema, currency: CurrencyCodeSchema })
  .describe('An amount with its ISO-4217 currency.');
/** An amount with its currency. */
export type Money = z.infer<typeof MoneySchema>;

/** Rounds to 2 decimal places, half away from zero (1.005 -> 1.01, -1.005 -> -1.01). */
export function roundMoney(value: number): number {
  return fromCents(toCents(value));
}

/**
 * Converts a decimal amount to integer cents, half away from zero.
 * `Number.EPSILON` scaling fixes inputs like 1.005 whose binary value is just below the half.
 */
export function toCents(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const sign = value < 0 ? -1 : 1;
  const cents = Math.round(Math.abs(value) * 100 * (1 + Number.EPSILON));
  return cents === 0 ? 0 : sign * cents;
}

/** Converts integer cents back to a decimal amount. */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Sums decimal amounts exactly (in integer cents) and returns a 2-place decimal. */
export function sumMoney(amounts: Iterable<number>): number {
  let cents = 0;
  for (const amount of amounts) cents += toCents(amount);
  return fromCents(cents);
}
