/** The structural comparison the fixture contract tests rely on: it must catch what it claims to. */
import { describe, expect, it } from 'vitest';
import { shapeDiff } from '../support/payload-shape.js';

describe('shapeDiff', () => {
  it('accepts different values of the same shape', () => {
    expect(shapeDiff({ id: '1', n: 2, items: [{ a: true }] }, { id: '9', n: 7.5, items: [{ a: false }, { a: true }] })).toEqual([]);
  });
  it('reports a missing field, an invented field and a type change with their paths', () => {
    const diff = shapeDiff({ id: '1', links: [{ rel: 'self', href: 'x' }] }, { id: 1, links: [{ rel: 'self' }], extra: 0 });
    expect(diff).toEqual(['$.id: expected string, got number', '$.links[].href: missing in the answer', '$.extra: not in the vendor\'s shape']);
  });
  it('lets null stand for any type on either side, and honours optional and extraAllowed paths', () => {
    expect(shapeDiff({ due: null, memo: 'x' }, { due: '2026-01-01', memo: null })).toEqual([]);
    expect(shapeDiff({ a: 1, b: 2 }, { a: 1, c: 3 }, { optional: ['$.b'], extraAllowed: ['$'] })).toEqual([]);
  });
  it('checks nested objects inside arrays', () => {
    expect(shapeDiff({ items: [{ address: { city: 'A' } }] }, { items: [{ address: { city: 3 } }] })).toEqual(['$.items[].address.city: expected string, got number']);
  });
});
