/**
 * The tenant's automation policy: its defaults are Concord's (the automations' DEFAULT_*), a part
 * left out gets its defaults, a wrong value is refused with its path and a stable code, and the
 * policy's switches and thresholds change what the pure automations decide.
 */
import { describe, expect, it } from 'vitest';
import { deriveFacts, stalledMilestone, type AccountState } from '../../worker/policies/account-facts/index.js';
import {
  AutomationPolicySchema,
  DEFAULT_AUTOMATION_POLICY,
  DEFAULT_FINANCE_HOLD,
  DEFAULT_HEALTH_DROP,
  DEFAULT_RENEWAL_RISK,
  automationPolicyOf,
  describeAutomations,
  episodeUnder,
  healthEpisode,
} from '../../worker/policies/automations/index.js';
import type { OnboardingSection } from '../../worker/model/index.js';

describe('automation policy schema', () => {
  it('defaults to the automations’ own defaults, every automation on', () => {
    expect(DEFAULT_AUTOMATION_POLICY).toEqual({
      financeHold: { enabled: true, ...DEFAULT_FINANCE_HOLD },
      healthDrop: { enabled: true, ...DEFAULT_HEALTH_DROP, adoptionSignal: 'productUsage', adoptionBelow: 0 },
      onboardingStalled: { enabled: true, pastDueGraceDays: 0, noProgressDays: 0, hold: 'none' },
      renewalRisk: { enabled: true, ...DEFAULT_RENEWAL_RISK },
    });
    expect(DEFAULT_AUTOMATION_POLICY.financeHold).toMatchObject({ overdueDays: 60, minAmount: 1000 });
  });

  it('fills what a body leaves out with its defaults', () => {
    const p = AutomationPolicySchema.parse({ healthDrop: { dropPoints: 25 }, renewalRisk: { enabled: false } });
    expect(p.healthDrop).toEqual({ enabled: true, dropPoints: 25, below: 40, adoptionSignal: 'productUsage', adoptionBelow: 0 });
    expect(p.renewalRisk).toEqual({ enabled: false, level: 'high', withinDays: 90 });
    expect(p.financeHold).toEqual(DEFAULT_AUTOMATION_POLICY.financeHold);
  });

  it('refuses wrong values with the field path and a stable code', () => {
    const issues = (body: unknown) => AutomationPolicySchema.safeParse(body).error?.issues.map((i) => [i.path.join('.'), i.code]);
    expect(issues({ healthDrop: { dropPoints: 120 } })).toEqual([['healthDrop.dropPoints', 'too_big']]);
    expect(issues({ healthDrop: { dropPoints: 0 } })).toEqual([['healthDrop.dropPoints', 'too_small']]);
    expect(issues({ financeHold: { minAmount: -1, overdueDays: 1.5 } })).toEqual([
      ['financeHold.overdueDays', 'invalid_type'],
      ['financeHold.minAmount', 'too_small'],
    ]);
    expect(issues({ renewalRisk: { level: 'low' } })).toEqual([['renewalRisk.level', 'invalid_value']]);
    expect(issues({ onboardingStalled: { pastDueGraceDays: '3' } })).toEqual([['onboardingStalled.pastDueGraceDays', 'invalid_type']]);
    expect(issues({ churn: {} })).toEqual([['', 'unrecognized_keys']]);
    expect(issues({ financeHold: { enabled: 'yes' } })).toEqual([['financeHold.enabled', 'invalid_type']]);
  });

  it('a stored policy the schema no longer accepts runs the defaults rather than stopping the pipeline', () => {
    expect(automationPolicyOf(null)).toEqual(DEFAULT_AUTOMATION_POLICY);
    expect(automationPolicyOf({ healthDrop: { dropPoints: 'many' } })).toEqual(DEFAULT_AUTOMATION_POLICY);
    expect(automationPolicyOf({ healthDrop: { dropPoints: 30 } }).healthDrop.dropPoints).toBe(30);
  });
});

