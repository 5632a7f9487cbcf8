/**
 * Legal entities in the seed: the legal forms each country registers (so an ERP name's suffix
 * agrees with the customer's country, as in a real estate), tax ids in each country's format and
 * the spellings people type them in, country names, and one-letter typos.
 */
import type { Prng } from './prng.js';

/** Countries the seed places customers in. */
export type SeedCountry = 'US' | 'CA' | 'GB' | 'DE' | 'FR' | 'NL' | 'ES';

/** Legal-form spellings per country ("{b}" is the base name). */
const FORMS: Readonly<Record<SeedCountry, readonly string[]>> = {
  US: ['{b}, Inc.', '{B} INC', '{b} LLC', '{b} Corp.', 'The {b} Company', '{b} Inc.'],
  CA: ['{b} Inc.', '{b} Ltd.', '{b} Corp.', '{B} INC'],
  GB: ['{b} Ltd', '{b} Ltd.', '{b} Limited', '{b} plc', '{B} LTD'],
  DE: ['{b} GmbH', '{B} GMBH', '{b} AG', '{b} GmbH'],
  FR: ['{b} SAS', '{b} S.A.', '{b} SARL', '{B} SAS'],
  NL: ['{b} B.V.', '{b} BV', '{b} N.V.'],
  ES: ['{b} S.L.', '{b} SA', '{b} S.L.U.'],
};

/** The legal form a person would type after the name in a CRM ("Acme Inc", "Acme GmbH"). */
export const SHORT_FORM: Readonly<Record<SeedCountry, string>> = { US: 'Inc', CA: 'Inc', GB: 'Ltd', DE: 'GmbH', FR: 'SAS', NL: 'BV', ES: 'SL' };

const fill = (pattern: string, base: string) => pattern.replace('{b}', base).replace('{B}', base.toUpperCase());

/** How the ERP spells the legal entity: the base name and a legal form of its country. */
export function legalNameVariant(rng: Prng, base: string, country: SeedCountry): string {
  return fill(rng.pick(FORMS[country]), base);
}

const DIVERGENT_FORM: Readonly<Record<SeedCountry, string>> = { US: 'Inc.', CA: 'Ltd.', GB: 'Ltd', DE: 'GmbH', FR: 'SAS', NL: 'B.V.', ES: 'S.L.' };

/** An ERP name that does NOT normalise to the base name (rebrand, holding, abbreviation). */
export function divergentLegalName(rng: Prng, base: string, country: SeedCountry): string {
  const initials = base.split(' ').map((w) => w[0]).join('');
  const form = DIVERGENT_FORM[country];
  return rng.pick([`${base} Holdings ${form}`, `${initials} Group ${form}`, `${base} International ${form}`]);
}

/** English country names, as people type them into a CRM's country field. */
export const COUNTRY_NAMES: Readonly<Record<SeedCountry, string>> = {
  US: 'United States', CA: 'Canada', GB: 'United Kingdom', DE: 'Germany', FR: 'France', NL: 'Netherlands', ES: 'Spain',
};

/** Country-code top-level domains (the brand's site in that country). */
export const CC_TLD: Readonly<Record<SeedCountry, string>> = { US: 'com', CA: 'ca', GB: 'co.uk', DE: 'de', FR: 'fr', NL: 'nl', ES: 'es' };

const digits = (rng: Prng, n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');

/**
 * A tax id in its country's canonical form (VAT numbers with the country prefix, US EIN and
 * Canadian BN as written there): DE + 9 digits, GB + 9, FR + 2 + 9, NL + 9 + B01, ES + B + 8,
 * US 12-3456789, CA 123456789RT0001.
 */
export function taxIdFor(rng: Prng, country: SeedCountry): string {
  switch (country) {
    case 'DE':
      return `DE${rng.int(1, 9)}${digits(rng, 8)}`;
    case 'GB':
      return `GB${rng.int(1, 9)}${digits(rng, 8)}`;
    case 'FR':
      return `FR${digits(rng, 2)}${rng.int(1, 9)}${digits(rng, 8)}`;
    case 'NL':
      return `NL${rng.int(1, 9)}${digits(rng, 8)}B01`;
    case 'ES':
      return `ESB${rng.int(1, 9)}${digits(rng, 7)}`;
    case 'US':
      return `${rng.int(10, 99)}-${rng.int(1, 9)}${digits(rng, 6)}`;
    case 'CA':
      return `${rng.int(1, 9)}${digits(rng, 8)}RT0001`;
  }
}

/** A tax id as someone typed it: with or without the country prefix, spaced, dotted. */
export function taxIdSpelling(rng: Prng, taxId: string): string {
  const m = /^([A-Z]{2})(.+)$/.exec(taxId);
  if (!m) return taxId;
  const [, prefix, number] = m;
  return rng.pick([
    taxId,
    number!,
    `${prefix} ${number!.replace(/(\d{3})(?=\d)/g, '$1 ')}`.trim(),
    `${prefix}-${number!.replace(/(\d{3})(?=\d)/g, '$1.')}`,
  ]);
}

const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 's', b: 'v', c: 'x', d: 's', e: 'r', f: 'g', g: 'h', h: 'j', i: 'o', j: 'k', k: 'l', l: 'k', m: 'n', n: 'm', o: 'p', p: 'o',
  q: 'w', r: 't', s: 'a', t: 'r', u: 'y', v: 'c', w: 'e', x: 'z', y: 't', z: 'x',
};

/**
 * The name with one typo in one of its longer words (a letter dropped, doubled, swapped with
 * its neighbour, or a neighbouring key): "Acme Analytics" -> "Acme Anlaytics". The first letter
 * of the word is left alone, as people rarely get it wrong.
 */
export function withTypo(rng: Prng, name: string): string {
  const words = name.split(' ');
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => w.length >= 5 && /^[A-Za-z]+$/.test(w));
  if (candidates.length === 0) return name;
  const [word, index] = rng.pick(candidates);
  const at = rng.int(1, word.length - 2);
  const ch = word[at]!;
  let typo: string;
  switch (rng.pick(['drop', 'double', 'swap', 'key'] as const)) {
    case 'drop':
      typo = word.slice(0, at) + word.slice(at + 1);
      break;
    case 'double':
      typo = word.slice(0, at) + ch + word.slice(at);
      break;
    case 'swap':
      typo = word[at + 1] === ch ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at) + word[at + 1] + ch + word.slice(at + 2);
      break;
    case 'key':
      typo = word.slice(0, at) + (KEYBOARD_NEIGHBOURS[ch.toLowerCase()] ?? ch) + word.slice(at + 1);
      break;
  }
  words[index] = typo;
  return words.join(' ');
}
