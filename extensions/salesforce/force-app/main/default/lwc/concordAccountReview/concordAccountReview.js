/**
 * Concord Account Review: ERP (NetSuite) and customer-success (Vitally) truth on an Account or
 * Opportunity record page, fetched through Apex (ConcordController → signed callout to the
 * Concord broker). Shows the finance hold on expansion quoting, receivables, invoices, contract
 * and renewal, health, onboarding, risk and per-source freshness, then the account's recent changes
 * with their source (asked for beside the view, not after it); offers Refresh and "Create
 * follow-up task". On an Opportunity it also
 * shows the ERP order Concord's closed-won flow makes of it (asked again every few seconds while
 * it is being created) with Retry for a blocked or failed order.
 */
import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getAccountView from '@salesforce/apex/ConcordController.getAccountView';
import createFollowUpTask from '@salesforce/apex/ConcordController.createFollowUpTask';
import getOrder from '@salesforce/apex/ConcordController.getOrder';
import getAccountChanges from '@salesforce/apex/ConcordController.getAccountChanges';
import retryOrder from '@salesforce/apex/ConcordController.retryOrder';
import LOCALE from '@salesforce/i18n/locale';
import { errorMessage, reasonLabel } from './format';
import { toChangesModel } from './changesModel';
import { toOrderModel } from './orderModel';
import { toViewModel } from './viewModel';

/** Task.Subject limit (255) enforced again by the controller. */
const MAX_SUBJECT = 255;
/** While an order is being created, its state is asked for again this often. */
const ORDER_POLL_MS = 3000;
/** Opportunity ids start with this key prefix (https://help.salesforce.com/s/articleView?id=000385203). */
const OPPORTUNITY_PREFIX = '006';

export default class ConcordAccountReview extends LightningElement {
    /** Id of the Account or Opportunity on the page (set by the record page). */
    @api recordId;

    /** 'loading' | 'linked' | 'not_linked' | 'error' */
    state = 'loading';
    /** Raw AccountView of the last successful load. */
    view;
    /** Display model of `view`. */
    vm;
    notLinkedMessage = '';
    errorText = '';
    refreshing = false;
    creatingTask = false;
    /** Polite live-region text for actions (refresh done, task created). */
    statusText = '';
    /** How often a creating order is re-read (milliseconds); tests shorten it. */
    @api orderPollMs = ORDER_POLL_MS;
    /** Display model of the Opportunity's order; null when there is none. */
    order = null;
    orderError = '';
    retryingOrder = false;
    orderTimer;
    /** 'loading' | 'ready' | 'error': the recent changes, read beside the view. */
    changesState = 'loading';
    /** Display model of the account's recent changes, newest first. */
    changes = [];
    changesError = '';
    connected = false;

    connectedCallback() {
        this.connected = true;
        this.load(false);
        this.loadChanges();
        this.loadOrder();
    }

    disconnectedCallback() {
        this.connected = false;
        clearTimeout(this.orderTimer);
    }

    get isOpportunity() {
        return typeof this.recordId === 'string' && this.recordId.startsWith(OPPORTUNITY_PREFIX);
    }

    get hasOrder() {
        return Boolean(this.order);
    }

    /** Reads the Opportunity's order; a failed re-read keeps the order already shown. */
    async loadOrder() {
        if (!this.isOpportunity) {
            return;
        }
        clearTimeout(this.orderTimer);
        try {
            const result = await getOrder({ recordId: this.recordId });
            this.order = toOrderModel(result && result.order, LOCALE);
            this.orderError = '';
        } catch (error) {
            if (!this.order) {
                this.orderError = errorMessage(error);
            }
        }
        if (this.order && this.order.isCreating && this.connected) {
            // eslint-disable-next-line @lwc/lwc/no-async-operation -- polling a state the broker changes
            this.orderTimer = setTimeout(() => this.loadOrder(), this.orderPollMs);
        }
    }

    get changesLoading() {
        return this.changesState === 'loading';
    }

    get changesFailed() {
        return this.changesState === 'error';
    }

    get hasChanges() {
        return this.changes.length > 0;
    }

    /** Reads the account's latest changes; a failed re-read keeps the list already shown. */
    async loadChanges() {
        try {
            const result = await getAccountChanges({ recordId: this.recordId });
            // Not linked: the view says so for the whole component; the list has nothing to add.
            this.changes = toChangesModel(result && result.items, LOCALE);
            this.changesState = 'ready';
            this.changesError = '';
        } catch (error) {
            if (this.changesState !== 'ready') {
                this.changesError = errorMessage(error);
                this.changesState = 'error';
            }
        }
    }

