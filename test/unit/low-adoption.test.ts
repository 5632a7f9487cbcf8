/**
 * The low-adoption trigger of the health-drop automation: off by default; with a threshold, the
 * named health category's score under it opens one episode that stays open (however many readings
 * follow, even lower ones) until the score is back at or above the threshold; a reading without
 * that category says nothing; the CS digest keeps the categories the rule reads; the console's
 * sentence names the category and the threshold.
 */
import { describe, expect, it } from 'vitest';
import { csDigest } from '../../worker/policies/account-facts/index.js';
import { AutomationPolicySchema, DEFAULT_AUTOMATION_POLICY, adoptionEpisode, describeAutomations } from '../../worker/policies/automations/index.js';

const AT = '2026-12-02T10:00:00.000Z';
const LATER = '2026-12-03T10:00:00.000Z';
const on = { adoptionSignal: 'productUsage', adoptionBelow: 30 };

describe('low adoption', () => {
  it('is off by default, watching productUsage once a threshold is set; a wrong threshold is refused with its path', () => {
    expect(DEFAULT_AUTOMATION_POLICY.healthDrop).toMatchObject({ adoptionSignal: 'productUsage', adoptionBelow: 0 });
    expect(adoptionEpisode(null, { productUsage: 5 }, AT, 'acc_1', DEFAULT_AUTOMATION_POLICY.healthDrop)).toBeNull();
    const issues = (body: unknown) => AutomationPolicySchema.safeParse(body).error?.issues.map((i) => [i.path.join('.'), i.code]);
    expect(issues({ healthDrop: { adoptionBelow: 101 } })).toEqual([['healthDrop.adoptionBelow', 'too_big']]);
    expect(issues({ healthDrop: { adoptionSignal: ' ' } })).toEqual([['healthDrop.adoptionSignal', 'too_small']]);
  });

  it('opens one episode while the category is under the threshold, and closes it once it is back', () => {
    const opened = adoptionEpisode(null, { productUsage: 22, support: 80 }, AT, 'acc_1', on);
    expect(opened).toEqual({ key: `low-adoption:acc_1:${AT}`, signal: 'productUsage', score: 22, below: 30, at: AT });
    // Lower still, or a little better but under: the same episode (one task).
    expect(adoptionEpisode(opened, { productUsage: 10 }, LATER, 'acc_1', on)).toBe(opened);
    expect(adoptionEpisode(opened, { productUsage: 29.9 }, LATER, 'acc_1', on)).toBe(opened);
    expect(adoptionEpisode(opened, { productUsage: 30 }, LATER, 'acc_1', on)).toBeNull();
    expect(adoptionEpisode(null, { productUsage: 30 }, AT, 'acc_1', on)).toBeNull();
  });

  it('a reading without the category, or without a CS read, keeps what was open', () => {
    const opened = adoptionEpisode(null, { productUsage: 22 }, AT, 'acc_1', on)!;
    expect(adoptionEpisode(opened, { support: 90 }, LATER, 'acc_1', on)).toBe(opened);
    expect(adoptionEpisode(opened, undefined, LATER, 'acc_1', on)).toBe(opened);
    expect(adoptionEpisode(null, {}, AT, 'acc_1', on)).toBeNull();
    // The tenant's own category name.
    expect(adoptionEpisode(null, { productUsage: 90, adoption: 12 }, AT, 'acc_1', { adoptionSignal: 'adoption', adoptionBelow: 20 })).toMatchObject({ signal: 'adoption', score: 12 });
  });

  it('the CS digest keeps each health category by name', () => {
    const digest = csDigest(AT, { score: 61, trend: 'down', asOf: '2026-12-02', history: [], signals: [{ name: 'productUsage', score: 22 }, { name: 'support', score: 75 }] }, null, []);
    expect(digest.health).toEqual({ score: 61, trend: 'down', asOf: '2026-12-02', signals: { productUsage: 22, support: 75 }, history: [] });
  });

  it('the console sentence names the category and the threshold only when it is on', () => {
    const billing = { releaseOnGoLive: false, goLive: 'Go-live' };
    const health = (p: unknown) => describeAutomations(AutomationPolicySchema.parse({ healthDrop: p }), billing).find((a) => a.key === 'health-drop')!;
    expect(health({}).when).toBe('The health score falls by 15 points or more between two readings, or to below 40');
    expect(health({ adoptionBelow: 30 }).when).toBe('The health score falls by 15 points or more between two readings, or to below 40; or adoption is low: its productUsage part is below 30');
    expect(health({ adoptionBelow: 30 }).does).toBe('Files one support review task on each CRM record per episode (until the score is back where it fell from, or productUsage back at 30 or more)');
  });
});
