/**
 * The write guard's rule, pure: which fields of one intended vendor write may be written, field by
 * field, under the tenant's system-of-record matrix (ARCHITECTURE.md principle 2). The I/O half
 * (loading the matrix, recording refusals, audit) is worker/ports/write-guard.ts; every vendor
 * write that ports hand out passes both.
 *
 * A field may be written into `target` when:
 * - it is Concord's own bookkeeping (`concord.*`: links, Concord ids, a run's status), which no
 *   vendor owns; or
 * - the value comes from the system playing the owning role (the rule of `canWrite`); or
 * - the write creates the record in the owning system itself (`mode: 'create'`): there is no
 *   owner's value yet to overwrite, so the new record is seeded (a closed-won deal's billing
 *   address becomes the new ERP customer's address; afterwards the ERP's address wins).
 * Everything else is refused with the owning role, never silently dropped.
 */
import { SYSTEM_ROLE, type SystemName, type SystemRole } from '../../model/primitives.js';
import { ownerOf, type OwnershipMatrix } from './matrix.js';

/** Prefix of fields that are Concord's own (links, ids, statuses Concord computes about itself). */
export const CONCORD_FIELD_PREFIX = 'concord.';

export interface WriteIntent {
  /** The system written into. */
  target: SystemName;
  /**
   * Where the values come from: a vendor system, or the role whose data they are when no system
   * of that role is named, or Concord itself (then only `concord.*` fields may be written).
   */
  source: SystemName | SystemRole | 'concord';
  /** `create`: the write creates the record (or repeats Concord's own creation of it, idempotently). */
  mode: 'create' | 'update';
  /** Canonical field keys (`account.billTo`, `invoice.*`, `concord.erpCustomerId`) being written. */
  fields: readonly string[];
}

export interface FieldRefusal {
  field: string;
  reason: 'not_owner' | 'unknown_field';
  /** The role that owns the field for this tenant, null for unknown fields. */
  owner: SystemRole | null;
}

export interface GuardDecision {
  allowed: string[];
  refused: FieldRefusal[];
}

function roleOfSource(source: SystemName | SystemRole): SystemRole {
  return source === 'crm' || source === 'erp' || source === 'cs' ? source : SYSTEM_ROLE[source];
}

/** Decide every field of `intent`: allowed, or refused with the reason and the owner. */
export function decideWrite(matrix: OwnershipMatrix, intent: WriteIntent): GuardDecision {
  const allowed: string[] = [];
  const refused: FieldRefusal[] = [];
  for (const field of new Set(intent.fields)) {
    if (field.startsWith(CONCORD_FIELD_PREFIX)) {
      allowed.push(field);
      continue;
    }
    const owner = ownerOf(matrix, field);
    if (owner === null) {
      refused.push({ field, reason: 'unknown_field', owner: null });
      continue;
    }
    if (intent.source !== 'concord' && roleOfSource(intent.source) === owner) {
      allowed.push(field);
      continue;
    }
    if (intent.mode === 'create' && SYSTEM_ROLE[intent.target] === owner) {
      allowed.push(field);
      continue;
    }
    refused.push({ field, reason: 'not_owner', owner });
  }
  return { allowed, refused };
}