    async handleRetryOrder() {
        if (this.retryingOrder) {
            return;
        }
        this.retryingOrder = true;
        this.statusText = '';
        try {
            const result = await retryOrder({ recordId: this.recordId });
            this.order = toOrderModel(result && result.order, LOCALE);
            this.statusText = 'Retry started: Concord is checking the Opportunity again.';
            this.dispatchEvent(new ShowToastEvent({ title: 'Retry started', message: 'Concord is checking the Opportunity again and creating the order.', variant: 'info' }));
            if (this.order && this.order.isCreating && this.connected) {
                // eslint-disable-next-line @lwc/lwc/no-async-operation -- polling a state the broker changes
                this.orderTimer = setTimeout(() => this.loadOrder(), this.orderPollMs);
            }
        } catch (error) {
            const message = errorMessage(error);
            this.statusText = `Retry failed: ${message}`;
            this.dispatchEvent(new ShowToastEvent({ title: 'Retry failed', message, variant: 'error' }));
        } finally {
            this.retryingOrder = false;
        }
    }

    get isLoading() {
        return this.state === 'loading';
    }

    get isLinked() {
        return this.state === 'linked';
    }

    get isNotLinked() {
        return this.state === 'not_linked';
    }

    get isError() {
        return this.state === 'error';
    }

    get busy() {
        return this.state === 'loading' || this.refreshing;
    }

    get taskDisabled() {
        return this.state !== 'linked' || this.creatingTask;
    }

    /**
     * Loads the view. A refresh keeps the current data on screen and shows a spinner over it.
     * @param {boolean} refresh true to make the broker bypass its cache
     */
    async load(refresh) {
        if (refresh) {
            this.refreshing = true;
        } else {
            this.state = 'loading';
        }
        try {
            const result = await getAccountView({ recordId: this.recordId, refresh });
            if (result && result.status === 'linked' && result.view) {
                this.view = result.view;
                this.vm = toViewModel(result.view, LOCALE);
                this.state = 'linked';
                if (refresh) {
                    this.statusText = 'Account review refreshed.';
                }
            } else {
                this.view = undefined;
                this.vm = undefined;
                this.notLinkedMessage = (result && result.message) || 'This record is not linked to an account in Concord yet.';
                this.state = 'not_linked';
            }
        } catch (error) {
            this.errorText = errorMessage(error);
            this.state = 'error';
        } finally {
            this.refreshing = false;
        }
    }

    handleRefresh() {
        this.statusText = '';
        this.load(true);
        this.loadChanges();
        this.loadOrder();
    }

    async handleCreateTask() {
        if (!this.view) {
            return;
        }
        this.creatingTask = true;
        this.statusText = '';
        try {
            await createFollowUpTask({
                recordId: this.recordId,
                subject: this.taskSubject(),
                description: this.taskDescription()
            });
            this.statusText = 'Follow-up task created.';
            this.dispatchEvent(new ShowToastEvent({ title: 'Follow-up task created', message: this.taskSubject(), variant: 'success' }));
        } catch (error) {
            const message = errorMessage(error);
            this.statusText = `Could not create the task: ${message}`;
            this.dispatchEvent(new ShowToastEvent({ title: 'Could not create the task', message, variant: 'error' }));
        } finally {
            this.creatingTask = false;
        }
    }

    /** "Follow up on Acme Analytics: High risk" (risk level only when the broker rated it). */
    taskSubject() {
        const risk = this.vm.risk ? `: ${this.vm.risk.label}` : '';
        return `Follow up on ${this.vm.accountName}${risk}`.slice(0, MAX_SUBJECT);
    }

    /** What the CSM saw when creating the task, so the task still makes sense later. */
    taskDescription() {
        const lines = ['Created from Concord Account Review.'];
        const { risk } = this.view;
        if (risk && risk.reasons && risk.reasons.length) {
            lines.push(`Risk reasons: ${risk.reasons.map(reasonLabel).join(', ')}`);
        }
        // Only figures the user saw: sections with data (ok or cached), never a placeholder.
        if (this.vm.receivables.data) {
            const r = this.vm.receivables.data;
            lines.push(`Receivables: ${r.openTotal} open, ${r.overdueTotal} overdue, ${r.disputedTotal} disputed`);
        }
        if (this.vm.contract.data) {
            lines.push(`Contract: ${this.vm.contract.data.countdown} (${this.vm.contract.data.renewalDate})`);
        }
        return lines.join('\n');
    }
}
