/**
 * The change poll's checkpoints against a vendor whose records are stamped later than Concord's
 * clock (clock skew; here a sandbox anchored two days ahead, so it holds records "modified" in
 * the future whatever the time of day). A checkpoint must never move past the poll's own start: otherwise
 * every change made before that future instant minus the overlap is skipped, and only the pushes
 * carry changes (what the e2e change tests showed each day between 00:00 UTC and the hours the
 * seed used to stamp its anchor day's records at).
 */
import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import type { Env } from '../../worker/env.js';
import { pollTenant } from '../../worker/flows/account-changes/poll.js';
import { REENQUEUE_AFTER_MS } from '../../worker/flows/account-changes/poll-common.js';
import { createLogger } from '../../worker/ops/log.js';
import type { ChangeMessage } from '../../worker/queues/messages.js';
import { api, provision } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    pollClockSandboxUrl: string;
  }
}

const SB = inject('pollClockSandboxUrl');

interface Intake { sources: { source: string; streams: { stream: string; checkpoint: string }[] }[] }

async function token(vendor: string): Promise<string> {
  const res = await fetch(`${SB}/__sandbox/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vendor, tenant: 'demo' }) });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function suiteql(q: string): Promise<Record<string, string>[]> {
  const res = await fetch(`${SB}/netsuite/services/rest/query/v1/suiteql?limit=1000`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token('netsuite')}`, 'content-type': 'application/json', prefer: 'transient' },
    body: JSON.stringify({ q }),
  });
  return ((await res.json()) as { items: Record<string, string>[] }).items;
}

