/**
 * Pure formatting for the card: money, dates, ages, system names and status labels.
 *
 * Everything takes the viewer's locale from the HubSpot context and never reads the clock
 * itself, so the same input always renders the same text (and tests can pin it).
 */
import type { FinanceHold, Freshness, InvoiceStatus, RenewalHold } from './account-view.ts';

/** The locale used when HubSpot does not tell us the user's. */
export const DEFAULT_LOCALE = 'en-US';

/** Formats a decimal amount in an ISO 4217 currency, e.g. `$12,500.00`; never throws. */
export function formatMoney(amount: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
  } catch {
    // An unknown currency code or locale throws RangeError; show the raw figure rather than nothing.
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** Formats a `YYYY-MM-DD` calendar date in the viewer's locale, e.g. `Oct 1, 2026`. */
export function formatDate(isoDate: string | null | undefined, locale: string = DEFAULT_LOCALE): string {
  if (!isoDate) return '—';
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  try {
    // A calendar date has no time zone: format it in UTC so it never shifts a day.
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
  } catch {
    return isoDate;
  }
}

/** Formats an ISO instant with its time in UTC, e.g. `Nov 26, 2026, 10:00 AM UTC`; never throws. */
export function formatDateTime(instant: string, locale: string = DEFAULT_LOCALE): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d) + ' UTC';
  } catch {
    return instant;
  }
}

/** Adds whole days to a date and returns `YYYY-MM-DD` (UTC). */
export function addDaysIso(from: Date, days: number): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + days));
  return d.toISOString().slice(0, 10);
}

/** A short age such as `just now`, `2 min ago`, `3 h ago`, `4 d ago`. */
export function formatAge(ageSeconds: number): string {
  if (ageSeconds < 60) return 'just now';
  if (ageSeconds < 3600) return `${Math.floor(ageSeconds / 60)} min ago`;
  if (ageSeconds < 86_400) return `${Math.floor(ageSeconds / 3600)} h ago`;
  return `${Math.floor(ageSeconds / 86_400)} d ago`;
}

const SYSTEM_NAMES: Record<string, string> = {
  netsuite: 'NetSuite',
  vitally: 'Vitally',
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  stripe: 'Stripe',
  quickbooks: 'QuickBooks',
  gainsight: 'Gainsight',
};

/** Display name of a source system id (`netsuite` → `NetSuite`). */
export function systemName(system: string): string {
  return SYSTEM_NAMES[system] ?? system.charAt(0).toUpperCase() + system.slice(1);
}

/** Turns a snake_case code into a sentence (`upstream_timeout` → `Upstream timeout`). */
export function humanize(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Turns a camelCase or snake_case key into a label (`productUsage` → `Product usage`). */
export function labelFromKey(key: string): string {
  return humanize(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

/** `NetSuite · 2 min ago`, `Vitally · 3 h ago (stale)` or `Vitally · unavailable (Upstream timeout)`. */
export function freshnessLabel(system: string, freshness: Freshness | undefined): string {
  const name = systemName(system);
  if (!freshness) return `${name} · freshness unknown`;
  if (freshness.status === 'error') {
    return `${name} · unavailable${freshness.error ? ` (${humanize(freshness.error)})` : ''}`;
  }
  const age = freshness.ageSeconds === null ? 'time unknown' : formatAge(freshness.ageSeconds);
  return `${name} · ${age}${freshness.status === 'stale' ? ' (stale)' : ''}`;
}

/** StatusTag variant per invoice status: what needs action is red/amber, settled is green/grey. */
export const INVOICE_STATUS_VARIANT: Record<InvoiceStatus, 'danger' | 'warning' | 'info' | 'success' | 'default'> = {
  overdue: 'danger',
  disputed: 'warning',
  partially_paid: 'warning',
  open: 'info',
  paid: 'success',
  void: 'default',
};

/** Label per invoice status. */
export const INVOICE_STATUS_LABEL: Record<InvoiceStatus, string> = {
  overdue: 'Overdue',
  disputed: 'Disputed',
  partially_paid: 'Partially paid',
  open: 'Open',
  paid: 'Paid',
  void: 'Void',
};

/** Every canonical risk reason code (worker/model/renewal-risk.ts). */
export const RISK_REASONS: Record<string, string> = {
  overdue_receivables: 'Overdue receivables',
  disputed_invoices: 'Disputed invoices',
  health_low: 'Low health score',
  health_declining: 'Health score declining',
  open_escalations: 'Open escalations',
  renewal_within_90_days: 'Renewal within 90 days',
  no_auto_renew: 'Does not auto-renew',
  contract_lapsed: 'Contract lapsed',
};

/** Human text for a risk reason code; unknown codes are humanized rather than hidden. */
export function riskReasonLabel(code: string): string {
  return RISK_REASONS[code] ?? humanize(code);
}

/**
 * The finance hold in a sentence: on hold, what is overdue and that expansion quotes wait;
 * otherwise that there is none, and how far the aged balance is from the threshold.
 */
export function financeHoldText(hold: FinanceHold, locale: string = DEFAULT_LOCALE): string {
  const aged = `overdue more than ${hold.overdueDays} days`;
  if (hold.onHold) return `Finance hold: ${formatMoney(hold.amount, hold.currency, locale)} ${aged}. Expansion quotes wait until it is paid.`;
  if (hold.amount === 0) return `No finance hold: nothing ${aged}.`;
  return `No finance hold: ${formatMoney(hold.amount, hold.currency, locale)} ${aged}, under the ${formatMoney(hold.minAmount, hold.currency, locale)} threshold.`;
}

const STALL_REASONS: Record<string, string> = { blocked: 'blocked', past_due: 'past due', no_progress: 'no progress' };

/**
 * The renewal hold in a sentence a CSM reads: which milestone stalled, how, since when, and that
 * the renewal automation waits; empty when the account is not on hold.
 */
export function renewalHoldText(hold: RenewalHold, locale: string = DEFAULT_LOCALE): string {
  if (!hold.onHold) return '';
  const how = hold.reason ? ` (${STALL_REASONS[hold.reason] ?? humanize(hold.reason)})` : '';
  const since = hold.since ? ` since ${formatDate(hold.since.slice(0, 10), locale)}` : '';
  return `Renewal on hold: onboarding stalled at ${hold.milestone ?? 'a milestone'}${how}${since}. Renewal automation waits until onboarding moves again.`;
}
