/**
 * Company names as identity evidence: folded (case, accents, `&`/"and", punctuation), a leading
 * "The" and bracketed remarks dropped, the legal form split off with the countries it implies,
 * and a comparison that tolerates typos but not different words.
 */
import { splitLegalForm, type LegalForm } from './legal-forms.js';
import { editDistance, fold, words } from './text.js';

/** A parsed company name. */
export interface NameKey {
  /** The name without legal form, e.g. "acme analytics" for "The ACME Analytics, Inc.". */
  core: string;
  tokens: readonly string[];
  form: LegalForm | null;
}

/**
 * Words too common in company names to find a company by on their own (they still count when two
 * names are compared). Blocking keys skip them; see `blocking.ts`.
 */
export const GENERIC_NAME_WORDS: ReadonlySet<string> = new Set([
  'and', 'of', 'the', 'de', 'der', 'la', 'le', 'group', 'holding', 'holdings', 'international', 'global', 'services', 'service',
  'solutions', 'solution', 'systems', 'software', 'technologies', 'technology', 'tech', 'consulting', 'partners', 'industries',
  'enterprises', 'europe', 'uk', 'usa', 'america', 'deutschland', 'france', 'nederland', 'analytics', 'logistics', 'labs', 'lab',
  'networks', 'network', 'health', 'robotics', 'foods', 'energy', 'media', 'dynamics', 'biotech', 'payments', 'security',
  'learning', 'retail', 'data', 'cloud', 'mobility', 'studios', 'freight', 'insights', 'digital', 'capital', 'ventures', 'main',
]);

/** Parses a company name; null when it has no letters or digits. */
export function parseCompanyName(name: string | null | undefined): NameKey | null {
  if (typeof name !== 'string') return null;
  const folded = fold(name)
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ') // "Acme (DE)", "Acme [old]": remarks, not the name
    .replace(/\s[-–—]\s.*$/, ' ') // "Acme Analytics - Main", "Acme – EMEA": a spaced dash starts a remark
    .replace(/&/g, ' and ')
    .replace(/\+/g, ' and ');
  const all = words(folded);
  if (all.length > 1 && all[0] === 'the') all.shift();
  if (all.length === 0) return null;
  const { words: tokens, form } = splitLegalForm(all);
  return { core: tokens.join(' '), tokens, form };
}

/**
 * The normalised name used for exact comparison and display in reasons ("ACME Analytics, Inc."
 * and "The Acme Analytics Company" both give "acme analytics"); '' when there is no name.
 */
export function normalizeCompanyName(name: string): string {
  return parseCompanyName(name)?.core ?? '';
}

/**
 * Words that name another legal entity of the same group when added to a name: "Acme Services",
 * "Acme Holdings", "Acme UK" are often a subsidiary, a parent or a regional entity of "Acme".
 */
export const ENTITY_WORDS: ReadonlySet<string> = new Set([
  'services', 'service', 'holding', 'holdings', 'group', 'international', 'global', 'partners', 'ventures', 'capital', 'trust',
  'foundation', 'europe', 'emea', 'apac', 'americas', 'uk', 'usa', 'us', 'deutschland', 'france', 'nederland', 'espana', 'canada',
]);

/** How two names relate. */
export type NameRelation = 'exact' | 'typo' | 'similar' | 'related' | 'different';

/** Edits a word of this length may have and still count as a typo of another. */
const allowedEdits = (length: number) => (length >= 10 ? 2 : length >= 4 ? 1 : 0);

/**
 * Compares two parsed names:
 * - `exact`: the same words after normalisation;
 * - `typo`: the same words but one, which is a small edit away ("Anlaytics"/"Analytics": one
 *   edit for words of 4-9 letters, two from 10), or the same letters spaced differently
 *   ("Blue Harbor"/"Blueharbor"). "Analysis"/"Analytics" (two edits in nine letters) is not;
 * - `related`: one name is the other plus entity words only ("Acme Analytics Services" /
 *   "Acme Analytics"): maybe the same company, maybe a sister entity;
 * - `similar`: one name's words are all in the other or most words are shared;
 * - `different` otherwise.
 */
export function compareNames(a: NameKey, b: NameKey): NameRelation {
  if (a.core === b.core) return 'exact';
  if (a.tokens.join('') === b.tokens.join('')) return 'typo';
  if (a.tokens.length === b.tokens.length) {
    let diffs = 0;
    let typo = true;
    a.tokens.forEach((t, i) => {
      const u = b.tokens[i]!;
      if (t === u) return;
      diffs++;
      if (/\d/.test(t) || /\d/.test(u) || editDistance(t, u, 2) > allowedEdits(Math.min(t.length, u.length))) typo = false;
    });
    if (diffs === 1 && typo) return 'typo';
  }
  const setA = new Set(a.tokens);
  const setB = new Set(b.tokens);
  const shared = [...setA].filter((t) => setB.has(t));
  if (shared.length === 0) return 'different';
  if (shared.length === Math.min(setA.size, setB.size) && shared.some((t) => !GENERIC_NAME_WORDS.has(t))) {
    const extra = [...setA, ...setB].filter((t) => !(setA.has(t) && setB.has(t)));
    return extra.every((t) => ENTITY_WORDS.has(t)) ? 'related' : 'similar';
  }
  return shared.length / new Set([...setA, ...setB]).size >= 0.6 ? 'similar' : 'different';
}
