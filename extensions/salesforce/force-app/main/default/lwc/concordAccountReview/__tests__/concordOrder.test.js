/**
 * concordAccountReview on an Opportunity: the ERP order Concord's closed-won flow makes of it, as
 * ConcordController.getOrder answers (the broker's saved order answers in test/fixtures/concord/orders/,
 * made Salesforce's), and Retry through ConcordController.retryOrder.
 */
import { createElement } from 'lwc';
import ConcordAccountReview from 'c/concordAccountReview';
import getAccountView from '@salesforce/apex/ConcordController.getAccountView';
import getOrder from '@salesforce/apex/ConcordController.getOrder';
import retryOrder from '@salesforce/apex/ConcordController.retryOrder';

const VIEW = require('./data/accountView.json');
const OPPORTUNITY_ID = '006000000000001AAA';
const ACCOUNT_ID = '001000000000001AAA';
const FIXTURES = '../../../../../../../../test/fixtures/concord/orders';

jest.mock('@salesforce/apex/ConcordController.getAccountView', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ConcordController.createFollowUpTask', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ConcordController.getOrder', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/ConcordController.retryOrder', () => ({ default: jest.fn() }), { virtual: true });

const clone = (value) => JSON.parse(JSON.stringify(value));

/** A saved broker answer, as the broker gives it for a Salesforce Opportunity. */
function answer(name) {
    const body = clone(require(`${FIXTURES}/${name}.json`));
    const order = body.order;
    order.runId = order.runId.replace(/^hubspot-\d+-deal-/, 'salesforce-00D5g00000DEMO1EAP-opp-');
    if (order.stepLabel) {
        order.stepLabel = order.stepLabel.replace("deal's", "Opportunity's");
    }
    for (const issue of order.issues || []) {
        if (issue.fixInSystem === 'hubspot') {
            issue.fixInSystem = 'salesforce';
        }
    }
    return body;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const waitUntil = async (check, ms = 2000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
        if (Date.now() > deadline) {
            throw new Error('condition not met in time');
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
};

async function mount(recordId = OPPORTUNITY_ID) {
    const el = createElement('c-concord-account-review', { is: ConcordAccountReview });
    el.recordId = recordId;
    el.orderPollMs = 20;
    document.body.appendChild(el);
    await flush();
    await flush();
    return el;
}

const $ = (el, id) => el.shadowRoot.querySelector(`[data-id="${id}"]`);
const $$ = (el, id) => Array.from(el.shadowRoot.querySelectorAll(`[data-id="${id}"]`));
const text = (node) => node.textContent.replace(/\s+/g, ' ').trim();

beforeEach(() => {
    getAccountView.mockResolvedValue({ status: 'linked', view: clone(VIEW) });
});

afterEach(() => {
    while (document.body.firstChild) {
        document.body.removeChild(document.body.firstChild);
    }
    jest.clearAllMocks();
});

describe('c-concord-account-review: the ERP order of an Opportunity', () => {
    it('does not ask for an order on an Account, and shows nothing when the Opportunity was never closed won', async () => {
        getOrder.mockResolvedValue({ order: null });
        const account = await mount(ACCOUNT_ID);
        expect(getOrder).not.toHaveBeenCalled();
        expect($(account, 'order')).toBeNull();
        document.body.removeChild(account);

        const opp = await mount();
        expect(getOrder).toHaveBeenCalledWith({ recordId: OPPORTUNITY_ID });
        expect($(opp, 'order')).toBeNull();
        expect(text($(opp, 'account-name'))).toBe('Acme Analytics');
    });

    it('shows "Creating" with the step, asks again, then the order number and the NetSuite link', async () => {
        let release;
        const later = new Promise((resolve) => {
            release = () => resolve(answer('created'));
        });
        getOrder.mockResolvedValueOnce(answer('creating')).mockReturnValueOnce(later);
        const el = await mount();
        expect($(el, 'order-status').label).toBe('Creating');
        expect(text($(el, 'order-step'))).toBe('Creating the sales order in NetSuite…');

        await waitUntil(() => getOrder.mock.calls.length === 2);
        release();
        await waitUntil(() => $(el, 'order-number') !== null);
        expect(getOrder).toHaveBeenCalledTimes(2);
        expect($(el, 'order-status').label).toBe('Created');
        expect($(el, 'order-status').className).toContain('slds-theme_success');
        expect(text($(el, 'order-number'))).toBe('Sales order SO-10482 in NetSuite');
        const link = $(el, 'order-link');
        expect(link.getAttribute('href')).toBe('https://1234567.app.netsuite.com/app/accounting/transactions/salesord.nl?id=10482');
        expect(link.getAttribute('rel')).toBe('noopener noreferrer');
        expect(text(link)).toBe('Open in NetSuite');
        expect($(el, 'order-retry')).toBeNull();
    });

    it('links to the ERP order only when the broker gives a plain https link', async () => {
        const created = answer('created');
        created.order.orderUrl = null;
        getOrder.mockResolvedValueOnce(created);
        const el = await mount();
        expect(text($(el, 'order-number'))).toBe('Sales order SO-10482 in NetSuite');
        expect($(el, 'order-link')).toBeNull();

        const odd = answer('created');
        odd.order.orderUrl = 'javascript:alert(1)';
        getOrder.mockResolvedValueOnce(odd);
        const other = await mount();
        expect($(other, 'order-link')).toBeNull();
    });

    it('lists each blocking issue with where to fix it, and Retry asks Concord to check again', async () => {
        getOrder.mockResolvedValueOnce(answer('blocked')).mockResolvedValue(answer('blocked'));
        const el = await mount();
        expect($(el, 'order-status').label).toBe('Blocked');
        expect($$(el, 'order-issue').map((li) => text(li.querySelector('.slds-text-title_bold')))).toEqual([
            'Customers in DE need a tax id (VAT/GST number) in the ERP.',
            'SKU PLAT-ULTIMATE (Platform Ultimate) has no ERP item.'
        ]);
        expect($$(el, 'order-fix').map(text)).toEqual([
            'Fix in Salesforce: Enter the company tax id (VAT number).',
            'Fix in NetSuite: Create the item PLAT-ULTIMATE in the ERP (or correct the SKU on the CRM product), then retry.'
        ]);
        // The record owner, asked to fix each issue.
        expect($$(el, 'order-owner').map(text)).toEqual(['Owner: Dana Reyes <dana.reyes@example.com>', 'Owner: Dana Reyes <dana.reyes@example.com>']);

        const creating = answer('creating');
        creating.order.step = 'validate';
        creating.order.stepLabel = "Checking the Opportunity's data for NetSuite";
        retryOrder.mockResolvedValue(creating);
        const toasts = [];
        el.addEventListener('lightning__showtoast', (e) => toasts.push(e.detail));
        $(el, 'order-retry').click();
        await flush();
        await flush();
        expect(retryOrder).toHaveBeenCalledWith({ recordId: OPPORTUNITY_ID });
        expect(toasts).toEqual([{ title: 'Retry started', message: 'Concord is checking the Opportunity again and creating the order.', variant: 'info' }]);
        expect(text($(el, 'status'))).toBe('Retry started: Concord is checking the Opportunity again.');
        // Being created again: the component asks until it settles (here: blocked again).
        await waitUntil(() => $(el, 'order-status') && $(el, 'order-status').label === 'Blocked');
        expect(getOrder.mock.calls.length).toBeGreaterThanOrEqual(2);
    });

    it('shows why a failed order failed, and the refusal when Retry is refused', async () => {
        getOrder.mockResolvedValue(answer('failed'));
        retryOrder.mockRejectedValue({ body: { message: 'The order was created already.' }, status: 500 });
        const el = await mount();
        expect($(el, 'order-status').label).toBe('Failed');
        expect(text($(el, 'order-failed'))).toBe('Creating the sales order in NetSuite failed. NetSuite did not answer in time, even after retries.');
        const toasts = [];
        el.addEventListener('lightning__showtoast', (e) => toasts.push(e.detail));
        $(el, 'order-retry').click();
        await flush();
        await flush();
        expect(toasts).toEqual([{ title: 'Retry failed', message: 'The order was created already.', variant: 'error' }]);
        expect($(el, 'order-retry').disabled).toBe(false);
    });

    it('shows the order even when the Opportunity\'s Account is not linked yet', async () => {
        getAccountView.mockResolvedValue({ status: 'not_linked', message: 'Not linked.' });
        getOrder.mockResolvedValue(answer('blocked'));
        const el = await mount();
        expect($(el, 'not-linked')).not.toBeNull();
        expect($(el, 'order-status').label).toBe('Blocked');
    });

    it('says when the order cannot be loaded and still shows the account', async () => {
        getOrder.mockRejectedValue({ body: { message: 'The order status could not be loaded right now (HTTP 503). Try again shortly.' } });
        const el = await mount();
        expect(text($(el, 'order-error'))).toBe('The order status could not be loaded right now (HTTP 503). Try again shortly.');
        expect(text($(el, 'account-name'))).toBe('Acme Analytics');
    });
});