describe('change poll checkpoints', () => {
  /** The poll of the first test (its queue recorded), and the payment it found: the second test polls on. */
  let pollAgain: (() => Promise<{ report: Awaited<ReturnType<typeof pollTenant>>; sent: ChangeMessage[] }>) | undefined;
  let paymentId: string | undefined;

  it('never move past the poll itself, so a change made after a future-stamped record is still found', { timeout: 60_000 }, async () => {
    const key = await provision('demo');
    for (const system of ['netsuite', 'vitally'] as const) {
      const t = await token(system);
      const credentials = system === 'vitally' ? { type: 'api_key', apiKey: t } : { type: 'bearer', accessToken: t };
      const res = await api(`/v1/tenants/demo/connections/${system}`, { method: 'PUT', key, body: JSON.stringify({ baseUrl: `${SB}/${system}`, credentials }) });
      expect(res.ok, `connect ${system}`).toBe(true);
    }
    // The poll as the Cron Trigger runs it, its queue recorded instead of consumed: what each poll
    // enqueues is seen exactly, and no consumer is left working when the test ends.
    let sent: ChangeMessage[] = [];
    const queue = {
      send: async (body: ChangeMessage) => void sent.push(body),
      sendBatch: async (batch: Iterable<{ body: ChangeMessage }>) => void sent.push(...[...batch].map((m) => m.body)),
    };
    const pollEnv = { ...env, EVENTS: queue } as unknown as Env;
    const poll = async () => {
      sent = [];
      const report = await pollTenant(pollEnv, 'demo', createLogger('error'));
      return { report, sent };
    };

    // The vendor holds records stamped later than now: the first poll sees them.
    const now = Date.now();
    const future = await suiteql(`SELECT id FROM transaction WHERE type = 'CustInvc' AND lastmodifieddate > TO_DATE('${new Date(now + 3_600_000).toISOString().slice(0, 19).replace('T', ' ')}', 'YYYY-MM-DD HH24:MI:SS')`);
    expect(future.length, 'the estate anchored ahead has invoices stamped in the future').toBeGreaterThan(0);
    const first = await poll();
    expect(first.report.streams.find((s) => s.stream === 'invoice')!.seen).toBeGreaterThanOrEqual(future.length);

    // No checkpoint is later than the poll that wrote it.
    const after = Date.now();
    const intake = (await (await api('/v1/tenants/demo/ops/intake', { key })).json()) as Intake;
    const marks = intake.sources.flatMap((s) => s.streams.map((m) => ({ stream: `${s.source}.${m.stream}`, at: Date.parse(m.checkpoint) })));
    expect(marks.length).toBeGreaterThanOrEqual(6);
    expect(marks.filter((m) => m.at > after)).toEqual([]);

    // A payment made now (earlier than the future-stamped records) is found by the next poll.
    const [open] = await suiteql(`SELECT id FROM transaction WHERE type = 'CustInvc' AND foreignamountremaining > 0 AND custbody_concord_disputed = 'F' ORDER BY id`);
    const paid = await fetch(`${SB}/__sandbox/netsuite/demo/invoices/${open!['id']}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(paid.status).toBe(201);
    const payment = ((await paid.json()) as { payment: { id: string } }).payment;
    // And an invoice of another customer paid too: two accounts with an invoice edit and a payment each.
    const openRows = await suiteql(`SELECT id, entity FROM transaction WHERE type = 'CustInvc' AND foreignamountremaining > 0 AND custbody_concord_disputed = 'F' ORDER BY id`);
    const paidEntity = (await suiteql(`SELECT entity FROM transaction WHERE id = ${open!['id']}`))[0]!['entity'];
    const another = openRows.find((r) => r['entity'] !== paidEntity);
    expect((await fetch(`${SB}/__sandbox/netsuite/demo/invoices/${another!['id']}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(201);
    const second = await poll();
    expect(second.report.streams.find((s) => s.stream === 'payment')!.error).toBeUndefined();
    expect(second.sent.filter((m) => m.kind === 'erp.change' && m.recordType === 'payment').map((m) => (m as { recordId: string }).recordId)).toContain(payment.id);
    // Enqueued by customer, not by stream: the payment and the invoice it paid are one account's
    // changes, and each customer's changes come one after another (so one change batch holds them).
    const txns = second.sent.filter((m): m is ChangeMessage & { kind: 'erp.change' } => m.kind === 'erp.change' && ['invoice', 'payment', 'credit_memo', 'sales_order'].includes(m.recordType));
    expect(txns.map((m) => m.recordId)).toEqual(expect.arrayContaining([payment.id, String(open!['id']), String(another!['id'])]));
    const entities = new Map((await suiteql(`SELECT id, entity FROM transaction WHERE id IN (${txns.map((m) => m.recordId).join(', ')})`)).map((r) => [String(r['id']), String(r['entity'])]));
    const order = txns.map((m) => entities.get(m.recordId));
    const groups = order.filter((c, i) => i === 0 || c !== order[i - 1]);
    expect(new Set(groups).size, `customers in enqueue order: ${order.join(' ')}`).toBe(groups.length);
    pollAgain = poll;
    paymentId = payment.id;
  });

  it('leave a version waiting in the queue alone: the next polls read it in their overlap and do not enqueue it again until REENQUEUE_AFTER_MS has passed', async () => {
    expect(pollAgain && paymentId, 'the first test polled and paid').toBeTruthy();
    const payments = (sent: ChangeMessage[]) => sent.filter((m) => m.kind === 'erp.change' && m.recordType === 'payment').map((m) => (m as { recordId: string }).recordId);
    // The payment's version is enqueued and not consumed (the queue here only records): unclaimed.
    const third = await pollAgain!();
    expect(third.report.streams.find((s) => s.stream === 'payment')!.seen, 'the overlap window reads it again').toBeGreaterThan(0);
    expect(payments(third.sent)).not.toContain(paymentId);
    expect(third.report.streams.find((s) => s.stream === 'payment')!.waiting, 'reported as waiting in the queue').toBeGreaterThanOrEqual(1);
    // Still unclaimed after the interval: the queue lost it, so the poll enqueues it once more.
    await env.DB.prepare('UPDATE poll_enqueued SET enqueued_ms = enqueued_ms - ? WHERE tenant_id = ?').bind(REENQUEUE_AFTER_MS + 1_000, 'demo').run();
    const fourth = await pollAgain!();
    expect(payments(fourth.sent)).toContain(paymentId);
    expect(payments((await pollAgain!()).sent)).not.toContain(paymentId);
  });
});
