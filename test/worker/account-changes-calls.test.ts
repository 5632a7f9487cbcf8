/**
 * What one pushed ERP change costs at the vendors, inside workerd against a private sandbox estate
 * (its request counters are global to the sandbox): an invoice paid in NetSuite, reported by the
 * event script as a new customer payment, delivered to the queue consumer as the webhook route
 * enqueues it, reaches the cached account view, the HubSpot company's Concord properties and the
 * account's history with a bounded number of NetSuite and Vitally requests; the same version found
 * again (the poll a minute later, a duplicate push) costs no vendor request at all; a pushed
 * deletion is not read back; a health score changed in Vitally reads the health scores alone.
 *
 * The account has a cached view (a CSM opened its card), as in the freshness bench: the pipeline's
 * rebuild reads the changed source and keeps the view's fresh answer of the other one.
 * Breakdown and the numbers before this test existed: docs/performance.md, "Freshness".
 */
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import worker from '../../worker/index.js';
import { netsuiteChange } from '../../worker/connectors/netsuite/changes.js';
import { parseNetSuiteEvent } from '../../worker/connectors/netsuite/events.js';
import { parseVitallyWebhook, vitallyChange } from '../../worker/connectors/vitally/webhooks.js';
import type { Env } from '../../worker/env.js';
import type { AccountView } from '../../worker/model/index.js';
import { createLogger } from '../../worker/ops/log.js';
import { EVENTS_QUEUE, FLOW_WRITES_QUEUE, type AccountEffectsRun, type CsChange, type ErpChange } from '../../worker/queues/messages.js';
import { serviceContext } from '../../worker/services/context.js';
import { sha256Hex } from '../../worker/storage/crypto.js';
import { markDirtyStatement } from '../../worker/storage/account-changes.js';
import { INLINE_EFFECTS_MAX } from '../../worker/flows/account-changes/effects-queue.js';
import { loadReference } from '../../worker/services/reference.js';
import { automationEstate, type Linked } from './automation-helpers.js';
import { api } from './helpers.js';
import { privateSandbox } from './sandbox-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    accountChangesCallsSandboxUrl: string;
  }
}

const S = inject('accountChangesCallsSandboxUrl');
const TENANT = 'demo';
const estate = automationEstate(S, TENANT);
const netsuite = privateSandbox(S, 'netsuite');
const vitally = privateSandbox(S, 'vitally');
const hubspot = privateSandbox(S, 'hubspot');

/** Upper bounds per pushed payment (docs/performance.md: 5 NetSuite and 4 Vitally before, with the reference data cached). */
const MAX_NETSUITE = 4;
const MAX_VITALLY = 0;

let delivered = 0;

