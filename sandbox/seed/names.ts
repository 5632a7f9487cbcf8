/**
 * Word lists and spelling helpers for the seed: company base names, the legal-form and casing
 * variants each system records, websites in their many spellings, people and places.
 * `demo` and `other` draw company names from disjoint word lists so the tenants never share a
 * customer name (isolation tests can then spot a leak by name as well as by id).
 */
import { CC_TLD, type SeedCountry } from './legal.js';
import type { Prng } from './prng.js';

const DEMO_PREFIXES = [
  'Acme', 'Northwind', 'Blue Harbor', 'Summit', 'Granite', 'Lumen', 'Vertex', 'Cobalt', 'Juniper', 'Redwood',
  'Silverline', 'Bright Path', 'Ironclad', 'Keystone', 'Meridian', 'Nimbus', 'Orbit', 'Pioneer', 'Quartz', 'Riverbend',
  'Sierra', 'Tidewater', 'Upland', 'Vanguard', 'Westfield', 'Zephyr', 'Alder', 'Beacon', 'Cascade', 'Driftwood',
  'Evergreen', 'Falcon', 'Golden Gate', 'Highland', 'Indigo', 'Jasper', 'Kestrel', 'Lakeside', 'Maple', 'Nova',
  'Oakridge', 'Pinnacle', 'Quillon', 'Rockport', 'Sapphire', 'Trillium', 'Unity', 'Valence', 'Willow', 'Yellowstone',
  'Aurora', 'Bluebird', 'Crescent', 'Delta Peak', 'Ember', 'Foxglove', 'Harbor Light', 'Ivory', 'Kinetic', 'Larkspur',
];

const OTHER_PREFIXES = [
  'Papaya', 'Quokka', 'Wombat', 'Marmot', 'Ocelot', 'Pangolin', 'Tapir', 'Narwhal', 'Axolotl', 'Capybara',
  'Okapi', 'Gecko', 'Ibis', 'Lemur', 'Mongoose', 'Puffin',
];

const NOUNS = [
  'Analytics', 'Logistics', 'Labs', 'Software', 'Systems', 'Networks', 'Health', 'Robotics', 'Foods', 'Energy',
  'Media', 'Dynamics', 'Solutions', 'Biotech', 'Payments', 'Security', 'Learning', 'Retail', 'Data', 'Cloud',
  'Mobility', 'Studios', 'Freight', 'Insights',
];

/**
 * Near-miss spellings: a distinct customer whose name is one edit-ish away from another's. A naive
 * fuzzy matcher would merge them; they are different companies with different domains.
 */
export const NEAR_MISS: Readonly<Record<string, string>> = {
  Analytics: 'Analysis',
  Labs: 'Lab',
  Software: 'Softworks',
  Networks: 'Network',
  Dynamics: 'Dynamix',
  Solutions: 'Solution',
  Systems: 'Systemz',
  Insights: 'Insight',
};

/** Syllables for made-up brand prefixes when a scaled estate needs more names than the word lists hold. */
const SYNTHETIC: Readonly<Record<'demo' | 'other', readonly (readonly string[])[]>> = {
  demo: [
    ['Bal', 'Cor', 'Dar', 'Fen', 'Gal', 'Hol', 'Kar', 'Lin', 'Mor', 'Nel', 'Pal', 'Ros', 'Sel', 'Tam', 'Vel', 'Wel'],
    ['a', 'e', 'i', 'o', 'u', 'an', 'er', 'is', 'or', 'en'],
    ['ra', 'to', 'nix', 'vex', 'lia', 'mont', 'ford', 'wick', 'dale', 'bury', 'ton', 'gard', 'stone', 'field', 'more', 'view'],
  ],
  other: [
    ['Zub', 'Quo', 'Yip', 'Xan', 'Jix', 'Vup', 'Wox', 'Qel'],
    ['a', 'e', 'i', 'o', 'u', 'an', 'er', 'is', 'or', 'en'],
    ['ra', 'to', 'nix', 'vex', 'lia', 'mont', 'ford', 'wick', 'dale', 'bury', 'ton', 'gard', 'stone', 'field', 'more', 'view'],
  ],
};

