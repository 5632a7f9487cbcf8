/**
 * The stalled-onboarding and renewal-at-risk automations: one episode (one CRM task) per stalled
 * milestone and per renewal, whatever the number of changes that report the same situation.
 */
import { describe, expect, it } from 'vitest';
import { stallCheckDate, stalledMilestone } from '../../worker/policies/account-facts/index.js';
import { onboardingEpisode, renewalEpisode } from '../../worker/policies/automations/index.js';
import type { OnboardingSection } from '../../worker/model/index.js';

const AT = '2026-12-02T10:00:00.000Z';
const LATER = '2026-12-03T10:00:00.000Z';

const milestone = (id: string, status: OnboardingSection['milestones'][number]['status'], dueDate: string | null) => ({ id, name: `Milestone ${id}`, status, dueDate, completedAt: null });

describe('the milestone an onboarding is stalled on', () => {
  it('is the first blocked one, else the earliest not done past its due date, else none', () => {
    const section = (...ms: ReturnType<typeof milestone>[]): OnboardingSection => ({ status: 'active', milestones: ms });
    expect(stalledMilestone(section(milestone('a', 'completed', '2026-11-01'), milestone('b', 'in_progress', '2026-11-20'), milestone('c', 'blocked', '2026-12-20')), '2026-12-02')).toEqual({
      id: 'c',
      name: 'Milestone c',
      reason: 'blocked',
      dueDate: '2026-12-20',
    });
    expect(stalledMilestone(section(milestone('a', 'completed', '2026-11-01'), milestone('b', 'in_progress', '2026-11-20'), milestone('c', 'not_started', '2026-11-30')), '2026-12-02')).toMatchObject({ id: 'b', reason: 'past_due' });
    // Due today is not late; done and skipped milestones never are.
    expect(stalledMilestone(section(milestone('a', 'skipped', '2026-11-01'), milestone('b', 'in_progress', '2026-12-02'), milestone('c', 'not_started', null)), '2026-12-02')).toBeNull();
  });
});

describe('the day the poll reads an onboarding again (the stalled rule, if nothing changes)', () => {
  const section = (...ms: OnboardingSection['milestones']): OnboardingSection => ({ status: 'active', milestones: ms });
  const done = (id: string, day: string) => ({ ...milestone(id, 'completed', null), completedAt: `${day}T09:00:00.000Z` });
  it('is the day after the earliest open due date (plus the grace), whatever the order; none when no open milestone has one', () => {
    expect(stallCheckDate(section(milestone('a', 'completed', '2026-11-01'), milestone('b', 'not_started', '2026-12-20'), milestone('c', 'in_progress', '2026-12-10')))).toBe('2026-12-11');
    expect(stallCheckDate(section(milestone('b', 'in_progress', '2026-12-10')), { pastDueGraceDays: 3 })).toBe('2026-12-14');
    expect(stallCheckDate(section(milestone('a', 'skipped', '2026-11-01'), milestone('b', 'not_started', null)))).toBeNull();
  });
  it('is exactly the first day the stalled rule calls it stalled (the sweep and the rule agree)', () => {
    const s = section(milestone('a', 'completed', '2026-11-01'), milestone('b', 'in_progress', '2026-12-01'), milestone('c', 'not_started', '2026-12-15'));
    for (const rule of [{}, { pastDueGraceDays: 2 }]) {
      const day = stallCheckDate(s, rule)!;
      const before = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect(stalledMilestone(s, before, rule)).toBeNull();
      expect(stalledMilestone(s, day, rule)).toMatchObject({ id: 'b', reason: 'past_due' });
    }
  });
  it('with noProgressDays: stalled on the current milestone once nothing was completed for longer, and the check day says when', () => {
    const s = section(done('a', '2026-11-10'), milestone('b', 'in_progress', null), milestone('c', 'not_started', null));
    const rule = { noProgressDays: 14 };
    expect(stallCheckDate(s, rule)).toBe('2026-11-25');
    expect(stalledMilestone(s, '2026-11-24', rule)).toBeNull();
    expect(stalledMilestone(s, '2026-11-25', rule)).toEqual({ id: 'b', name: 'Milestone b', reason: 'no_progress', dueDate: null, lastProgress: '2026-11-10' });
    // Off by default, and not judged before a first milestone is completed.
    expect(stalledMilestone(s, '2026-12-31')).toBeNull();
    expect(stallCheckDate(s)).toBeNull();
    expect(stalledMilestone(section(milestone('b', 'in_progress', null)), '2026-12-31', rule)).toBeNull();
  });
});

