/** The health-drop automation: one episode per fall, closed once the score has recovered. */
import { describe, expect, it } from 'vitest';
import { healthEpisode } from '../../worker/policies/automations/index.js';

const AT = '2026-12-02T10:00:00.000Z';

describe('health-drop episodes', () => {
  it('opens on a fall of 15 points or below 40, not on a smaller move', () => {
    expect(healthEpisode(null, 62, 41, AT, 'acc_1')).toEqual({ key: `health-drop:acc_1:${AT}`, from: 62, to: 41, at: AT });
    expect(healthEpisode(null, 45, 38, AT, 'acc_1')).toMatchObject({ from: 45, to: 38 });
    expect(healthEpisode(null, 62, 50, AT, 'acc_1')).toBeNull();
    expect(healthEpisode(null, 30, 25, AT, 'acc_1')).toBeNull();
    expect(healthEpisode(null, null, 20, AT, 'acc_1')).toBeNull();
  });

  it('keeps the open episode through further drops, and closes it once the score is back', () => {
    const open = healthEpisode(null, 62, 41, AT, 'acc_1')!;
    expect(healthEpisode(open, 41, 20, '2026-12-03T10:00:00.000Z', 'acc_1')).toBe(open);
    expect(healthEpisode(open, 20, 61, '2026-12-04T10:00:00.000Z', 'acc_1')).toBe(open);
    expect(healthEpisode(open, 61, 62, '2026-12-05T10:00:00.000Z', 'acc_1')).toBeNull();
    // No reading: nothing changes.
    expect(healthEpisode(open, 41, null, AT, 'acc_1')).toBe(open);
  });
});
