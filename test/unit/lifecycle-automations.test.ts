/**
 * The stalled-onboarding and renewal-at-risk automations: one episode (one CRM task) per stalled
 * milestone and per renewal, whatever the number of changes that report the same situation.
 */
import { describe, expect, it } from 'vitest';
import { nextDueDate, stalledMilestone } from '../../worker/policies/account-facts/index.js';
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

describe('the next due date the poll watches', () => {
  const section = (...ms: ReturnType<typeof milestone>[]): OnboardingSection => ({ status: 'active', milestones: ms });
  it('is the earliest due date of a milestone not done, whatever the order; none when no open milestone has one', () => {
    expect(nextDueDate(section(milestone('a', 'completed', '2026-11-01'), milestone('b', 'not_started', '2026-12-20'), milestone('c', 'in_progress', '2026-12-10')))).toBe('2026-12-10');
    expect(nextDueDate(section(milestone('a', 'skipped', '2026-11-01'), milestone('b', 'not_started', null)))).toBeNull();
  });
  it('falls due exactly when the stalled rule would call it late (the sweep and the rule agree)', () => {
    const s = section(milestone('a', 'completed', '2026-11-01'), milestone('b', 'in_progress', '2026-12-01'), milestone('c', 'not_started', '2026-12-15'));
    const due = nextDueDate(s)!;
    // Not late on its due date, late the day after (grace 0) and after the grace.
    expect(stalledMilestone(s, due)).toBeNull();
    expect(stalledMilestone(s, '2026-12-02')).toMatchObject({ id: 'b', reason: 'past_due' });
    expect(stalledMilestone(s, '2026-12-02', 1)).toBeNull();
    expect(stalledMilestone(s, '2026-12-03', 1)).toMatchObject({ id: 'b' });
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
