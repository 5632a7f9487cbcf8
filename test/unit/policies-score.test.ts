/**
 * The identity scorer and decision: the legal entity is the unit (one brand in two countries is
 * two customers), typos are tolerated when the place or an identifier agrees, conflicts are
 * never matched automatically, and survivorship follows the ownership matrix.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OWNERSHIP,
  DEFAULT_THRESHOLDS,
  IdentityThresholdsSchema,
  applyOwnershipOverride,
  blockingKeys,
  decide,
  profileOf,
  scorePair,
  surviveFields,
  type IdentityFields,
  type ScoredCandidate,
} from '../../worker/policies/index.js';

const score = (a: IdentityFields, b: IdentityFields, ctx = {}) => scorePair(profileOf(a), profileOf(b), ctx);
const codes = (s: { reasons: { code: string }[] }) => s.reasons.map((r) => r.code);
const candidates = (subject: IdentityFields, others: IdentityFields[]): ScoredCandidate<IdentityFields>[] =>
  others.map((o, i) => ({ record: o, accountId: `acc_${i}`, score: score(subject, o) }));

const acmeDe: IdentityFields = { name: 'Acme GmbH', domain: 'https://www.acme.de', taxId: 'DE123456789', country: 'DE', city: 'Berlin', address: 'Hauptstraße 12', emails: ['billing@acme.de'] };
const acmeUk: IdentityFields = { name: 'Acme Ltd', domain: 'acme.co.uk', taxId: 'GB987654321', country: 'GB', city: 'London', address: '1 High Street', emails: ['ap@acme.co.uk'] };

describe('scorePair', () => {
  it('matches one legal entity however its fields are spelled', () => {
    const s = score({ name: 'ACME', domain: 'WWW.ACME.DE', taxId: '123 456 789', country: 'Germany', city: 'berlin' }, acmeDe);
    expect(codes(s)).toEqual(expect.arrayContaining(['tax_id_same', 'domain_same', 'name_exact', 'country_same', 'city_same']));
    expect(s.conflict).toBe(false);
    expect(s.strong).toBe(true);
    expect(s.score).toBe(1);
    // Every reason says what was compared.
    expect(s.reasons.find((r) => r.code === 'tax_id_same')!.text).toContain('DE123456789');
  });

  it('keeps the same brand in two countries apart', () => {
    const s = score(acmeDe, acmeUk);
    expect(codes(s)).toEqual(expect.arrayContaining(['tax_id_conflict', 'domain_brand_countries', 'legal_form_conflict', 'country_conflict']));
    expect(s.conflict).toBe(true);
    expect(s.score).toBe(0);
    // Even a bare brand name typed into the CRM in Germany does not go to the British entity.
    expect(score({ name: 'Acme', country: 'DE', city: 'Berlin' }, acmeUk).conflict).toBe(true);
  });

  it('takes two country sites for one entity when the tax id ties them', () => {
    const s = score({ name: 'Acme GmbH', domain: 'acme.at', taxId: 'DE123456789' }, { name: 'Acme GmbH', domain: 'acme.de', taxId: 'DE 123 456 789' });
    expect(codes(s)).toContain('domain_brand_tied');
    expect(s.conflict).toBe(false);
  });

  it('tolerates a typo in the name when the place or an identifier agrees', () => {
    const erp: IdentityFields = { name: 'Summit Analytics, Inc.', domain: null, taxId: '12-3456789', country: 'US', city: 'Austin' };
    const s = score({ name: 'Sumit Analytics', taxId: '123456789', country: 'US', city: 'Austin' }, erp);
    expect(codes(s)).toEqual(expect.arrayContaining(['name_typo', 'tax_id_same']));
    expect(s.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.matchAt);
    // The typo alone with the place is worth a look, not a link.
    const weak = score({ name: 'Sumit Analytics', country: 'US', city: 'Austin' }, erp);
    expect(weak.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.reviewAt);
    expect(weak.score).toBeLessThan(DEFAULT_THRESHOLDS.matchAt);
  });

  it('does not take a near-miss name with another website for a typo of the same company', () => {
    const s = score({ name: 'Acme Analysis', domain: 'acmeanalysis.com', country: 'US', city: 'Boston' }, { name: 'Acme Analytics Inc.', domain: 'acmeanalytics.io', country: 'US', city: 'Boston' });
    expect(codes(s)).not.toContain('name_typo');
    expect(s.score).toBeLessThan(DEFAULT_THRESHOLDS.reviewAt);
  });

  it('counts a business e-mail at the other record’s website, never a free-mail one', () => {
    expect(codes(score({ name: 'Acme', domain: 'acme.io' }, { name: 'Acme Inc.', emails: ['billing@acme.io'] }))).toContain('email_domain');
    expect(codes(score({ name: 'Acme', emails: ['jane@gmail.com'] }, { name: 'Acme Inc.', emails: ['bob@gmail.com'] }))).not.toContain('email_domain');
  });

  it('does not match a sister entity that shares the website by the website alone', () => {
    const s = score({ name: 'Keystone Media', domain: 'keystonemedia.de', country: 'DE' }, { name: 'Keystone Media Services', domain: 'keystonemedia.de', country: 'DE' });
    expect(codes(s)).toContain('name_related_entity');
    expect(s.score).toBeLessThan(DEFAULT_THRESHOLDS.matchAt);
  });

  it('flags a legal form of another country', () => {
    expect(codes(score({ name: 'Acme GmbH' }, { name: 'Acme', country: 'GB' }))).toContain('legal_form_country');
  });

  it('treats a pair a person kept apart as a conflict', () => {
    const s = score(acmeDe, acmeDe, { keptApartBy: 'api_key:default' });
    expect(s.conflict).toBe(true);
    expect(s.reasons[0]!.code).toBe('kept_apart');
  });

  it('is symmetric in its verdict', () => {
    for (const [a, b] of [[acmeDe, acmeUk], [acmeDe, { name: 'Acme', country: 'DE' }]] as const) {
      expect(score(a, b).score).toBe(score(b, a).score);
    }
  });
});

describe('decide', () => {
  it('matches only strong, conflict-free, clearly best evidence', () => {
    const subject: IdentityFields = { name: 'Acme', domain: 'acme.de', country: 'DE', city: 'Berlin' };
    const res = decide(candidates(subject, [acmeDe, acmeUk]), DEFAULT_THRESHOLDS);
    expect(res.decision).toBe('match');
    expect(res.matches[0]!.record).toBe(acmeDe);
    expect(res.matches.every((m) => m.record !== acmeUk)).toBe(true);
  });

  it('asks a person when a bare name fits two entities of one brand', () => {
    const res = decide(candidates({ name: 'Acme' }, [acmeDe, acmeUk]), DEFAULT_THRESHOLDS);
    expect(res.decision).toBe('review');
    expect(res.matches).toHaveLength(2);
  });

  it('asks a person when two candidates are almost as good', () => {
    const twin = { ...acmeDe, taxId: null };
    const res = decide(candidates({ name: 'Acme', domain: 'acme.de', country: 'DE', city: 'Berlin' }, [acmeDe, twin]), DEFAULT_THRESHOLDS);
    expect(res.decision).toBe('review');
  });

  it('answers new when nothing reaches the review threshold, and groups records of one account', () => {
    expect(decide(candidates({ name: 'Zenith Robotics', country: 'US' }, [acmeDe]), DEFAULT_THRESHOLDS)).toEqual({ decision: 'new', matches: [] });
    const same = [acmeDe, { ...acmeDe, emails: [] }].map((r) => ({ record: r, accountId: 'acc_1', score: score(acmeDe, r) }));
    const res = decide(same, DEFAULT_THRESHOLDS);
    expect(res.decision).toBe('match');
    expect(res.matches).toHaveLength(1);
  });

  it('follows the tenant thresholds', () => {
    const strict = IdentityThresholdsSchema.parse({ matchAt: 1, reviewAt: 0.9 });
    const res = decide(candidates({ name: 'Acme', country: 'DE', city: 'Berlin' }, [acmeDe]), strict);
    expect(res.decision).toBe('new');
    expect(IdentityThresholdsSchema.safeParse({ matchAt: 0.6, reviewAt: 0.7 }).success).toBe(false);
  });
});

describe('blocking keys', () => {
  it('puts one company spelled differently under shared keys', () => {
    const a = new Set(blockingKeys(profileOf({ name: 'Quarz Insights', taxId: '123456789', country: 'DE' })));
    const b = blockingKeys(profileOf({ name: 'Quartz Insights GmbH', taxId: 'DE 123 456 789', domain: 'quartz.de' }));
    expect(b.filter((k) => a.has(k))).toEqual(expect.arrayContaining(['t:123456789', 'p:quar']));
    // Common words alone never make a key.
    expect(blockingKeys(profileOf({ name: 'Global Solutions' }))).not.toContain('n:solutions');
  });
});

describe('surviveFields', () => {
  const records = [
    { system: 'hubspot' as const, externalId: '1', fields: { name: 'Acme', domain: 'www.acme.de', country: 'Germany' } },
    { system: 'netsuite' as const, externalId: '42', fields: { name: 'Acme GmbH', taxId: 'DE123456789', country: 'DE', city: 'Berlin', domain: null } },
  ];

  it('takes each field from the system that owns it', () => {
    const out = surviveFields(DEFAULT_OWNERSHIP, records);
    expect(out.name).toEqual({ value: 'Acme', system: 'hubspot', externalId: '1', rule: 'owner' });
    expect(out.legalName).toMatchObject({ value: 'Acme GmbH', system: 'netsuite', rule: 'owner' });
    expect(out.taxId).toMatchObject({ value: 'DE123456789', system: 'netsuite' });
    expect(out.domain).toMatchObject({ value: 'acme.de', system: 'hubspot' });
    expect(out.city).toMatchObject({ value: 'Berlin', system: 'netsuite', rule: 'owner' });
  });

  it('follows a tenant override and falls back when the owner has no value', () => {
    const out = surviveFields(applyOwnershipOverride({ 'account.name': 'erp', 'account.domain': 'erp' }), records);
    expect(out.name).toMatchObject({ value: 'Acme GmbH', system: 'netsuite', rule: 'owner' });
    expect(out.domain).toMatchObject({ value: 'acme.de', system: 'hubspot', rule: 'fallback' });
  });
});
