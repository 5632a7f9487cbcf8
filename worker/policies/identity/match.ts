/**
 * Identity matching: decides which record of another system is the same company as a source
 * record, by exact keys only, strongest rule first:
 *   external id hint -> tax id -> domain -> exact normalised name.
 * There is no fuzzy matching: "Acme Analytics" never matches "Acme Analysis". Two candidates at
 * the strongest rule that matched give `ambiguous` (a human decides, the matcher never guesses).
 * So does a single domain or name hit whose other keys contradict the source (different tax id;
 * for a name hit, a different domain): same name, different legal entity is common.
 */
import { z } from 'zod';
import { IdSchema, SystemNameSchema, type SystemName } from '../../model/primitives.js';
import { normalizeCompanyName, normalizeDomain, normalizeTaxId } from './normalize.js';

/** A company as the matcher sees it (CRM company, ERP customer, CS account). */
export const IdentityRecordSchema = z
  .strictObject({
    system: SystemNameSchema,
    externalId: IdSchema,
    name: z.string().max(500),
    domain: z.string().max(2000).nullish(),
    taxId: z.string().max(100).nullish(),
  })
  .describe('Company record to match across systems.');
/** A company as the matcher sees it. */
export type IdentityRecord = z.infer<typeof IdentityRecordSchema>;

/** A candidate of another system; `externalIdHint` is the id it stores for its CRM twin. */
export const IdentityCandidateSchema = IdentityRecordSchema.extend({
  externalIdHint: z
    .string()
    .max(255)
    .nullish()
    .describe("Id of the source record as stored by this system: NetSuite externalid 'hs-<id>', Vitally externalId = HubSpot company id."),
});
/** A candidate of another system. */
export type IdentityCandidate = z.infer<typeof IdentityCandidateSchema>;

/** Matching rules, strongest first. */
export const MATCH_RULES = ['external_id', 'tax_id', 'domain', 'name'] as const;
/** A matching rule. */
export type MatchRule = (typeof MATCH_RULES)[number];

/** Confidence reported per rule (fixed: the rules are exact, so it ranks evidence, not similarity). */
export const RULE_CONFIDENCE: Readonly<Record<MatchRule, number>> = { external_id: 1, tax_id: 0.95, domain: 0.85, name: 0.7 };

/** The matcher's decision. */
export type MatchDecision<C extends IdentityCandidate = IdentityCandidate> =
  | { kind: 'matched'; candidate: C; rule: MatchRule; confidence: number }
  | { kind: 'ambiguous'; candidates: C[]; rule: MatchRule }
  | { kind: 'none' };

/** The normalised lookup keys of a record; null when the record has no usable value. */
export interface MatchKeys {
  domain: string | null;
  name: string | null;
  taxId: string | null;
}

/** Keys to index a record by (store them in D1 and look candidates up by key). */
export function matchKeys(record: Pick<IdentityRecord, 'name' | 'domain' | 'taxId'>): MatchKeys {
  const name = normalizeCompanyName(record.name);
  return { domain: normalizeDomain(record.domain), name: name === '' ? null : name, taxId: normalizeTaxId(record.taxId) };
}

/** Prefix used in external-id hints written into other systems (NetSuite externalid 'hs-<id>'). */
export const HINT_PREFIX: Readonly<Partial<Record<SystemName, string>>> = { hubspot: 'hs', salesforce: 'sf' };

/** The hint the broker writes into another system to point at `record` ('hs-123', 'sf-001...'). */
export function externalIdHintFor(record: Pick<IdentityRecord, 'system' | 'externalId'>): string {
  const prefix = HINT_PREFIX[record.system];
  return prefix === undefined ? record.externalId : `${prefix}-${record.externalId}`;
}

/** Salesforce ids exist as 15-char (case-sensitive) and 18-char (with checksum) forms of one id. */
function sameId(system: SystemName, a: string, b: string): boolean {
  if (a === b) return true;
  const sfId = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
  return system === 'salesforce' && sfId.test(a) && sfId.test(b) && a.slice(0, 15) === b.slice(0, 15);
}

