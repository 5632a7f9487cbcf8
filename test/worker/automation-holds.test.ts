/**
 * What a stalled onboarding holds, inside workerd against a private sandbox estate: with the
 * tenant's policy `onboardingStalled.hold: 'billing'`, a milestone falling past due sets the
 * customer's approved NetSuite sales orders back to Pending Approval once (a second change holds
 * nothing more), and moving the due date out again approves them again; with `hold: 'renewal'`
 * the renewal hold property on the HubSpot company is set while the stall lasts and cleared when it
 * ends. Each step is a line in the account's history, and the stall's task is filed once.
 *
 * The pipeline runs as the queue consumer runs it for a batch (`runAccountEffects` on accounts a CS
 * change marked); the accounts are linked directly (no identity sync: its cost buys nothing here).
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { AccountView } from '../../worker/model/index.js';
import type { AccountState } from '../../worker/policies/account-facts/index.js';
import { loadStates } from '../../worker/storage/account-changes.js';
import type { System } from '../../worker/storage/connections.js';
import { insertAccount, insertLink } from '../../worker/storage/identity.js';
import { automationEstate, type Truth } from './automation-helpers.js';
import { api } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    automationHoldsSandboxUrl: string;
  }
}

const S = inject('automationHoldsSandboxUrl');
const TENANT = 'demo';
const estate = automationEstate(S, TENANT);
const { sandboxToken, putPolicy, companyTasks, companyProperty } = estate;

let next = 0;

/** Runs the account's change effects as the consumer does after a CS change marked it. */
const csChange = (accountId: string) => estate.changeEffects(accountId, { erp: false, cs: true });

