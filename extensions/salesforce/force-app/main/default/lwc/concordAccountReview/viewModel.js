/**
 * Turns the AccountView JSON (docs/account-view.md, schemaVersion 3) into what the template
 * shows: formatted strings, badge styles, and per section either its data (with a note when it
 * is cached) or the sentence for its state (none, unavailable, not linked). LWC templates cannot
 * hold expressions, so every value the markup needs is computed here.
 */
import {
    financeHoldText,
    renewalHoldText,
    formatAge,
    formatDate,
    formatMoney,
    humanize,
    reasonLabel,
    renewalCountdown,
    sourceName
} from './format';

// Invoice statuses are canonical: open | partially_paid | paid | overdue | disputed | void.
const INVOICE_BADGES = {
    open: { label: 'Open', className: '' },
    partially_paid: { label: 'Partially paid', className: 'slds-theme_warning' },
    paid: { label: 'Paid', className: 'slds-theme_success' },
    overdue: { label: 'Overdue', className: 'slds-theme_error' },
    disputed: { label: 'Disputed', className: 'slds-theme_error' },
    void: { label: 'Void', className: 'slds-badge_lightest' }
};

const RISK_BADGES = {
    low: { label: 'Low risk', className: 'slds-theme_success' },
    medium: { label: 'Medium risk', className: 'slds-theme_warning' },
    high: { label: 'High risk', className: 'slds-theme_error' }
};

const TRENDS = {
    up: { label: 'Trending up', icon: 'utility:arrowup' },
    down: { label: 'Trending down', icon: 'utility:arrowdown' },
    flat: { label: 'Steady', icon: 'utility:forward' }
};

const MILESTONE_ICONS = {
    completed: 'utility:success',
    in_progress: 'utility:clock',
    blocked: 'utility:warning',
    overdue: 'utility:warning'
};

/** Kind of source system per section, for accounts not linked to one. */
const ROLES = {
    receivables: 'an ERP customer',
    contract: 'an ERP customer',
    health: 'a customer-success account',
    onboarding: 'a customer-success account',
    escalations: 'a customer-success account'
};

/** What the source has none of, per section (the `none` state). */
const NONE = {
    receivables: (s) => `${s} has no invoices or currency for this customer.`,
    contract: (s) => `No current contract in ${s}.`,
    health: (s) => `No health score in ${s} yet.`,
    onboarding: (s) => `No onboarding project in ${s}.`,
    escalations: () => 'No open escalations.'
};

