/**
 * The live webhook flow as `npm start` wires it: a company created through the sandbox's HubSpot
 * API reaches the broker (`wrangler dev`) as signed webhooks, goes through the real local Queue,
 * and is applied exactly once even when the sandbox sends every event twice.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';

const broker = inject('brokerUrl');
const sandbox = inject('estateSandboxUrl');
const demoKey = inject('demoKey');

async function sandboxPost(path: string, body: unknown): Promise<Response> {
  return fetch(`${sandbox}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

afterAll(async () => {
  await sandboxPost('/__sandbox/faults', {});
});

describe('HubSpot webhooks end to end', () => {
  it('applies each change of a new company once, duplicates included', async () => {
    await sandboxPost('/__sandbox/faults', { hubspot: { webhookDuplicateRate: 1, seed: 3 } });
    const { accessToken } = (await (await sandboxPost('/__sandbox/tokens', { vendor: 'hubspot', tenant: 'demo' })).json()) as { accessToken: string };
    const created = await fetch(`${sandbox}/hubspot/crm/v3/objects/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: 'Webhook E2E Ltd', domain: 'webhook-e2e.example' } }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    const flushed = await sandboxPost('/__sandbox/webhooks/flush', { tenant: 'demo' });
    expect(await flushed.json()).toEqual({ idle: true });

    const deliveries = (await (await fetch(`${sandbox}/__sandbox/webhooks?tenant=demo`)).json()) as { deliveries: { status: number; events: { objectId: number }[] }[] };
    const mine = deliveries.deliveries.filter((d) => d.events.some((e) => String(e.objectId) === id));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((d) => d.status === 200)).toBe(true);
    expect(mine.flatMap((d) => d.events).filter((e) => String(e.objectId) === id)).toHaveLength(6); // 3 events, each twice

    let actions: string[] = [];
    for (const until = Date.now() + 45_000; Date.now() < until && actions.length < 3; ) {
      const res = await fetch(`${broker}/v1/tenants/demo/audit?entityType=hubspot_company&entityId=${id}`, { headers: { authorization: `Bearer ${demoKey}` } });
      actions = ((await res.json()) as { items: { action: string }[] }).items.map((a) => a.action);
      if (actions.length < 3) await new Promise((r) => setTimeout(r, 200));
    }
    // Let late duplicates drain, then check nothing was applied twice.
    await new Promise((r) => setTimeout(r, 2000));
    const res = await fetch(`${broker}/v1/tenants/demo/audit?entityType=hubspot_company&entityId=${id}`, { headers: { authorization: `Bearer ${demoKey}` } });
    const items = ((await res.json()) as { items: { action: string; after: { change: string; property: string | null } }[] }).items;
    expect(items.map((a) => `${a.action} ${a.after.change}:${a.after.property ?? ''}`).sort()).toEqual([
      'crm.change.applied creation:',
      'crm.change.applied propertyChange:domain',
      'crm.change.applied propertyChange:name',
    ]);
  });
});
