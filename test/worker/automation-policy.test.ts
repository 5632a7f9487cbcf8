/**
 * The tenant's automation policy changes what the change pipeline and the account view do, inside
 * workerd against a private sandbox estate (its Vitally scores are set and its HubSpot companies get
 * tasks): the same 20-point health fall files a support review task on the HubSpot company under
 * the default policy and none with `dropPoints` 25; a finance hold threshold lowered by `PUT
 * /ops/automations` puts an account on hold in the view and on its HubSpot company, and the finance
 * hold switched off leaves the view with no verdict; with a low-adoption threshold set, the health
 * score's productUsage category under it files one support review task per episode.
 *
 * The pipeline runs as the queue consumer runs it for a batch (`runAccountEffects` on accounts an
 * ERP/CS change marked); the accounts are linked directly (no identity sync: its cost buys nothing here).
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import { dueSweep } from '../../worker/flows/account-changes/due-sweep.js';
import { createLogger } from '../../worker/ops/log.js';
import type { AccountState } from '../../worker/policies/account-facts/index.js';
import { loadStates, saveStateStatements } from '../../worker/storage/account-changes.js';
import { automationEstate, type Linked } from './automation-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    automationPolicySandboxUrl: string;
  }
}

const S = inject('automationPolicySandboxUrl');
const TENANT = 'demo';
const brokerEnv = env as unknown as Env;
const log = createLogger('error');
const estate = automationEstate(S, TENANT);
const { linkedAccount, putPolicy, changeEffects, setHealth, companyTasks, companyProperty, history, freshView } = estate;

/** A health fall from 80 to 60 as the pipeline sees it: 80 was the last reading, Vitally now says 60. */
async function healthFall(): Promise<{ id: string; company: string }> {
  const a = await linkedAccount(['hubspot', 'vitally']);
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const before: AccountState = { v: 1, cs: { fetchedAt: at, health: { score: 80, trend: 'flat', asOf: at.slice(0, 10) }, onboarding: null, escalations: [] } };
  await env.DB.batch(await saveStateStatements(env.DB, { tenantId: TENANT, accountId: a.id, previous: 0, state: before, history: [], actor: 'test', correlationId: 'seed' }));
  await setHealth(a.records.vitally!, 60);
  return { id: a.id, company: a.records.hubspot! };
}

beforeAll(() => estate.setup());

describe('the tenant policy decides what the change pipeline does', () => {
  it('a 20-point health fall files a support review task under the defaults, and none with dropPoints raised to 25', async () => {
    await putPolicy({ healthDrop: { dropPoints: 25 } });
    const quiet = await healthFall();
    await changeEffects(quiet.id, { erp: false, cs: true });
    const quietState = (await loadStates<AccountState>(env.DB, TENANT, [quiet.id])).get(quiet.id)!.state;
    expect(quietState.cs?.health?.score).toBe(60);
    expect(quietState.healthEpisode).toBeUndefined();
    expect((await companyTasks(quiet.company)).filter((s) => s.startsWith('Support review'))).toEqual([]);

    await putPolicy({});
    const loud = await healthFall();
    await changeEffects(loud.id, { erp: false, cs: true });
    expect((await loadStates<AccountState>(env.DB, TENANT, [loud.id])).get(loud.id)!.state.healthEpisode).toMatchObject({ from: 80, to: 60 });
    expect((await companyTasks(loud.company)).filter((s) => s.startsWith('Support review'))).toEqual([expect.stringMatching(/^Support review: health fell from 80 to 60 /)]);
  });

  it('with the health drop switched off the same fall opens no episode and files no task', async () => {
    await putPolicy({ healthDrop: { enabled: false } });
    const off = await healthFall();
    await changeEffects(off.id, { erp: false, cs: true });
    expect((await loadStates<AccountState>(env.DB, TENANT, [off.id])).get(off.id)!.state.healthEpisode).toBeUndefined();
    expect((await companyTasks(off.company)).filter((s) => s.startsWith('Support review'))).toEqual([]);
    await putPolicy({});
  });

  it('a lowered finance hold threshold puts the account on hold in the view and on its HubSpot company; switched off, the view has no verdict', async () => {
    await putPolicy({});
    // A customer with some undisputed balance overdue but not on hold under the defaults (over 60 days, from 1,000).
    let account: Linked | null = null;
    let overdue = 0;
    for (let tries = 0; tries < 40 && !account; tries++) {
      const a = await linkedAccount(['hubspot', 'netsuite']);
      const v = await freshView(a.id);
      const invoices = v.receivables.state === 'ok' ? v.receivables.data.openInvoices : [];
      overdue = invoices.filter((i) => !i.disputed && i.daysOverdue > 0).reduce((sum, i) => sum + i.balance, 0);
      if (overdue > 0 && v.financeHold?.onHold === false) account = a;
    }
    expect(account, 'a customer with an overdue balance under the default hold').not.toBeNull();
    const a = account!;
    expect((await freshView(a.id)).financeHold).toMatchObject({ onHold: false, overdueDays: 60, minAmount: 1000 });

    await putPolicy({ financeHold: { overdueDays: 0, minAmount: 0.01 } });
    const held = (await freshView(a.id)).financeHold!;
    expect(held).toMatchObject({ onHold: true, overdueDays: 0, minAmount: 0.01 });
    expect(held.amount).toBeCloseTo(overdue, 2);
    await changeEffects(a.id, { erp: true, cs: false });
    expect(await companyProperty(a.records.hubspot!, 'concord_finance_hold')).toBe('true');
    expect((await history(a.id)).filter((l) => l.startsWith('Finance hold set'))).toEqual([expect.stringMatching(/ overdue for more than 0 days$/)]);

    await putPolicy({ financeHold: { enabled: false, overdueDays: 0, minAmount: 0.01 } });
    expect((await freshView(a.id)).financeHold).toBeNull();
    // Off: Concord holds no account; the hold it set is lifted with the account's next change.
    await changeEffects(a.id, { erp: true, cs: false });
    expect(await companyProperty(a.records.hubspot!, 'concord_finance_hold')).toBe('false');
    expect(await history(a.id)).toContain('Finance hold lifted: the finance hold automation is switched off');
    await putPolicy({});
  });
});

