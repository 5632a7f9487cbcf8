/**
 * Continuous linking of Salesforce Accounts inside workerd: the package calls out on closed-won
 * only, so an Account created or renamed after the first identity sync is found by the
 * every-minute poll (SOQL on SystemModstamp since the checkpoint) and goes through the identity
 * intake HubSpot's company webhooks use: linked to its ERP customer, queued for review when the
 * match is ambiguous, re-scored when renamed. No card is opened. Runs on a private sandbox
 * estate, because it creates records the shared estate's truth does not know.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../../worker/index.js';
import type { Env } from '../../worker/env.js';
import { pollTenant } from '../../worker/flows/account-changes/poll.js';
import { createLogger } from '../../worker/ops/log.js';
import { EVENTS_QUEUE, erpVersionKey, type ChangeMessage, type CrmChange, type ErpChange } from '../../worker/queues/messages.js';
import { api, provision } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    identitySalesforcePollSandboxUrl: string;
  }
}

const SB = inject('identitySalesforcePollSandboxUrl');
const SF = `${SB}/salesforce/services/data/v62.0`;

interface Account { id: string; links: { system: string; externalId: string }[] }
interface Case { id: string; status: string; subject: { system: string; externalId: string }; candidate: { system: string; externalId: string } }

let key: string;
let netsuiteAccount: string;
let n = 0;

async function token(vendor: string): Promise<string> {
  const res = await fetch(`${SB}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** A Salesforce REST write as a user's edit in the org would make it. */
