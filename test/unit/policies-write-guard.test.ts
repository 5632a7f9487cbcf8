/** The write guard's rule: field by field, by the owner's role, seeding only the owner's new records. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OWNERSHIP, applyOwnershipOverride, decideWrite } from '../../worker/policies/ownership/index.js';

describe('decideWrite', () => {
  it('lets the owner write its fields and refuses the others with the owning role', () => {
    const d = decideWrite(DEFAULT_OWNERSHIP, { target: 'hubspot', source: 'vitally', mode: 'update', fields: ['health.score', 'invoice.*', 'account.name'] });
    expect(d.allowed).toEqual(['health.score']);
    expect(d.refused).toEqual([
      { field: 'invoice.*', reason: 'not_owner', owner: 'erp' },
      { field: 'account.name', reason: 'not_owner', owner: 'crm' },
    ]);
  });

  it('follows the tenant override: a CRM-owned health score is not overwritten from the CS system', () => {
    const matrix = applyOwnershipOverride({ 'health.score': 'crm' });
    expect(decideWrite(matrix, { target: 'hubspot', source: 'vitally', mode: 'update', fields: ['health.score'] }).refused).toEqual([{ field: 'health.score', reason: 'not_owner', owner: 'crm' }]);
  });

  it("seeds the owner's own new record on create, but never overwrites it on update", () => {
    const create = decideWrite(DEFAULT_OWNERSHIP, { target: 'netsuite', source: 'hubspot', mode: 'create', fields: ['account.name', 'account.billTo', 'account.taxId', 'health.score'] });
    expect(create.allowed).toEqual(['account.name', 'account.billTo', 'account.taxId']);
    expect(create.refused).toEqual([{ field: 'health.score', reason: 'not_owner', owner: 'cs' }]);
    const update = decideWrite(DEFAULT_OWNERSHIP, { target: 'netsuite', source: 'hubspot', mode: 'update', fields: ['account.name', 'account.billTo'] });
    expect(update.allowed).toEqual(['account.name']);
    expect(update.refused.map((r) => r.field)).toEqual(['account.billTo']);
  });

  it("always allows Concord's own fields and refuses unknown ones (fail closed)", () => {
    const d = decideWrite(DEFAULT_OWNERSHIP, { target: 'hubspot', source: 'concord', mode: 'update', fields: ['concord.erpCustomerId', 'account.nope', 'health.score'] });
    expect(d.allowed).toEqual(['concord.erpCustomerId']);
    expect(d.refused).toEqual([
      { field: 'account.nope', reason: 'unknown_field', owner: null },
      // Concord is not a system of record: it may not write a vendor-owned field as its own.
      { field: 'health.score', reason: 'not_owner', owner: 'cs' },
    ]);
  });
});
