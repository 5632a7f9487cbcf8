/**
 * Which hosts Concord sends a tenant's credentials to. A base URL a tenant sets (or a vendor
 * returns, like Salesforce's `instance_url`) must be https on one of its vendor's own hosts;
 * plain http (or https) to this machine only in the explicit development mode (the sandbox
 * estate). URLs are parsed and their host names compared, never matched as text, so
 * `https://api.hubapi.com@evil.example` or `https://evil.example/x.rest.vitally.io` never pass.
 * Pure: no bindings, so unit tests and every caller share one rule.
 */

/** One DNS label (RFC 1035, lower case). */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

/**
 * A Salesforce My Domain host: `acme.my.salesforce.com`, or a sandbox's
 * `acme--uat.sandbox.my.salesforce.com` (https://help.salesforce.com/s/articleView?id=sf.domain_name_format.htm).
 */
export const MY_DOMAIN_HOST = /^[a-z0-9][a-z0-9-]{0,62}(?:--[a-z0-9]{1,40})?(?:\.sandbox)?\.my\.salesforce\.com$/;

/** The vendors' API hosts a tenant's base URL may name (production). */
export const VENDOR_HOSTS: Record<'hubspot' | 'salesforce' | 'netsuite' | 'vitally', RegExp[]> = {
  // https://developers.hubspot.com/docs/api/overview (EU data centre: api-eu1).
  hubspot: [/^api\.hubapi\.com$/, /^api-eu1\.hubapi\.com$/],
  salesforce: [MY_DOMAIN_HOST],
  // `<account>.suitetalk.api.netsuite.com` (account id in host form: lower case, `_` as `-`).
  netsuite: [new RegExp(`^${LABEL}\\.suitetalk\\.api\\.netsuite\\.com$`)],
  vitally: [new RegExp(`^${LABEL}\\.rest\\.vitally\\.io$`)],
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for this machine's own names (what `new URL(...).hostname` gives for them). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase());
}

export type VendorSystem = keyof typeof VENDOR_HOSTS;

export type BaseUrlCheck = { ok: true; url: string; hostname: string } | { ok: false; reason: string };

/**
 * A tenant-set base URL for `system`, normalised (no trailing slash), or why it is refused.
 * Vendor hosts: https, no path, no credentials, query or fragment. Loopback (development mode
 * only): http or https with any path (the sandbox serves each vendor under a prefix).
 */
export function checkBaseUrl(value: string, system: VendorSystem, opts: { devMode: boolean }): BaseUrlCheck {
  if (!URL.canParse(value)) return { ok: false, reason: 'not a URL' };
  const u = new URL(value);
  if (u.username || u.password || u.search || u.hash) return { ok: false, reason: 'no credentials, query or fragment' };
  if (isLoopbackHost(u.hostname)) {
    if (!opts.devMode) return { ok: false, reason: 'loopback addresses only in development mode' };
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: 'http or https' };
    return { ok: true, url: `${u.origin}${u.pathname}`.replace(/\/+$/, ''), hostname: u.hostname };
  }
  if (u.protocol !== 'https:') return { ok: false, reason: 'https only' };
  if (!VENDOR_HOSTS[system].some((re) => re.test(u.hostname))) return { ok: false, reason: `not a ${system} host` };
  if (u.port) return { ok: false, reason: 'no port' };
  if (u.pathname !== '/') return { ok: false, reason: 'the host only, no path' };
  return { ok: true, url: u.origin, hostname: u.hostname };
}

/**
 * An operator-configured URL (vendor endpoints in the environment): https anywhere, plain http
 * only to loopback in development mode; never credentials or a fragment.
 */
export function isAllowedConfigUrl(value: string, opts: { devMode: boolean; allowQuery?: boolean }): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  if (u.username || u.password || u.hash || (!opts.allowQuery && u.search)) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && opts.devMode && isLoopbackHost(u.hostname));
}

/**
 * Fill `{name}` in a URL template with a host-name part (a My Domain name, an account id, a
 * subdomain). The value must be DNS labels only (no `/ ? @ : #`), and the result must parse to
 * exactly the host the template names with that value: no substitution can move the request to
 * another host. Throws when either fails.
 */
export function fillHostTemplate(template: string, name: string, value: string): string {
  if (!new RegExp(`^${LABEL}(?:\\.${LABEL})*$`).test(value)) throw new Error(`${name} is not a host name part`);
  const marker = 'x0concordx0';
  const probe = template.replace(`{${name}}`, marker);
  if (!URL.canParse(probe)) throw new Error(`URL template for ${name} is not a URL`);
  const expected = new URL(probe).hostname.replace(marker, value);
  const filled = new URL(template.replace(`{${name}}`, value));
  if (filled.hostname !== expected || filled.username || filled.password || filled.hash) throw new Error(`URL template for ${name} gives another host`);
  return filled.toString().replace(/\/+$/, '');
}
