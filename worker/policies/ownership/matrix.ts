/**
 * The system-of-record matrix: for every shared field, which role (CRM, ERP or CS) owns it.
 * Only the owner's value may be written into the other systems; a write-back from a non-owner
 * is blocked and reported (ARCHITECTURE.md, principle 2). Tenants may override single fields.
 *
 * Keys are `entity.field` or `entity.*` (all fields of the entity); an exact key wins over `*`.
 */
import { z } from 'zod';
import { SYSTEM_ROLE, SystemRoleSchema, type SystemName, type SystemRole } from '../../model/primitives.js';
import { parseFieldKey } from './fields.js';

/** An ownership matrix: field key -> owning role. */
export type OwnershipMatrix = Readonly<Record<string, SystemRole>>;

/** The default matrix (ARCHITECTURE.md "owns" table). */
export const DEFAULT_OWNERSHIP: OwnershipMatrix = Object.freeze({
  // The commercial relationship is the CRM's.
  'account.name': 'crm',
  'account.domain': 'crm',
  'account.owner': 'crm',
  'account.stage': 'crm',
  'account.parentAccountId': 'crm',
  'contact.*': 'crm',
  // Legal and financial identity is the ERP's.
  'account.legalName': 'erp',
  'account.taxId': 'erp',
  'account.currency': 'erp',
  'account.soldTo': 'erp',
  'account.billTo': 'erp',
  'account.shipTo': 'erp',
  'account.legalEntity': 'erp',
  'account.paymentTerms': 'erp',
  'product.*': 'erp',
  'priceBookEntry.*': 'erp',
  'contract.*': 'erp',
  'invoice.*': 'erp',
  'payment.*': 'erp',
  'salesOrder.*': 'erp',
  // Adoption and health are the customer-success system's.
  'health.*': 'cs',
  'onboarding.*': 'cs',
  'supportCase.*': 'cs',
});

/** A field key that exists in the canonical model (`account.billTo`, `invoice.*`). */
export const FieldKeySchema = z
  .string()
  .refine((k) => parseFieldKey(k) !== null, 'unknown field: use entity.field or entity.* from the canonical model')
  .describe('Canonical field key, e.g. account.billTo or invoice.*.');

/**
 * A tenant's override of the default matrix, e.g. `{"account.billTo": "crm"}` for a tenant
 * whose finance team maintains addresses in the CRM. Unknown keys fail with their path.
 */
export const OwnershipOverrideSchema = z
  .record(FieldKeySchema, SystemRoleSchema, {
    // Surface the key's own message instead of zod's generic "Invalid key in record".
    error: (issue) =>
      issue.code === 'invalid_key'
        ? `unknown field ${String(issue.path?.at(-1) ?? '')}: use entity.field or entity.* from the canonical model`
        : undefined,
  })
  .describe('Tenant override of the system-of-record matrix: field key -> owning role (crm, erp, cs).');
/** A tenant's override of the default matrix. */
export type OwnershipOverride = z.infer<typeof OwnershipOverrideSchema>;

/** The tenant's matrix: the default with the override applied (override keys win). */
export function applyOwnershipOverride(override: OwnershipOverride, base: OwnershipMatrix = DEFAULT_OWNERSHIP): OwnershipMatrix {
  return Object.freeze({ ...base, ...override });
}

/** The role owning `entityField` (`account.billTo`), or null when the field is unknown or unowned. */
export function ownerOf(matrix: OwnershipMatrix, entityField: string): SystemRole | null {
  const parsed = parseFieldKey(entityField);
  if (parsed === null) return null;
  return matrix[`${parsed.entity}.${parsed.field}`] ?? matrix[`${parsed.entity}.*`] ?? null;
}

/** The concrete system owning `entityField` for a tenant, given which system plays each role. */
export function ownerSystemOf(
  matrix: OwnershipMatrix,
  entityField: string,
  systems: Readonly<Partial<Record<SystemRole, SystemName>>>,
): SystemName | null {
  const role = ownerOf(matrix, entityField);
  return role === null ? null : (systems[role] ?? null);
}

/** Decision of `canWrite`. */
export type WriteDecision =
  | { allowed: true }
  | { allowed: false; reason: 'not_owner'; owner: SystemRole }
  | { allowed: false; reason: 'unknown_field' };

/**
 * May `sourceSystem`'s value of `entityField` be written into `targetSystem`? Only when the source
 * plays the owning role; the target does not matter then (the owner's value flows to every other
 * system). Fields missing from the matrix are refused (fail closed), never guessed.
 */
export function canWrite(
  matrix: OwnershipMatrix,
  entityField: string,
  sourceSystem: SystemName,
  targetSystem: SystemName,
): WriteDecision {
  const owner = ownerOf(matrix, entityField);
  if (owner === null) return { allowed: false, reason: 'unknown_field' };
  if (SYSTEM_ROLE[sourceSystem] !== owner) return { allowed: false, reason: 'not_owner', owner };
  return { allowed: true };
}
