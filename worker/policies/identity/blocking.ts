/**
 * Blocking keys: the few index keys under which a record is stored in D1 and by which its
 * possible twins are looked up, so resolving a record reads a handful of rows, never a whole
 * tenant. A pair that shares no key is never scored, so the keys are chosen to survive the
 * messiness the scorer tolerates: the tax number without its country prefix, the registrable
 * domain and the brand label (regional sites), e-mail domains, each distinctive name word with
 * a typo-tolerant skeleton and its first four letters, and external-id hints.
 */
import { GENERIC_NAME_WORDS } from './name.js';
import type { IdentityProfile } from './profile.js';

/**
 * A consonant skeleton: first letter, then the consonants with runs collapsed. Absorbs most
 * one-letter typos ("acme", "acmee", "acem" -> "acm"; "northwind", "nortwind" -> "nrthwnd").
 */
export function skeleton(word: string): string {
  const rest = word.slice(1).replace(/[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
  return word[0] + rest;
}

/**
 * The keys of a record. `self` is the record's own `system:id` and `hint` the record its hint
 * points at (both as `recordKey` gives them), so a record and the records that point at it
 * share a key.
 */
/** The name's words that tell companies apart (not legal forms or common words, not numbers), at most four. */
export function distinctiveNameTokens(p: IdentityProfile): string[] {
  return (p.name?.tokens ?? []).filter((t) => t.length >= 3 && !GENERIC_NAME_WORDS.has(t) && !/^\d+$/.test(t)).slice(0, 4);
}

export function blockingKeys(p: IdentityProfile, refs: { self?: string | null; hint?: string | null } = {}): string[] {
  const keys = new Set<string>();
  if (refs.self) keys.add(`h:${refs.self}`);
  if (refs.hint) keys.add(`h:${refs.hint}`);
  if (p.taxId) keys.add(`t:${p.taxId.number}`);
  if (p.domain) {
    keys.add(`d:${p.domain.domain}`);
    keys.add(`b:${p.domain.label}`);
  }
  for (const d of p.emailDomains) keys.add(`d:${d}`);
  if (p.name) {
    keys.add(`f:${p.name.core}`);
    for (const t of distinctiveNameTokens(p)) {
      keys.add(`n:${t}`);
      keys.add(`s:${skeleton(t)}`);
      // A typo past the fourth letter keeps the word's start ("quarz" / "quartz").
      if (t.length >= 5) keys.add(`p:${t.slice(0, 4)}`);
    }
    // A name made only of common words ("Global Solutions") is found by its full form only, and
    // by its words squeezed together ("Blue Harbor" / "Blueharbor").
    keys.add(`f:${p.name.tokens.join('')}`);
  }
  return [...keys];
}