describe('stalled-onboarding episodes', () => {
  const blocked = { id: 'm1', name: 'Data migration', reason: 'blocked' as const, dueDate: '2026-12-20' };
  it('opens on a stalled milestone and stays open (same key) while that milestone is stalled', () => {
    const open = onboardingEpisode(null, blocked, AT, 'acc_1')!;
    expect(open).toEqual({ key: `onboarding-stalled:acc_1:m1:${AT}`, milestone: blocked, at: AT });
    expect(onboardingEpisode(open, { ...blocked, reason: 'past_due' }, LATER, 'acc_1')).toBe(open);
    // The CS system was not read this time: nothing changes.
    expect(onboardingEpisode(open, undefined, LATER, 'acc_1')).toBe(open);
  });

  it('closes when nothing is stalled, and another milestone stalling is a new episode', () => {
    const open = onboardingEpisode(null, blocked, AT, 'acc_1')!;
    expect(onboardingEpisode(open, null, LATER, 'acc_1')).toBeNull();
    const next = onboardingEpisode(open, { id: 'm2', name: 'Training', reason: 'past_due', dueDate: '2026-11-30' }, LATER, 'acc_1')!;
    expect(next.key).toBe(`onboarding-stalled:acc_1:m2:${LATER}`);
    expect(onboardingEpisode(null, null, AT, 'acc_1')).toBeNull();
  });
});

describe('renewal-at-risk episodes', () => {
  const high = { level: 'high' as const, reasons: ['health_low', 'renewal_within_90_days'] };
  it('opens on high risk with the renewal within 90 days, keyed by the renewal date', () => {
    expect(renewalEpisode(null, high, '2027-01-15', '2026-12-02', AT, 'acc_1')).toEqual({
      key: 'renewal-risk:acc_1:2027-01-15',
      renewalDate: '2027-01-15',
      level: 'high',
      reasons: ['health_low', 'renewal_within_90_days'],
      at: AT,
    });
    expect(renewalEpisode(null, { level: 'medium', reasons: [] }, '2027-01-15', '2026-12-02', AT, 'acc_1')).toBeNull();
    expect(renewalEpisode(null, high, '2027-06-15', '2026-12-02', AT, 'acc_1')).toBeNull();
    expect(renewalEpisode(null, high, null, '2026-12-02', AT, 'acc_1')).toBeNull();
    // A policy may ask at medium risk and further ahead.
    expect(renewalEpisode(null, { level: 'medium', reasons: [] }, '2027-03-15', '2026-12-02', AT, 'acc_1', { level: 'medium', withinDays: 120 })).toMatchObject({ level: 'medium' });
  });

  it('one per renewal: a risk that dips and returns files nothing more; a new renewal date opens a new one; a passed date closes it', () => {
    const open = renewalEpisode(null, high, '2027-01-15', '2026-12-02', AT, 'acc_1')!;
    expect(renewalEpisode(open, { level: 'low', reasons: [] }, '2027-01-15', '2026-12-03', LATER, 'acc_1')).toBe(open);
    expect(renewalEpisode(open, high, '2027-01-15', '2026-12-04', LATER, 'acc_1')).toBe(open);
    expect(renewalEpisode(open, undefined, undefined, '2026-12-04', LATER, 'acc_1')).toBe(open);
    expect(renewalEpisode(open, { level: 'low', reasons: [] }, '2028-01-15', '2026-12-04', LATER, 'acc_1')).toBeNull();
    expect(renewalEpisode(open, high, '2027-02-10', '2026-12-04', LATER, 'acc_1')!.key).toBe('renewal-risk:acc_1:2027-02-10');
    expect(renewalEpisode(open, high, '2027-01-15', '2027-01-16', LATER, 'acc_1')).toBeNull();
  });
});
