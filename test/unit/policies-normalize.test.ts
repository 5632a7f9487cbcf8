/** Identity keys: company names, domains and tax ids normalise so that the same company compares equal. */
import { describe, expect, it } from 'vitest';
import { normalizeCompanyName, normalizeDomain, normalizeTaxId } from '../../worker/policies/index.js';

describe('normalizeCompanyName', () => {
  it.each([
    ['ACME Analytics, Inc.', 'acme analytics'],
    ['Acme Analytics', 'acme analytics'],
    ['The Acme Analytics Company', 'acme analytics'],
    ['  acme   analytics  llc ', 'acme analytics'],
    ['Acme Analytics Pty Ltd', 'acme analytics'],
    ['Acme Analytics Corp.', 'acme analytics'],
    ['Acme Analytics S.A.', 'acme analytics'],
    ['Acme Analytics B.V.', 'acme analytics'],
    ['Acme Analytics Incorporated', 'acme analytics'],
    ['Acme-Analytics GmbH', 'acme analytics'],
    ['Société Générale SA', 'societe generale'],
    ['Müller & Söhne AG', 'muller and sohne'],
    ['Smith & Co.', 'smith'],
    ['Smith and Company', 'smith'],
    ["O'Reilly Media, Inc.", 'oreilly media'],
    ['Nordic Data Oy', 'nordic data'],
    ['Theta Labs', 'theta labs'], // "the" only as a whole leading word
    ['The Company', 'company'], // never normalises a real name to nothing
    ['Inc.', 'inc'],
    ['!!!', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeCompanyName(input)).toBe(expected);
  });

  it('keeps different companies different', () => {
    expect(normalizeCompanyName('Acme Analytics')).not.toBe(normalizeCompanyName('Acme Analysis'));
    expect(normalizeCompanyName('Acme Analytics')).not.toBe(normalizeCompanyName('Acme'));
    expect(normalizeCompanyName('Co-Op Foods')).not.toBe(normalizeCompanyName('Foods'));
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['https://www.acme.io/path', 'acme.io'],
    ['http://acme.io/', 'acme.io'],
    ['WWW.Acme.IO', 'acme.io'],
    ['acme.io', 'acme.io'],
    ['  acme.io.  ', 'acme.io'],
    ['acme.io:8443/login?x=1#top', 'acme.io'],
    ['https://app.eu.acme.io', 'acme.io'],
    ['jane.doe@acme.io', 'acme.io'],
    ['mailto:jane@Acme.io', 'acme.io'],
    ['shop.acme.co.uk', 'acme.co.uk'],
    ['https://acme.github.io/docs', 'acme.github.io'],
    ['xn--mller-kva.de', 'xn--mller-kva.de'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['localhost'],
    ['not a domain'],
    ['http://'],
    ['192.168.0.1'],
    ['-acme.io'],
    ['acme..io'],
    ['co.uk'],
    ['gmail.com'],
    ['jane@gmail.com'],
    ['https://mail.yahoo.com'],
    ['outlook.com'],
  ])('%j -> null', (input) => {
    expect(normalizeDomain(input)).toBeNull();
  });

  it('treats null and undefined as no domain', () => {
    expect(normalizeDomain(null)).toBeNull();
    expect(normalizeDomain(undefined)).toBeNull();
  });
});

describe('normalizeTaxId', () => {
  it.each([
    ['US12-3456789', 'US123456789'],
    ['us 12 345 6789', 'US123456789'],
    ['DE 123.456.789', 'DE123456789'],
    ['12-3456789', '123456789'],
    ['GB123/4567/89', 'GB123456789'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeTaxId(input)).toBe(expected);
  });

  it.each([[''], ['N/A'], ['pending'], ['-'], ['123'], ['12#3456789'], [null], [undefined]])('%j -> null', (input) => {
    expect(normalizeTaxId(input)).toBeNull();
  });
});
