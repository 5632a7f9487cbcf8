/**
 * Tax ids as identity evidence: EU/UK VAT numbers, Swiss UID, Norwegian org numbers, US EIN,
 * Canadian BN, Australian ABN. One id is written many ways ("DE 123.456.789", "DE123456789",
 * "123456789" on a German record), so a number is kept apart from its country prefix; the
 * country comes from the prefix or, without one, from the record's country.
 * Formats: the EU's VIES rules (https://ec.europa.eu/taxation_customs/vies/, "VAT number
 * validation" FAQ), HMRC (GB 9 or 12 digits), the Swiss UID register (CHE + 9 digits), IRS EIN
 * (9 digits), CRA business number (9 digits + program account), ABR (11 digits).
 */

/** VAT prefixes that are not the ISO code of their country. */
const PREFIX_COUNTRY: Readonly<Record<string, string>> = { EL: 'GR', XI: 'GB' };

/** Number formats per ISO country (without the country prefix, separators removed). */
const FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  GR: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  GB: /^(?:\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(?:\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(?:\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  CH: /^E\d{9}$/,
  NO: /^\d{9}$/,
  US: /^\d{9}$/,
  CA: /^\d{9}$/,
  AU: /^\d{11}$/,
};

/** Two-letter prefixes that open a VAT-style number. */
const PREFIXES: ReadonlySet<string> = new Set([...Object.keys(FORMATS).filter((c) => !['US', 'CA', 'AU', 'GR'].includes(c)), 'EL', 'XI']);

/** A parsed tax id. */
export interface TaxIdKey {
  /** ISO country, from the prefix or the record's country; null when neither says. */
  country: string | null;
  /** The number without prefix and separators: "123456789". */
  number: string;
  /** The number fits its country's format (or, country unknown, looks like a tax number at all). */
  valid: boolean;
  /** Country and number, for display: "DE123456789". */
  display: string;
}

/**
 * Parses a tax id: upper case, separators (spaces, dots, dashes, slashes) removed, a country
 * prefix split off; `recordCountry` (ISO code) supplies the country when there is no prefix.
 * Swiss "CHE-123.456.789 MWST" and Norwegian "...MVA" lose their VAT suffix, a Canadian BN its
 * program account ("123456789RT0001" -> "123456789"). Null when no digit is present ("N/A",
 * "pending") or fewer than 5 characters remain.
 */
export function parseTaxId(raw: string | null | undefined, recordCountry?: string | null): TaxIdKey | null {
  if (typeof raw !== 'string') return null;
  let compact = raw.toUpperCase().replace(/[\s\-./_,]/g, '');
  if (!/\d/.test(compact) || compact.length < 5 || !/^[A-Z0-9+*]+$/.test(compact)) return null;
  let country: string | null = null;
  const head = compact.slice(0, 2);
  if (/^[A-Z]{2}$/.test(head) && PREFIXES.has(head)) {
    country = PREFIX_COUNTRY[head] ?? head;
    compact = compact.slice(2);
  } else if (recordCountry && /^[A-Z]{2}$/.test(recordCountry)) {
    country = recordCountry;
  }
  if (country === 'CH' || country === 'NO') compact = compact.replace(/(?:MWST|TVA|IVA|MVA)$/, '');
  if (country === 'CA') compact = compact.replace(/^(\d{9})RT\d{4}$/, '$1');
  if (compact.length < 5) return null;
  const format = country ? FORMATS[country] : undefined;
  const valid = format ? format.test(compact) : /^[A-Z0-9]{5,15}$/.test(compact) && (compact.match(/\d/g)?.length ?? 0) >= 5;
  return { country, number: compact, valid, display: `${country && PREFIXES.has(country) ? country : ''}${compact}` };
}

/** What two tax ids say about two records. */
export type TaxIdRelation = 'same' | 'different' | 'unknown';

/**
 * `same` when the numbers agree (and the countries do not contradict); `different` when both are
 * valid and differ (two valid tax ids are two legal entities); `unknown` when either is missing
 * or malformed (a typo in a tax id is no evidence either way).
 */
export function compareTaxIds(a: TaxIdKey | null, b: TaxIdKey | null): TaxIdRelation {
  if (a === null || b === null) return 'unknown';
  const countriesDiffer = a.country !== null && b.country !== null && a.country !== b.country;
  if (a.number === b.number) return countriesDiffer ? 'different' : 'same';
  return a.valid && b.valid ? 'different' : 'unknown';
}
