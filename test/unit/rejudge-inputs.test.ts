/**
 * The rules judged again from the inputs the digest keeps, as the re-judging after a policy save
 * does: the health-drop rule over the stored score series, and the stalled rule over the stored
 * milestones as of another day and under another policy.
 */
import { describe, expect, it } from 'vitest';
import { csDigest, csInputsMissing, judgeOnboarding } from '../../worker/policies/account-facts/index.js';
import { rejudgedEpisode, seriesFall } from '../../worker/policies/automations/index.js';

const series = (...scores: number[]) => scores.map((score, i) => ({ date: `2026-11-${String(i + 1).padStart(2, '0')}`, score }));
const AT = '2026-12-02T10:00:00.000Z';

describe('the health-drop rule over a score series', () => {
  it('finds the fall under `below` that has not recovered, from the score it fell from to the last one', () => {
    expect(seriesFall(series(70, 65, 55), { dropPoints: 15, below: 40 })).toBeNull();
    expect(seriesFall(series(70, 65, 55), { dropPoints: 15, below: 60 })).toEqual({ from: 65, to: 55 });
    expect(seriesFall(series(70, 65, 55, 50), { dropPoints: 15, below: 60 })).toEqual({ from: 65, to: 50 });
  });

  it('finds a drop of `dropPoints` between two points, and none once the score is back where it fell from', () => {
    expect(seriesFall(series(80, 62, 60), { dropPoints: 15, below: 40 })).toEqual({ from: 80, to: 60 });
    expect(seriesFall(series(80, 62, 80, 75), { dropPoints: 15, below: 40 })).toBeNull();
    expect(seriesFall(series(55), { dropPoints: 15, below: 60 })).toBeNull();
  });

  it('is the CS system\'s series over the last 90 days up to the score\'s date, as the digest keeps it', () => {
    const health = { score: 55, trend: 'down' as const, asOf: '2026-12-02', signals: [], history: [{ date: '2026-08-01', score: 90 }, { date: '2026-09-03', score: 70 }, { date: '2026-12-02', score: 55 }] };
    expect(csDigest(AT, health, null, []).health?.history).toEqual([{ date: '2026-09-03', score: 70 }, { date: '2026-12-02', score: 55 }]);
  });

  it('opens an episode only under thresholds other than those the digest was judged under, and never over an open one', () => {
    const s = series(70, 65, 55);
    expect(rejudgedEpisode(null, { dropPoints: 15, below: 60 }, { dropPoints: 15, below: 60 }, s, AT, 'acc')).toBeNull();
    expect(rejudgedEpisode(null, { dropPoints: 15, below: 40 }, { dropPoints: 15, below: 60 }, s, AT, 'acc')).toEqual({ key: `health-drop:acc:${AT}`, from: 65, to: 55, at: AT });
    expect(rejudgedEpisode(null, undefined, { dropPoints: 15, below: 60 }, s, AT, 'acc')).toMatchObject({ from: 65 });
    expect(rejudgedEpisode(null, undefined, { dropPoints: 15, below: 60 }, undefined, AT, 'acc')).toBeNull();
    const open = { key: 'k', from: 90, to: 70, at: AT };
    expect(rejudgedEpisode(open, { dropPoints: 15, below: 40 }, { dropPoints: 15, below: 60 }, s, AT, 'acc')).toBe(open);
  });
});

describe('the stalled rule over the stored milestones', () => {
  const onboarding = {
    status: 'active' as const,
    milestones: [
      { id: 'a', name: 'Kickoff', status: 'completed' as const, dueDate: '2026-11-20', completedAt: '2026-11-27T09:00:00.000Z' },
      { id: 'b', name: 'Data migration', status: 'in_progress' as const, dueDate: '2027-01-30', completedAt: null },
    ],
  };
  const read = csDigest('2026-12-02T08:00:00.000Z', null, onboarding, [], { noProgressDays: 14 });

  it('keeps every milestone, so a changed noProgressDays or grace is judged without reading the CS system', () => {
    expect(read.onboarding).toMatchObject({ stalled: null, checkBy: '2026-12-12' });
    expect(csInputsMissing(read)).toBe(false);
    expect(judgeOnboarding(read.onboarding!, '2026-12-02', { noProgressDays: 3 })).toMatchObject({
      stalled: { id: 'b', reason: 'no_progress', lastProgress: '2026-11-27' },
      checkBy: '2026-12-01',
    });
    expect(judgeOnboarding(read.onboarding!, '2026-12-02', { noProgressDays: 7 })).toMatchObject({ stalled: null, checkBy: '2026-12-05' });
    expect(judgeOnboarding(read.onboarding!, '2027-02-01', { pastDueGraceDays: 5 })).toMatchObject({ stalled: null, checkBy: '2027-02-05' });
    expect(judgeOnboarding(read.onboarding!, '2027-02-05', { pastDueGraceDays: 5 })).toMatchObject({ stalled: { id: 'b', reason: 'past_due' } });
  });

  it('leaves a digest stored before the milestones were kept as it is, and says its inputs are missing', () => {
    const { milestones: _m, ...old } = read.onboarding!;
    const stale = { ...old, stalled: null, checkBy: null };
    expect(judgeOnboarding(stale, '2027-02-05', { noProgressDays: 1 })).toBe(stale);
    expect(csInputsMissing({ ...read, onboarding: stale })).toBe(true);
    expect(csInputsMissing({ ...read, health: { score: 50, trend: 'flat', asOf: '2026-12-02' } })).toBe(true);
  });
});
