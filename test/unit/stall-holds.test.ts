/**
 * What a stalled onboarding holds (policy `onboardingStalled.hold`): nothing by default; under
 * `renewal` the renewal hold fact is true while a stall episode is open and false once it closes,
 * the automation is switched off or the policy holds nothing; under `billing` the fact stays false
 * (the ERP's orders are held instead); a wrong value is refused with its path; the console's
 * sentence says what the hold does.
 */
import { describe, expect, it } from 'vitest';
import { deriveFacts, type AccountState } from '../../worker/policies/account-facts/index.js';
import { AutomationPolicySchema, DEFAULT_AUTOMATION_POLICY, describeAutomations, stallHoldOf, type OnboardingEpisode } from '../../worker/policies/automations/index.js';

const AT = '2026-12-02T10:00:00.000Z';
const episode: OnboardingEpisode = {
  key: 'onboarding-stalled:acc_1:m1:' + AT,
  milestone: { id: 'm1', name: 'Data migration', reason: 'past_due', dueDate: '2026-11-30' },
  at: AT,
};
const cs: AccountState['cs'] = {
  fetchedAt: AT,
  health: null,
  onboarding: { status: 'stalled', current: 'Data migration', completed: ['Kickoff'], stalled: episode.milestone, checkBy: '2026-12-01' },
  escalations: [],
};
const links = { accountId: 'acc_1', erpCustomerId: null, csAccountId: 'v1' };
const policy = (body: unknown) => AutomationPolicySchema.parse({ onboardingStalled: body }).onboardingStalled;

describe('the stalled-onboarding hold policy', () => {
  it('holds nothing by default and takes none, billing or renewal; anything else is refused with its path', () => {
    expect(DEFAULT_AUTOMATION_POLICY.onboardingStalled.hold).toBe('none');
    expect(policy({ hold: 'billing' }).hold).toBe('billing');
    expect(policy({ hold: 'renewal' }).hold).toBe('renewal');
    const issues = AutomationPolicySchema.safeParse({ onboardingStalled: { hold: 'contract' } }).error?.issues.map((i) => [i.path.join('.'), i.code]);
    expect(issues).toEqual([['onboardingStalled.hold', 'invalid_value']]);
  });

  it('asks for the policy’s hold only while an episode is open and the automation is on', () => {
    expect(stallHoldOf(policy({ hold: 'billing' }), episode)).toBe('billing');
    expect(stallHoldOf(policy({ hold: 'billing' }), null)).toBe('none');
    expect(stallHoldOf(policy({ hold: 'billing', enabled: false }), episode)).toBe('none');
    expect(stallHoldOf(policy({}), episode)).toBe('none');
  });
});

describe('the renewal hold fact', () => {
  const stalled: AccountState = { v: 1, cs, onboardingEpisode: episode };
  const moving: AccountState = { v: 1, cs: { ...cs!, onboarding: { ...cs!.onboarding!, status: 'active', stalled: null } } };

  it('is true while the stall lasts under the renewal hold, false once it ends', () => {
    expect(deriveFacts(stalled, links, '2026-12-02', undefined, policy({ hold: 'renewal' })).renewalHold).toBe(true);
    expect(deriveFacts(moving, links, '2026-12-02', undefined, policy({ hold: 'renewal' })).renewalHold).toBe(false);
  });

  it('is false when the policy holds billing or nothing, or the automation is off (a hold it set is lifted)', () => {
    expect(deriveFacts(stalled, links, '2026-12-02', undefined, policy({ hold: 'billing' })).renewalHold).toBe(false);
    expect(deriveFacts(stalled, links, '2026-12-02', undefined, policy({})).renewalHold).toBe(false);
    expect(deriveFacts(stalled, links, '2026-12-02', undefined, policy({ hold: 'renewal', enabled: false })).renewalHold).toBe(false);
  });

  it('is left unwritten until the CS source was read, or without a stall policy to judge by', () => {
    expect(deriveFacts({ v: 1 }, links, '2026-12-02', undefined, policy({ hold: 'renewal' }))).not.toHaveProperty('renewalHold');
    expect(deriveFacts(stalled, links, '2026-12-02')).not.toHaveProperty('renewalHold');
    expect(deriveFacts(stalled, { ...links, csAccountId: null }, '2026-12-02', undefined, policy({ hold: 'renewal' }))).not.toHaveProperty('renewalHold');
  });
});

describe('the console sentence', () => {
  const billing = { releaseOnGoLive: false, goLive: 'Go-live' };
  const does = (hold: string) => describeAutomations(AutomationPolicySchema.parse({ onboardingStalled: { hold } }), billing).find((a) => a.key === 'onboarding-stalled')!.does;
  it('says what the stall holds', () => {
    expect(does('none')).toBe('Files one task on each CRM record per stalled milestone');
    expect(does('billing')).toMatch(/holds billing while it is stalled: the customer's open sales orders go back to pending approval in the ERP, approved again when the stall ends$/);
    expect(does('renewal')).toMatch(/sets the renewal automation hold on the HubSpot company and the Salesforce Account while it is stalled, lifted when the stall ends$/);
  });
});
