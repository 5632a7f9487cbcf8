/**
 * Survivorship: when records of several systems are linked into one account, which record's
 * value becomes the account's value, field by field. The owner in the tenant's ownership matrix
 * (worker/policies/ownership) wins: by default the CRM names the account, the ERP gives the legal
 * name, tax id and billing place. A field the owner leaves empty falls back to the other roles
 * (CRM, then ERP, then CS) and says so.
 */
import { SYSTEM_ROLE, type SystemName, type SystemRole } from '../../model/primitives.js';
import { ownerOf, type OwnershipMatrix } from '../ownership/index.js';
import { normalizeDomain } from './domain.js';
import { normalizeCountry } from './location.js';
import type { IdentityFields } from './profile.js';

/** Account fields that survive from linked records, with the matrix key that owns each. */
export const SURVIVING_FIELDS = {
  name: 'account.name',
  legalName: 'account.legalName',
  domain: 'account.domain',
  taxId: 'account.taxId',
  country: 'account.billTo',
  city: 'account.billTo',
} as const;
/** A surviving account field. */
export type SurvivingField = keyof typeof SURVIVING_FIELDS;

/** A surviving value and where it came from. */
export interface SurvivingValue {
  value: string;
  system: SystemName;
  externalId: string;
  /** `owner`: from the system that owns the field; `fallback`: the owner had no value. */
  rule: 'owner' | 'fallback';
}

/** A linked record offered to survivorship. */
export interface SurvivorRecord {
  system: SystemName;
  externalId: string;
  fields: IdentityFields;
  /** Folded CRM duplicates never win over the primary record. */
  isPrimary?: boolean;
}

const FALLBACK_ORDER: readonly SystemRole[] = ['crm', 'erp', 'cs'];

function valueOf(field: SurvivingField, r: SurvivorRecord): string | null {
  const f = r.fields;
  switch (field) {
    case 'name':
      return f.name || null;
    case 'legalName':
      // Only the ERP holds the registered name; a CRM or CS name is a display name.
      return SYSTEM_ROLE[r.system] === 'erp' ? f.name || null : null;
    case 'domain':
      return normalizeDomain(f.domain);
    case 'taxId':
      return f.taxId?.trim() || null;
    case 'country':
      return normalizeCountry(f.country);
    case 'city':
      return f.city?.trim() || null;
  }
}

/** The account's value of every surviving field that any linked record has. */
export function surviveFields(matrix: OwnershipMatrix, records: readonly SurvivorRecord[]): Partial<Record<SurvivingField, SurvivingValue>> {
  const ordered = [...records].sort((x, y) => Number(y.isPrimary ?? true) - Number(x.isPrimary ?? true));
  const out: Partial<Record<SurvivingField, SurvivingValue>> = {};
  for (const field of Object.keys(SURVIVING_FIELDS) as SurvivingField[]) {
    const owner = ownerOf(matrix, SURVIVING_FIELDS[field]);
    const roles = owner ? [owner, ...FALLBACK_ORDER.filter((r) => r !== owner)] : FALLBACK_ORDER;
    for (const role of roles) {
      const r = ordered.find((rec) => SYSTEM_ROLE[rec.system] === role && valueOf(field, rec) !== null);
      if (!r) continue;
      out[field] = { value: valueOf(field, r)!, system: r.system, externalId: r.externalId, rule: role === owner ? 'owner' : 'fallback' };
      break;
    }
  }
  return out;
}
