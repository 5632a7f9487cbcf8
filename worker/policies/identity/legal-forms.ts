/**
 * Legal-form suffixes and the countries whose company law defines them. "GmbH" says DE/AT/CH,
 * "Ltd" GB/IE and other common-law countries, "SAS" FR: a record called "Acme GmbH" in GB is
 * unlikely to be the same legal entity as a German record, and "Acme GmbH" vs "Acme Ltd" are
 * two entities of one brand. Sources: the EU's e-Justice business registers pages and
 * https://en.wikipedia.org/wiki/List_of_legal_entity_types_by_country (names as registered).
 */

/** Suffix (folded, dots removed, as one or more words) -> ISO 3166-1 alpha-2 countries. */
const FORMS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['gmbh', ['DE', 'AT', 'CH', 'LI']],
  ['gesmbh', ['AT']],
  ['ag', ['DE', 'AT', 'CH', 'LI']],
  ['kg', ['DE', 'AT']],
  ['ohg', ['DE']],
  ['ug', ['DE']],
  ['ltd', ['GB', 'IE', 'CA', 'NZ', 'AU', 'IN', 'HK', 'SG', 'ZA', 'MT', 'CY', 'IL']],
  ['limited', ['GB', 'IE', 'CA', 'NZ', 'AU', 'IN', 'HK', 'SG', 'ZA', 'MT', 'CY', 'IL']],
  ['plc', ['GB', 'IE']],
  ['llp', ['GB', 'US', 'IN']],
  ['inc', ['US', 'CA', 'PH']],
  ['incorporated', ['US', 'CA', 'PH']],
  ['corp', ['US', 'CA']],
  ['corporation', ['US', 'CA']],
  ['llc', ['US']],
  ['lp', ['US', 'GB', 'CA']],
  ['sa', ['FR', 'ES', 'BE', 'CH', 'LU', 'PL', 'PT', 'GR', 'AR', 'MX', 'BR', 'CL', 'PE', 'CO']],
  ['sas', ['FR']],
  ['sasu', ['FR']],
  ['sarl', ['FR', 'LU', 'BE', 'CH']],
  ['eurl', ['FR']],
  ['bv', ['NL', 'BE']],
  ['nv', ['NL', 'BE']],
  ['bvba', ['BE']],
  ['srl', ['IT', 'RO', 'BE', 'AR']],
  ['spa', ['IT']],
  ['sl', ['ES']],
  ['slu', ['ES']],
  ['lda', ['PT']],
  ['oy', ['FI']],
  ['oyj', ['FI']],
  ['ab', ['SE', 'FI']],
  ['as', ['NO', 'DK', 'EE', 'CZ', 'SK']],
  ['asa', ['NO']],
  ['aps', ['DK']],
  ['pty', ['AU', 'ZA']],
  ['pty ltd', ['AU', 'ZA']],
  ['pte ltd', ['SG']],
  ['sp zoo', ['PL']],
  ['sro', ['CZ', 'SK']],
  ['kft', ['HU']],
  ['kk', ['JP']],
];

/** Words that end a company name without saying anything about its country. */
const NEUTRAL_ENDINGS: ReadonlySet<string> = new Set(['co', 'company', 'and']);

const BY_WORDS = new Map(FORMS.map(([form, countries]) => [form, countries]));
const LONGEST = Math.max(...FORMS.map(([form]) => form.split(' ').length));

/** A legal form found at the end of a name. */
export interface LegalForm {
  /** As written in the table, e.g. "gmbh", "pty ltd". */
  form: string;
  countries: readonly string[];
}

/**
 * Splits trailing legal-form words off `words` (folded words of a name): returns the name's own
 * words and the legal form, if any. Neutral endings ("Co", "Company", a dangling "and") are
 * dropped too; at least one word always remains, so "The Company" keeps "company".
 */
export function splitLegalForm(words: readonly string[]): { words: string[]; form: LegalForm | null } {
  const rest = [...words];
  let form: LegalForm | null = null;
  for (;;) {
    let found = false;
    for (let n = Math.min(LONGEST, rest.length - 1); n >= 1; n--) {
      const tail = rest.slice(-n).join(' ');
      const countries = BY_WORDS.get(tail);
      if (countries) {
        // The outermost form is the one that was registered ("Acme GmbH & Co. KG" -> "gmbh co kg").
        form ??= { form: tail, countries };
        rest.splice(-n, n);
        found = true;
        break;
      }
    }
    if (!found && rest.length > 1 && NEUTRAL_ENDINGS.has(rest[rest.length - 1]!)) {
      rest.pop();
      found = true;
    }
    if (!found) return { words: rest, form };
  }
}
