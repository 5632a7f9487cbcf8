/**
 * The renewal hold as the account view shows it (policies/automations/renewal-hold.ts): read from
 * the pipeline's digest with the rule that writes the CRM fact, so for every policy and digest the
 * view's `onHold` is the CRM `renewalHold` property, and it says which milestone stalled and
 * since when; null where the view has nothing to claim (no renewal policy, no CS link or digest).
 */
import { describe, expect, it } from 'vitest';
import { RenewalHoldSchema } from '../../worker/model/index.js';
import { deriveFacts, type AccountState } from '../../worker/policies/account-facts/index.js';
import { AutomationPolicySchema, renewalHoldOf, type OnboardingEpisode } from '../../worker/policies/automations/index.js';

const AT = '2026-11-20T09:30:00.000Z';
const episode: OnboardingEpisode = {
  key: 'onboarding-stalled:acc_1:m2:' + AT,
  milestone: { id: 'm2', name: 'Data migration', reason: 'blocked', dueDate: '2026-11-30' },
  at: AT,
};
const cs: AccountState['cs'] = {
  fetchedAt: AT,
  health: null,
  onboarding: { status: 'stalled', current: 'Data migration', completed: ['Kickoff'], stalled: episode.milestone, checkBy: '2026-12-01' },
  escalations: [],
};
const stalled: AccountState = { v: 1, cs, onboardingEpisode: episode };
const moving: AccountState = { v: 1, cs: { ...cs!, onboarding: { ...cs!.onboarding!, status: 'active', stalled: null } } };
const links = { accountId: 'acc_1', erpCustomerId: null, csAccountId: 'v1' };
const policy = (body: unknown) => AutomationPolicySchema.parse({ onboardingStalled: body }).onboardingStalled;

describe('the renewal hold in the account view', () => {
  it('is on while the stall lasts under the renewal hold, with the stalled milestone and since when', () => {
    const hold = renewalHoldOf(policy({ hold: 'renewal' }), stalled, true);
    expect(hold).toEqual({ onHold: true, milestone: 'Data migration', reason: 'blocked', dueDate: '2026-11-30', since: AT });
    expect(RenewalHoldSchema.parse(hold)).toEqual(hold);
  });

  it('is off once the stall is over (the policy still holds renewals)', () => {
    expect(renewalHoldOf(policy({ hold: 'renewal' }), moving, true)).toEqual({ onHold: false, milestone: null, reason: null, dueDate: null, since: null });
  });

  it('is null when the policy holds no renewals, the account has no CS link, or the pipeline has no CS digest yet', () => {
    expect(renewalHoldOf(policy({}), stalled, true)).toBeNull();
    expect(renewalHoldOf(policy({ hold: 'billing' }), stalled, true)).toBeNull();
    expect(renewalHoldOf(policy({ hold: 'renewal', enabled: false }), stalled, true)).toBeNull();
    expect(renewalHoldOf(policy({ hold: 'renewal' }), stalled, false)).toBeNull();
    expect(renewalHoldOf(policy({ hold: 'renewal' }), { v: 1 } as AccountState, true)).toBeNull();
    expect(renewalHoldOf(policy({ hold: 'renewal' }), null, true)).toBeNull();
  });

  it.each([
    ['renewal, stalled', { hold: 'renewal' }, stalled],
    ['renewal, moving', { hold: 'renewal' }, moving],
    ['billing, stalled', { hold: 'billing' }, stalled],
    ['none, stalled', {}, stalled],
    ['renewal off, stalled', { hold: 'renewal', enabled: false }, stalled],
  ] as const)('agrees with the CRM renewalHold property (%s): on exactly when the property is true', (_name, body, state) => {
    const p = policy(body);
    const fact = deriveFacts(state, links, '2026-11-26', undefined, p).renewalHold;
    expect(renewalHoldOf(p, state, true)?.onHold ?? false).toBe(fact);
  });
});