/** Made-up prefixes ("Coranford"), in a fixed order, disjoint between tenants. */
function syntheticPrefixes(tenant: 'demo' | 'other'): string[] {
  const [a, b, c] = SYNTHETIC[tenant] as [readonly string[], readonly string[], readonly string[]];
  return a.flatMap((x) => b.flatMap((y) => c.map((z) => x + y + z)));
}

/**
 * Distinct base names ("Acme Analytics") for one tenant, in a deterministic order. The word
 * lists give 1,440 (demo) and 384 (other) names; a scaled estate adds made-up prefixes.
 */
export function baseNames(rng: Prng, tenant: 'demo' | 'other', count: number): string[] {
  const handpicked = tenant === 'demo' ? DEMO_PREFIXES : OTHER_PREFIXES;
  const prefixes = handpicked.length * NOUNS.length >= count ? handpicked : [...new Set([...handpicked, ...syntheticPrefixes(tenant)])];
  const all: string[] = [];
  for (const p of prefixes) for (const n of NOUNS) all.push(`${p} ${n}`);
  if (count > all.length) throw new Error(`only ${all.length} base names available`);
  return rng.shuffle(all).slice(0, count);
}

const LEGAL_SUFFIXES = /\b(inc|llc|ltd|limited|gmbh|ag|corp|co|sa|sas|sarl|sl|slu|bv|nv|plc|the|company)\b/g;

/**
 * The agreed normalisation for name matching: lower-case, punctuation removed, legal forms and
 * "the"/"company" dropped, whitespace collapsed.
 */