describe('the policy decides', () => {
  const AT = '2026-12-02T10:00:00.000Z';

  it('health drop: a 20-point fall opens an episode under the defaults, none with dropPoints 25', () => {
    expect(healthEpisode(null, 80, 60, AT, 'acc_1', DEFAULT_AUTOMATION_POLICY.healthDrop)).toMatchObject({ from: 80, to: 60 });
    expect(healthEpisode(null, 80, 60, AT, 'acc_1', { dropPoints: 25, below: 40 })).toBeNull();
  });

  it('an automation switched off opens no episode, keeps the one open until it closes', () => {
    const open = healthEpisode(null, 80, 60, AT, 'acc_1')!;
    expect(episodeUnder(false, null, open)).toBeNull();
    expect(episodeUnder(false, open, healthEpisode(open, 60, 55, AT, 'acc_1'))).toBe(open);
    expect(episodeUnder(false, open, healthEpisode(open, 55, 85, AT, 'acc_1'))).toBeNull();
    // A different episode judged while off (another milestone, another renewal) is not opened.
    expect(episodeUnder(false, open, { ...open, key: 'health-drop:acc_1:later' })).toBeNull();
    expect(episodeUnder(true, null, open)).toBe(open);
  });

  it('onboarding: a milestone counts as past due only after the grace days', () => {
    const section: OnboardingSection = { status: 'active', milestones: [{ id: 'm1', name: 'Training', status: 'in_progress', dueDate: '2026-11-28', completedAt: null }] };
    expect(stalledMilestone(section, '2026-12-02')).toMatchObject({ id: 'm1', reason: 'past_due' });
    expect(stalledMilestone(section, '2026-12-02', 4)).toBeNull();
    expect(stalledMilestone(section, '2026-12-03', 4)).toMatchObject({ id: 'm1', reason: 'past_due' });
    // Blocked is blocked, whatever the grace.
    expect(stalledMilestone({ ...section, milestones: [{ ...section.milestones[0]!, status: 'blocked', dueDate: '2026-12-20' }] }, '2026-12-02', 30)).toMatchObject({ reason: 'blocked' });
  });

  it('finance hold: the tenant’s thresholds decide the CRM fact; switched off, no account is held', () => {
    const state: AccountState = {
      v: 1,
      erp: {
        fetchedAt: AT,
        receivables: { currency: 'USD', openTotal: 500, overdueTotal: 500, disputedTotal: 0, openInvoiceCount: 1, oldestOverdueDays: 45, overdue: [{ days: 45, balance: 500, disputed: false }] },
        contract: null,
        lastPaymentDate: null,
      },
    };
    const links = { accountId: 'acc_1', erpCustomerId: '42', csAccountId: null };
    expect(deriveFacts(state, links, '2026-12-02').financeHold).toBe(false);
    expect(deriveFacts(state, links, '2026-12-02', { enabled: true, overdueDays: 30, minAmount: 500 }).financeHold).toBe(true);
    expect(deriveFacts(state, links, '2026-12-02', { enabled: false, overdueDays: 30, minAmount: 500 }).financeHold).toBe(false);
  });
});

describe('the sentences the console shows', () => {
  const billing = { releaseOnGoLive: false, goLive: 'Go-live' };
  it('are built from the tenant’s values', () => {
    const policy = AutomationPolicySchema.parse({
      financeHold: { overdueDays: 30, minAmount: 2500 },
      healthDrop: { dropPoints: 1, below: 35 },
      onboardingStalled: { pastDueGraceDays: 3 },
      renewalRisk: { level: 'medium', withinDays: 1, enabled: false },
    });
    const by = Object.fromEntries(describeAutomations(policy, billing).map((a) => [a.key, a]));
    expect(by['finance-hold']).toMatchObject({ enabled: true, overdueDays: 30, minAmount: 2500, when: '2,500 or more (invoice currency) overdue for more than 30 days, disputed invoices not counted' });
    expect(by['health-drop']!.when).toBe('The health score falls by 1 point or more between two readings, or to below 35');
    expect(by['onboarding-stalled']!.when).toBe('An onboarding milestone is blocked or more than 3 days past its due date');
    const slow = describeAutomations(AutomationPolicySchema.parse({ onboardingStalled: { noProgressDays: 21 } }), billing).find((a) => a.key === 'onboarding-stalled')!;
    expect(slow.when).toBe('An onboarding milestone is blocked or past its due date, or no milestone has been completed for more than 21 days');
    expect(by['renewal-risk']).toMatchObject({ enabled: false, when: 'Renewal risk is medium or high and the contract renews within 1 day' });
    expect(by['billing-on-go-live']).toMatchObject({ enabled: false, when: 'The onboarding milestone "Go-live" is completed in the CS system' });
  });
});