/** Only plain https links become anchors (the broker builds them from the vendor's own host). */
const HTTPS_LINK = /^https:\/\/[^/?#@\s]+(\/[^?#@\s]*)?$/;

/**
 * @param {object} view AccountView JSON (schema version 3) from ConcordController.getAccountView
 * @param {string} locale user locale (@salesforce/i18n/locale)
 */
export function toViewModel(view, locale) {
    const owners = view.owners || {};
    const links = view.sourceLinks || {};
    const section = (name, build) => sectionModel(name, view[name], owners[name], links, (data) => build(data, locale));
    return {
        accountName: (view.account && view.account.name) || 'Unnamed account',
        risk: risk(view.risk),
        ...financeHold(view.financeHold, locale),
        renewalHoldAlert: renewalHold(view.renewalHold, locale),
        receivables: section('receivables', receivables),
        contract: section('contract', contract),
        health: section('health', health),
        onboarding: section('onboarding', onboarding),
        escalations: section('escalations', escalations),
        sources: sources(view.freshness || {})
    };
}

function ownerHint(system) {
    return system ? `Source of truth: ${sourceName(system)}` : '';
}

/**
 * One section in the state the broker gives it (docs/account-view.md): `data` for ok and stale
 * (stale with a note saying how old and why), otherwise a `message` with a `messageId` naming the
 * state (`health-none`, `health-unavailable`, `health-not-linked`). A section this component
 * cannot read is shown as unavailable.
 */
function sectionModel(name, raw, owner, links, build) {
    const source = owner ? sourceName(owner) : 'the source system';
    const model = { owner: ownerHint(owner), data: null, staleNote: '', message: '', messageId: '', startLink: '', startText: '' };
    const unavailable = (code) => ({
        ...model,
        message: `${humanize(name)} unavailable from ${source}${code ? ` (${humanize(code)})` : ''}.`,
        messageId: `${name}-unavailable`
    });
    const state = raw && typeof raw === 'object' ? raw.state : undefined;
    if (state === 'ok' || state === 'stale') {
        const data = raw.data === undefined || raw.data === null ? null : build(raw.data);
        if (!data) {
            return unavailable('unreadable_section');
        }
        if (state === 'ok') {
            return { ...model, data };
        }
        const why = raw.error ? `: ${source} unavailable (${humanize(raw.error)}).` : '; refreshing.';
        return { ...model, data, staleNote: `Cached ${formatAge(raw.ageSeconds)}${why}` };
    }
    if (state === 'none') {
        const none = { ...model, message: NONE[name](source), messageId: `${name}-none` };
        if (name !== 'onboarding' || !owner) {
            return none;
        }
        const link = links[owner];
        return typeof link === 'string' && HTTPS_LINK.test(link)
            ? { ...none, startLink: link, startText: `Start one in ${source}` }
            : { ...none, startText: `A CSM can start one in ${source}.` };
    }
    if (state === 'not_linked') {
        return { ...model, message: `Not linked to ${ROLES[name]} yet.`, messageId: `${name}-not-linked` };
    }
    return unavailable(state === 'unavailable' ? raw.error : 'unreadable_section');
}

function risk(value) {
    if (!value || !value.level) {
        return null;
    }
    const badge = RISK_BADGES[value.level] || { label: `${humanize(value.level)} risk`, className: '' };
    return {
        ...badge,
        reasons: (value.reasons || []).map((code) => ({ key: code, label: reasonLabel(code) })),
        hasReasons: (value.reasons || []).length > 0
    };
}

/**
 * `financeHoldAlert`: the sentence of the alert while expansion quoting is on hold;
 * `financeHoldNote`: the quiet line under the receivables when it is not. Both empty when the
 * view has no finance hold (no receivables data) or one this component cannot read.
 */
function financeHold(hold, locale) {
    const none = { financeHoldAlert: '', financeHoldNote: '' };
    if (!hold || typeof hold.onHold !== 'boolean' || typeof hold.amount !== 'number' || !hold.currency) {
        return none;
    }
    const text = financeHoldText(hold, locale);
    return hold.onHold ? { ...none, financeHoldAlert: text } : { ...none, financeHoldNote: text };
}

/**
 * `renewalHoldAlert`: the sentence of the alert while a stalled onboarding holds the renewal
 * automation; empty when it does not, when the tenant's policy holds no renewals (null), or for a
 * view built before the field existed (absent).
 */
function renewalHold(hold, locale) {
    if (!hold || hold.onHold !== true) {
        return '';
    }
    return renewalHoldText(hold, locale);
}

function receivables(r, locale) {
    if (!r) {
        return null;
    }
    const invoices = (r.openInvoices || []).map((inv) => {
        const badge = INVOICE_BADGES[inv.status] || { label: humanize(inv.status), className: '' };
        return {
            key: inv.id,
            number: inv.number || inv.id,
            dueDate: formatDate(inv.dueDate, locale),
            balance: formatMoney(inv.balance, inv.currency || r.currency, locale),
            total: formatMoney(inv.total, inv.currency || r.currency, locale),
            statusLabel: badge.label,
            statusClass: badge.className,
            daysOverdue: inv.daysOverdue > 0 ? `${inv.daysOverdue} days` : '—'
        };
    });
    return {
        openTotal: formatMoney(r.openTotal, r.currency, locale),
        overdueTotal: formatMoney(r.overdueTotal, r.currency, locale),
        disputedTotal: formatMoney(r.disputedTotal, r.currency, locale),
        openInvoiceCount: r.openInvoiceCount,
        invoiceCountText: `${r.openInvoiceCount} open ${r.openInvoiceCount === 1 ? 'invoice' : 'invoices'}`,
        invoices,
        hasInvoices: invoices.length > 0,
        hasOverdue: Number(r.overdueTotal) > 0
    };
}

function contract(c, locale) {
    if (!c) {
        return null;
    }
    return {
        name: c.name,
        status: humanize(c.status),
        term: `${formatDate(c.startDate, locale)} – ${formatDate(c.endDate, locale)}`,
        renewalDate: formatDate(c.renewalDate, locale),
        countdown: renewalCountdown(c.daysToRenewal),
        renewalSoon: typeof c.daysToRenewal === 'number' && c.daysToRenewal <= 90,
        arr: formatMoney(c.arr, c.currency, locale),
        autoRenew: c.autoRenew ? 'Auto-renews' : 'Does not auto-renew'
    };
}

function health(h, locale) {
    if (!h) {
        return null;
    }
    const trend = TRENDS[h.trend] || { label: humanize(h.trend) || 'No trend', icon: 'utility:forward' };
    const history = h.history || [];
    const first = history.length > 1 ? history[0] : null;
    return {
        score: h.score,
        scoreText: `${h.score} / 100`,
        trendLabel: trend.label,
        trendIcon: trend.icon,
        since: first ? `was ${first.score} on ${formatDate(first.date, locale)}` : '',
        asOf: formatDate(h.asOf, locale),
        signals: (h.signals || []).map((s) => ({ key: s.name, label: humanize(s.name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()), score: s.score })),
        hasSignals: (h.signals || []).length > 0
    };
}

function onboarding(o, locale) {
    if (!o) {
        return null;
    }
    const milestones = (o.milestones || []).map((m) => ({
        key: m.id,
        name: m.name,
        statusLabel: humanize(m.status),
        icon: MILESTONE_ICONS[m.status] || 'utility:routing_offline',
        when: m.completedAt
            ? `Completed ${formatDate(m.completedAt, locale)}`
            : `Due ${formatDate(m.dueDate, locale)}`
    }));
    const done = milestones.filter((m) => m.statusLabel === 'Completed').length;
    return {
        status: humanize(o.status),
        progress: `${done} of ${milestones.length} milestones completed`,
        milestones,
        hasMilestones: milestones.length > 0
    };
}

function escalations(list, locale) {
    if (!Array.isArray(list)) {
        return null;
    }
    const open = list.filter((e) => e.status !== 'closed' && e.status !== 'resolved');
    return {
        items: open.map((e) => ({
            key: e.id,
            subject: e.subject,
            priority: `${humanize(e.priority)} priority`,
            priorityClass: e.priority === 'high' || e.priority === 'urgent' ? 'slds-theme_error' : '',
            opened: `Opened ${formatDate(e.openedAt, locale)}`
        })),
        hasItems: open.length > 0
    };
}

/** "NetSuite · 2 min ago" per source; stale and failed sources say so. */
function sources(freshness) {
    return Object.keys(freshness).map((system) => {
        const f = freshness[system] || {};
        let text;
        if (f.status === 'error') {
            text = `${sourceName(system)} · unavailable${f.error ? ` (${humanize(f.error)})` : ''}`;
        } else {
            text = `${sourceName(system)} · ${formatAge(f.ageSeconds)}${f.status === 'stale' ? ' (stale)' : ''}`;
        }
        return { key: system, text, isError: f.status === 'error', className: f.status === 'error' ? 'slds-text-color_error' : '' };
    });
}