export function normalizeCompanyName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .replace(LEGAL_SUFFIXES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Registrable domain of a URL or host ("https://www.acme.co.uk/" -> "acme.co.uk"). */
export function registrableDomain(urlOrHost: string | null | undefined): string | null {
  if (!urlOrHost) return null;
  const host = urlOrHost.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').split(/[/?#:]/)[0] ?? '';
  const labels = host.split('.').filter(Boolean);
  if (labels.length < 2) return null;
  const twoLevel = ['co.uk', 'com.au', 'co.nz'].includes(labels.slice(-2).join('.'));
  return labels.slice(twoLevel ? -3 : -2).join('.');
}

const TLDS = { com: 60, io: 18, co: 8, ai: 5, local: 9 } as const;

/**
 * A unique registrable domain for a base name (e.g. "acmeanalytics.com", "getacme.io"); about
 * one in ten uses the country's own suffix (acmeanalytics.de for a German customer).
 */
export function domainFor(rng: Prng, base: string, taken: Set<string>, country: SeedCountry): string {
  const words = base.toLowerCase().replace(/[^a-z ]/g, '').split(' ').filter(Boolean);
  const pick = rng.weighted(TLDS);
  const tld = pick === 'local' ? CC_TLD[country] : pick;
  const candidates = [
    rng.pick([words.join(''), words.join('-'), `get${words[0]}`, `${words[0]}${(words[1] ?? '').slice(0, 3)}`]) + `.${tld}`,
    `${words.join('')}.${tld}`,
    `${words.join('-')}.com`,
    `${words.join('')}hq.com`,
  ];
  for (const d of candidates) {
    if (!taken.has(d)) {
      taken.add(d);
      return d;
    }
  }
  let n = 2;
  while (taken.has(`${words.join('')}${n}.com`)) n++;
  const d = `${words.join('')}${n}.com`;
  taken.add(d);
  return d;
}

/** A website as typed into the ERP: scheme, www and trailing slash vary. */
export function websiteVariant(rng: Prng, domain: string): string {
  return rng.pick([`https://www.${domain}`, `http://${domain}/`, domain, `https://${domain}`, `www.${domain}`, `https://www.${domain}/`]);
}

/** People's names, with accents and apostrophes on purpose. */
export const FIRST_NAMES = [
  'Ava', 'Ben', 'Chloe', 'Daniel', 'Elena', 'Farid', 'Grace', 'Hiro', 'Isabel', 'Jonas', 'Kira', 'Liam', 'Maya',
  'Noah', 'Olivia', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wen', 'Xavier', 'Yara', 'Zoë',
  'Amélie', 'Björn', 'Chiara', 'Dmitri',
];
/** Family names. */
export const LAST_NAMES = [
  'Anders', 'Becker', 'Chen', 'Dubois', 'Evans', 'Fischer', 'García', 'Hughes', 'Ito', 'Jensen', 'Kowalski',
  'López', 'Müller', 'Nakamura', 'O’Brien', 'Patel', 'Quintero', 'Rossi', 'Schmidt', 'Tanaka', 'Usman',
  'Van Dijk', 'Weber', 'Xu', 'Young', 'Zimmermann',
];
/** Contact job titles. */
export const JOB_TITLES = ['CEO', 'CFO', 'VP Operations', 'Head of Finance', 'IT Manager', 'Procurement Lead', 'Controller', 'Head of Customer Success', 'CTO', 'Office Manager'];

/** HubSpot industry enumeration values. */
export const INDUSTRIES = [
  'COMPUTER_SOFTWARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'MARKETING_AND_ADVERTISING', 'FINANCIAL_SERVICES',
  'HOSPITAL_HEALTH_CARE', 'LOGISTICS_AND_SUPPLY_CHAIN', 'RETAIL', 'E_LEARNING',
];

/** A place a customer is registered at. */
export interface Place {
  city: string;
  country: SeedCountry;
  zip: string;
}

/** Cities by country. */
export const CITIES: Readonly<Record<SeedCountry, readonly Place[]>> = {
  US: [
    { city: 'Austin', country: 'US', zip: '78701' }, { city: 'Boston', country: 'US', zip: '02110' },
    { city: 'Chicago', country: 'US', zip: '60601' }, { city: 'Denver', country: 'US', zip: '80202' },
    { city: 'San Francisco', country: 'US', zip: '94105' }, { city: 'New York', country: 'US', zip: '10001' },
  ],
  DE: [{ city: 'Berlin', country: 'DE', zip: '10115' }, { city: 'München', country: 'DE', zip: '80331' }, { city: 'Hamburg', country: 'DE', zip: '20095' }],
  FR: [{ city: 'Paris', country: 'FR', zip: '75002' }, { city: 'Lyon', country: 'FR', zip: '69002' }],
  NL: [{ city: 'Amsterdam', country: 'NL', zip: '1012' }, { city: 'Rotterdam', country: 'NL', zip: '3011' }],
  ES: [{ city: 'Madrid', country: 'ES', zip: '28001' }, { city: 'Barcelona', country: 'ES', zip: '08002' }],
  GB: [
    { city: 'London', country: 'GB', zip: 'EC1A 1BB' }, { city: 'Manchester', country: 'GB', zip: 'M1 1AE' },
    { city: 'Edinburgh', country: 'GB', zip: 'EH1 1YZ' },
  ],
  CA: [{ city: 'Toronto', country: 'CA', zip: 'M5H 2N2' }, { city: 'Vancouver', country: 'CA', zip: 'V6B 1A1' }],
};

/** Countries by billing currency, so a customer's address agrees with its currency. */
export const COUNTRIES_BY_CURRENCY: Readonly<Record<string, readonly SeedCountry[]>> = {
  USD: ['US'], EUR: ['DE', 'DE', 'FR', 'NL', 'ES'], GBP: ['GB'], CAD: ['CA'],
};

/** The billing currency of a country. */
export const CURRENCY_OF: Readonly<Record<SeedCountry, 'USD' | 'EUR' | 'GBP' | 'CAD'>> = { US: 'USD', CA: 'CAD', GB: 'GBP', DE: 'EUR', FR: 'EUR', NL: 'EUR', ES: 'EUR' };

/** Street names per country for addresses. */
export const STREETS: Readonly<Record<SeedCountry, readonly string[]>> = {
  US: ['Market Street', 'Main Street', 'Broadway', 'Congress Avenue'],
  CA: ['King Street', 'Bay Street', 'Granville Street'],
  GB: ['High Street', 'King Street', 'Deansgate'],
  DE: ['Hauptstraße', 'Friedrichstraße', 'Leopoldstraße'],
  FR: ['Rue de Rivoli', 'Rue de la République', 'Avenue Foch'],
  NL: ['Keizersgracht', 'Coolsingel', 'Damrak'],
  ES: ['Calle Mayor', 'Gran Vía', 'Passeig de Gràcia'],
};

/** A street address in the country's order ("12 Market Street", "Hauptstraße 12"). */
export function streetAddress(rng: Prng, country: SeedCountry): string {
  const street = rng.pick(STREETS[country]);
  const number = rng.int(1, 400);
  return country === 'US' || country === 'CA' || country === 'GB' ? `${number} ${street}` : `${street} ${number}`;
}
