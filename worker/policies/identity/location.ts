/**
 * Country, city and street address as identity evidence, normalised so that "Deutschland", "DE"
 * and "Germany" agree, "München" and "Munich" agree, and "Hauptstraße 12" and "12 Hauptstr."
 * agree.
 */
import { fold, words } from './text.js';

/** Country names and common codes (folded) -> ISO 3166-1 alpha-2. Two-letter codes pass through. */
const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  'united states': 'US', 'united states of america': 'US', usa: 'US', 'u s a': 'US', america: 'US',
  'united kingdom': 'GB', uk: 'GB', 'great britain': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB',
  germany: 'DE', deutschland: 'DE', deu: 'DE', austria: 'AT', osterreich: 'AT', aut: 'AT', switzerland: 'CH', schweiz: 'CH', suisse: 'CH', svizzera: 'CH', che: 'CH',
  france: 'FR', fra: 'FR', netherlands: 'NL', 'the netherlands': 'NL', nederland: 'NL', holland: 'NL', nld: 'NL', belgium: 'BE', belgique: 'BE', belgie: 'BE',
  luxembourg: 'LU', spain: 'ES', espana: 'ES', esp: 'ES', portugal: 'PT', italy: 'IT', italia: 'IT', ita: 'IT', ireland: 'IE', eire: 'IE', irl: 'IE',
  sweden: 'SE', sverige: 'SE', norway: 'NO', norge: 'NO', denmark: 'DK', danmark: 'DK', finland: 'FI', suomi: 'FI', poland: 'PL', polska: 'PL',
  'czech republic': 'CZ', czechia: 'CZ', greece: 'GR', canada: 'CA', can: 'CA', australia: 'AU', aus: 'AU', 'new zealand': 'NZ',
  gbr: 'GB',
  mexico: 'MX', brazil: 'BR', brasil: 'BR', japan: 'JP', india: 'IN', singapore: 'SG', 'south africa': 'ZA', israel: 'IL',
};

/** An ISO country code for a code or name ("de", "Germany", "Deutschland" -> "DE"); null when unknown or empty. */
export function normalizeCountry(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const text = words(fold(raw)).join(' ');
  if (text === '') return null;
  if (/^[a-z]{2}$/.test(text)) return text === 'uk' ? 'GB' : text === 'el' ? 'GR' : text.toUpperCase();
  return COUNTRY_NAMES[text] ?? null;
}

/** English exonyms -> local names (folded), for cities customers commonly spell both ways. */
const CITY_ALIASES: Readonly<Record<string, string>> = {
  munich: 'munchen', cologne: 'koln', nuremberg: 'nurnberg', vienna: 'wien', 'the hague': 'den haag', lisbon: 'lisboa',
  rome: 'roma', milan: 'milano', turin: 'torino', florence: 'firenze', naples: 'napoli', prague: 'praha', warsaw: 'warszawa',
  brussels: 'bruxelles', brussel: 'bruxelles', geneva: 'geneve', copenhagen: 'kobenhavn', gothenburg: 'goteborg',
  'new york city': 'new york', nyc: 'new york', 'frankfurt am main': 'frankfurt', seville: 'sevilla', athens: 'athina',
};

/** A comparable city name: folded, punctuation removed, local name for common exonyms; null when empty. */
export function normalizeCity(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const text = words(fold(raw)).join(' ');
  if (text === '') return null;
  return CITY_ALIASES[text] ?? text;
}

/** Street words and their abbreviations (folded). */
const STREET_WORDS: Readonly<Record<string, string>> = {
  street: 'st', avenue: 'ave', av: 'ave', road: 'rd', boulevard: 'blvd', drive: 'dr', lane: 'ln', place: 'pl', square: 'sq',
  suite: '', ste: '', floor: '', fl: '', strasse: 'str', rue: 'rue', calle: 'c',
};

/**
 * A comparable street address: folded, abbreviations unified ("Street" -> "st", "Straße" ->
 * "str", also inside a German compound: "Hauptstraße" -> "hauptstr"), words sorted so
 * "12 Main Street" and "Main St 12" agree. Null when no letters or digits remain.
 */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const tokens = words(fold(raw))
    .map((w) => (w.length > 7 && w.endsWith('strasse') ? `${w.slice(0, -7)}str` : w))
    .map((w) => (w in STREET_WORDS ? STREET_WORDS[w]! : w))
    .filter((w) => w !== '');
  return tokens.length === 0 ? null : tokens.sort().join(' ');
}
