/**
 * Reference records a sales order or customer points at, readable through record/v1 like any
 * other record and refused for writes: payment terms (`term`), subsidiaries (`subsidiary`, a
 * OneWorld account with one legal entity per billing region) and currencies (`currency`, the
 * seeded table). https://system.netsuite.com/help/helpcenter/en_US/APIs/REST_API_Browser/record/v1/2024.2/index.html#tag-term
 */
import type { NetSuiteDataset } from '../../seed/types.js';
import { NetSuiteError } from '../errors.js';
import type { Links } from './map.js';

/** Payment terms of the account (ids as in a default account: 4 Net 15, 5 Net 30, 6 Net 60). */
export const TERMS: readonly { id: string; name: string; days: number }[] = [
  { id: '4', name: 'Net 15', days: 15 },
  { id: '5', name: 'Net 30', days: 30 },
  { id: '6', name: 'Net 60', days: 60 },
];

/** The account's subsidiaries: the parent company (the seeded customers' subsidiary) and three regional ones. */
export const SUBSIDIARIES: readonly { id: string; name: string; legalName: string; country: string; currency: string }[] = [
  { id: '1', name: 'Concord Demo Inc.', legalName: 'Concord Demo Inc.', country: 'US', currency: '1' },
  { id: '2', name: 'Concord Demo GmbH', legalName: 'Concord Demo GmbH', country: 'DE', currency: '2' },
  { id: '3', name: 'Concord Demo Ltd', legalName: 'Concord Demo Ltd', country: 'GB', currency: '3' },
  { id: '4', name: 'Concord Demo Canada Inc.', legalName: 'Concord Demo Canada Inc.', country: 'CA', currency: '4' },
];

const region = new Intl.DisplayNames(['en'], { type: 'region' });

/** True for an ISO 3166 alpha-2 code NetSuite's country list has (Intl knows the region). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = region.of(code);
  return name !== undefined && name !== code && name !== 'Unknown Region';
}

/** English name of a country code (NetSuite's `refName` for a country). */
export function countryName(code: string): string {
  return region.of(code) ?? code;
}

/** The name of a terms id, or the id itself. */
export function termName(id: string): string {
  return TERMS.find((t) => t.id === id)?.name ?? id;
}

/** The name of a subsidiary id, or the id itself. */
export function subsidiaryName(id: string): string {
  return SUBSIDIARIES.find((s) => s.id === id)?.name ?? id;
}

const readOnly = (type: string) => (): never => {
  throw new NetSuiteError(405, 'METHOD_NOT_ALLOWED', `The sandbox does not change or delete ${type} records; they are set up in the account.`);
};

type Json = Record<string, unknown>;

/** The record kinds for `term`, `subsidiary` and `currency` (registry.ts shape; no `write`). */
export const REFERENCE_KINDS = {
  term: {
    rows: () => TERMS,
    toRest: (_ds: NetSuiteDataset, l: Links, row: { id: string }): Json => {
      const t = TERMS.find((x) => x.id === row.id)!;
      return { links: l.self('term', t.id), id: t.id, name: t.name, daysUntilNetDue: t.days, dateDriven: false, discountPercent: 0, daysUntilExpiry: 0, installment: false, isInactive: false, preferred: t.id === '5' };
    },
    remove: readOnly('term'),
  },
  subsidiary: {
    rows: () => SUBSIDIARIES,
    toRest: (ds: NetSuiteDataset, l: Links, row: { id: string }): Json => {
      const s = SUBSIDIARIES.find((x) => x.id === row.id)!;
      const currency = ds.currency.find((c) => c.id === s.currency);
      return {
        links: l.self('subsidiary', s.id), id: s.id, name: s.name, legalName: s.legalName, country: { id: s.country, refName: countryName(s.country) },
        currency: l.ref('currency', s.currency, currency?.name ?? s.currency), parent: s.id === '1' ? undefined : l.ref('subsidiary', '1', SUBSIDIARIES[0]!.name),
        isElimination: false, isInactive: false,
      };
    },
    remove: readOnly('subsidiary'),
  },
  currency: {
    rows: (ds: NetSuiteDataset) => ds.currency,
    toRest: (ds: NetSuiteDataset, l: Links, row: { id: string }): Json => {
      const c = ds.currency.find((x) => x.id === row.id)!;
      const display: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: 'CA$' };
      return { links: l.self('currency', c.id), id: c.id, name: c.name, symbol: c.symbol, displaySymbol: display[c.symbol] ?? c.symbol, currencyPrecision: 2, isBaseCurrency: c.id === '1', isInactive: false };
    },
    remove: readOnly('currency'),
  },
};