describe('low adoption', () => {
  it('files one support review task per episode: not per reading while it stays low, again once it recovered and fell again', async () => {
    await putPolicy({ healthDrop: { adoptionBelow: 30 } });
    const a = await linkedAccount(['hubspot', 'vitally']);
    const at = new Date(Date.now() - 3_600_000).toISOString();
    // The score itself stays at 60 throughout: only adoption moves, so no health-drop episode opens.
    const before: AccountState = { v: 1, cs: { fetchedAt: at, health: { score: 60, trend: 'flat', asOf: at.slice(0, 10), signals: { productUsage: 70 } }, onboarding: null, escalations: [] } };
    await env.DB.batch(await saveStateStatements(env.DB, { tenantId: TENANT, accountId: a.id, previous: 0, state: before, history: [], actor: 'test', correlationId: 'seed-adoption' }));
    const adoptionTasks = () => companyTasks(a.records.hubspot!).then((all) => all.filter((s) => s.startsWith('Support review: low adoption')));

    await setHealth(a.records.vitally!, 60, { productUsage: 20, support: 80 });
    await changeEffects(a.id, { erp: false, cs: true });
    const state = (await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state;
    expect(state.adoptionEpisode).toMatchObject({ signal: 'productUsage', score: 20, below: 30 });
    expect(state.healthEpisode).toBeUndefined();
    expect(await adoptionTasks()).toEqual([expect.stringMatching(/^Support review: low adoption, productUsage 20 \(below 30\) /)]);
    expect(await history(a.id)).toContain('Support review task raised in the CRM: low adoption, productUsage 20 (below 30)');

    // Lower still: the same episode, no second task.
    await setHealth(a.records.vitally!, 60, { productUsage: 10, support: 80 });
    await changeEffects(a.id, { erp: false, cs: true });
    expect(await adoptionTasks()).toHaveLength(1);

    // Back above the threshold: the episode closes; falling again is a new episode with its own task.
    await setHealth(a.records.vitally!, 60, { productUsage: 50, support: 80 });
    await changeEffects(a.id, { erp: false, cs: true });
    expect((await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state.adoptionEpisode).toBeUndefined();
    await setHealth(a.records.vitally!, 60, { productUsage: 25, support: 80 });
    await changeEffects(a.id, { erp: false, cs: true });
    expect((await adoptionTasks()).sort()).toEqual([expect.stringMatching(/productUsage 20 /), expect.stringMatching(/productUsage 25 /)].sort());
    await putPolicy({});
  });

  it('files nothing under the default policy (off)', async () => {
    await putPolicy({});
    const a = await linkedAccount(['hubspot', 'vitally']);
    await setHealth(a.records.vitally!, 60, { productUsage: 5 });
    await changeEffects(a.id, { erp: false, cs: true });
    expect((await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state.adoptionEpisode).toBeUndefined();
    expect((await companyTasks(a.records.hubspot!)).filter((s) => s.startsWith('Support review: low adoption'))).toEqual([]);
  });
});

describe('onboarding that falls due with nothing happening', () => {
  it('is read again by the poll\'s due-date sweep, which files the stalled-onboarding task once; not with the automation switched off', async () => {
    await putPolicy({});
    // An account whose onboarding has a milestone not done, with a due date, and nothing stalled yet.
    let found: { id: string; company: string; vitally: string; milestone: { id: string; name: string } } | null = null;
    for (let tries = 0; tries < 40 && !found; tries++) {
      const a = await linkedAccount(['hubspot', 'vitally']);
      await changeEffects(a.id, { erp: false, cs: true });
      const cs = (await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)?.state.cs;
      if (!cs?.onboarding || cs.onboarding.stalled || !cs.onboarding.checkBy) continue;
      const v = await freshView(a.id);
      const open = v.onboarding.state === 'ok' ? v.onboarding.data.milestones.filter((m) => m.status !== 'completed' && m.status !== 'skipped' && m.status !== 'blocked' && m.dueDate) : [];
      const first = open.sort((x, y) => x.dueDate!.localeCompare(y.dueDate!))[0];
      if (first) found = { id: a.id, company: a.records.hubspot!, vitally: a.records.vitally!, milestone: { id: first.id, name: first.name } };
    }
    expect(found, 'an account with an onboarding milestone due later').not.toBeNull();
    const f = found!;
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

    // A day passes: the milestone was due yesterday and is still not done. The clock cannot be
    // moved here, so the milestone's due date becomes yesterday in Vitally, and the account's
    // digest is put back to what a read yesterday would have stored (due yesterday, not stalled,
    // stalled from today on if nothing changes). Any run of its effects would now judge it stalled
    // from those stored milestones; with none, the sweep is what looks at it.
    await estate.putVitallyTask(f.milestone.id, { dueDate: yesterday });
    const yesterdaysRead = async (correlationId: string) => {
      const stored = (await loadStates<AccountState>(env.DB, TENANT, [f.id])).get(f.id)!;
      const onboarding = stored.state.cs!.onboarding!;
      const milestones = onboarding.milestones!.map((m) => (m.id === f.milestone.id ? { ...m, dueDate: yesterday } : m));
      const { onboardingEpisode: _episode, ...rest } = stored.state;
      const before: AccountState = { ...rest, cs: { ...stored.state.cs!, fetchedAt: `${yesterday}T12:00:00.000Z`, onboarding: { ...onboarding, milestones, stalled: null, checkBy: today } } };
      await env.DB.batch(await saveStateStatements(env.DB, { tenantId: TENANT, accountId: f.id, previous: stored.version, state: before, history: [], actor: 'test', correlationId }));
    };
    await yesterdaysRead('seed-due');

    expect(await dueSweep(brokerEnv, TENANT, log, 'due-sweep-1')).toContain(f.id);
    const after = (await loadStates<AccountState>(env.DB, TENANT, [f.id])).get(f.id)!.state;
    expect(after.cs?.fetchedAt.slice(0, 10)).toBe(today);
    expect(after.cs?.onboarding?.stalled).toMatchObject({ id: f.milestone.id, reason: 'past_due' });
    expect(after.onboardingEpisode?.milestone.id).toBe(f.milestone.id);
    const stalledTasks = () => companyTasks(f.company).then((all) => all.filter((s) => s.startsWith(`Onboarding stalled: ${f.milestone.name}`)));
    expect(await stalledTasks()).toHaveLength(1);

    // Read today and stalled: the next minute's sweep leaves it alone, and no second task is filed.
    expect(await dueSweep(brokerEnv, TENANT, log, 'due-sweep-2')).not.toContain(f.id);
    expect(await stalledTasks()).toHaveLength(1);

    // Switched off: the sweep reads nothing.
    await putPolicy({ onboardingStalled: { enabled: false } });
    await yesterdaysRead('seed-due-off');
    expect(await dueSweep(brokerEnv, TENANT, log, 'due-sweep-off')).not.toContain(f.id);
  });
});
