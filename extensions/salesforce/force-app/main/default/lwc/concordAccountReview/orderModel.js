/**
 * An Opportunity's ERP order (Concord's closed-won run, `ConcordController.getOrder`) → what the
 * template shows: being created (with the step), created (number and, only when the broker gives
 * a plain https one, a link to the order in the ERP), blocked (each issue with where to fix it and
 * what to do) or failed (why). Pure; the shape is in docs/cards-api.md.
 */
import { sourceName } from './format';

/** Only plain https links without credentials become anchors. */
const HTTPS_LINK = /^https:\/\/[^/?#@\s]+\/[^#@\s]*$/;

const STATUS = {
    creating: { label: 'Creating', className: 'slds-theme_info' },
    created: { label: 'Created', className: 'slds-theme_success' },
    blocked: { label: 'Blocked', className: 'slds-theme_warning' },
    failed: { label: 'Failed', className: 'slds-theme_error' }
};

/** An ISO instant with its time, in UTC ("Nov 26, 2026, 10:00 AM UTC"). */
export function formatInstant(instant, locale) {
    const date = new Date(instant);
    if (!instant || Number.isNaN(date.getTime())) {
        return String(instant || '—');
    }
    return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`;
}

/** "Fix in Salesforce", "Fix in NetSuite", "Fix in Concord". */
/** Who is asked to fix an issue ("Owner: Dana Reyes <dana@example.com>"), or null. */
export function ownerText(owner) {
    if (!owner || typeof owner !== 'object') {
        return null;
    }
    const who = [owner.name, owner.email ? `<${owner.email}>` : null].filter(Boolean).join(' ');
    return who ? `Owner: ${who}` : null;
}

export function fixInLabel(issue) {
    if (issue.fixInSystem === 'concord' || issue.fixIn === 'concord') {
        return 'Fix in Concord';
    }
    if (issue.fixInSystem) {
        return `Fix in ${sourceName(issue.fixInSystem)}`;
    }
    return issue.fixIn === 'crm' ? 'Fix in the CRM' : 'Fix in the ERP';
}

/**
 * The order's display model, or null when there is none to show (never closed won, or an answer
 * this component cannot read).
 * @param {object|null} order the broker's `order`
 * @param {string} locale the user's locale
 */
export function toOrderModel(order, locale) {
    if (!order || !STATUS[order.state]) {
        return null;
    }
    const status = STATUS[order.state];
    const model = {
        state: order.state,
        isCreating: order.state === 'creating',
        isCreated: order.state === 'created',
        isBlocked: order.state === 'blocked',
        isFailed: order.state === 'failed',
        canRetry: order.state === 'blocked' || order.state === 'failed',
        statusLabel: status.label,
        statusClass: status.className,
        startedText: `Closed won ${formatInstant(order.startedAt, locale)}`
    };
    if (order.state === 'creating') {
        model.stepText = `${order.stepLabel || 'Creating the order'}…`;
    }
    if (order.state === 'created') {
        const erp = order.erp ? sourceName(order.erp) : 'the ERP';
        model.orderText = `Sales order ${order.orderNumber} in ${erp}`;
        model.orderUrl = typeof order.orderUrl === 'string' && HTTPS_LINK.test(order.orderUrl) ? order.orderUrl : null;
        model.linkLabel = `Open in ${erp}`;
        model.createdText = `Created ${formatInstant(order.completedAt, locale)}`;
    }
    if (order.state === 'blocked') {
        model.issues = (Array.isArray(order.issues) ? order.issues : []).map((issue, i) => ({
            key: `${issue.field}-${i}`,
            message: issue.message,
            fixText: `${fixInLabel(issue)}: ${issue.action}`,
            ownerText: ownerText(issue.owner)
        }));
        model.hasIssues = model.issues.length > 0;
        model.stoppedText = `Concord stopped at: ${order.stepLabel}.`;
    }
    if (order.state === 'failed') {
        model.failureText = `${order.stepLabel} failed. ${order.reason}`;
    }
    return model;
}
