/** Whether a record's identifying fields changed since a review case recorded them (policies/identity/profile.ts). */
import { describe, expect, it } from 'vitest';
import { sameIdentityFields } from '../../worker/policies/identity/index.js';

describe('sameIdentityFields', () => {
  const base = { name: 'Marlowe Tannery', domain: 'marlowe-tannery.de', country: 'DE', city: 'Berlin', emails: ['ar@marlowe-tannery.de', 'ops@marlowe-tannery.de'] };

  it('treats absent and empty alike, trims, and compares e-mails as a set', () => {
    expect(sameIdentityFields(base, { ...base, name: ' Marlowe Tannery ', emails: ['OPS@marlowe-tannery.de', 'ar@marlowe-tannery.de'] })).toBe(true);
    expect(sameIdentityFields({ name: 'A', taxId: null, address: '' }, { name: 'A' })).toBe(true);
  });

  it('sees a changed name, domain, tax id, place or e-mail', () => {
    expect(sameIdentityFields(base, { ...base, name: 'Marlowe Tannery GmbH' })).toBe(false);
    expect(sameIdentityFields(base, { ...base, domain: 'marlowe-tannery.co.uk' })).toBe(false);
    expect(sameIdentityFields(base, { ...base, taxId: 'DE123456789' })).toBe(false);
    expect(sameIdentityFields(base, { ...base, city: 'Hamburg' })).toBe(false);
    expect(sameIdentityFields(base, { ...base, address: 'Hafenstr. 1' })).toBe(false);
    expect(sameIdentityFields(base, { ...base, emails: ['ar@marlowe-tannery.de'] })).toBe(false);
  });
});
