/**
 * Country text as sales types it ("Germany", "DE", "deutschland" is not supported) -> ISO
 * 3166-1 alpha-2. Names come from the platform's own CLDR data (`Intl.DisplayNames`, English),
 * so no country table is kept here; a few common alternative English names are added.
 */

const ALIASES: Readonly<Record<string, string>> = {
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  holland: 'NL',
  'the netherlands': 'NL',
  'czech republic': 'CZ',
  'south korea': 'KR',
  korea: 'KR',
  uae: 'AE',
};

let byName: Map<string, string> | undefined;

/** Groupings and private-use codes CLDR names but that are no country (EU, UN, QO, XA...). */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'ZZ']);

/**
 * A current ISO 3166-1 code: not private use (QM-QZ, XA-XZ), not a grouping, and not a
 * deprecated code the platform canonicalises to another (DD -> DE, UK -> GB).
 */
function isCountryCode(code: string): boolean {
  if (NOT_COUNTRIES.has(code) || /^(Q[M-Z]|X[A-Z])$/.test(code)) return false;
  try {
    return Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
  } catch {
    return false;
  }
}

const key = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z ]/g, '').replace(/\s+/g, ' ').trim();

function names(): Map<string, string> {
  if (byName) return byName;
  byName = new Map(Object.entries(ALIASES));
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (!isCountryCode(code)) continue;
      const name = display.of(code);
      // Codes without a name, and CLDR's placeholder regions, are not countries.
      // The first code of a name wins: GB before the exceptionally reserved UK, and so on.
      if (name && name !== code && !/unknown/i.test(name) && !byName.has(key(name))) byName.set(key(name), code);
    }
  }
  return byName;
}

/** The ISO code for `text` (a code or an English name), or null when it is no known country. */
export function countryCode(text: string): string | null {
  const t = text.trim();
  const alias = ALIASES[key(t)];
  if (alias) return alias;
  if (/^[A-Za-z]{2}$/.test(t)) {
    const code = t.toUpperCase();
    return isCountryCode(code) && [...names().values()].includes(code) ? code : null;
  }
  return names().get(key(t)) ?? null;
}