/** Hands change messages to the queue consumer as one batch, as the EVENTS queue (or `queue`) delivers them. */
async function deliver(bodies: (ErpChange | CsChange | AccountEffectsRun)[], queue = EVENTS_QUEUE) {
  const batch = createMessageBatch(queue, bodies.map((body, i) => ({ id: `calls-${delivered++}-${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env as unknown as Env);
  return getQueueResult(batch, ctx);
}

async function counts() {
  const [ns, vt, hs] = await Promise.all([netsuite.counters(), vitally.counters(), hubspot.counters()]);
  return { netsuite: ns.requests, vitally: vt.requests, hubspot: hs.requests };
}

async function suiteql(q: string): Promise<Record<string, string | number>[]> {
  const res = await fetch(`${S}/netsuite/services/rest/query/v1/suiteql?limit=1000`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await estate.sandboxToken('netsuite')}`, 'content-type': 'application/json', prefer: 'transient' },
    body: JSON.stringify({ q }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { items: Record<string, string | number>[] }).items;
}

/** The account's view as a card asks for it (from the cache). */
async function cachedView(accountId: string): Promise<AccountView> {
  const res = await api(`/v1/tenants/${TENANT}/accounts/${accountId}/view`, { key: estate.key() });
  expect(res.status).toBe(200);
  return (await res.json()) as AccountView;
}

let account: Linked;
/** A second account, changed without a cached view (its digest stored by that test). */
let other: Linked | undefined;
let invoice: { id: string; tranId: string; balance: number };
let openBefore: number;
let openInvoices: Record<string, string | number>[];

/** Pays the invoice in the sandbox NetSuite; the change message the webhook route enqueues for the script's event. */
async function pay(invoiceId: string, correlationId: string): Promise<ErpChange> {
  const paid = await fetch(`${S}/__sandbox/netsuite/demo/invoices/${invoiceId}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(paid.status, await paid.clone().text()).toBe(201);
  const events = ((await paid.json()) as { events: unknown[] }).events;
  expect(events).toHaveLength(1);
  const parsed = parseNetSuiteEvent(events[0]);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  expect(parsed.event.recordType).toBe('customerpayment');
  return netsuiteChange(parsed.event, TENANT, correlationId);
}

beforeAll(async () => {
  await estate.setup();
  // The event script installed, so an action answers the event it reports; its own deliveries wait
  // ten minutes (the test hands each event to the consumer itself; the estate is gone by then).
  const installed = await fetch(`${S}/__sandbox/netsuite/events`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', url: 'http://127.0.0.1:9/v1/webhooks/netsuite', secret: 'calls-test-secret-0123456789abcdef', delayMs: 600_000, maxAttempts: 1 }),
  });
  expect(installed.status, await installed.clone().text()).toBe(200);
  // A customer with an open, undisputed invoice, linked in HubSpot, NetSuite and Vitally.
  const open = (openInvoices = await suiteql("SELECT id, tranid, entity, foreignamountremaining FROM transaction WHERE type = 'CustInvc' AND foreignamountremaining > 0 AND custbody_concord_disputed = 'F'"));
  const byCustomer = new Map(open.map((r) => [String(r.entity), r]));
  account = await estate.linkedAccount(['hubspot', 'netsuite', 'vitally'], (t) => byCustomer.has(t.netsuiteCustomerIds[0]!));
  const row = byCustomer.get(account.records.netsuite!)!;
  invoice = { id: String(row.id), tranId: String(row.tranid), balance: Number(row.foreignamountremaining) };
  // The tenant's reference data (currencies by id, which a read-back names) is cached for hours:
  // loaded here, so the counts below are those of a change, not of the tenant's first one.
  await loadReference(env as unknown as Env, serviceContext(env as unknown as Env, { tenantId: TENANT, correlationId: 'calls-reference', log: createLogger('error') }));
  // A CSM opened the account's card: its view is cached.
  const view = await estate.freshView(account.id);
  expect(view.receivables.state).toBe('ok');
  expect(view.health.state).not.toBe('unavailable');
  openBefore = view.receivables.state === 'ok' ? view.receivables.data.openTotal : 0;
});

// Uninstalled: the events waiting their ten minutes are dropped with their timer (or vitest would wait for it).
afterAll(async () => {
  const res = await fetch(`${S}/__sandbox/netsuite/events?tenant=demo`, { method: 'DELETE' });
  expect(res.status).toBeLessThan(300);
});

describe('vendor requests per pushed change', () => {
  let change: ErpChange;

  it(`an invoice paid in NetSuite reaches the view, the HubSpot company and the history with at most ${MAX_NETSUITE} NetSuite and ${MAX_VITALLY} Vitally requests`, async () => {
    change = await pay(invoice.id, `calls-${invoice.id}`);

    const before = await counts();
    const result = await deliver([change]);
    const after = await counts();
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);

    // What a user sees: the view from the cache, the company's property, the history line.
    const view = await cachedView(account.id);
    expect(view.receivables.state).toBe('ok');
    if (view.receivables.state === 'ok') expect(view.receivables.data.openInvoices.some((i) => i.id === invoice.id)).toBe(false);
    const expected = Math.round((openBefore - invoice.balance) * 100) / 100;
    expect(Number(await estate.companyProperty(account.records.hubspot!, 'concord_open_ar'))).toBe(expected);
    expect(await estate.history(account.id)).toContain(`Invoice ${invoice.tranId} paid in NetSuite`);

    const used = { netsuite: after.netsuite - before.netsuite, vitally: after.vitally - before.vitally, hubspot: after.hubspot - before.hubspot };
    console.log(`one pushed payment: ${JSON.stringify(used)}`);
    expect(used.netsuite, 'NetSuite requests').toBeLessThanOrEqual(MAX_NETSUITE);
    expect(used.vitally, 'Vitally requests').toBeLessThanOrEqual(MAX_VITALLY);
  });

  it('the same version delivered again (the poll a minute later, a duplicate push) costs no vendor request', async () => {
    expect(change).toBeDefined();
    const before = await counts();
    const result = await deliver([{ ...change, via: 'poll', eventType: null, sourceEventId: `poll-${change.recordId}` }, change]);
    const after = await counts();
    expect(result.explicitAcks).toHaveLength(2);
    expect({ netsuite: after.netsuite - before.netsuite, vitally: after.vitally - before.vitally }).toEqual({ netsuite: 0, vitally: 0 });
    // Nothing written twice: one history line for the payment.
    expect((await estate.history(account.id)).filter((l) => l === `Invoice ${invoice.tranId} paid in NetSuite`)).toHaveLength(1);
  });

  it('without a cached view, and with the poll racing the push in one batch: the payment is read back once, Vitally once to complete the digest', async () => {
    const byCustomer = new Map(openInvoices.map((r) => [String(r.entity), r]));
    other = await estate.linkedAccount(['hubspot', 'netsuite', 'vitally'], (t) => byCustomer.has(t.netsuiteCustomerIds[0]!));
    const row = byCustomer.get(other.records.netsuite!)!;
    const pushed = await pay(String(row.id), `calls-${String(row.id)}`);
    const polled: ErpChange = { ...pushed, via: 'poll', eventType: null, sourceEventId: `poll-${pushed.recordId}` };

    const before = await counts();
    const result = await deliver([pushed, polled]);
    const after = await counts();
    expect(result.explicitAcks).toHaveLength(2);
    expect(await estate.history(other.id)).toContain(`Invoice ${String(row.tranid)} paid in NetSuite`);
    const used = { netsuite: after.netsuite - before.netsuite, vitally: after.vitally - before.vitally };
    console.log(`one pushed payment and its poll, no cached view: ${JSON.stringify(used)}`);
    // Record and settled invoices (once for both messages), the ERP sections in one query, the last
    // payment date; Vitally's four reads, once, because the account has no digest of them yet.
    expect(used.netsuite, 'NetSuite requests').toBeLessThanOrEqual(4);
    expect(used.vitally, 'Vitally requests').toBeLessThanOrEqual(4);
  });

  it('a payment deleted in NetSuite is not read back: the event says so; only the account is read again', async () => {
    expect(change).toBeDefined();
    const payment = change.recordId;
    const gone = await fetch(`${S}/netsuite/services/rest/record/v1/customerPayment/${payment}`, { method: 'DELETE', headers: { authorization: `Bearer ${await estate.sandboxToken('netsuite')}` } });
    expect(gone.status, await gone.clone().text()).toBe(204);
    // The event the script sends for the deletion (sandbox/netsuite/events/record-hook.ts), stamped
    // within the same second as the payment's last version: versions are whole seconds, and a
    // deletion must still win that tie (it is final), whatever the two keys' order.
    const sameSecond = new Date(change.lastModified + 500).toISOString();
    const parsed = parseNetSuiteEvent({ accountId: change.externalAccount, recordType: 'customerpayment', recordId: payment, eventType: 'delete', lastModified: sameSecond, eventId: crypto.randomUUID() });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const deleted = await netsuiteChange(parsed.event, TENANT, `calls-delete-${payment}`);

    const before = await counts();
    const result = await deliver([deleted]);
    const after = await counts();
    expect(result.explicitAcks).toHaveLength(1);
    expect((await estate.history(account.id)).some((l) => /^Payment .+ deleted in NetSuite$/.test(l))).toBe(true);
    // The account's ERP sections and last payment date again; no read of the deleted record.
    expect(after.netsuite - before.netsuite, 'NetSuite requests').toBeLessThanOrEqual(2);
    expect(after.vitally - before.vitally, 'Vitally requests').toBe(0);
  });

  it('a health score changed in Vitally (playbook webhook) reads the health scores alone, and no NetSuite', async () => {
    // The card open: the view built now, so the CS lists the change did not touch are fresh.
    const before = await estate.freshView(account.id);
    const from = before.health.state === 'ok' ? Math.round(before.health.data.score) : null;
    const to = from !== null && from > 50 ? 31 : 83;
    const set = await fetch(`${S}/__sandbox/vitally/demo/accounts/${account.records.vitally!}/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: to / 10 }) });
    expect(set.status, await set.clone().text()).toBe(200);
    const { accountId: vitallyId, updatedAt } = (await set.json()) as { accountId: string; updatedAt: string };
    // The playbook webhook's event, as the route hands it to the queue (worker/http/routes/webhooks-vitally.ts).
    const parsed = parseVitallyWebhook({ type: 'account.health_score_changed', timestamp: updatedAt, data: { accountId: vitallyId, updatedAt } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const health = await vitallyChange(parsed.event, `msg_${crypto.randomUUID()}`, TENANT, TENANT, `calls-health-${vitallyId}`);

    const counted = await counts();
    const result = await deliver([health]);
    const after = await counts();
    expect(result.explicitAcks).toHaveLength(1);
    const view = await cachedView(account.id);
    expect(view.health.state === 'ok' ? Math.round(view.health.data.score) : null).toBe(to);
    expect(Number(await estate.companyProperty(account.records.hubspot!, 'concord_health_score'))).toBe(to);
    if (from !== null) expect(await estate.history(account.id)).toContain(`Health ${to < from ? 'fell' : 'rose'} from ${from} to ${to}`);
    const used = { netsuite: after.netsuite - counted.netsuite, vitally: after.vitally - counted.vitally };
    console.log(`one health change: ${JSON.stringify(used)}`);
    // Its health scores; its projects, tasks and conversations come from the fresh view.
    expect(used).toEqual({ netsuite: 0, vitally: 1 });
  });
});