/** What a candidate's hint says about the source: it points to it, elsewhere, or nothing. */
function hintVerdict(source: IdentityRecord, hint: string | null | undefined): 'self' | 'other' | 'none' {
  const value = hint?.trim() ?? '';
  if (value === '') return 'none';
  const m = /^([a-z]+)-(.+)$/i.exec(value);
  const prefixed = m ? Object.entries(HINT_PREFIX).find(([, p]) => p === m[1]!.toLowerCase()) : undefined;
  if (prefixed && m) {
    return prefixed[0] === source.system && sameId(source.system, m[2]!, source.externalId) ? 'self' : 'other';
  }
  return sameId(source.system, value, source.externalId) ? 'self' : 'other';
}

/** 'acme' for 'acme.com', 'acme.co.uk', 'eu.acme.io': the label left of the public suffix (approximate). */
function domainLabel(domain: string): string {
  const parts = domain.split('.');
  const twoLevel = parts.length >= 3 && /^(co|com|org|net|gov|ac|edu)$/.test(parts[parts.length - 2]!) && parts[parts.length - 1]!.length === 2;
  return parts[parts.length - (twoLevel ? 3 : 2)] ?? domain;
}

/** The `MatchKeys` field each key rule compares. */
const RULE_KEY: Readonly<Record<Exclude<MatchRule, 'external_id'>, keyof MatchKeys>> = { tax_id: 'taxId', domain: 'domain', name: 'name' };

/** Options of `matchIdentity`. */
export interface MatchOptions {
  /**
   * Skip candidates whose hint names a different record for the weaker rules (default true):
   * they are already linked to someone else, and linking them again makes a double link.
   */
  excludeClaimed?: boolean;
}

/**
 * Finds the candidate that is the same company as `source`. Candidates listed twice (same
 * system and id) count once. Pure: pass the candidates found by `matchKeys` lookups.
 */
export function matchIdentity<C extends IdentityCandidate>(
  source: IdentityRecord,
  candidates: readonly C[],
  options: MatchOptions = {},
): MatchDecision<C> {
  const excludeClaimed = options.excludeClaimed ?? true;
  const unique = [...new Map(candidates.map((c) => [`${c.system}\u0000${c.externalId}`, c])).values()];
  const sourceKeys = matchKeys(source);
  const verdicts = unique.map((c) => ({ c, hint: hintVerdict(source, c.externalIdHint), keys: matchKeys(c) }));
  const open = verdicts.filter((v) => !(excludeClaimed && v.hint === 'other'));

  // Keys that contradict a weaker-rule hit (two different tax ids, or two different domains for
  // a name hit) suggest two legal entities that share a domain or a name: a human decides.
  const conflicts = (v: (typeof verdicts)[number], rule: MatchRule): boolean => {
    const taxConflict = sourceKeys.taxId !== null && v.keys.taxId !== null && v.keys.taxId !== sourceKeys.taxId;
    // The same brand under another public suffix (acme.com vs acme.eu, a regional site) is not a
    // contradiction; a different registrable label (acme.com vs acmegroup.com) is.
    const domainConflict =
      sourceKeys.domain !== null && v.keys.domain !== null && domainLabel(v.keys.domain) !== domainLabel(sourceKeys.domain);
    if (rule === 'domain') return taxConflict;
    if (rule === 'name') return taxConflict || domainConflict;
    return false;
  };
  const hitsFor = (rule: MatchRule): (typeof verdicts)[number][] => {
    if (rule === 'external_id') return verdicts.filter((v) => v.hint === 'self');
    const field = RULE_KEY[rule];
    const key = sourceKeys[field];
    return key === null ? [] : open.filter((v) => v.keys[field] === key);
  };
  for (const rule of MATCH_RULES) {
    const hits = hitsFor(rule);
    if (hits.length === 0) continue;
    if (hits.length === 1 && !conflicts(hits[0]!, rule)) {
      return { kind: 'matched', candidate: hits[0]!.c, rule, confidence: RULE_CONFIDENCE[rule] };
    }
    return { kind: 'ambiguous', candidates: hits.map((v) => v.c), rule };
  }
  return { kind: 'none' };
}
