/**
 * Web domains as identity evidence. A company's registrable domain ("acme.co.uk" for
 * "https://WWW.shop.acme.co.uk/x") identifies it well; the brand label ("acme") and the
 * country of a country-code suffix tell regional sites of one brand apart: acme.de and
 * acme.co.uk are usually two legal entities (the German GmbH and the British Ltd), while
 * acme.io and acme.eu are more likely one company with a regional site.
 */
import { FREE_MAIL_DOMAINS } from './free-mail.js';

/**
 * Two-label public suffixes under which a company registers its name (acme.co.uk), and hosting
 * platforms whose sub-domains belong to different customers (acme.github.io). A small list on
 * purpose: anything else keeps its last two labels.
 */
const MULTI_LABEL_SUFFIXES: ReadonlySet<string> = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'ltd.uk', 'plc.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'co.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'co.kr', 'com.br', 'com.mx', 'com.ar', 'co.in', 'co.za', 'com.sg', 'com.hk', 'com.cn',
  'com.tr', 'com.tw', 'co.il', 'com.my', 'co.id', 'com.ph', 'com.co', 'com.pe', 'co.th', 'com.vn', 'com.ua', 'com.pl',
  'co.at', 'or.at', 'com.es', 'com.pt', 'com.be',
  'github.io', 'gitlab.io', 'herokuapp.com', 'vercel.app', 'netlify.app', 'pages.dev', 'workers.dev', 'web.app',
  'firebaseapp.com', 'appspot.com', 'myshopify.com', 'azurewebsites.net', 'cloudfront.net', 'wixsite.com',
  'wordpress.com', 'blogspot.com', 'squarespace.com', 'webflow.io', 'hubspotpagebuilder.com',
]);

/**
 * Country-code suffixes that companies everywhere use as generic names (.io, .ai, .co, ...):
 * they say nothing about where the company is registered.
 */
const GENERIC_CC: ReadonlySet<string> = new Set(['io', 'ai', 'co', 'me', 'tv', 'cc', 'ly', 'fm', 'gg', 'sh', 'so', 'to', 'ws', 'app', 'la', 'is', 'im', 'xyz', 'eu']);

/** ccTLDs that differ from the ISO 3166 code of their country. */
const CC_TO_ISO: Readonly<Record<string, string>> = { uk: 'GB' };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Normalises a URL, host or e-mail address to the company's registrable domain: lower case,
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
  const keep = suffixLabels(labels) + 1;
  if (labels.length < keep) return null; // a bare suffix such as "co.uk" is nobody's domain
  const registrable = labels.slice(-keep).join('.');
  if (FREE_MAIL_DOMAINS.has(registrable)) return null;
  return registrable;
}

function suffixLabels(labels: readonly string[]): number {
  return MULTI_LABEL_SUFFIXES.has(labels.slice(-2).join('.')) || MULTI_LABEL_SUFFIXES.has(labels.slice(-3).join('.')) ? 2 : 1;
}

/** A registrable domain split for comparison. */
export interface DomainKey {
  /** "acme.co.uk" */
  domain: string;
  /** The brand label left of the public suffix: "acme". */
  label: string;
  /** "co.uk" */
  suffix: string;
  /** ISO country of a country-code suffix ("GB" for .co.uk, "DE" for .de); null for .com, .io, .eu, ... */
  country: string | null;
}

/** Parses a URL, host or e-mail address into its registrable domain parts; null like `normalizeDomain`. */
export function parseDomain(urlOrDomain: string | null | undefined): DomainKey | null {
  const domain = normalizeDomain(urlOrDomain);
  if (domain === null) return null;
  const labels = domain.split('.');
  const n = suffixLabels(labels);
  const suffix = labels.slice(-n).join('.');
  const tld = labels[labels.length - 1]!;
  const country = tld.length === 2 && !GENERIC_CC.has(tld) ? (CC_TO_ISO[tld] ?? tld.toUpperCase()) : null;
  return { domain, label: labels[labels.length - n - 1]!, suffix, country };
}