describe('a source wanted only to complete the digest', () => {
  it('an ERP change on an account never read is applied while Vitally fails: the CS part waits for a later change, nothing is retried', { timeout: 60_000 }, async () => {
    const byCustomer = new Map(openInvoices.map((r) => [String(r.entity), r]));
    const third = await estate.linkedAccount(['hubspot', 'netsuite', 'vitally'], (t) => byCustomer.has(t.netsuiteCustomerIds[0]!) && t.netsuiteCustomerIds[0] !== account.records.netsuite && t.netsuiteCustomerIds[0] !== other?.records.netsuite);
    const row = byCustomer.get(third.records.netsuite!)!;
    const stateOf = async () => {
      const r = await env.DB.prepare('SELECT state_json FROM account_states WHERE tenant_id = ? AND account_id = ?').bind(TENANT, third.id).first<{ state_json: string }>();
      return r ? (JSON.parse(r.state_json) as { erp?: unknown; cs?: unknown }) : null;
    };
    expect(await stateOf(), 'an account the pipeline never read').toBeNull();
    const pushed = await pay(String(row.id), `calls-deferred-${String(row.id)}`);
    await vitally.faults({ vitally: { errorRate: 1 } });
    let result;
    try {
      result = await deliver([pushed]);
    } finally {
      await vitally.faults({});
    }
    // Applied: acked, not retried (so not on its way to the dead-letter queue) ...
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await estate.history(third.id)).toContain(`Invoice ${String(row.tranid)} paid in NetSuite`);
    // ... with the ERP part of the digest, and no CS part yet: the next change reads it.
    const state = await stateOf();
    expect(state?.erp).toBeTruthy();
    expect(state?.cs).toBeUndefined();
    const view = await estate.freshView(third.id);
    const expected = view.receivables.state === 'ok' ? view.receivables.data.openTotal : -1;
    expect(Number(await estate.companyProperty(third.records.hubspot!, 'concord_open_ar'))).toBe(expected);
  });
});

