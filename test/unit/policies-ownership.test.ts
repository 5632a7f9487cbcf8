/** System-of-record matrix: who owns which field, and which write-backs are blocked. */
import { describe, expect, it } from 'vitest';
import {
  applyOwnershipOverride,
  canWrite,
  DEFAULT_OWNERSHIP,
  OWNABLE_FIELDS,
  OwnershipOverrideSchema,
  ownerOf,
  ownerSystemOf,
} from '../../worker/policies/index.js';

describe('default ownership', () => {
  it.each([
    ['account.legalName', 'erp'],
    ['account.billTo', 'erp'],
    ['account.taxId', 'erp'],
    ['account.currency', 'erp'],
    ['account.owner', 'crm'],
    ['account.stage', 'crm'],
    ['account.name', 'crm'],
    ['contact.email', 'crm'],
    ['invoice.balance', 'erp'],
    ['invoice.*', 'erp'],
    ['contract.renewalDate', 'erp'],
    ['health.score', 'cs'],
    ['onboarding.status', 'cs'],
  ])('%s is owned by %s', (field, role) => {
    expect(ownerOf(DEFAULT_OWNERSHIP, field)).toBe(role);
  });

  it('gives every field of the model an owner', () => {
    const unowned = Object.entries(OWNABLE_FIELDS).flatMap(([entity, fields]) =>
      fields.map((f) => `${entity}.${f}`).filter((key) => ownerOf(DEFAULT_OWNERSHIP, key) === null),
    );
    expect(unowned).toEqual([]);
  });

  it('knows no owner for fields that are not in the model', () => {
    expect(ownerOf(DEFAULT_OWNERSHIP, 'account.legalname')).toBeNull();
    expect(ownerOf(DEFAULT_OWNERSHIP, 'account.id')).toBeNull();
    expect(ownerOf(DEFAULT_OWNERSHIP, 'opportunity.amount')).toBeNull();
    expect(ownerOf(DEFAULT_OWNERSHIP, 'toString.x')).toBeNull();
  });
});

describe('canWrite', () => {
  it.each([
    ['account.billTo', 'netsuite', 'hubspot', { allowed: true }],
    ['account.billTo', 'hubspot', 'netsuite', { allowed: false, reason: 'not_owner', owner: 'erp' }],
    ['account.owner', 'salesforce', 'netsuite', { allowed: true }],
    ['account.owner', 'netsuite', 'salesforce', { allowed: false, reason: 'not_owner', owner: 'crm' }],
    ['health.score', 'vitally', 'hubspot', { allowed: true }],
    ['health.score', 'hubspot', 'vitally', { allowed: false, reason: 'not_owner', owner: 'cs' }],
    ['invoice.status', 'salesforce', 'netsuite', { allowed: false, reason: 'not_owner', owner: 'erp' }],
    ['account.favouriteColour', 'hubspot', 'netsuite', { allowed: false, reason: 'unknown_field' }],
  ] as const)('%s from %s to %s', (field, source, target, decision) => {
    expect(canWrite(DEFAULT_OWNERSHIP, field, source, target)).toEqual(decision);
  });
});

describe('tenant override', () => {
  it('moves one field to another owner and leaves the rest alone', () => {
    const override = OwnershipOverrideSchema.parse({ 'account.billTo': 'crm' });
    const matrix = applyOwnershipOverride(override);
    expect(canWrite(matrix, 'account.billTo', 'hubspot', 'netsuite')).toEqual({ allowed: true });
    expect(canWrite(matrix, 'account.shipTo', 'hubspot', 'netsuite')).toMatchObject({ allowed: false, owner: 'erp' });
    expect(ownerOf(DEFAULT_OWNERSHIP, 'account.billTo')).toBe('erp'); // the default is not mutated
  });

  it('lets an exact field win over an entity wildcard', () => {
    const matrix = applyOwnershipOverride({ 'invoice.disputed': 'cs' });
    expect(ownerOf(matrix, 'invoice.disputed')).toBe('cs');
    expect(ownerOf(matrix, 'invoice.balance')).toBe('erp');
  });

  it('rejects unknown fields and roles with their path', () => {
    const r = OwnershipOverrideSchema.safeParse({ 'account.billto': 'crm', 'invoice.*': 'netsuite', 'contact.email': 'crm' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['account.billto', 'invoice.*']);
    expect(r.error?.issues.find((i) => i.path[0] === 'account.billto')?.message).toMatch(/^unknown field account\.billto/);
  });

  it('resolves the owning system of a tenant', () => {
    const systems = { crm: 'salesforce', erp: 'netsuite' } as const;
    expect(ownerSystemOf(DEFAULT_OWNERSHIP, 'account.stage', systems)).toBe('salesforce');
    expect(ownerSystemOf(DEFAULT_OWNERSHIP, 'health.score', systems)).toBeNull(); // no CS system connected
  });
});
