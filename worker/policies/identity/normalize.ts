/**
 * Normalisation of the keys used to link the same company across systems: company name, web
 * domain and tax id. Pure and deterministic so the broker can store the keys in D1 and look
 * candidates up by key.
 */

/** Legal-form suffixes dropped from the end of a company name (after dots are removed). */
export const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  'inc', 'incorporated', 'llc', 'llp', 'lp', 'ltd', 'limited', 'gmbh', 'ag', 'corp', 'corporation', 'co', 'company',
  'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'plc', 'pty', 'oy', 'ab', 'as', 'kg', 'ug',
]);

/**
 * Normalises a company name for exact comparison: lower case, accents stripped, `&` read as
 * "and", punctuation removed, legal suffixes ("Inc.", "GmbH", "Pty Ltd") and a leading "the"
 * dropped, whitespace collapsed. Returns '' for a name with no letters or digits.
 * ("ACME Analytics, Inc." and "The Acme Analytics Company" both give "acme analytics".)
 */
export function normalizeCompanyName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // combining marks: "Café" -> "Cafe"
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/&/g, ' and ')
    .replace(/[.'’`]/g, '') // "S.A." -> "sa", "O'Neil" -> "oneil": dots and apostrophes join letters
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
  if (words.length > 1 && words[0] === 'the') words.shift();
  // Keep at least one word: "The Company" must not normalise to the empty string.
  // "Smith & Co." -> "smith and co": the dangling "and" goes with the suffix.
  while (words.length > 1 && (LEGAL_SUFFIXES.has(words[words.length - 1]!) || words[words.length - 1] === 'and')) {
    words.pop();
  }
  return words.join(' ');
}

/** Free / consumer mail providers: a contact's address there says nothing about the company. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'ymail.com', 'hotmail.com',
  'hotmail.co.uk', 'hotmail.fr', 'outlook.com', 'live.com', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 'mail.com', 'yandex.ru', 'yandex.com',
  'qq.com', '163.com', '126.com', 'fastmail.com', 'hey.com', 'zoho.com', 'mail.ru', 'orange.fr', 't-online.de',
]);

/**
 * Two-label public suffixes under which a company registers its name (acme.co.uk), and hosting
 * platforms whose sub-domains belong to different customers (acme.github.io). A small list on
 * purpose: anything else keeps its last two labels.
 */
const MULTI_LABEL_SUFFIXES: ReadonlySet<string> = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'ltd.uk', 'plc.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'co.kr', 'com.br', 'com.mx', 'com.ar', 'co.in', 'co.za', 'com.sg', 'com.hk', 'com.cn',
  'com.tr', 'com.tw', 'co.il', 'com.my', 'co.id', 'com.ph', 'com.co', 'com.pe', 'co.th', 'com.vn', 'com.ua', 'com.pl',
  'github.io', 'gitlab.io', 'herokuapp.com', 'vercel.app', 'netlify.app', 'pages.dev', 'workers.dev', 'web.app',
  'firebaseapp.com', 'appspot.com', 'myshopify.com', 'azurewebsites.net', 'cloudfront.net', 'wixsite.com',
  'wordpress.com', 'blogspot.com', 'squarespace.com', 'webflow.io', 'hubspotpagebuilder.com',
]);

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Normalises a URL, host or e-mail address to the company's registrable-ish domain: lower case,
 * no scheme, path, port or `www.`, sub-domains dropped ("https://www.eu.acme.io/x" -> "acme.io",
 * "shop.acme.co.uk" -> "acme.co.uk"). Returns null for empty or invalid input, IP addresses and
 * free-mail domains such as gmail.com.
 */
export function normalizeDomain(urlOrDomain: string | null | undefined): string | null {
  if (typeof urlOrDomain !== 'string') return null;
  let host = urlOrDomain.trim().toLowerCase();
  if (host === '') return null;
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, ''); // scheme
  host = host.split(/[/?#]/, 1)[0] ?? '';
  host = host.slice(host.lastIndexOf('@') + 1); // e-mail address or user:pass@host
  host = host.replace(/:\d*$/, '').replace(/\.$/, ''); // port, trailing root dot
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels[labels.length - 1]!)) return null;
  const lastTwo = labels.slice(-2).join('.');
  const keep = MULTI_LABEL_SUFFIXES.has(lastTwo) || MULTI_LABEL_SUFFIXES.has(labels.slice(-3).join('.')) ? 3 : 2;
  if (labels.length < keep) return null; // a bare suffix such as "co.uk" is nobody's domain
  const registrable = labels.slice(-keep).join('.');
  if (FREE_MAIL_DOMAINS.has(registrable)) return null;
  return registrable;
}

/**
 * Normalises a tax id (EIN, VAT, ABN, ...) for comparison: upper case, separators (spaces, dashes,
 * dots, slashes) removed. The country prefix is kept ("US12-3456789" -> "US123456789"), so a number
 * written with and without it does not match: a missed link is recoverable, a wrong one is not.
 * Returns null when no digit is present ("N/A", "pending") or fewer than 5 characters remain.
 */
export function normalizeTaxId(taxId: string | null | undefined): string | null {
  if (typeof taxId !== 'string') return null;
  const compact = taxId.toUpperCase().replace(/[\s\-./_]/g, '');
  if (!/\d/.test(compact) || compact.length < 5 || !/^[A-Z0-9]+$/.test(compact)) return null;
  return compact;
}