describe('a burst\'s effects on the writes queue (flows/account-changes/effects-queue.ts)', () => {
  /** HubSpot batch updates of companies since the sandbox started (its counters by route). */
  const companyBatchWrites = async () => (await hubspot.counters()).byRoute['POST /hubspot/crm/v3/objects/companies/batch/update'] ?? 0;

  it('runs the effects of accounts marked by separate change batches in one delivery: one HubSpot call, each account once, its mark cleared', async () => {
    expect(other, 'the account changed without a cached view').toBeDefined();
    const both = [account, other!];
    const expected = new Map<string, number>();
    for (const a of both) {
      const view = await estate.freshView(a.id);
      expected.set(a.id, view.receivables.state === 'ok' ? view.receivables.data.openTotal : -1);
    }
    // Someone overwrote the property in HubSpot, and Concord forgot what it wrote there; then two
    // change batches of a burst marked the accounts and sent their pointers (one account twice).
    for (const a of both) {
      const res = await fetch(`${S}/hubspot/crm/v3/objects/companies/${a.records.hubspot}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${await estate.sandboxToken('hubspot')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { concord_open_ar: '123456.78' } }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    }
    await env.DB.batch([
      env.DB.prepare('DELETE FROM crm_fact_writes WHERE tenant_id = ? AND record_id IN (?, ?)').bind(TENANT, account.records.hubspot!, other!.records.hubspot!),
      ...both.map((a) => markDirtyStatement(env.DB, TENANT, a.id, { erp: true, cs: false })),
    ]);
    const pointer = async (accountId: string, batch: number): Promise<AccountEffectsRun> => ({
      v: 1,
      kind: 'account.effects',
      tenantId: TENANT,
      accountId,
      correlationId: `calls-burst-${batch}`,
      idempotencyKey: await sha256Hex(`effects-${accountId}-${batch}`),
    });
    const before = await counts();
    const writesBefore = await companyBatchWrites();
    const result = await deliver([await pointer(account.id, 1), await pointer(other!.id, 2), await pointer(account.id, 2)], FLOW_WRITES_QUEUE);
    const after = await counts();
    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toEqual([]);
    expect((await companyBatchWrites()) - writesBefore, 'HubSpot batch update calls').toBe(1);
    for (const a of both) expect(Number(await estate.companyProperty(a.records.hubspot!, 'concord_open_ar'))).toBe(expected.get(a.id));
    // Each account's ERP part read once (its cached view rebuilt), not once per pointer.
    expect(after.netsuite - before.netsuite, 'NetSuite requests').toBeLessThanOrEqual(2 * 2);
    const marks = await env.DB.prepare('SELECT COUNT(*) AS n FROM account_dirty WHERE tenant_id = ? AND account_id IN (?, ?)').bind(TENANT, account.id, other!.id).first<{ n: number }>();
    expect(marks?.n).toBe(0);

    // Delivered again (a duplicate, or late): the marks are cleared, nothing to run, nothing written.
    const again = await counts();
    const repeat = await deliver([await pointer(other!.id, 2)], FLOW_WRITES_QUEUE);
    expect(repeat.explicitAcks).toHaveLength(1);
    expect((await counts()).netsuite - again.netsuite).toBe(0);
    expect((await companyBatchWrites()) - writesBefore).toBe(1);
  });
  it('a change batch that marks more than INLINE_EFFECTS_MAX accounts does its intake only and hands their effects to the queue', { timeout: 60_000 }, async () => {
    const used = new Set([account.records.netsuite, other?.records.netsuite]);
    const byCustomer = new Map(openInvoices.map((r) => [String(r.entity), r]));
    const burst: { a: Linked; change: ErpChange }[] = [];
    while (burst.length < INLINE_EFFECTS_MAX + 1) {
      const a = await estate.linkedAccount(['hubspot', 'netsuite'], (t) => byCustomer.has(t.netsuiteCustomerIds[0]!) && !used.has(t.netsuiteCustomerIds[0]));
      used.add(a.records.netsuite);
      const row = byCustomer.get(a.records.netsuite!)!;
      burst.push({ a, change: await pay(String(row.id), `calls-burst-${String(row.id)}`) });
    }
    const marked = async () =>
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM account_dirty WHERE tenant_id = ? AND account_id IN (SELECT value FROM json_each(?))`).bind(TENANT, JSON.stringify(burst.map((b) => b.a.id))).first<{ n: number }>())!.n;
    const result = await deliver(burst.map((b) => b.change));
    expect(result.explicitAcks).toHaveLength(burst.length);
    expect(result.retryMessages).toEqual([]);
    // Claimed and marked; the effects wait for the writes queue (its batch window is a second).
    expect(await marked()).toBe(burst.length);
    for (const b of burst) expect(await estate.history(b.a.id)).toContain(`Invoice ${String(byCustomer.get(b.a.records.netsuite!)!.tranid)} paid in NetSuite`);
    // The queue's delivery runs them: marks cleared, the facts on each company.
    await expect.poll(marked, { timeout: 30_000, interval: 250 }).toBe(0);
  });
});
