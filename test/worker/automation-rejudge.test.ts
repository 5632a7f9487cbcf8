/**
 * Saving the automation policy judges every account again from the inputs its digest keeps, inside
 * workerd against a private sandbox estate whose Vitally requests are counted: a lowered
 * `noProgressDays` files the stalled-onboarding task of an account already quiet that long (and
 * sets the renewal hold the policy asks for), with no Vitally request; saved again it files
 * nothing; raised again it ends the stall and lifts the hold. A raised health `below` threshold
 * files one support review task for an account whose score series fell under it, from the stored
 * series, with no Vitally request, and never a second one.
 *
 * The accounts are linked directly and read once as the queue consumer reads a CS change
 * (`runAccountEffects`); everything after that is the policy save's re-judging (rejudge.ts).
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { seriesFall } from '../../worker/policies/automations/index.js';
import { automationEstate, type Linked } from './automation-helpers.js';
import { privateSandbox } from './sandbox-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    automationRejudgeSandboxUrl: string;
  }
}

const S = inject('automationRejudgeSandboxUrl');
const estate = automationEstate(S);
const vitally = privateSandbox(S, 'vitally');
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * An account whose onboarding has been quiet for five days in Vitally: its next milestone was the
 * last one completed (five days ago), the ones left are due in two months (a day apart, in order),
 * none is blocked. Read once, so its digest knows it.
 */
async function quietOnboarding(): Promise<Linked & { milestone: string }> {
  for (let tries = 0; tries < 40; tries++) {
    const a = await estate.linkedAccount(['hubspot', 'vitally']);
    const v = await estate.freshView(a.id);
    if (v.onboarding.state !== 'ok') continue;
    const ms = v.onboarding.data.milestones;
    const open = ms.filter((m) => m.status !== 'completed' && m.status !== 'skipped');
    const recent = ms.some((m) => m.status === 'completed' && m.completedAt && m.completedAt.slice(0, 10) > day(-5));
    if (open.length < 2 || open.some((m) => m.status === 'blocked') || recent) continue;
    await estate.putVitallyTask(open[0]!.id, { completedAt: `${day(-5)}T09:00:00.000Z` });
    // Due in two months, a day apart in their present order, so the next one is open[1] by its
    // due date (the onboarding section orders by due date; equal dates left the order to Vitally's list).
    for (const [i, m] of open.slice(1).entries()) await estate.putVitallyTask(m.id, { dueDate: day(60 + i) });
    await estate.changeEffects(a.id, { erp: false, cs: true });
    return { ...a, milestone: open[1]!.name };
  }
  throw new Error('no account with an onboarding of at least two open milestones, none blocked');
}

beforeAll(() => estate.setup());

