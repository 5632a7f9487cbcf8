/**
 * Display formatting for the Concord account review: money, dates, ages and the human labels
 * of the canonical codes in the AccountView (docs/account-view.md). Pure functions, no DOM.
 */

const SOURCE_NAMES = {
    netsuite: 'NetSuite',
    vitally: 'Vitally',
    hubspot: 'HubSpot',
    salesforce: 'Salesforce'
};

/** Every canonical risk reason code (worker/model/renewal-risk.ts). */
export const REASON_LABELS = {
    overdue_receivables: 'Overdue receivables',
    disputed_invoices: 'Disputed invoices',
    health_low: 'Low health score',
    health_declining: 'Health declining',
    open_escalations: 'Open escalations',
    renewal_within_90_days: 'Renewal within 90 days',
    no_auto_renew: 'Does not auto-renew',
    contract_lapsed: 'Contract lapsed'
};

/** Turns an unknown snake_case code into words, so new codes still read sensibly. */
export function humanize(code) {
    if (!code) {
        return '';
    }
    const words = String(code).replace(/_/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "NetSuite" for "netsuite"; unknown systems are shown humanized. */
export function sourceName(system) {
    return SOURCE_NAMES[system] || humanize(system);
}

/** Label of a risk reason code. */
export function reasonLabel(code) {
    return REASON_LABELS[code] || humanize(code);
}

/** Currency amount in the user's locale; money in the view is a decimal in `currency`. */
export function formatMoney(amount, currency, locale) {
    if (amount === null || amount === undefined || Number.isNaN(Number(amount))) {
        return '—';
    }
    try {
        return new Intl.NumberFormat(locale, { style: 'currency', currency: currency || 'USD' }).format(Number(amount));
    } catch (e) {
        // An unknown ISO code makes Intl throw; show the number with the raw code instead.
        return `${Number(amount).toFixed(2)} ${currency}`;
    }
}

/**
 * The finance hold (AccountView `financeHold`) in a sentence: on hold, what is overdue and that
 * expansion quotes wait; otherwise that there is none, and how far the aged balance is from the
 * threshold. Money as everywhere else in the component.
 */
export function financeHoldText(hold, locale) {
    const aged = `overdue more than ${hold.overdueDays} days`;
    if (hold.onHold) {
        return `Finance hold: ${formatMoney(hold.amount, hold.currency, locale)} ${aged}. Expansion quotes wait until it is paid.`;
    }
    if (!Number(hold.amount)) {
        return `No finance hold: nothing ${aged}.`;
    }
    return `No finance hold: ${formatMoney(hold.amount, hold.currency, locale)} ${aged}, under the ${formatMoney(hold.minAmount, hold.currency, locale)} threshold.`;
}

const STALL_REASONS = { blocked: 'blocked', past_due: 'past due', no_progress: 'no progress' };

/**
 * The renewal hold (AccountView `renewalHold`) in a sentence: which onboarding milestone stalled,
 * how, since when, and that the renewal automation waits; empty when not on hold.
 */
export function renewalHoldText(hold, locale) {
    if (!hold || !hold.onHold) {
        return '';
    }
    const how = hold.reason ? ` (${STALL_REASONS[hold.reason] || humanize(hold.reason).toLowerCase()})` : '';
    const since = hold.since ? ` since ${formatDate(hold.since, locale)}` : '';
    return `Renewal on hold: onboarding stalled at ${hold.milestone || 'a milestone'}${how}${since}. Renewal automation waits until onboarding moves again.`;
}

/**
 * A `YYYY-MM-DD` date in the user's locale. Formatted in UTC because the date has no time zone:
 * formatting it in the browser's zone could show the previous day.
 */
export function formatDate(isoDate, locale) {
    if (!isoDate) {
        return '—';
    }
    const date = new Date(`${String(isoDate).slice(0, 10)}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) {
        return String(isoDate);
    }
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** "just now", "2 min ago", "3 h ago", "4 d ago" from an age in seconds. */
export function formatAge(ageSeconds) {
    if (ageSeconds === null || ageSeconds === undefined || ageSeconds < 0) {
        return 'time unknown';
    }
    if (ageSeconds < 45) {
        return 'just now';
    }
    const minutes = Math.max(1, Math.round(ageSeconds / 60));
    if (minutes < 90) {
        return `${minutes} min ago`;
    }
    const hours = Math.round(ageSeconds / 3600);
    if (hours < 36) {
        return `${hours} h ago`;
    }
    return `${Math.round(ageSeconds / 86400)} d ago`;
}

/** "Renews in 50 days", "Renews today", "Renewal date passed 3 days ago". */
export function renewalCountdown(daysToRenewal) {
    if (daysToRenewal === null || daysToRenewal === undefined) {
        return 'No renewal date';
    }
    if (daysToRenewal === 0) {
        return 'Renews today';
    }
    if (daysToRenewal === 1) {
        return 'Renews tomorrow';
    }
    if (daysToRenewal > 1) {
        return `Renews in ${daysToRenewal} days`;
    }
    const ago = -daysToRenewal;
    return `Renewal date passed ${ago} ${ago === 1 ? 'day' : 'days'} ago`;
}

/** Message of an Apex (AuraHandledException) or JavaScript error. */
export function errorMessage(error) {
    if (!error) {
        return 'Unknown error';
    }
    if (error.body) {
        if (Array.isArray(error.body)) {
            return error.body.map((e) => e.message).join(', ');
        }
        if (typeof error.body.message === 'string' && error.body.message) {
            return error.body.message;
        }
    }
    return typeof error.message === 'string' && error.message ? error.message : 'Unknown error';
}
