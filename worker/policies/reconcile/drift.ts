/**
 * Three-way drift of one linked account, pure: the shared master fields its records hold in the
 * CRM, the ERP and the CS system, compared after normalisation (a `www.` or an upper-case domain
 * is no drift; `Germany` and `DE` are one country), each difference judged against the tenant's
 * ownership matrix: the owner's value is the truth, and a record of another system that differs
 * is drift. Whether Concord may repair it is decided here too: only where the drifting record is
 * in a system Concord writes master fields into (`repairable`), and the owner has a value;
 * everything else is an exception for a person, with the reason.
 */
import { SYSTEM_ROLE, type SystemName, type SystemRole } from '../../model/primitives.js';
import type { IdentityFields } from '../identity/index.js';
import { normalizeDomain } from '../identity/domain.js';
import { normalizeCountry } from '../identity/location.js';
import { ownerOf, type OwnershipMatrix } from '../ownership/matrix.js';

/** A record of the account as reconciliation sees it. */
export interface DriftRecord {
  system: SystemName;
  externalId: string;
  fields: IdentityFields;
}

/** The master fields compared, their canonical field and which roles hold them. */
export const COMPARED = {
  // The ERP's company name is the legal name (`account.legalName`), not the display name.
  name: { field: 'account.name', roles: ['crm', 'cs'] as SystemRole[], normalize: (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase() },
  domain: { field: 'account.domain', roles: ['crm', 'erp', 'cs'] as SystemRole[], normalize: (v: string) => normalizeDomain(v) },
  country: { field: 'account.billTo', roles: ['crm', 'erp'] as SystemRole[], normalize: (v: string) => normalizeCountry(v) },
} as const;

export type ComparedField = keyof typeof COMPARED;

/** One difference: a record whose value is not the owner's. */
export interface DriftItem {
  field: ComparedField;
  canonicalField: string;
  system: SystemName;
  externalId: string;
  value: string | null;
  owner: SystemRole;
  ownerSystem: SystemName | null;
  ownerValue: string | null;
  /** `repair`: Concord writes the owner's value into the record; `exception`: a person decides. */
  action: 'repair' | 'exception';
  reason: string;
}

/**
 * Differences of one account. `repairable(system)` says whether Concord writes master fields
 * into that system (the connector has the write; the guard still decides at write time).
 */
export function accountDrift(records: readonly DriftRecord[], matrix: OwnershipMatrix, repairable: (system: SystemName) => boolean): DriftItem[] {
  const out: DriftItem[] = [];
  for (const [key, spec] of Object.entries(COMPARED) as [ComparedField, (typeof COMPARED)[ComparedField]][]) {
    const owner = ownerOf(matrix, spec.field);
    if (!owner) continue;
    const held = records
      .filter((r) => spec.roles.includes(SYSTEM_ROLE[r.system]))
      .map((r) => {
        const raw = r.fields[key] ?? null;
        return { r, raw, norm: raw ? spec.normalize(raw) : null };
      })
      .filter((h) => h.norm !== null);
    const ownerHeld = held.find((h) => SYSTEM_ROLE[h.r.system] === owner) ?? null;
    for (const h of held) {
      if (SYSTEM_ROLE[h.r.system] === owner) continue;
      if (ownerHeld) {
        if (h.norm === ownerHeld.norm) continue;
        const canRepair = repairable(h.r.system);
        out.push({
          field: key, canonicalField: spec.field, system: h.r.system, externalId: h.r.externalId, value: h.raw, owner, ownerSystem: ownerHeld.r.system, ownerValue: ownerHeld.raw,
          action: canRepair ? 'repair' : 'exception',
          reason: canRepair
            ? `${h.r.system} has ${JSON.stringify(h.raw)}, the ${owner.toUpperCase()} (owner) ${JSON.stringify(ownerHeld.raw)}: Concord writes the owner's value`
            : `${h.r.system} has ${JSON.stringify(h.raw)}, the ${owner.toUpperCase()} (owner) ${JSON.stringify(ownerHeld.raw)}: Concord does not write ${spec.field} into ${h.r.system}; correct it there`,
        });
      }
    }
    if (!ownerHeld) {
      // No owner's value: differing values among the others cannot be settled by a rule.
      const values = new Set(held.map((h) => h.norm));
      if (values.size > 1) {
        for (const h of held) {
          out.push({
            field: key, canonicalField: spec.field, system: h.r.system, externalId: h.r.externalId, value: h.raw, owner, ownerSystem: null, ownerValue: null, action: 'exception',
            reason: `The ${owner.toUpperCase()} owns ${spec.field} but holds no value, and the other systems disagree`,
          });
        }
      }
    }
  }
  return out;
}
