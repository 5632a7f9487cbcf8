/**
 * Concord Account Review: ERP (NetSuite) and customer-success (Vitally) truth on an Account or
 * Opportunity record page, fetched through Apex (ConcordController → signed callout to the
 * Concord broker). Shows receivables, invoices, contract and renewal, health, onboarding, risk
 * and per-source freshness; offers Refresh and "Create follow-up task".
 */
import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getAccountView from '@salesforce/apex/ConcordController.getAccountView';
import createFollowUpTask from '@salesforce/apex/ConcordController.createFollowUpTask';
import LOCALE from '@salesforce/i18n/locale';
import { errorMessage, reasonLabel } from './format';
import { toViewModel } from './viewModel';

/** Task.Subject limit (255) enforced again by the controller. */
const MAX_SUBJECT = 255;

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

    connectedCallback() {
        this.load(false);
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
