/**
 * Identity evidence, normalised per kind: company names (legal form and its countries), domains
 * (brand label, country suffix), tax ids (country prefix or not), places, e-mail domains, hints.
 */
import { describe, expect, it } from 'vitest';
import {
  compareNames,
  compareTaxIds,
  emailDomains,
  normalizeAddress,
  normalizeCity,
  normalizeCompanyName,
  normalizeCountry,
  normalizeDomain,
  parseCompanyName,
  parseDomain,
  parseHint,
  parseTaxId,
  salesforceId18,
} from '../../worker/policies/index.js';

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

describe('parseTaxId', () => {
  it.each([
    ['DE 123.456.789', null, 'DE', '123456789', true],
    ['DE123456789', null, 'DE', '123456789', true],
    ['123456789', 'DE', 'DE', '123456789', true],
    ['GB123/4567/89', null, 'GB', '123456789', true],
    ['EL094014201', null, 'GR', '094014201', true],
    ['FR12 345678901', null, 'FR', '12345678901', true],
    ['NL123456789B01', null, 'NL', '123456789B01', true],
    ['CHE-116.281.710 MWST', null, 'CH', 'E116281710', true],
    ['12-3456789', 'US', 'US', '123456789', true],
    ['123456789RT0001', 'CA', 'CA', '123456789', true],
    ['DE12345', null, 'DE', '12345', false],
    ['12-3456789', null, null, '123456789', true],
  ])('%j (record in %s) -> %s %s valid=%s', (raw, country, expectedCountry, number, valid) => {
    expect(parseTaxId(raw, country)).toMatchObject({ country: expectedCountry, number, valid });
  });

  it.each([[''], ['N/A'], ['pending'], ['-'], ['123'], ['12#3456789'], [null], [undefined]])('%j -> null', (input) => {
    expect(parseTaxId(input)).toBeNull();
  });

  it('sees one id written with and without its country prefix, and two valid ids as two entities', () => {
    expect(compareTaxIds(parseTaxId('DE 123 456 789'), parseTaxId('123456789', 'DE'))).toBe('same');
    expect(compareTaxIds(parseTaxId('DE123456789'), parseTaxId('DE987654321'))).toBe('different');
    // The same digits in two countries are two registrations.
    expect(compareTaxIds(parseTaxId('DE123456789'), parseTaxId('GB123456789'))).toBe('different');
    // A malformed id is no evidence either way.
    expect(compareTaxIds(parseTaxId('DE12345'), parseTaxId('DE123456789'))).toBe('unknown');
    expect(compareTaxIds(null, parseTaxId('DE123456789'))).toBe('unknown');
  });
});

describe('company names', () => {
  it('splits the legal form off with the countries that register it', () => {
    expect(parseCompanyName('Acme GmbH')?.form).toEqual({ form: 'gmbh', countries: ['DE', 'AT', 'CH', 'LI'] });
    expect(parseCompanyName('ACME LTD')?.form?.countries).toContain('GB');
    expect(parseCompanyName('Acme S.A.S.')?.form?.countries).toEqual(['FR']);
    expect(parseCompanyName('Acme B.V.')?.form?.countries).toEqual(['NL', 'BE']);
    expect(parseCompanyName('Acme Analytics')?.form).toBeNull();
  });

  it('drops remarks in brackets and after a spaced dash', () => {
    expect(normalizeCompanyName('Acme Analytics (DE)')).toBe('acme analytics');
    expect(normalizeCompanyName('Acme Analytics - Main')).toBe('acme analytics');
    expect(normalizeCompanyName('Co-Op Foods')).toBe('co op foods');
  });

  it.each([
    ['Acme Analytics', 'ACME ANALYTICS INC', 'exact'],
    ['Acme Anlaytics', 'Acme Analytics', 'typo'],
    ['Acme Analytcs', 'Acme Analytics', 'typo'],
    ['Blueharbor Data', 'Blue Harbor Data', 'typo'],
    ['Acme Analysis', 'Acme Analytics', 'different'],
    ['Acme Analytics Holdings', 'Acme Analytics', 'related'],
    ['Acme Analytics Services', 'Acme Analytics', 'related'],
    ['Acme Analytics Cloud', 'Acme Analytics', 'similar'],
    ['Summit Labs', 'Granite Labs', 'different'],
    ['Acme 2', 'Acme 3', 'different'],
  ] as const)('%j vs %j: %s', (a, b, relation) => {
    expect(compareNames(parseCompanyName(a)!, parseCompanyName(b)!)).toBe(relation);
  });
});

describe('domains', () => {
  it('keeps the brand label and the country of a country-code suffix', () => {
    expect(parseDomain('WWW.ACME.DE')).toEqual({ domain: 'acme.de', label: 'acme', suffix: 'de', country: 'DE' });
    expect(parseDomain('https://shop.acme.co.uk/')).toEqual({ domain: 'acme.co.uk', label: 'acme', suffix: 'co.uk', country: 'GB' });
    // .io, .co, .eu are used as generic names, not as a country.
    expect(parseDomain('acme.io')?.country).toBeNull();
    expect(parseDomain('acme.eu')?.country).toBeNull();
    expect(parseDomain('acme.com')?.country).toBeNull();
  });
});

describe('places, e-mails and hints', () => {
  it('normalises countries, cities and street addresses', () => {
    expect(['DE', 'de', 'Germany', 'Deutschland', 'DEU'].map(normalizeCountry)).toEqual(['DE', 'DE', 'DE', 'DE', 'DE']);
    expect(['UK', 'United Kingdom', 'England', 'GB'].map(normalizeCountry)).toEqual(['GB', 'GB', 'GB', 'GB']);
    expect(normalizeCountry('Atlantis')).toBeNull();
    expect(normalizeCity('München')).toBe(normalizeCity('Munich'));
    expect(normalizeCity('  New   York ')).toBe('new york');
    expect(normalizeAddress('Hauptstraße 12')).toBe(normalizeAddress('12 Hauptstr.'));
    expect(normalizeAddress('12 Market Street')).toBe(normalizeAddress('Market St 12'));
    expect(normalizeAddress('12 Market Street')).not.toBe(normalizeAddress('14 Market Street'));
  });

  it('keeps company e-mail domains and ignores free-mail providers', () => {
    expect(emailDomains(['billing@acme.io', 'Jane.Doe@ACME.io', 'jane@gmail.com', 'x@web.de', 'not an address', null])).toEqual(['acme.io']);
  });

  it('reads external-id hints of NetSuite and Vitally', () => {
    expect(parseHint('hs-1000123')).toBe('hubspot:1000123');
    expect(parseHint('1000123')).toBe('hubspot:1000123');
    expect(parseHint('sf-0015g0000000001')).toBe(`salesforce:${salesforceId18('0015g0000000001')}`);
    expect(salesforceId18('0015g0000000001')).toHaveLength(18);
    expect(parseHint('')).toBeNull();
    expect(parseHint('xx-1')).toBeNull();
  });
});