describe('a policy save judges every account again from its stored inputs', () => {
  it('noProgressDays lowered files the stall task of an account already quiet that long, with no Vitally read; saved again, nothing; raised, the stall ends', async () => {
    await estate.putPolicy({ onboardingStalled: { noProgressDays: 14, hold: 'renewal' } });
    const a = await quietOnboarding();
    const company = a.records.hubspot!;
    const read = (await estate.state(a.id))!;
    expect(read.cs?.onboarding?.stalled).toBeNull();
    expect(read.onboardingEpisode).toBeUndefined();
    expect(await estate.companyProperty(company, 'concord_renewal_hold')).toBe('false');
    const stallTasks = () => estate.companyTasks(company).then((all) => all.filter((s) => s.startsWith(`Onboarding stalled: ${a.milestone}`)));
    const requests = (await vitally.counters()).requests;

    await estate.putPolicy({ onboardingStalled: { noProgressDays: 3, hold: 'renewal' } });
    const stalled = (await estate.state(a.id))!;
    expect(stalled.onboardingEpisode?.milestone).toMatchObject({ name: a.milestone, reason: 'no_progress', lastProgress: day(-5) });
    expect(stalled.cs?.fetchedAt, 'judged from the digest, not read again').toBe(read.cs?.fetchedAt);
    expect((await vitally.counters()).requests, 'no Vitally request').toBe(requests);
    expect(await stallTasks()).toHaveLength(1);
    expect(await estate.companyProperty(company, 'concord_renewal_hold')).toBe('true');
    expect(await estate.history(a.id)).toContain(`Onboarding task raised in the CRM: ${a.milestone} has not moved since ${day(-5)}`);

    // Saved again: the same episode, no second task.
    await estate.putPolicy({ onboardingStalled: { noProgressDays: 3, hold: 'renewal' } });
    expect((await estate.state(a.id))?.onboardingEpisode?.key).toBe(stalled.onboardingEpisode!.key);
    expect(await stallTasks()).toHaveLength(1);

    // Raised past the quiet days: no longer stalled, so the episode ends and the hold is lifted;
    // the due-date sweep looks again on the day the new threshold runs out.
    await estate.putPolicy({ onboardingStalled: { noProgressDays: 7, hold: 'renewal' } });
    const ended = (await estate.state(a.id))!;
    expect(ended.onboardingEpisode).toBeUndefined();
    expect(ended.cs?.onboarding).toMatchObject({ stalled: null, checkBy: day(3) });
    expect(await estate.companyProperty(company, 'concord_renewal_hold')).toBe('false');
    expect(await estate.history(a.id)).toContain('Renewal automation hold lifted in the CRM: onboarding is no longer stalled');
    expect(await stallTasks()).toHaveLength(1);
    expect((await vitally.counters()).requests, 'still no Vitally request').toBe(requests);
    await estate.putPolicy({});
  });

  it('a raised health `below` threshold files one support review for an account whose score series fell under it, with no Vitally read, and never a second', async () => {
    await estate.putPolicy({});
    // An account scored 55 today whose Vitally series was at 60 or more the week before (so it
    // fell under 60) without a fall the default policy acts on: read once, no episode.
    let found: (Linked & { from: number }) | null = null;
    for (let tries = 0; tries < 40 && !found; tries++) {
      const a = await estate.linkedAccount(['hubspot', 'vitally']);
      await estate.setHealth(a.records.vitally!, 55);
      await estate.changeEffects(a.id, { erp: false, cs: true });
      const s = (await estate.state(a.id))!;
      const series = s.cs?.health?.history ?? [];
      if (s.healthEpisode || series.length < 2 || series.at(-2)!.score < 60 || series.at(-2)!.score - 55 >= 15) continue;
      found = { ...a, from: seriesFall(series, { dropPoints: 15, below: 60 })!.from };
    }
    expect(found, 'an account whose health series was at 60 or more before today').not.toBeNull();
    const a = found!;
    const reviews = () => estate.companyTasks(a.records.hubspot!).then((all) => all.filter((s) => s.startsWith('Support review: health fell')));
    expect(await reviews()).toEqual([]);
    const requests = (await vitally.counters()).requests;

    await estate.putPolicy({ healthDrop: { below: 60 } });
    const judged = (await estate.state(a.id))!;
    expect(judged.healthEpisode).toMatchObject({ from: a.from, to: 55 });
    expect((await vitally.counters()).requests, 'no Vitally request').toBe(requests);
    expect(await reviews()).toEqual([expect.stringMatching(new RegExp(`^Support review: health fell from ${Math.round(a.from)} to 55 `))]);
    expect(await estate.history(a.id)).toContain(`Support review task raised in the CRM: health fell from ${Math.round(a.from)} to 55`);

    // Saved again, and with yet another threshold the account is also under: the episode is open, no second task.
    await estate.putPolicy({ healthDrop: { below: 60 } });
    await estate.putPolicy({ healthDrop: { below: 65 } });
    expect((await estate.state(a.id))?.healthEpisode?.key).toBe(judged.healthEpisode!.key);
    expect(await reviews()).toHaveLength(1);
    await estate.putPolicy({});
  });
});
