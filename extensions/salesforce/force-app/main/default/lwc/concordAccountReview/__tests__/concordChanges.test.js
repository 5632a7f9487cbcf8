/**
 * concordAccountReview's "Recent changes": the account's latest changes as
 * ConcordController.getAccountChanges answers them (the broker's saved history of Acme,
 * test/fixtures/concord/audit.json, as the card endpoint gives it: without the actor), asked for
 * beside the view, newest first with source and time, what an automation did marked
 * "Automation"; an empty history, a failed read and Refresh.
 */
import { createElement } from 'lwc';
import ConcordAccountReview from 'c/concordAccountReview';
import getAccountView from '@salesforce/apex/ConcordController.getAccountView';
import getAccountChanges from '@salesforce/apex/ConcordController.getAccountChanges';

const VIEW = require('./data/accountView.json');
const SAVED = require('../../../../../../../../test/fixtures/concord/audit.json');
const RECORD_ID = '001000000000001AAA';

jest.mock('@salesforce/apex/ConcordController.getAccountView', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ConcordController.getAccountChanges', () => ({ default: jest.fn() }), { virtual: true });

const clone = (value) => JSON.parse(JSON.stringify(value));
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const $ = (el, id) => el.shadowRoot.querySelector(`[data-id="${id}"]`);
const $$ = (el, id) => Array.from(el.shadowRoot.querySelectorAll(`[data-id="${id}"]`));
const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();

/** What the controller answers for a linked record: the broker's items, without the actor. */
function linked(items = SAVED.items) {
    return { status: 'linked', items: items.map(({ at, source, action, summary }) => ({ at, source, action, summary })) };
}

async function mount() {
    const el = createElement('c-concord-account-review', { is: ConcordAccountReview });
    el.recordId = RECORD_ID;
    document.body.appendChild(el);
    await flush();
    await flush();
    return el;
}

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.resetAllMocks();
});

describe('c-concord-account-review recent changes', () => {
    it('are asked for beside the view, not after it', async () => {
        getAccountView.mockReturnValue(new Promise(() => {}));
        getAccountChanges.mockResolvedValue(linked());
        const el = createElement('c-concord-account-review', { is: ConcordAccountReview });
        el.recordId = RECORD_ID;
        document.body.appendChild(el);
        await flush();
        // The view is still on its way, and the changes were already asked for.
        expect(el.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
        expect(getAccountChanges).toHaveBeenCalledWith({ recordId: RECORD_ID });
    });

    it('show each line with its source and time, newest first, automations marked', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        // Out of order on purpose: the component shows the newest first.
        getAccountChanges.mockResolvedValue(linked([...SAVED.items].reverse()));
        const el = await mount();

        const section = $(el, 'changes');
        expect(text(section.querySelector('h3'))).toBe('Recent changes');
        const rows = $$(el, 'change');
        expect(rows.map((row) => text(row.querySelector('[data-id="change-summary"]')))).toEqual([
            'HubSpot company name changed to "Acme Analytics"',
            'Support review task raised in the CRM: health fell from 78 to 64',
            'Invoice INV-000901: 4,200.00 USD still due after a payment in NetSuite',
            'Linked NetSuite record 42 (matched by tax_id)',
            'Account created as "Acme Analytics"'
        ]);
        expect(text(rows[0].querySelector('[data-id="change-meta"]'))).toBe('HubSpot · Nov 25, 2026, 4:04 PM UTC');
        expect(text(rows[2].querySelector('[data-id="change-meta"]'))).toBe('NetSuite · Nov 25, 2026, 9:30 AM UTC');
        expect(text(rows[4].querySelector('[data-id="change-meta"]'))).toBe('Concord · Nov 24, 2026, 9:11 AM UTC');
        expect(rows[0].querySelector('time').getAttribute('datetime')).toBe('2026-11-25T16:04:00.000Z');
        // Only the automation's line carries the badge.
        const badges = $$(el, 'change-automation');
        expect(badges).toHaveLength(1);
        expect(badges[0].label).toBe('Automation');
        expect(rows[1].contains(badges[0])).toBe(true);
        expect(text(rows[1].querySelector('[data-id="change-meta"]'))).toContain('Concord automation · Nov 25, 2026, 9:30 AM UTC');
        expect($(el, 'changes-empty')).toBeNull();
    });

    it('say "No changes recorded yet" for an account without history, and leave out malformed lines', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        getAccountChanges.mockResolvedValue({ status: 'linked', items: [{ at: '2026-11-25T16:04:00.000Z', summary: 'no source' }] });
        const el = await mount();
        expect($$(el, 'change')).toHaveLength(0);
        expect(text($(el, 'changes-empty'))).toBe('No changes recorded yet');
    });

    it('say why they could not be read, and the rest of the component stays', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        getAccountChanges.mockRejectedValue({ body: { message: 'Recent changes could not be loaded right now (HTTP 503). Try again shortly.' }, status: 500 });
        const el = await mount();
        expect(text($(el, 'changes-error'))).toBe('Recent changes could not be loaded right now (HTTP 503). Try again shortly.');
        expect(text($(el, 'ar-overdue'))).toBe('$4,200.00');
    });

    it('are read again on Refresh, with what happened since', async () => {
        getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
        getAccountChanges.mockResolvedValueOnce(linked());
        const el = await mount();
        expect($$(el, 'change')).toHaveLength(5);

        const paid = { at: '2026-11-26T06:01:00.000Z', source: 'NetSuite', action: 'erp.record.changed', summary: 'Invoice INV-000901 paid in NetSuite' };
        getAccountChanges.mockResolvedValueOnce({ status: 'linked', items: [paid, ...linked().items.slice(0, 4)] });
        $(el, 'refresh').click();
        await flush();
        await flush();
        expect(getAccountChanges).toHaveBeenCalledTimes(2);
        expect(text($$(el, 'change')[0].querySelector('[data-id="change-summary"]'))).toBe('Invoice INV-000901 paid in NetSuite');
    });
});
