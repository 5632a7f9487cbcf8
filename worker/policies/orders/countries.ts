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

const key = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z ]/g, '').replace(/\s+/g, ' ').trim();

function names(): Map<string, string> {
  if (byName) return byName;
  byName = new Map(Object.entries(ALIASES));
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = display.of(code);
      // Codes without a name, and CLDR's placeholder regions, are not countries.
      if (name && name !== code && !/unknown/i.test(name)) byName.set(key(name), code);
    }
  }
  return byName;
}

/** The ISO code for `text` (a code or an English name), or null when it is no known country. */
export function countryCode(text: string): string | null {
  const t = text.trim();
  if (/^[A-Za-z]{2}$/.test(t)) {
    const code = t.toUpperCase();
    return [...names().values()].includes(code) ? code : null;
  }
  return names().get(key(t)) ?? null;
}
