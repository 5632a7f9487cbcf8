/**
 * The identity scorer: how much the evidence says two records are the same legal entity. Each
 * piece of evidence has a weight (positive for, negative against) and a sentence a person can
 * check; some are conflicts (two valid tax ids, two countries, the brand's sites in two
 * countries, a legal form of another country) that forbid an automatic match whatever the score.
 * The legal entity is the unit: one brand in two countries is two customers.
 */
import { compareNames } from './name.js';
import type { IdentityProfile } from './profile.js';
import { compareTaxIds } from './tax-id.js';

/** One piece of evidence. */
export interface Reason {
  /** Stable code, e.g. `tax_id_same`, `country_conflict`. */
  code: string;
  /** Contribution to the score (negative: evidence against). */
  weight: number;
  /** Human-readable explanation, naming the values compared. */
  text: string;
  /** Evidence that the records are different legal entities: never matched automatically. */
  conflict?: true;
}

/** The scorer's verdict on one pair. */
export interface PairScore {
  /** Sum of the weights clamped to 0..1, three decimals. */
  score: number;
  /** The unclamped sum, for ranking candidates that are all "certain". */
  raw: number;
  reasons: Reason[];
  /** Some reason is a conflict. */
  conflict: boolean;
  /** Some identifying evidence is present (hint, tax id, domain, e-mail domain, or name with place). */
  strong: boolean;
}

/** What is known about the pair beyond the two records' fields. */
export interface PairContext {
  /** One record's external-id hint points at the other (`self`) or at a record of another account (`other`). */
  hint?: { kind: 'self' | 'other'; text: string } | null;
  /** A person decided these two records are different companies ("kept apart"). */
  keptApartBy?: string | null;
}

/** Weights of each kind of evidence. */
export const WEIGHTS = {
  hintSelf: 0.9,
  hintOther: -0.6,
  taxSame: 0.7,
  taxDifferent: -0.9,
  domainSame: 0.6,
  brandRegional: 0.2,
  brandCountries: -0.4,
  domainDifferent: -0.25,
  emailDomain: 0.3,
  nameExact: 0.5,
  nameTypo: 0.3,
  nameSimilar: 0.2,
  nameRelated: 0,
  formCountry: -0.4,
  formsDiffer: -0.4,
  countrySame: 0.1,
  countryDifferent: -0.5,
  citySame: 0.2,
  cityDifferent: -0.1,
  addressSame: 0.25,
  keptApart: -1,
} as const;

const list = (countries: readonly string[]) => (countries.length > 4 ? `${countries.slice(0, 4).join('/')}/…` : countries.join('/'));

