/**
 * concordAccountReview: what a CSM sees on an Account/Opportunity page for each answer of
 * ConcordController, and what the Refresh and "Create follow-up task" actions do.
 */
import { createElement } from 'lwc';
import ConcordAccountReview from 'c/concordAccountReview';
import getAccountView from '@salesforce/apex/ConcordController.getAccountView';
import createFollowUpTask from '@salesforce/apex/ConcordController.createFollowUpTask';

const VIEW = require('./data/accountView.json');
/** Cobalt Freight: 12,480.00 USD undisputed and overdue more than 60 days, so on finance hold. */
const ON_HOLD = require('./data/accountViewFinanceHold.json');
/** Dune Logistics under a policy that holds renewals for a stall: Data migration blocked since Nov 20. */
const RENEWAL_HOLD = require('./data/accountViewRenewalHold.json');
const RECORD_ID = '001000000000001AAA';

jest.mock('@salesforce/apex/ConcordController.getAccountView', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ConcordController.createFollowUpTask', () => ({ default: jest.fn() }), { virtual: true });

/** Lets pending promises (Apex calls) settle and the template re-render. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const clone = (value) => JSON.parse(JSON.stringify(value));

/** Apex errors reach LWC as `{ body: { message } }`. */
const apexError = (message) => ({ body: { message }, status: 500 });

async function mount() {
    const el = createElement('c-concord-account-review', { is: ConcordAccountReview });
    el.recordId = RECORD_ID;
    document.body.appendChild(el);
    await flush();
    return el;
}

const $ = (el, id) => el.shadowRoot.querySelector(`[data-id="${id}"]`);
const $$ = (el, id) => Array.from(el.shadowRoot.querySelectorAll(`[data-id="${id}"]`));
const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
});

