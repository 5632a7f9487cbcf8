/**
 * Issue 13: a ratio of two p95s from 50 samples each moved by 0.25–0.7 between back-to-back runs,
 * so the benches print a bootstrap interval next to each ratio they judge (bench/lib/stats.ts).
 */
import { describe, expect, it } from 'vitest';
import { intervalVerdict, ratioInterval } from '../../bench/lib/stats.js';

const spread = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('the ratio interval', () => {
  it('is one point when neither side varies', () => {
    expect(ratioInterval(Array(50).fill(20), Array(50).fill(10))).toEqual([2, 2]);
  });

  it('holds the run\'s own ratio, and widens with fewer samples', () => {
    const a = spread(50, 10, 30);
    const b = spread(50, 8, 16);
    const [low, high] = ratioInterval(a, b);
    const own = a.sort((x, y) => x - y)[47]! / b.sort((x, y) => x - y)[47]!;
    expect(low).toBeLessThanOrEqual(own);
    expect(high).toBeGreaterThanOrEqual(own);
    const [fewLow, fewHigh] = ratioInterval(spread(10, 10, 30), spread(10, 8, 16));
    expect(fewHigh - fewLow).toBeGreaterThan(high - low);
  });

  it('is the same for the same samples (seeded)', () => {
    const a = spread(50, 5, 25);
    const b = spread(50, 4, 12);
    expect(ratioInterval(a, b)).toEqual(ratioInterval(a, b));
  });

  it('decides a target only when the whole interval is on one side', () => {
    expect(intervalVerdict([1.1, 1.25], 1.3)).toMatch(/: met whatever the resampling$/);
    expect(intervalVerdict([1.35, 1.9], 1.3)).toMatch(/: not met whatever the resampling$/);
    expect(intervalVerdict([1.2, 1.6], 1.3)).toMatch(/does not decide it$/);
  });
});
