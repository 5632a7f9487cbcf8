/**
 * Turns the AccountView JSON (docs/account-view.md, schemaVersion 1) into what the template
 * shows: formatted strings, badge styles, and per-section "unavailable" notes. LWC templates
 * cannot hold expressions, so every value the markup needs is computed here.
 */
import {
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

/**
 * @param {object} view AccountView JSON from ConcordController.getAccountView
 * @param {string} locale user locale (@salesforce/i18n/locale)
 */
export function toViewModel(view, locale) {
    const owners = view.owners || {};
    const freshness = view.freshness || {};
    const section = (name) => ({ owner: ownerHint(owners[name]), unavailable: unavailableNote(name, owners[name], freshness) });
    return {
        accountName: (view.account && view.account.name) || 'Unnamed account',
        risk: risk(view.risk),
        receivables: { ...section('receivables'), data: receivables(view.receivables, locale) },
        contract: { ...section('contract'), data: contract(view.contract, locale) },
        health: { ...section('health'), data: health(view.health, locale) },
        onboarding: { ...section('onboarding'), data: onboarding(view.onboarding, locale) },
        escalations: { ...section('escalations'), data: escalations(view.escalations, locale) },
        sources: sources(freshness)
    };
}

function ownerHint(system) {
    return system ? `Source of truth: ${sourceName(system)}` : '';
}

/** Why a section is null: the owning source's freshness error, if the broker gave one. */
function unavailableNote(name, system, freshness) {
    const entry = system ? freshness[system] : null;
    const why = entry && entry.error ? ` (${humanize(entry.error)})` : '';
    const from = system ? ` from ${sourceName(system)}` : '';
    return `${humanize(name)} unavailable${from}${why}.`;
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
    if (!list) {
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