async function salesforce(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<{ id?: string }> {
  const res = await fetch(`${SF}${path}`, { method, headers: { authorization: `Bearer ${await token('salesforce')}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`salesforce ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as { id: string });
}

async function netsuiteCustomer(name: string, url: string, city: string, country: string): Promise<string> {
  const res = await fetch(`${SB}/netsuite/services/rest/record/v1/customer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('netsuite')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ companyName: name, url, addressBook: { items: [{ defaultBilling: true, addressBookAddress: { city, country } }] } }),
  });
  if (res.status !== 204) throw new Error(`netsuite create customer: ${res.status} ${await res.text()}`);
  return res.headers.get('location')!.split('/').pop()!;
}

async function consume(bodies: ChangeMessage[]) {
  const batch = createMessageBatch(EVENTS_QUEUE, bodies.map((body, i) => ({ id: `sf-poll-${n++}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** New NetSuite customers, linked as their change events (push) would link them. */
async function erpCustomersLinked(ids: string[]): Promise<void> {
  const lastModified = Math.floor(Date.now() / 1000) * 1000;
  const bodies: ErpChange[] = await Promise.all(
    ids.map(async (recordId, i) => ({
      v: 1 as const, kind: 'erp.change' as const, tenantId: 'demo', system: 'netsuite' as const, externalAccount: netsuiteAccount, recordType: 'customer' as const, recordId, eventType: 'create' as const, lastModified, via: 'push' as const,
      sourceEventId: `ns-${n}-${i}`, correlationId: `corr-sf-poll-${n}`, idempotencyKey: await erpVersionKey({ externalAccount: netsuiteAccount, recordType: 'customer', recordId, lastModified }),
    })),
  );
  expect((await consume(bodies)).retryMessages).toEqual([]);
}

/**
 * The poll as the Cron Trigger runs it, its queue recorded: answers the Salesforce Account
 * changes it enqueued (the ERP and CS streams of the same poll are left aside) and its report.
 */
async function poll(): Promise<{ changes: CrmChange[]; stream: { seen: number; enqueued: number; error?: string } | undefined }> {
  const sent: ChangeMessage[] = [];
  const queue = {
    send: async (body: ChangeMessage) => void sent.push(body),
    sendBatch: async (batch: Iterable<{ body: ChangeMessage }>) => void sent.push(...[...batch].map((m) => m.body)),
  };
  const report = await pollTenant({ ...env, EVENTS: queue } as unknown as Env, 'demo', createLogger('error'));
  const changes = sent.filter((m): m is CrmChange => m.kind === 'crm.change' && m.system === 'salesforce');
  return { changes, stream: report.streams.find((s) => s.source === 'salesforce' && s.stream === 'account') };
}

async function accountOf(system: string, externalId: string): Promise<Account | null> {
  let cursor: string | null = null;
  do {
    const body = (await (await api(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key })).json()) as { items: Account[]; next: string | null };
    const hit = body.items.find((a) => a.links.some((l) => l.system === system && l.externalId === externalId));
    if (hit) return hit;
    cursor = body.next;
  } while (cursor);
  return null;
}

beforeAll(async () => {
  key = await provision('demo');
  for (const system of ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const) {
    const t = await token(system);
    const credentials = system === 'vitally' ? { type: 'api_key', apiKey: t } : { type: 'bearer', accessToken: t };
    const res = await api(`/v1/tenants/demo/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${SB}/${system}`, credentials }) });
    if (!res.ok) throw new Error(`connect ${system}: ${res.status} ${await res.text()}`);
  }
  const conns = (await (await api('/v1/tenants/demo/connections', { key })).json()) as { items: { system: string; externalAccount: string | null }[] };
  netsuiteAccount = (conns.items.find((c) => c.system === 'netsuite')!.externalAccount ?? 'demo').toUpperCase();
  expect((await api('/v1/tenants/demo/identity/sync', { method: 'POST', key })).status).toBe(200);
  // The first poll sets the checkpoint; the sync read everything older.
  expect((await poll()).stream?.error).toBeUndefined();
}, 240_000);

describe('Salesforce Accounts linked by the change poll', () => {
  it('links an Account created after the first sync to its ERP customer, once, with no card opened', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Halloran Ceramics Ltd', 'https://www.halloran-ceramics.co.uk', 'Stoke-on-Trent', 'GB');
    await erpCustomersLinked([customer]);
    const erpAccount = await accountOf('netsuite', customer);
    expect(erpAccount?.links.map((l) => l.system)).toEqual(['netsuite']);

    const { id } = await salesforce('POST', '/sobjects/Account', { Name: 'Halloran Ceramics Ltd', Website: 'halloran-ceramics.co.uk', BillingCity: 'Stoke-on-Trent', BillingCountry: 'GB' });
    const first = await poll();
    expect(first.stream).toMatchObject({ enqueued: 1 });
    expect(first.changes.map((c) => [c.objectId, c.change])).toEqual([[id, 'creation']]);
    expect((await consume(first.changes)).retryMessages).toEqual([]);

    const linked = await accountOf('salesforce', id!);
    expect(linked?.id).toBe(erpAccount!.id);
    // The next poll re-reads the Account in its overlap window and finds nothing new about it.
    expect((await poll()).changes.filter((c) => c.objectId === id)).toEqual([]);
    // The same change delivered again (at least once) links nothing twice.
    await consume(first.changes);
    expect((await accountOf('salesforce', id!))!.links).toHaveLength(linked!.links.length);
  });

  it('re-scores a renamed Account: it leaves the account it sat alone in for its ERP customer', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Pembrey Instruments GmbH', 'https://pembrey-instruments.de', 'Hamburg', 'DE');
    await erpCustomersLinked([customer]);
    const { id } = await salesforce('POST', '/sobjects/Account', { Name: 'Quarrybank Placeholder Holdings' });
    const created = await poll();
    await consume(created.changes);
    const own = await accountOf('salesforce', id!);
    expect(own?.links.map((l) => l.system)).toEqual(['salesforce']);

    await salesforce('PATCH', `/sobjects/Account/${id}`, { Name: 'Pembrey Instruments GmbH', Website: 'www.pembrey-instruments.de', BillingCity: 'Hamburg', BillingCountry: 'DE' });
    const renamed = await poll();
    expect(renamed.changes.filter((c) => c.objectId === id).map((c) => [c.change, c.property]).sort()).toEqual([
      ['propertyChange', 'city'],
      ['propertyChange', 'country'],
      ['propertyChange', 'domain'],
      ['propertyChange', 'name'],
    ]);
    expect((await consume(renamed.changes)).retryMessages).toEqual([]);
    const joined = await accountOf('salesforce', id!);
    expect(joined?.id).toBe((await accountOf('netsuite', customer))!.id);
    expect((await api(`/v1/tenants/demo/accounts/${own!.id}`, { key })).status).toBe(404);
    // The change is in the account's history as Salesforce's.
    const audit = (await (await api(`/v1/tenants/demo/audit?entityType=salesforce_company&entityId=${id}`, { key })).json()) as { items: { action: string; actor: string }[] };
    expect(audit.items.some((i) => i.action === 'crm.change.applied' && i.actor.startsWith('salesforce_org:'))).toBe(true);
  });

  it('queues an ambiguous new Account for review instead of linking it', { timeout: 60_000 }, async () => {
    const de = await netsuiteCustomer('Tollgate Dyeworks GmbH', 'https://tollgate-dyeworks.de', 'Leipzig', 'DE');
    const uk = await netsuiteCustomer('Tollgate Dyeworks Ltd', 'https://tollgate-dyeworks.co.uk', 'Leeds', 'GB');
    await erpCustomersLinked([de, uk]);
    const { id } = await salesforce('POST', '/sobjects/Account', { Name: 'Tollgate Dyeworks' });
    const found = await poll();
    expect((await consume(found.changes)).retryMessages).toEqual([]);

    const account = await accountOf('salesforce', id!);
    expect(account?.links.some((l) => l.system === 'netsuite')).toBe(false);
    const open = ((await (await api('/v1/tenants/demo/identity/reviews?status=open&limit=200', { key })).json()) as { items: Case[] }).items;
    const mine = open.filter((c) => [c.subject, c.candidate].some((s) => s.system === 'salesforce' && s.externalId === id));
    const other = (c: Case) => (c.subject.system === 'salesforce' ? c.candidate : c.subject);
    expect(mine.map((c) => other(c).externalId).sort()).toEqual([de, uk].sort());
  });
});
