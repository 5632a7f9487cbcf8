/**
 * A company record as identity evidence: the raw fields any system can offer (CRM company, ERP
 * customer, CS account, or a candidate typed into the API) and their normalised profile.
 */
import { z } from 'zod';
import { parseDomain, type DomainKey } from './domain.js';
import { emailDomains } from './email.js';
import { normalizeAddress, normalizeCity, normalizeCountry } from './location.js';
import { parseCompanyName, type NameKey } from './name.js';
import { parseTaxId, type TaxIdKey } from './tax-id.js';

const text = (max: number) => z.string().trim().max(max);

/** The fields a company record or resolution candidate may carry; everything but the name is optional. */
export const IdentityFieldsSchema = z
  .strictObject({
    name: text(500).min(1).describe('Company or legal name as written.'),
    domain: text(2000).nullish().describe('Website or domain (any spelling: https://WWW.Acme.io/).'),
    taxId: text(100).nullish().describe('VAT number, EIN, ... with or without country prefix.'),
    country: text(100).nullish().describe('ISO code or country name.'),
    city: text(200).nullish(),
    address: text(500).nullish().describe('Street address line.'),
    emails: z.array(text(320)).max(50).nullish().describe('E-mail addresses of the company (billing, contacts); free-mail ones are ignored.'),
  })
  .describe('A company to resolve: the same fields a CRM company or ERP customer carries.');
/** The fields a company record or resolution candidate may carry. */
export type IdentityFields = z.infer<typeof IdentityFieldsSchema>;

/** A record's fields, normalised once for scoring. */
export interface IdentityProfile {
  name: NameKey | null;
  domain: DomainKey | null;
  emailDomains: readonly string[];
  taxId: TaxIdKey | null;
  country: string | null;
  city: string | null;
  address: string | null;
}

/**
 * Normalises a record's fields. A tax id without a country prefix takes the record's country
 * (or, without one, the country of its website's country-code domain).
 */
export function profileOf(fields: IdentityFields): IdentityProfile {
  const domain = parseDomain(fields.domain);
  const country = normalizeCountry(fields.country);
  return {
    name: parseCompanyName(fields.name),
    domain,
    emailDomains: emailDomains(fields.emails),
    taxId: parseTaxId(fields.taxId, country ?? domain?.country ?? null),
    country,
    city: normalizeCity(fields.city),
    address: normalizeAddress(fields.address),
  };
}

/** The fields that say who a company is, as `sameIdentityFields` compares them. */
const IDENTIFYING: readonly (keyof Omit<IdentityFields, 'emails'>)[] = ['name', 'domain', 'taxId', 'country', 'city', 'address'];

/**
 * Whether two readings of one record carry the same identifying fields (as written: a change of
 * spelling counts, absent equals empty; e-mails as a set). A record whose fields did not change
 * since a person was asked about it has nothing new to score.
 */
export function sameIdentityFields(a: IdentityFields, b: IdentityFields): boolean {
  const v = (x: string | null | undefined) => x?.trim() || null;
  if (IDENTIFYING.some((k) => v(a[k]) !== v(b[k]))) return false;
  const mails = (x: IdentityFields) => [...new Set((x.emails ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean))].sort().join(' ');
  return mails(a) === mails(b);
}