async function suiteql(q: string): Promise<Record<string, string>[]> {
  const res = await fetch(`${S}/netsuite/services/rest/query/v1/suiteql?limit=1000`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sandboxToken('netsuite')}`, 'content-type': 'application/json', prefer: 'transient' },
    body: JSON.stringify({ q }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { items: Record<string, string>[] }).items;
}

const moveDueDate = (taskId: string, dueDate: string) => estate.putVitallyTask(taskId, { dueDate });

/** The account's view as the card asks for it (from the cache unless `refresh`). */
async function view(accountId: string, refresh = false): Promise<AccountView> {
  const res = await api(`/v1/tenants/${TENANT}/accounts/${accountId}/view${refresh ? '?refresh=1' : ''}`, { key: estate.key() });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AccountView;
}

/** The account's history lines, oldest first. */
const history = async (accountId: string) => (await estate.history(accountId)).reverse();

interface Candidate {
  id: string;
  records: Partial<Record<System, string>>;
  /** An open milestone with a due date ahead, nothing stalled yet. */
  milestone: { id: string; name: string; dueDate: string };
}

/**
 * The next truth customer with records in `systems` (and `fits`), linked as a new account whose
 * onboarding is not stalled and has an open milestone due later: the one the test makes late.
 */
async function onboardingAccount(systems: System[], fits: (t: Truth) => boolean): Promise<Candidate> {
  const idOf = (t: Truth, s: System) => ({ hubspot: t.hubspotCompanyIds, netsuite: t.netsuiteCustomerIds, vitally: t.vitallyAccountIds })[s as 'hubspot']?.[0];
  while (next < estate.truth().length) {
    const t = estate.truth()[next++]!;
    if (!systems.every((s) => idOf(t, s)) || !fits(t)) continue;
    const id = `acc_${next.toString(16).padStart(32, '0')}`;
    const records = Object.fromEntries(systems.map((s) => [s, idOf(t, s)!]));
    await env.DB.batch([insertAccount(env.DB, TENANT, id, t.key), ...systems.map((s) => insertLink(env.DB, TENANT, id, { system: s, externalId: records[s]!, rule: 'manual', isPrimary: true }))]);
    await csChange(id);
    const cs = (await loadStates<AccountState>(env.DB, TENANT, [id])).get(id)?.state.cs;
    if (!cs?.onboarding || cs.onboarding.stalled) continue;
    const v = await estate.freshView(id);
    const open = v.onboarding.state === 'ok' ? v.onboarding.data.milestones.filter((m) => m.status !== 'completed' && m.status !== 'skipped' && m.status !== 'blocked' && m.dueDate) : [];
    const first = open.sort((x, y) => x.dueDate!.localeCompare(y.dueDate!))[0];
    if (first) return { id, records, milestone: { id: first.id, name: first.name, dueDate: first.dueDate! } };
  }
  throw new Error('no customer left with an onboarding milestone due later in ' + systems.join(', '));
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(() => estate.setup());

describe('a stalled onboarding holds what the tenant’s policy says', () => {
  it('billing: the customer’s approved sales orders go back to Pending Approval once per stall, and are approved again when it ends', async () => {
    await putPolicy({ onboardingStalled: { hold: 'billing' } });
    // Customers with an approved order NetSuite has not fulfilled or billed yet (Pending Fulfillment).
    const open = await suiteql("SELECT id, tranid, entity FROM transaction WHERE type = 'SalesOrd' AND status = 'B'");
    const withOrders = new Set(open.map((r) => String(r.entity)));
    const a = await onboardingAccount(['hubspot', 'netsuite', 'vitally'], (t) => withOrders.has(t.netsuiteCustomerIds[0]!));
    const customer = a.records.netsuite!;
    const orders = open.filter((r) => String(r.entity) === customer).map((r) => String(r.id));
    expect(orders.length).toBeGreaterThan(0);
    const statusOf = async () => new Map((await suiteql(`SELECT id, status FROM transaction WHERE type = 'SalesOrd' AND entity = ${customer}`)).map((r) => [String(r.id), r.status]));
    const stallTasks = () => companyTasks(a.records.hubspot!).then((all) => all.filter((s) => s.startsWith(`Onboarding stalled: ${a.milestone.name}`)));

    // Not stalled yet: nothing held.
    for (const id of orders) expect((await statusOf()).get(id)).toBe('B');

    await moveDueDate(a.milestone.id, day(-1));
    await csChange(a.id);
    const state = (await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state;
    expect(state.onboardingEpisode?.milestone).toMatchObject({ id: a.milestone.id, reason: 'past_due' });
    let statuses = await statusOf();
    for (const id of orders) expect(statuses.get(id), `order ${id} held`).toBe('A');
    const held = (await history(a.id)).filter((l) => l.startsWith('Billing held in NetSuite'));
    expect(held).toHaveLength(orders.length);
    expect(held[0]).toMatch(new RegExp(`set back to pending approval \\(onboarding stalled: ${a.milestone.name}\\)$`));
    expect(await stallTasks()).toHaveLength(1);

    // Another change during the same stall holds nothing more and files no second task.
    await csChange(a.id);
    expect((await history(a.id)).filter((l) => l.startsWith('Billing held in NetSuite'))).toHaveLength(orders.length);
    expect(await stallTasks()).toHaveLength(1);

    // The milestone gets a new date: the stall is over and the orders are approved again.
    await moveDueDate(a.milestone.id, day(30));
    await csChange(a.id);
    expect((await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state.onboardingEpisode).toBeUndefined();
    statuses = await statusOf();
    for (const id of orders) expect(statuses.get(id), `order ${id} released`).toBe('B');
    expect((await history(a.id)).filter((l) => l.startsWith('Billing hold lifted in NetSuite'))).toHaveLength(orders.length);
    await putPolicy({});
  });

  it('turning the automation on files the task for an account already stalled, with no vendor change and no CS read; again, nothing more', async () => {
    await putPolicy({ onboardingStalled: { enabled: false } });
    const a = await onboardingAccount(['hubspot', 'vitally'], () => true);
    await moveDueDate(a.milestone.id, day(-1));
    await csChange(a.id);
    // Stalled in the digest, but the automation is off: no episode, no task.
    const off = (await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state;
    expect(off.cs?.onboarding?.stalled).toMatchObject({ id: a.milestone.id, reason: 'past_due' });
    expect(off.onboardingEpisode).toBeUndefined();
    const stallTasks = () => companyTasks(a.records.hubspot!).then((all) => all.filter((s) => s.startsWith(`Onboarding stalled: ${a.milestone.name}`)));
    expect(await stallTasks()).toEqual([]);

    // Only the policy changes: the account is judged again from its stored digest.
    await putPolicy({});
    const on = (await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state;
    expect(on.onboardingEpisode?.milestone.id).toBe(a.milestone.id);
    expect(on.cs?.fetchedAt, 'judged from the digest, not read again').toBe(off.cs?.fetchedAt);
    expect(await stallTasks()).toHaveLength(1);
    expect(await history(a.id)).toContain(`Onboarding task raised in the CRM: ${a.milestone.name} is past due (${day(-1)})`);

    // Saved again: the episode already has its task.
    await putPolicy({});
    expect((await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)!.state.onboardingEpisode?.key).toBe(on.onboardingEpisode!.key);
    expect(await stallTasks()).toHaveLength(1);
  });

  it('renewal: the renewal hold property is set on the HubSpot company while the stall lasts and cleared when it ends', async () => {
    await putPolicy({ onboardingStalled: { hold: 'renewal' } });
    const a = await onboardingAccount(['hubspot', 'vitally'], () => true);
    const company = a.records.hubspot!;
    expect(await companyProperty(company, 'concord_renewal_hold')).toBe('false');
    // The view says what the property says: not on hold (the policy holds renewals, nothing stalled).
    expect((await view(a.id)).renewalHold).toEqual({ onHold: false, milestone: null, reason: null, dueDate: null, since: null });

    await moveDueDate(a.milestone.id, day(-1));
    await csChange(a.id);
    expect(await companyProperty(company, 'concord_renewal_hold')).toBe('true');
    expect(await history(a.id)).toContain(`Renewal automation hold set in the CRM: onboarding stalled on ${a.milestone.name}`);
    // Served from the cache the change left (no refresh): on hold, with the milestone and the stall's start as the digest keeps them.
    const episode = (await loadStates<AccountState>(env.DB, TENANT, [a.id])).get(a.id)?.state.onboardingEpisode;
    expect((await view(a.id)).renewalHold).toEqual({ onHold: true, milestone: a.milestone.name, reason: 'past_due', dueDate: day(-1), since: episode!.at });

    await moveDueDate(a.milestone.id, day(30));
    await csChange(a.id);
    expect(await companyProperty(company, 'concord_renewal_hold')).toBe('false');
    expect(await history(a.id)).toContain('Renewal automation hold lifted in the CRM: onboarding is no longer stalled');
    expect((await view(a.id)).renewalHold).toMatchObject({ onHold: false });

    // A policy that holds no renewals: the view claims nothing about it.
    await putPolicy({});
    expect((await view(a.id, true)).renewalHold).toBeNull();
  });
});