/** Scores the pair (a, b); symmetric in its evidence. */
export function scorePair(a: IdentityProfile, b: IdentityProfile, ctx: PairContext = {}): PairScore {
  const reasons: Reason[] = [];
  const add = (code: string, weight: number, text: string, conflict = false) => reasons.push({ code, weight, text, ...(conflict ? { conflict: true as const } : {}) });
  let strong = false;

  if (ctx.keptApartBy) add('kept_apart', WEIGHTS.keptApart, `Kept apart by ${ctx.keptApartBy}: a person decided these are different companies`, true);
  if (ctx.hint?.kind === 'self') {
    add('hint_self', WEIGHTS.hintSelf, ctx.hint.text);
    strong = true;
  } else if (ctx.hint?.kind === 'other') add('hint_other', WEIGHTS.hintOther, ctx.hint.text, true);

  const tax = compareTaxIds(a.taxId, b.taxId);
  if (tax === 'same') {
    add('tax_id_same', WEIGHTS.taxSame, `Same tax id ${a.taxId!.display}`);
    strong = true;
  } else if (tax === 'different') {
    add('tax_id_conflict', WEIGHTS.taxDifferent, `Different tax ids ${a.taxId!.display} and ${b.taxId!.display}: two legal entities`, true);
  }

  // Names first: a shared brand label only counts for records whose names agree at least a little.
  const relation = a.name && b.name ? compareNames(a.name, b.name) : null;
  if (a.domain && b.domain) {
    if (a.domain.domain === b.domain.domain) {
      add('domain_same', WEIGHTS.domainSame, `Same website domain ${a.domain.domain}`);
      strong = true;
    } else if (a.domain.label === b.domain.label && a.domain.country && b.domain.country && a.domain.country !== b.domain.country) {
      // Two country sites of one brand are two legal entities, unless an identifier ties them.
      if (tax === 'same' || ctx.hint?.kind === 'self') add('domain_brand_tied', 0, `${a.domain.domain} and ${b.domain.domain} are one legal entity's sites in ${a.domain.country} and ${b.domain.country}`);
      else add('domain_brand_countries', WEIGHTS.brandCountries, `${a.domain.domain} and ${b.domain.domain} are the brand's sites in ${a.domain.country} and ${b.domain.country}: usually separate legal entities`, true);
    } else if (a.domain.label === b.domain.label && relation !== null && relation !== 'different' && relation !== 'related') {
      add('domain_brand', WEIGHTS.brandRegional, `Same brand "${a.domain.label}" on ${a.domain.domain} and ${b.domain.domain}`);
    } else {
      add('domain_different', WEIGHTS.domainDifferent, `Different websites ${a.domain.domain} and ${b.domain.domain}`);
    }
  }
  if (!reasons.some((r) => r.code === 'domain_same')) {
    // Websites and business e-mail domains: a shared one that is not both websites (that would be
    // `domain_same`) means one record's e-mail is at the other's site, or both mail from one domain.
    const sitesA = new Set([...a.emailDomains, ...(a.domain ? [a.domain.domain] : [])]);
    const shared = [...b.emailDomains, ...(b.domain ? [b.domain.domain] : [])].find((d) => sitesA.has(d));
    if (shared) {
      add('email_domain', WEIGHTS.emailDomain, `E-mail domain ${shared} matches the other record`);
      strong = true;
    }
  }

  let nameAgrees = false;
  if (a.name && b.name) {
    if (relation === 'exact') add('name_exact', WEIGHTS.nameExact, `Same name "${a.name.core}"`);
    else if (relation === 'typo') add('name_typo', WEIGHTS.nameTypo, `Names differ by a typo: "${a.name.core}" / "${b.name.core}"`);
    else if (relation === 'similar') add('name_similar', WEIGHTS.nameSimilar, `Similar names "${a.name.core}" / "${b.name.core}"`);
    else if (relation === 'related') add('name_related_entity', WEIGHTS.nameRelated, `"${a.name.core}" / "${b.name.core}" differ by words that often name a related entity (subsidiary, holding, region)`);
    nameAgrees = relation === 'exact' || relation === 'typo';
    const fa = a.name.form;
    const fb = b.name.form;
    if (fa && fb && !fa.countries.some((c) => fb.countries.includes(c))) {
      add('legal_form_conflict', WEIGHTS.formsDiffer, `Different legal forms: ${fa.form} (${list(fa.countries)}) and ${fb.form} (${list(fb.countries)})`, true);
    } else {
      for (const [form, country] of [[fa, b.country], [fb, a.country]] as const) {
        if (form && country && !form.countries.includes(country)) {
          add('legal_form_country', WEIGHTS.formCountry, `${form.form} is a legal form of ${list(form.countries)}; the other record is in ${country}`, true);
          break;
        }
      }
    }
  }

  if (a.country && b.country) {
    if (a.country === b.country) add('country_same', WEIGHTS.countrySame, `Same country ${a.country}`);
    else add('country_conflict', WEIGHTS.countryDifferent, `Different countries ${a.country} and ${b.country}: separate legal entities`, true);
  }
  if (a.city && b.city) {
    if (a.city === b.city) add('city_same', WEIGHTS.citySame, `Same city ${a.city}`);
    else add('city_different', WEIGHTS.cityDifferent, `Different cities ${a.city} and ${b.city}`);
  }
  if (a.address && b.address && a.address === b.address) add('address_same', WEIGHTS.addressSame, 'Same street address');
  const sameCity = a.city !== null && a.city === b.city;
  const sameAddress = a.address !== null && a.address === b.address;
  const placeAgrees = (a.country !== null && a.country === b.country && (sameCity || sameAddress)) || (sameCity && sameAddress);
  if (nameAgrees && placeAgrees) strong = true;

  const raw = reasons.reduce((sum, r) => sum + r.weight, 0);
  return {
    score: Math.round(Math.min(1, Math.max(0, raw)) * 1000) / 1000,
    raw: Math.round(raw * 1000) / 1000,
    reasons,
    conflict: reasons.some((r) => r.conflict),
    strong,
  };
}
