/**
 * Billing waits for go-live, as `npm start` wires it: with the tenant's closed-won billing setting
 * on, a deal closed as won becomes a NetSuite sales order held Pending Approval; completing the
 * onboarding's other milestones in the sandbox Vitally leaves it held; completing "Go-live" (a
 * CSM's action, sent to the broker by Vitally's playbook webhook) makes the change pipeline
 * approve it in NetSuite and say so in the account's history. Exactly once: a further change of
 * the account releases nothing more.
 */
import { describe, expect, inject, it, onTestFinished } from 'vitest';

const broker = inject('brokerUrl');
const sandbox = inject('estateSandboxUrl');
const demoKey = inject('demoKey');

async function brokerJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${broker}${path}`, { ...init, headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls `read` until `done` holds or 60 s pass; answers the last value. */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 300));
    value = await read();
  }
  return value;
}

async function netsuiteOrder(externalId: string): Promise<{ id: string; tranId: string; orderStatus: { id: string; refName: string } }> {
  const tok = ((await (await fetch(`${sandbox}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor: 'netsuite', tenant: 'demo' }) })).json()) as { accessToken: string }).accessToken;
  const res = await fetch(`${sandbox}/netsuite/services/rest/record/v1/salesOrder/eid:${externalId}`, { headers: { authorization: `Bearer ${tok}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; tranId: string; orderStatus: { id: string; refName: string } };
}

interface Run {
  status: string;
  result: { accountId: string; orderId: string; orderNumber: string; csAccountId: string | null } | null;
}
interface Milestone {
  id: string;
  name: string;
  status: string;
}

const view = (accountId: string) =>
  brokerJson<{ onboarding: { state: string; data?: { milestones: Milestone[] } } }>(`/v1/tenants/demo/accounts/${accountId}/view?refresh=1`);

async function history(accountId: string): Promise<string[]> {
  const body = await brokerJson<{ items: { after: { summary?: string } | null }[] }>(`/v1/tenants/demo/audit?entityType=account&entityId=${accountId}`);
  return body.items.map((i) => i.after?.summary).filter((s): s is string => typeof s === 'string');
}

async function completeMilestone(id: string): Promise<void> {
  const res = await fetch(`${sandbox}/__sandbox/vitally/demo/tasks/${id}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(200);
}

describe('billing waits for go-live', () => {
  it('a closed-won order is held in NetSuite until its onboarding goes live in Vitally, then approved once', { timeout: 300_000 }, async () => {
    const settings = await brokerJson<Record<string, unknown>>('/v1/tenants/demo/flows/settings/closed-won');
    onTestFinished(async () => {
      await brokerJson('/v1/tenants/demo/flows/settings/closed-won', { method: 'PUT', body: JSON.stringify(settings) });
    });
    await brokerJson('/v1/tenants/demo/flows/settings/closed-won', { method: 'PUT', body: JSON.stringify({ ...settings, billing: { releaseOnGoLive: true, goLiveMilestone: 'go-live' } }) });

    // A deal closed as won the way /demo's button does it (HubSpot's webhook starts the run).
    const closed = await fetch(`${broker}/demo/closed-won`, { method: 'POST', headers: { origin: broker } });
    expect(closed.status).toBe(202);
    const { dealId, runId } = (await closed.json()) as { dealId: string; runId: string };
    const run = await until(
      () => brokerJson<Run>(`/v1/tenants/demo/flows/runs/${runId}`).catch(() => ({ status: 'unknown', result: null }) as Run),
      (r) => ['completed', 'blocked', 'failed'].includes(r.status),
      150_000,
    );
    expect(run.status).toBe('completed');
    const { accountId, orderNumber } = run.result!;
    expect(run.result!.csAccountId).not.toBeNull();

    // Held: Pending Approval, so NetSuite neither fulfils nor bills it.
    expect((await netsuiteOrder(`hubspot-deal-${dealId}`)).orderStatus).toEqual({ id: 'A', refName: 'Pending Approval' });

    // The onboarding Concord provisioned, as the account view shows it.
    const onboarding = await until(() => view(accountId), (v) => (v.onboarding.data?.milestones.length ?? 0) > 0);
    const milestones = onboarding.onboarding.data!.milestones;
    const goLive = milestones.find((m) => m.name === 'Go-live')!;
    const kickoff = milestones.find((m) => m.name === 'Kickoff')!;
    expect(goLive).toBeDefined();
    expect(kickoff).toBeDefined();
    expect(milestones.some((m) => m.name === 'Training')).toBe(true);

    // Another milestone completed: the change arrives (the view shows it), the order stays held.
    await completeMilestone(kickoff.id);
    await until(
      () => brokerJson<{ onboarding: { data?: { milestones: Milestone[] } } }>(`/v1/tenants/demo/accounts/${accountId}/view`),
      (v) => v.onboarding.data?.milestones.find((m) => m.id === kickoff.id)?.status === 'completed',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await netsuiteOrder(`hubspot-deal-${dealId}`)).orderStatus.id).toBe('A');

    // Go-live completed: the order is approved (Pending Fulfillment), and the history says so once.
    await completeMilestone(goLive.id);
    const released = await until(() => netsuiteOrder(`hubspot-deal-${dealId}`), (o) => o.orderStatus.id === 'B');
    expect(released.orderStatus).toEqual({ id: 'B', refName: 'Pending Fulfillment' });
    const line = `Billing released in NetSuite: sales order ${orderNumber} approved (Go-live completed)`;
    expect((await until(() => history(accountId), (l) => l.includes(line))).filter((s) => s === line)).toHaveLength(1);

    // A later change of the account (another milestone) releases nothing more.
    const training = milestones.find((m) => m.name === 'Training')!;
    await completeMilestone(training.id);
    await until(
      () => brokerJson<{ onboarding: { data?: { milestones: Milestone[] } } }>(`/v1/tenants/demo/accounts/${accountId}/view`),
      (v) => v.onboarding.data?.milestones.find((m) => m.id === training.id)?.status === 'completed',
    );
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await history(accountId)).filter((s) => s.startsWith('Billing released'))).toHaveLength(1);
  });
});
