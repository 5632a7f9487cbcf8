/**
 * Formatting for people: money in the section's currency, calendar dates, "2 min ago", vendor
 * names and machine codes (risk reasons, freshness errors) turned into plain words.
 * `locale` is undefined by default so the reader's browser locale applies.
 */

/** Format a decimal amount in an ISO 4217 currency, e.g. `12500, 'USD'` -> `$12,500.00`. */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    // Unknown currency code from upstream: still show the number, never crash the panel.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** Format a `YYYY-MM-DD` date (or an ISO instant) as e.g. `15 Jan 2027`, in UTC so days do not shift. */
export function formatDate(value: string, locale?: string): string {
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** Format an ISO instant with time, e.g. `20 Nov 2026, 09:00 UTC`. */
export function formatInstant(value: string, locale?: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short',
  }).format(d);
}

/** Age in words: `just now`, `2 min ago`, `3 h ago`, `4 days ago`. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

const SYSTEM_NAMES: Record<string, string> = {
  hubspot: 'HubSpot', salesforce: 'Salesforce', netsuite: 'NetSuite', vitally: 'Vitally',
  // System roles, as the ownership matrix names owners (worker/model SystemRoleSchema).
  crm: 'CRM', erp: 'ERP', cs: 'Customer success',
  // Concord itself, as the source of its own facts and links.
  concord: 'Concord',
};

/** Vendor display name for a canonical system id (`netsuite` -> `NetSuite`). */
export function systemName(system: string): string {
  return SYSTEM_NAMES[system] ?? humanize(system);
}

/** The broker's source error codes (worker/errors.ts `toProblem`) in words. */
const FRESHNESS_ERRORS: Record<string, string> = {
  upstream_timeout: 'did not answer in time',
  upstream_rate_limited: 'is rate limiting requests',
  upstream_auth_failed: 'refused the connection\'s credentials (an admin needs to reconnect it)',
  system_not_connected: 'is not connected',
  upstream_error: 'returned an error',
  upstream_rejected: 'rejected the request',
  internal_error: 'could not be read because of an error in Concord',
};

/** Why a source's data is missing, in words: `upstream_timeout` -> `did not answer in time`. */
export function freshnessErrorText(code: string | undefined): string {
  if (code === undefined) return 'is unavailable';
  return FRESHNESS_ERRORS[code] ?? `is unavailable (${humanize(code)})`;
}

/** `partially_paid` -> `partially paid`. */
export function humanize(code: string): string {
  return code.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().trim();
}

const SIGNAL_NAMES: Record<string, string> = {
  nps: 'NPS', csat: 'CSAT', productUsage: 'Product usage', support: 'Support', adoption: 'Adoption', engagement: 'Engagement',
};

/** A health-signal name for people: `productUsage` -> `Product usage`, `nps` -> `NPS`. */
export function signalName(name: string): string {
  return SIGNAL_NAMES[name] ?? sentence(humanize(name));
}

/** Upper-case the first letter. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