describe('c-concord-account-review', () => {
    it('shows a spinner while the view loads', async () => {
        getAccountView.mockReturnValue(new Promise(() => {}));
        const el = createElement('c-concord-account-review', { is: ConcordAccountReview });
        el.recordId = RECORD_ID;
        document.body.appendChild(el);
        await flush();
        const spinner = el.shadowRoot.querySelector('lightning-spinner');
        expect(spinner).not.toBeNull();
        expect(spinner.alternativeText).toBe('Loading Concord account review');
        expect($(el, 'receivables')).toBeNull();
        expect(getAccountView).toHaveBeenCalledWith({ recordId: RECORD_ID, refresh: false });
    });

    it('renders receivables, invoices, contract, health, onboarding, risk and freshness', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        const el = await mount();

        expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
        expect(text($(el, 'account-name'))).toBe('Acme Analytics');
        expect($(el, 'risk').label).toBe('High risk');
        expect($(el, 'risk').className).toContain('slds-theme_error');
        expect(Array.from($(el, 'risk-reasons').querySelectorAll('li')).map(text)).toEqual([
            'Overdue receivables',
            'Disputed invoices',
            'Health declining',
            'Open escalations',
            'Renewal within 90 days'
        ]);

        expect(text($(el, 'ar-open'))).toBe('$12,500.00 (3 open invoices)');
        expect(text($(el, 'ar-overdue'))).toBe('$4,200.00');
        expect(text($(el, 'ar-disputed'))).toBe('$1,000.00');
        expect(text($(el, 'receivables'))).toContain('Source of truth: NetSuite');

        const rows = $$(el, 'invoice-row');
        expect(rows.map((row) => text(row.querySelector('th')))).toEqual(['INV-000901', 'INV-000915', 'INV-000930']);
        const badges = rows.map((row) => row.querySelector('lightning-badge'));
        expect(badges.map((b) => b.label)).toEqual(['Overdue', 'Disputed', 'Open']);
        expect(badges[0].className).toContain('slds-theme_error');
        expect(text(rows[0])).toContain('Oct 1, 2026');
        expect(text(rows[0])).toContain('$4,200.00');
        expect(text(rows[0])).toContain('56 days');

        expect(text($(el, 'renewal-countdown'))).toBe('Renews in 50 days (Jan 15, 2027)');
        expect(text($(el, 'contract-arr'))).toBe('$48,000.00');

        expect(text($(el, 'health-score'))).toBe('64 / 100');
        expect(text($(el, 'health-trend'))).toBe('Trending down was 78 on Sep 7, 2026');
        expect($(el, 'health-trend').querySelector('lightning-icon').iconName).toBe('utility:arrowdown');
        expect(text($(el, 'health'))).toContain('Source of truth: Vitally');

        expect(text($(el, 'onboarding-progress'))).toBe('Active · 1 of 2 milestones completed');
        expect($$(el, 'milestone').map(text)).toEqual([
            'Kickoff · Completed · Completed Jan 30, 2026',
            'Go-live · In progress · Due Dec 1, 2026'
        ]);

        const escalation = $(el, 'escalation');
        expect(text(escalation)).toBe('Invoice dispute INV-000915 Opened Nov 20, 2026');
        expect(escalation.querySelector('lightning-badge').label).toBe('High priority');

        expect(Array.from($(el, 'freshness').querySelectorAll('li')).map(text)).toEqual([
            'NetSuite · 2 min ago',
            'Vitally · 1 min ago'
        ]);
        // An all-ok view has no cached notes and no placeholder sentences.
        expect(el.shadowRoot.querySelectorAll('[data-id$="-stale"], [data-id$="-none"], [data-id$="-unavailable"], [data-id$="-not-linked"]')).toHaveLength(0);
    });

    it('finance hold: a status box in words before the risk, with the aged amount and what waits for it', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(ON_HOLD) });
        const el = await mount();

        const hold = $(el, 'finance-hold');
        expect(hold.getAttribute('role')).toBe('status');
        expect(text(hold.querySelector('h3'))).toBe('Expansion quoting on hold');
        expect(text($(el, 'finance-hold-text'))).toBe('Finance hold: $12,480.00 overdue more than 60 days. Expansion quotes wait until it is paid.');
        // Placed before the risk and the receivables: it stops an action.
        expect(hold.compareDocumentPosition($(el, 'risk-section')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
        expect(hold.compareDocumentPosition($(el, 'receivables')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
        expect($(el, 'finance-hold-clear')).toBeNull();
        // The older disputed invoice is overdue too, but not part of the hold.
        expect(text($(el, 'ar-overdue'))).toBe('$15,480.00');
    });

    it('no finance hold: nothing alarming, a quiet line under the receivables; no receivables: nothing at all', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        const el = await mount();
        expect($(el, 'finance-hold')).toBeNull();
        const note = $(el, 'finance-hold-clear');
        expect(text(note)).toBe('No finance hold: nothing overdue more than 60 days.');
        expect(note.className).toContain('slds-text-color_weak');
        expect($(el, 'receivables').contains(note)).toBe(true);

        const unknown = clone(VIEW);
        unknown.receivables = { state: 'unavailable', error: 'upstream_timeout' };
        unknown.financeHold = null;
        getAccountView.mockResolvedValue({ status: 'linked', view: unknown });
        document.body.removeChild(el);
        const again = await mount();
        expect(text($(again, 'receivables-unavailable'))).toBe('Receivables unavailable from NetSuite (Upstream timeout).');
        expect($(again, 'finance-hold')).toBeNull();
        expect($(again, 'finance-hold-clear')).toBeNull();
    });

    it('renewal hold: a status box in words next to the finance hold, naming the stalled milestone and since when', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(RENEWAL_HOLD) });
        const el = await mount();

        const hold = $(el, 'renewal-hold');
        expect(hold.getAttribute('role')).toBe('status');
        expect(text(hold.querySelector('h3'))).toBe('Renewal on hold');
        expect(text($(el, 'renewal-hold-text'))).toBe(
            'Renewal on hold: onboarding stalled at Data migration (blocked) since Nov 20, 2026. Renewal automation waits until onboarding moves again.'
        );
        expect(hold.compareDocumentPosition($(el, 'risk-section')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
        // No finance hold on this account: its quiet line stays where it is.
        expect($(el, 'finance-hold')).toBeNull();
        expect($(el, 'finance-hold-clear')).not.toBeNull();

        // Both holds: the finance hold first (it stops a quote), the renewal hold right after it.
        const both = clone(ON_HOLD);
        both.renewalHold = clone(RENEWAL_HOLD.renewalHold);
        getAccountView.mockResolvedValue({ status: 'linked', view: both });
        document.body.removeChild(el);
        const again = await mount();
        expect($(again, 'finance-hold').compareDocumentPosition($(again, 'renewal-hold')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    });

    it('no renewal hold: nothing when the stall is over, the policy holds no renewals, or the view predates the field', async () => {
        const cases = [{ onHold: false, milestone: null, reason: null, dueDate: null, since: null }, null, undefined];
        for (const renewalHold of cases) {
            const view = clone(RENEWAL_HOLD);
            if (renewalHold === undefined) {
                delete view.renewalHold;
            } else {
                view.renewalHold = renewalHold;
            }
            getAccountView.mockResolvedValue({ status: 'linked', view });
            const el = await mount();
            expect(text($(el, 'account-name'))).toBe('Dune Logistics');
            expect($(el, 'renewal-hold')).toBeNull();
            document.body.removeChild(el);
        }
    });

    it('unavailable: explains a section whose source failed instead of hiding it', async () => {
        const view = clone(VIEW);
        const down = { state: 'unavailable', error: 'upstream_timeout' };
        view.health = down;
        view.onboarding = down;
        view.escalations = down;
        view.freshness.vitally = { status: 'error', fetchedAt: null, ageSeconds: null, error: 'upstream_timeout' };
        getAccountView.mockResolvedValue({ status: 'linked', view });
        const el = await mount();

        expect(text($(el, 'health-unavailable'))).toBe('Health unavailable from Vitally (Upstream timeout).');
        expect(text($(el, 'onboarding-unavailable'))).toBe('Onboarding unavailable from Vitally (Upstream timeout).');
        expect(text($(el, 'escalations-unavailable'))).toBe('Escalations unavailable from Vitally (Upstream timeout).');
        expect($(el, 'health-score')).toBeNull();
        expect(text($(el, 'ar-overdue'))).toBe('$4,200.00');
        const vitally = Array.from($(el, 'freshness').querySelectorAll('li'))[1];
        expect(text(vitally)).toBe('Vitally · unavailable (Upstream timeout)');
        expect(vitally.className).toContain('slds-text-color_error');
    });

    it('stale: shows the last good figures with how old they are and why nothing fresher came', async () => {
        const view = clone(VIEW);
        for (const name of ['health', 'onboarding', 'escalations']) {
            view[name] = { state: 'stale', data: view[name].data, ageSeconds: 7200, error: 'upstream_timeout' };
        }
        view.freshness.vitally = { status: 'stale', fetchedAt: '2026-11-26T04:00:00Z', ageSeconds: 7200, error: 'upstream_timeout' };
        getAccountView.mockResolvedValue({ status: 'linked', view });
        const el = await mount();

        expect(text($(el, 'health-stale'))).toBe('Cached 2 h ago: Vitally unavailable (Upstream timeout).');
        expect(text($(el, 'health-score'))).toBe('64 / 100');
        expect($$(el, 'milestone')).toHaveLength(2);
        expect(text($(el, 'escalation'))).toContain('Invoice dispute INV-000915');
        expect($(el, 'receivables-stale')).toBeNull();
        expect(text(Array.from($(el, 'freshness').querySelectorAll('li'))[1])).toBe('Vitally · 2 h ago (stale)');
    });

    it('none: says what the source has none of, with a link to start an onboarding project in Vitally', async () => {
        const view = clone(VIEW);
        view.contract = { state: 'none' };
        view.onboarding = { state: 'none' };
        view.escalations = { state: 'none' };
        view.sourceLinks = { vitally: 'https://acme.vitally.io/' };
        getAccountView.mockResolvedValue({ status: 'linked', view });
        const el = await mount();

        expect(text($(el, 'onboarding-none'))).toBe('No onboarding project in Vitally.');
        const link = $(el, 'start-onboarding');
        expect(link.tagName).toBe('A');
        expect(link.getAttribute('href')).toBe('https://acme.vitally.io/');
        expect(link.getAttribute('target')).toBe('_blank');
        expect(link.getAttribute('rel')).toBe('noopener noreferrer');
        expect(text(link)).toBe('Start one in Vitally');
        expect(text($(el, 'contract-none'))).toBe('No current contract in NetSuite.');
        expect(text($(el, 'escalations-none'))).toBe('No open escalations.');
        // The sources answered: nothing says they failed.
        expect(el.shadowRoot.querySelectorAll('[data-id$="-unavailable"]')).toHaveLength(0);
    });

    it('none without a usable web-app link names Vitally and links nowhere', async () => {
        const view = clone(VIEW);
        view.onboarding = { state: 'none' };
        view.sourceLinks = { vitally: 'javascript:alert(1)' };
        getAccountView.mockResolvedValue({ status: 'linked', view });
        const el = await mount();

        expect(text($(el, 'onboarding-none'))).toBe('No onboarding project in Vitally.');
        expect($(el, 'start-onboarding')).toBeNull();
        expect(text($(el, 'start-onboarding-hint'))).toBe('A CSM can start one in Vitally.');
        expect(el.shadowRoot.querySelector('a')).toBeNull();
    });

    it('not_linked: says the account has no record in that kind of system yet', async () => {
        const view = clone(VIEW);
        view.health = { state: 'not_linked' };
        view.onboarding = { state: 'not_linked' };
        view.escalations = { state: 'not_linked' };
        view.owners = { ...view.owners, health: null, onboarding: null, escalations: null };
        delete view.freshness.vitally;
        getAccountView.mockResolvedValue({ status: 'linked', view });
        const el = await mount();

        expect(text($(el, 'health-not-linked'))).toBe('Not linked to a customer-success account yet.');
        expect(text($(el, 'onboarding-not-linked'))).toBe('Not linked to a customer-success account yet.');
        expect(text($(el, 'health'))).not.toContain('Source of truth');
        expect(text($(el, 'ar-open'))).toBe('$12,500.00 (3 open invoices)');
    });

    it('shows a section it cannot read as unavailable rather than breaking', async () => {
        const view = clone(VIEW);
        view.contract = { state: 'ok' };
        view.health = { state: 'sideways' };
        getAccountView.mockResolvedValue({ status: 'linked', view });
        const el = await mount();

        expect(text($(el, 'contract-unavailable'))).toBe('Contract unavailable from NetSuite (Unreadable section).');
        expect(text($(el, 'health-unavailable'))).toBe('Health unavailable from Vitally (Unreadable section).');
        expect(text($(el, 'ar-overdue'))).toBe('$4,200.00');
    });

    it('shows the not-linked state and disables the task action', async () => {
        getAccountView.mockResolvedValue({ status: 'not_linked', message: 'This Account is not linked to an account in Concord yet.' });
        const el = await mount();

        expect(text($(el, 'not-linked'))).toContain('This Account is not linked to an account in Concord yet.');
        expect(text($(el, 'not-linked'))).toContain('Concord links records when an admin runs its identity sync');
        expect(text($(el, 'not-linked'))).not.toContain('console');
        expect($(el, 'receivables')).toBeNull();
        expect($(el, 'create-task').disabled).toBe(true);
        expect($(el, 'refresh').disabled).toBe(false);
    });

    it('shows the controller error message in an alert', async () => {
        getAccountView.mockRejectedValue(apexError('Concord could not load this account right now (HTTP 503). Try again shortly.'));
        const el = await mount();

        const alert = $(el, 'error');
        expect(alert.getAttribute('role')).toBe('alert');
        expect(text(alert)).toContain('Concord could not load this account right now (HTTP 503). Try again shortly.');
        expect($(el, 'receivables')).toBeNull();
    });

    it('Refresh asks the broker for fresh data and shows it', async () => {
        getAccountView.mockResolvedValueOnce({ status: 'linked', view: clone(VIEW) });
        const el = await mount();
        expect(text($(el, 'health-score'))).toBe('64 / 100');

        const fresher = clone(VIEW);
        fresher.health.data.score = 70;
        fresher.freshness.netsuite.ageSeconds = 3;
        let answer;
        getAccountView.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
        $(el, 'refresh').click();
        await flush();

        // While the broker works, the old data stays readable under a spinner and Refresh is off.
        expect(getAccountView).toHaveBeenLastCalledWith({ recordId: RECORD_ID, refresh: true });
        expect(el.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('Refreshing Concord account review');
        expect(text($(el, 'health-score'))).toBe('64 / 100');
        expect($(el, 'refresh').disabled).toBe(true);

        answer({ status: 'linked', view: fresher });
        await flush();

        expect(el.shadowRoot.querySelector('lightning-spinner')).toBeNull();
        expect($(el, 'refresh').disabled).toBe(false);
        expect(text($(el, 'health-score'))).toBe('70 / 100');
        expect(text($(el, 'freshness').querySelector('li'))).toBe('NetSuite · just now');
        expect(text($(el, 'status'))).toBe('Account review refreshed.');
    });

    it('Refresh after an error recovers', async () => {
        getAccountView.mockRejectedValueOnce(apexError('Could not reach Concord.'));
        const el = await mount();
        expect($(el, 'error')).not.toBeNull();

        getAccountView.mockResolvedValueOnce({ status: 'linked', view: clone(VIEW) });
        $(el, 'refresh').click();
        await flush();

        expect($(el, 'error')).toBeNull();
        expect(text($(el, 'ar-overdue'))).toBe('$4,200.00');
    });

    it('creates a follow-up task on the record with what the user saw, and confirms it', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        createFollowUpTask.mockResolvedValue('00T000000000001AAA');
        const el = await mount();
        const toasts = [];
        el.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));

        $(el, 'create-task').click();
        await flush();

        expect(createFollowUpTask).toHaveBeenCalledTimes(1);
        const args = createFollowUpTask.mock.calls[0][0];
        expect(args.recordId).toBe(RECORD_ID);
        expect(args.subject).toBe('Follow up on Acme Analytics: High risk');
        expect(args.description).toContain('Risk reasons: Overdue receivables, Disputed invoices, Health declining, Open escalations, Renewal within 90 days');
        expect(args.description).toContain('Receivables: $12,500.00 open, $4,200.00 overdue, $1,000.00 disputed');
        expect(args.description).toContain('Contract: Renews in 50 days (Jan 15, 2027)');
        expect(toasts).toEqual([{ title: 'Follow-up task created', message: 'Follow up on Acme Analytics: High risk', variant: 'success' }]);
        expect(text($(el, 'status'))).toBe('Follow-up task created.');
    });

    it('tells the user when the task cannot be created', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        createFollowUpTask.mockRejectedValue(apexError('You do not have permission to create tasks on this record.'));
        const el = await mount();
        const toasts = [];
        el.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));

        $(el, 'create-task').click();
        await flush();

        expect(toasts[0].variant).toBe('error');
        expect(toasts[0].message).toBe('You do not have permission to create tasks on this record.');
        expect(text($(el, 'status'))).toBe('Could not create the task: You do not have permission to create tasks on this record.');
        expect($(el, 'create-task').disabled).toBe(false);
    });
});
