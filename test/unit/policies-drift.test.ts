/** Three-way drift of one account under the ownership matrix (worker/policies/reconcile/drift.ts). */
import { describe, expect, it } from 'vitest';
import { accountDrift, type DriftRecord } from '../../worker/policies/reconcile/drift.js';
import { DEFAULT_OWNERSHIP, applyOwnershipOverride } from '../../worker/policies/ownership/index.js';

const records: DriftRecord[] = [
  { system: 'hubspot', externalId: '101', fields: { name: 'Orbit Payments', domain: 'https://WWW.orbitpayments.de/', country: 'Germany' } },
  { system: 'netsuite', externalId: '7', fields: { name: 'Orbit Payments GmbH', domain: 'orbitpayments.de', country: 'DE' } },
  { system: 'vitally', externalId: 'v-1', fields: { name: 'orbit  payments', domain: 'orbitpayments.de' } },
];
const hubspotOnly = (s: string) => s === 'hubspot';

describe('accountDrift', () => {
  it('finds no drift where the values differ only in spelling (www, case, country name, spaces) or the ERP holds the legal name', () => {
    expect(accountDrift(records, DEFAULT_OWNERSHIP, hubspotOnly)).toEqual([]);
  });

  it('reports a CRM value that is not the ERP owner’s, to repair in HubSpot', () => {
    const matrix = applyOwnershipOverride({ 'account.domain': 'erp' });
    const drifted = records.map((r) => (r.system === 'hubspot' ? { ...r, fields: { ...r.fields, domain: 'orbit.example' } } : r));
    expect(accountDrift(drifted, matrix, hubspotOnly)).toEqual([
      expect.objectContaining({ field: 'domain', canonicalField: 'account.domain', system: 'hubspot', value: 'orbit.example', owner: 'erp', ownerSystem: 'netsuite', ownerValue: 'orbitpayments.de', action: 'repair' }),
    ]);
  });

  it('leaves drift in a system Concord does not write master fields into to a person, and never repairs without the owner’s value', () => {
    const drifted = records.map((r) => (r.system === 'netsuite' ? { ...r, fields: { ...r.fields, country: 'FR' } } : r));
    expect(accountDrift(drifted, applyOwnershipOverride({ 'account.billTo': 'crm' }), hubspotOnly)).toEqual([
      expect.objectContaining({ system: 'netsuite', field: 'country', owner: 'crm', ownerSystem: 'hubspot', action: 'exception' }),
    ]);
    const ownerless = records.filter((r) => r.system !== 'hubspot').map((r) => (r.system === 'vitally' ? { ...r, fields: { ...r.fields, domain: 'other.example' } } : r));
    const items = accountDrift(ownerless, DEFAULT_OWNERSHIP, hubspotOnly);
    expect(items.map((i) => [i.system, i.action])).toEqual([['netsuite', 'exception'], ['vitally', 'exception']]);
  });
});
