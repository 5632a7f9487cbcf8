/** Identity matching across systems: exact keys, strongest rule first, never a guess. */
import { describe, expect, it } from 'vitest';
import {
  externalIdHintFor,
  IdentityCandidateSchema,
  matchIdentity,
  matchKeys,
  type IdentityCandidate,
  type IdentityRecord,
} from '../../worker/policies/index.js';

const hubspot: IdentityRecord = { system: 'hubspot', externalId: '1000123', name: 'Acme Analytics', domain: 'https://www.acme.io' };

function ns(id: string, fields: Partial<IdentityCandidate>): IdentityCandidate {
  return { system: 'netsuite', externalId: id, name: `Customer ${id}`, ...fields };
}

describe('matchKeys', () => {
  it('gives the normalised keys to index candidates by', () => {
    expect(matchKeys({ name: 'ACME Analytics, Inc.', domain: 'WWW.Acme.IO', taxId: 'us12-3456789' })).toEqual({
      name: 'acme analytics', domain: 'acme.io', taxId: 'US123456789',
    });
    expect(matchKeys({ name: '...', domain: 'jane@gmail.com' })).toEqual({ name: null, domain: null, taxId: null });
  });
});

describe('matchIdentity', () => {
  it.each([
    ['NetSuite externalid hs-<id>', [ns('42', { externalIdHint: 'hs-1000123' })], 'external_id', 1],
    ['Vitally externalId = HubSpot id', [{ system: 'vitally', externalId: 'uuid-1', name: 'Other', externalIdHint: '1000123' }], 'external_id', 1],
    ['tax id', [ns('42', { taxId: 'US 12-3456789' })], 'tax_id', 0.95],
    ['domain', [ns('42', { domain: 'acme.io' })], 'domain', 0.85],
    ['messy legal name', [ns('42', { name: 'ACME Analytics, Inc.' })], 'name', 0.7],
    ['"The ... Company" name', [ns('42', { name: 'The Acme Analytics Company' })], 'name', 0.7],
  ] as const)('matches by %s', (_label, candidates, rule, confidence) => {
    const source = { ...hubspot, taxId: 'US12-3456789' };
    const decision = matchIdentity(source, candidates);
    expect(decision).toMatchObject({ kind: 'matched', rule, confidence });
    expect(decision.kind === 'matched' && decision.candidate).toBe(candidates[0]);
  });

  it('never matches similar but different names', () => {
    expect(matchIdentity(hubspot, [ns('1', { name: 'Acme Analysis' }), ns('2', { name: 'Acme Analytics Group' })])).toEqual({ kind: 'none' });
  });

  it('prefers the strongest rule over weaker ones', () => {
    const byName = ns('1', { name: 'Acme Analytics' });
    const byDomain = ns('2', { name: 'ACME (old)', domain: 'acme.io' });
    const byHint = ns('3', { name: 'Unrelated', externalIdHint: 'hs-1000123' });
    expect(matchIdentity(hubspot, [byName, byDomain, byHint])).toMatchObject({ kind: 'matched', candidate: byHint, rule: 'external_id' });
    expect(matchIdentity(hubspot, [byName, byDomain])).toMatchObject({ kind: 'matched', candidate: byDomain, rule: 'domain' });
  });

  it('is ambiguous when two candidates tie at the strongest rule, and does not fall back to a weaker one', () => {
    const a = ns('1', { domain: 'acme.io', name: 'Acme Analytics' });
    const b = ns('2', { domain: 'http://acme.io/', name: 'Acme Analytics EMEA' });
    expect(matchIdentity(hubspot, [a, b])).toEqual({ kind: 'ambiguous', candidates: [a, b], rule: 'domain' });
    const twins = [ns('1', { name: 'Acme Analytics Ltd' }), ns('2', { name: 'Acme Analytics LLC' })];
    expect(matchIdentity(hubspot, twins)).toMatchObject({ kind: 'ambiguous', rule: 'name' });
  });

  it('counts a candidate listed twice once', () => {
    const a = ns('1', { domain: 'acme.io' });
    expect(matchIdentity(hubspot, [a, { ...a }])).toMatchObject({ kind: 'matched', rule: 'domain' });
  });

  it('asks a human when a name or domain hit contradicts the tax id or domain', () => {
    const source = { ...hubspot, taxId: 'US12-3456789' };
    const otherEntity = ns('1', { name: 'Acme Analytics Ltd', taxId: 'GB123456789' });
    expect(matchIdentity(source, [otherEntity])).toEqual({ kind: 'ambiguous', candidates: [otherEntity], rule: 'name' });
    const otherSite = ns('2', { name: 'Acme Analytics', domain: 'acme-analytics.de' });
    expect(matchIdentity(hubspot, [otherSite])).toMatchObject({ kind: 'ambiguous', rule: 'name' });
    const sameDomainOtherTax = ns('3', { domain: 'acme.io', taxId: 'DE999999999' });
    expect(matchIdentity(source, [sameDomainOtherTax])).toMatchObject({ kind: 'ambiguous', rule: 'domain' });
  });

  it('does not link a candidate already linked to another CRM record', () => {
    const claimed = ns('1', { name: 'Acme Analytics', externalIdHint: 'hs-999' });
    expect(matchIdentity(hubspot, [claimed])).toEqual({ kind: 'none' });
    expect(matchIdentity(hubspot, [claimed], { excludeClaimed: false })).toMatchObject({ kind: 'matched', rule: 'name' });
  });

  it('does not take another system\u2019s hint for this one', () => {
    const sf: IdentityRecord = { system: 'salesforce', externalId: '1000123', name: 'Nobody' };
    expect(matchIdentity(sf, [ns('1', { externalIdHint: 'hs-1000123' })])).toEqual({ kind: 'none' });
  });

  it('matches Salesforce 15- and 18-character forms of the same id', () => {
    const sf: IdentityRecord = { system: 'salesforce', externalId: '001Ak00000XyZ12AAB', name: 'Acme' };
    expect(matchIdentity(sf, [ns('1', { externalIdHint: 'sf-001Ak00000XyZ12' })])).toMatchObject({ kind: 'matched', rule: 'external_id' });
    expect(matchIdentity(sf, [ns('1', { externalIdHint: 'sf-001ak00000xyz12' })])).toEqual({ kind: 'none' }); // ids are case-sensitive
  });

  it('returns none without usable keys', () => {
    expect(matchIdentity({ system: 'hubspot', externalId: '1', name: '', domain: 'gmail.com' }, [ns('1', { name: '', domain: 'gmail.com' })])).toEqual({
      kind: 'none',
    });
    expect(matchIdentity(hubspot, [])).toEqual({ kind: 'none' });
  });

  it('writes the hint other systems store for a CRM record', () => {
    expect(externalIdHintFor(hubspot)).toBe('hs-1000123');
    expect(externalIdHintFor({ system: 'salesforce', externalId: '001Ak00000XyZ12AAB' })).toBe('sf-001Ak00000XyZ12AAB');
  });

  it('validates candidates at the boundary with field paths', () => {
    const r = IdentityCandidateSchema.safeParse({ system: 'zendesk', externalId: '', name: 'x' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['externalId', 'system']);
  });
});
