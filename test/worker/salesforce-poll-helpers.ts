/**
 * What the worker tests of Salesforce continuous linking share (identity-salesforce-poll and
 * identity-salesforce-removed): on a private sandbox estate, the demo tenant connected to every
 * system and synced once, Salesforce and NetSuite writes as a user's edits would make them, the
 * every-minute poll with its queue recorded, the queue consumer, and lookups of where a record
 * is linked.
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { expect } from 'vitest';
import worker from '../../worker/index.js';
import type { Env } from '../../worker/env.js';
import { pollTenant } from '../../worker/flows/account-changes/poll.js';
import { createLogger } from '../../worker/ops/log.js';
import { EVENTS_QUEUE, erpVersionKey, type ChangeMessage, type CrmChange, type ErpChange } from '../../worker/queues/messages.js';
import { api, provision } from './helpers.js';

export interface LinkedAccount {
  id: string;
  links: { system: string; externalId: string; isPrimary?: boolean }[];
}
export interface ReviewCaseRow {
  id: string;
  status: string;
  subject: { system: string; externalId: string };
  candidate: { system: string; externalId: string };
}

/** The harness over the private sandbox at `sb` (call `setUp` in `beforeAll`). */
export function salesforcePollHarness(sb: string) {
  const sf = `${sb}/salesforce/services/data/v62.0`;
  let key = '';
  let netsuiteAccount = '';
  let n = 0;

  async function token(vendor: string): Promise<string> {
    const res = await fetch(`${sb}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) });
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  /** A Salesforce REST write as a user's edit in the org would make it. */
  async function salesforce(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<{ id?: string }> {
    const res = await fetch(`${sf}${path}`, { method, headers: { authorization: `Bearer ${await token('salesforce')}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!res.ok) throw new Error(`salesforce ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? {} : ((await res.json()) as { id: string });
  }

  async function netsuiteCustomer(name: string, url: string, city: string, country: string): Promise<string> {
    const res = await fetch(`${sb}/netsuite/services/rest/record/v1/customer`, {
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
   * changes it enqueued (the ERP and CS streams of the same poll are left aside) and the report
   * of the Account stream (`account`, or `account-deleted` for the delete log).
   */
  async function poll(stream = 'account'): Promise<{ changes: CrmChange[]; stream: { seen: number; enqueued: number; error?: string } | undefined }> {
    const sent: ChangeMessage[] = [];
    const queue = {
      send: async (body: ChangeMessage) => void sent.push(body),
      sendBatch: async (batch: Iterable<{ body: ChangeMessage }>) => void sent.push(...[...batch].map((m) => m.body)),
    };
    const report = await pollTenant({ ...env, EVENTS: queue } as unknown as Env, 'demo', createLogger('error'));
    const changes = sent.filter((m): m is CrmChange => m.kind === 'crm.change' && m.system === 'salesforce');
    return { changes, stream: report.streams.find((s) => s.source === 'salesforce' && s.stream === stream) };
  }

  /** The account a record is linked to (paging through the accounts), or null. */
  async function accountOf(system: string, externalId: string): Promise<LinkedAccount | null> {
    let cursor: string | null = null;
    do {
      const body = (await (await api(`/v1/tenants/demo/accounts?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { key })).json()) as { items: LinkedAccount[]; next: string | null };
      const hit = body.items.find((a) => a.links.some((l) => l.system === system && l.externalId === externalId));
      if (hit) return hit;
      cursor = body.next;
    } while (cursor);
    return null;
  }

  /** Every review case in `status` (`open`, `all`, ...). */
  async function reviews(status = 'open'): Promise<ReviewCaseRow[]> {
    return ((await (await api(`/v1/tenants/demo/identity/reviews?status=${status}&limit=200`, { key })).json()) as { items: ReviewCaseRow[] }).items;
  }

  /** Connects every system to the sandbox, runs the first identity sync and the first poll (its checkpoint). */
  async function setUp(): Promise<void> {
    key = await provision('demo');
    for (const system of ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const) {
      const t = await token(system);
      const credentials = system === 'vitally' ? { type: 'api_key', apiKey: t } : { type: 'bearer', accessToken: t };
      const res = await api(`/v1/tenants/demo/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${sb}/${system}`, credentials }) });
      if (!res.ok) throw new Error(`connect ${system}: ${res.status} ${await res.text()}`);
    }
    const conns = (await (await api('/v1/tenants/demo/connections', { key })).json()) as { items: { system: string; externalAccount: string | null }[] };
    netsuiteAccount = (conns.items.find((c) => c.system === 'netsuite')!.externalAccount ?? 'demo').toUpperCase();
    expect((await api('/v1/tenants/demo/identity/sync', { method: 'POST', key })).status).toBe(200);
    // The first poll sets the checkpoints; the sync read everything older.
    const first = await poll();
    expect(first.stream?.error).toBeUndefined();
  }

  return { key: () => key, token, salesforce, netsuiteCustomer, consume, erpCustomersLinked, poll, accountOf, reviews, setUp };
}
