/**
 * The lifecycle automations in words, pure: each one's name, whether it is on, when it acts and
 * what it does, with the tenant's thresholds (`GET|PUT /ops/automations`, the console's
 * Automations section). Billing on go-live is listed with them but is the closed-won settings'
 * switch (`billing.releaseOnGoLive`), not part of the automation policy.
 */
import type { AutomationPolicy } from './policy.js';

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** The automations as the console lists them: the tenant's values and the sentences built from them. */
export function describeAutomations(policy: AutomationPolicy, billing: { releaseOnGoLive: boolean; goLive: string }) {
  const { financeHold: hold, healthDrop: health, onboardingStalled: onboarding, renewalRisk: renewal } = policy;
  return [
    {
      key: 'finance-hold',
      name: 'Finance hold',
      when: `${hold.minAmount.toLocaleString('en-US')} or more (invoice currency) overdue for more than ${days(hold.overdueDays)}, disputed invoices not counted`,
      does: 'Sets the finance hold on the HubSpot company and the Salesforce Account; lifted by the change that brings the balance under',
      ...hold,
    },
    {
      key: 'health-drop',
      name: 'Health drop',
      when:
        `The health score falls by ${health.dropPoints} ${health.dropPoints === 1 ? 'point' : 'points'} or more between two readings, or to below ${health.below}` +
        (health.adoptionBelow > 0 ? `; or adoption is low: its ${health.adoptionSignal} part is below ${health.adoptionBelow}` : ''),
      does:
        'Files one support review task on each CRM record per episode (until the score is back where it fell from' +
        (health.adoptionBelow > 0 ? `, or ${health.adoptionSignal} back at ${health.adoptionBelow} or more` : '') +
        ')',
      ...health,
    },
    {
      key: 'onboarding-stalled',
      name: 'Onboarding stalled',
      when:
        (onboarding.pastDueGraceDays === 0
          ? 'An onboarding milestone is blocked or past its due date'
          : `An onboarding milestone is blocked or more than ${days(onboarding.pastDueGraceDays)} past its due date`) +
        (onboarding.noProgressDays > 0 ? `, or no milestone has been completed for more than ${days(onboarding.noProgressDays)}` : ''),
      does:
        'Files one task on each CRM record per stalled milestone' +
        (onboarding.hold === 'billing'
          ? ", and holds billing while it is stalled: the customer's open sales orders go back to pending approval in the ERP, approved again when the stall ends"
          : onboarding.hold === 'renewal'
            ? ', and sets the renewal automation hold on the HubSpot company and the Salesforce Account while it is stalled, lifted when the stall ends'
            : ''),
      ...onboarding,
    },
    {
      key: 'renewal-risk',
      name: 'Renewal at risk',
      when: `Renewal risk is ${renewal.level === 'high' ? 'high' : 'medium or high'} and the contract renews within ${days(renewal.withinDays)}`,
      does: 'Files one task on each CRM record per renewal date, due before the renewal',
      ...renewal,
    },
    {
      key: 'billing-on-go-live',
      name: 'Billing waits for go-live',
      enabled: billing.releaseOnGoLive,
      when: `The onboarding milestone "${billing.goLive}" is completed in the CS system`,
      does: 'Approves the held sales orders Concord created for the customer (closed-won settings, Billing)',
    },
  ];
}
