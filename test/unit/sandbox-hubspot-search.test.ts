/** HubSpot CRM search filter semantics (pure): operators, typed comparison, groups, sorting. */
import { describe, expect, it } from 'vitest';
import { matchesFilter, matchesFilterGroups, matchesQuery, searchRequestSchema, sortComparator, wildcardMatch, type Filter } from '../../sandbox/hubspot/search-filter.js';

const props = { name: 'Acme Analytics GmbH', amount: '900', closedate: '2026-03-01T00:00:00.000Z', domain: 'acme.io', phone: null };
const f = (x: Partial<Filter> & Pick<Filter, 'operator'>): Filter => ({ propertyName: 'name', ...x });

describe('HubSpot search filters', () => {
  it('compares numbers numerically, not as text', () => {
    expect(matchesFilter(props, f({ propertyName: 'amount', operator: 'GT', value: '1000' }), 'number')).toBe(false);
    expect(matchesFilter(props, f({ propertyName: 'amount', operator: 'GT', value: '100' }), 'number')).toBe(true);
    expect(matchesFilter(props, f({ propertyName: 'amount', operator: 'BETWEEN', value: '900', highValue: '901' }), 'number')).toBe(true);
  });

  it('compares dates given as epoch milliseconds or ISO', () => {
    const ms = String(Date.parse('2026-02-01T00:00:00Z'));
    expect(matchesFilter(props, f({ propertyName: 'closedate', operator: 'GTE', value: ms }), 'datetime')).toBe(true);
    expect(matchesFilter(props, f({ propertyName: 'closedate', operator: 'LT', value: '2026-02-01' }), 'datetime')).toBe(false);
  });

  it('EQ is case-insensitive; NEQ and NOT_IN match records without the property', () => {
    expect(matchesFilter(props, f({ operator: 'EQ', value: 'acme analytics gmbh' }), 'string')).toBe(true);
    expect(matchesFilter(props, f({ propertyName: 'phone', operator: 'NEQ', value: '1' }), 'string')).toBe(true);
    expect(matchesFilter(props, f({ propertyName: 'phone', operator: 'NOT_IN', values: ['1'] }), 'string')).toBe(true);
    expect(matchesFilter(props, f({ propertyName: 'domain', operator: 'IN', values: ['x.io', 'ACME.io'] }), 'string')).toBe(true);
  });

  it('HAS_PROPERTY / NOT_HAS_PROPERTY treat null and empty as absent', () => {
    expect(matchesFilter(props, f({ propertyName: 'phone', operator: 'HAS_PROPERTY' }), 'string')).toBe(false);
    expect(matchesFilter({ phone: '' }, f({ propertyName: 'phone', operator: 'NOT_HAS_PROPERTY' }), 'string')).toBe(true);
  });

  it('CONTAINS_TOKEN matches whole words, with * wildcards', () => {
    expect(matchesFilter(props, f({ operator: 'CONTAINS_TOKEN', value: 'analytics' }), 'string')).toBe(true);
    expect(matchesFilter(props, f({ operator: 'CONTAINS_TOKEN', value: 'analy' }), 'string')).toBe(false);
    expect(matchesFilter(props, f({ operator: 'CONTAINS_TOKEN', value: 'analy*' }), 'string')).toBe(true);
    expect(matchesFilter(props, f({ operator: 'NOT_CONTAINS_TOKEN', value: 'acme' }), 'string')).toBe(false);
  });

  it('a pathological wildcard finishes quickly', () => {
    const started = Date.now();
    expect(wildcardMatch(`${'*a'.repeat(40)}*b`, 'a'.repeat(5000))).toBe(false);
    expect(wildcardMatch('ac*e', 'ACME')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('ORs groups and ANDs filters within a group', () => {
    const groups = searchRequestSchema.parse({
      filterGroups: [
        { filters: [{ propertyName: 'name', operator: 'EQ', value: 'nope' }] },
        { filters: [{ propertyName: 'amount', operator: 'GT', value: 1 }, { propertyName: 'domain', operator: 'EQ', value: 'acme.io' }] },
      ],
    }).filterGroups;
    const typeOf = (n: string) => (n === 'amount' ? 'number' : 'string') as 'number' | 'string';
    expect(matchesFilterGroups(props, groups, typeOf)).toBe(true);
    expect(matchesFilterGroups({ ...props, domain: 'other.io' }, groups, typeOf)).toBe(false);
  });

  it('rejects unknown operators and more than 200 per page', () => {
    expect(searchRequestSchema.safeParse({ filterGroups: [{ filters: [{ propertyName: 'x', operator: 'LIKE', value: 'a' }] }] }).success).toBe(false);
    expect(searchRequestSchema.safeParse({ limit: 201 }).success).toBe(false);
  });

  it('free-text query matches word prefixes', () => {
    expect(matchesQuery(props, 'analy', ['name'])).toBe(true);
    expect(matchesQuery(props, 'lytics', ['name'])).toBe(false);
  });

  it('sorts numbers numerically and puts missing values last', () => {
    const rows = [
      { id: '1', properties: { amount: '100' } },
      { id: '2', properties: { amount: null } },
      { id: '3', properties: { amount: '20' } },
    ];
    const cmp = sortComparator([{ propertyName: 'amount', direction: 'DESCENDING' }], () => 'number');
    expect([...rows].sort(cmp).map((r) => r.id)).toEqual(['1', '3', '2']);
  });
});
