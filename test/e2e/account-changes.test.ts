/**
 * ERP and CS changes reaching the CRM, as `npm start` wires them: a finance user's action in the
 * sandbox NetSuite (the installed event script posts the signed event) or a CSM's in the sandbox
 * Vitally (a playbook webhook, Standard Webhooks) goes through the broker's real local Queue and
 * shows in the account view, on the HubSpot company and the Salesforce Account (Concord's
 * properties) and in the account's history; with the push switched off, the poll (what the Cron
 * Trigger runs) finds the same change; duplicated, reordered and lost pushes change nothing twice.
 */
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';

const broker = inject('brokerUrl');
const sandbox = inject('estateSandboxUrl');
const demoKey = inject('demoKey');

async function sandboxCall(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function brokerJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${broker}${path}`, { ...init, headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function token(vendor: 'hubspot' | 'salesforce'): Promise<string> {
  return ((await (await sandboxCall('POST', '/__sandbox/tokens', { vendor, tenant: 'demo' })).json()) as { accessToken: string }).accessToken;
}

/**
 * Polls `read` until `done` holds (or the time is up); answers the last value and when it held.
 * 45 s: a change whose vendor read meets a rate window (these tests read many views) waits for
 * it in the queue, as it should; latency is the freshness bench's business, not these tests'.
 */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 45_000): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let value = await read();
  while (!done(value) && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return { value, ms: Date.now() - started };
}

interface Link {
  system: string;
  externalId: string;
}
interface Invoice {
  id: string;
  number: string;
  balance: number;
  disputed: boolean;
  daysOverdue: number;
}
interface Milestone {
  id: string;
  name: string;
  status: string;
  dueDate: string | null;
}
interface View {
  receivables: { state: string; data?: { openTotal: number; openInvoices: Invoice[] } };
  health: { state: string; data?: { score: number } };
  onboarding: { state: string; data?: { status: string; milestones: Milestone[] } };
  contract: { state: string; data?: { status: string; renewalDate: string; daysToRenewal: number } };
  financeHold: { onHold: boolean; amount: number; currency: string; overdueDays: number; minAmount: number } | null;
}

/**
 * The account's view; `fresh` rebuilds it now (`?refresh=1`), so it stays fresh for the 60 s
 * cache window and no background revalidation (which would read the vendors on its own) starts
 * from reading it: a test that proves "nothing arrived without the push or the poll" reads its
 * baseline this way, just before the vendor change.
 */
const view = (accountId: string, fresh = false) => brokerJson<View>(`/v1/tenants/demo/accounts/${accountId}/view${fresh ? '?refresh=1' : ''}`);

let listed: { id: string; links: Link[] }[] | null = null;

/**
 * Every demo account, last first: the other e2e files pick cold accounts (no cached view) from
 * the start of the list, and reading a view caches it, so these tests look from the other end.
 */
async function accountsLastFirst(): Promise<{ id: string; links: Link[] }[]> {
  if (listed) return listed;
  const all: { id: string; links: Link[] }[] = [];
  let next: string | null = null;
  do {
    const page: { items: { id: string; links: Link[] }[]; next: string | null } = await brokerJson(`/v1/tenants/demo/accounts?limit=200${next ? `&cursor=${next}` : ''}`);
    all.push(...page.items);
    next = page.next;
  } while (next);
  listed = all.reverse();
  return listed;
}

/** Accounts linked in all four systems, each with an open invoice that is not disputed and a health score (picked by property). */
async function accountsWithOpenInvoices(n: number): Promise<{ id: string; links: Link[]; invoice: Invoice }[]> {
  const out: { id: string; links: Link[]; invoice: Invoice }[] = [];
  for (const a of await accountsLastFirst()) {
    const systems = new Set(a.links.map((l) => l.system));
    if (!['hubspot', 'salesforce', 'netsuite', 'vitally'].every((s) => systems.has(s))) continue;
    if (a.links.filter((l) => l.system === 'hubspot').length !== 1 || a.links.filter((l) => l.system === 'salesforce').length !== 1) continue;
    const v = await view(a.id);
    const invoice = v.receivables.data?.openInvoices.find((i) => !i.disputed && i.balance > 0);
    // The health tests change a score they read first: only accounts Vitally has scored.
    if (invoice && v.health.data) out.push({ id: a.id, links: a.links, invoice });
    if (out.length === n) return out;
  }
  throw new Error(`fewer than ${n} accounts with an open invoice`);
}

const linked = (a: { links: Link[] }, system: string) => a.links.find((l) => l.system === system)!.externalId;

async function hubspotCompany(id: string): Promise<Record<string, string | null>> {
  const res = await fetch(`${sandbox}/hubspot/crm/v3/objects/companies/${id}?properties=concord_open_ar,concord_last_payment_date,concord_health_score,concord_renewal_risk,concord_finance_hold`, {
    headers: { authorization: `Bearer ${await token('hubspot')}` },
  });
  return ((await res.json()) as { properties: Record<string, string | null> }).properties;
}

async function salesforceAccount(id: string): Promise<Record<string, unknown>> {
  const q = encodeURIComponent(`SELECT Id, Concord_Open_AR__c, Concord_Last_Payment_Date__c, Concord_Finance_Hold__c, Concord_Renewal_Risk__c FROM Account WHERE Id = '${id}'`);
  const res = await fetch(`${sandbox}/salesforce/services/data/v62.0/query?q=${q}`, { headers: { authorization: `Bearer ${await token('salesforce')}` } });
  return ((await res.json()) as { records: Record<string, unknown>[] }).records[0]!;
}

/** Subjects of the tasks on the account's HubSpot company and Salesforce Account that start with `prefix`. */
async function crmTasks(a: { links: Link[] }, prefix: string): Promise<{ hubspot: string[]; salesforce: string[] }> {
  const hsAuth = { authorization: `Bearer ${await token('hubspot')}` };
  const assoc = (await (await fetch(`${sandbox}/hubspot/crm/v4/objects/companies/${linked(a, 'hubspot')}/associations/tasks`, { headers: hsAuth })).json()) as { results: { toObjectId: string | number }[] };
  const hubspot: string[] = [];
  for (const r of assoc.results) {
    const task = (await (await fetch(`${sandbox}/hubspot/crm/v3/objects/tasks/${r.toObjectId}?properties=hs_task_subject`, { headers: hsAuth })).json()) as { properties: { hs_task_subject: string } };
    hubspot.push(task.properties.hs_task_subject);
  }
  const q = encodeURIComponent(`SELECT Id, Subject FROM Task WHERE WhatId = '${linked(a, 'salesforce')}'`);
  const sf = (await (await fetch(`${sandbox}/salesforce/services/data/v62.0/query?q=${q}`, { headers: { authorization: `Bearer ${await token('salesforce')}` } })).json()) as { records: { Subject: string }[] };
  return { hubspot: hubspot.filter((t) => t.startsWith(prefix)), salesforce: sf.records.map((r) => r.Subject).filter((t) => t.startsWith(prefix)) };
}

async function history(accountId: string): Promise<string[]> {
  const body = await brokerJson<{ items: { action: string; after: { summary?: string } | null }[] }>(`/v1/tenants/demo/audit?entityType=account&entityId=${accountId}`);
  return body.items.map((i) => i.after?.summary).filter((s): s is string => typeof s === 'string');
}

/** Re-installs the event script with a fresh secret (as an admin would after switching it off). */
async function installPush(): Promise<void> {
  const issued = await brokerJson<{ secret: string; url: string }>('/v1/tenants/demo/inbound-secrets/netsuite', { method: 'POST', body: '{}' });
  const res = await sandboxCall('PUT', '/__sandbox/netsuite/events', { tenant: 'demo', url: issued.url, secret: issued.secret });
  expect(res.status).toBe(200);
}

/** An account untouched by the other tests with more than 1,001 undisputed balance overdue over 60 days (the default finance hold). */
async function accountForFinanceHold(): Promise<{ id: string; links: Link[]; aged: Invoice[] }> {
  for (const a of await accountsLastFirst()) {
    const count = (system: string) => a.links.filter((l) => l.system === system).length;
    if (count('hubspot') !== 1 || count('salesforce') !== 1 || count('netsuite') !== 1) continue;
    const v = await view(a.id);
    const aged = (v.receivables.data?.openInvoices ?? []).filter((i) => !i.disputed && i.daysOverdue > 60 && i.balance > 0);
    if (aged.reduce((sum, i) => sum + i.balance, 0) > 1_001 && (await history(a.id)).length === 0) return { id: a.id, links: a.links, aged };
  }
  throw new Error('no account with an aged overdue balance');
}

/**
 * An account no other test touched (no history yet), linked once in each CRM, with a Vitally
 * health score and what `want` asks of its view; picked by property, from the end of the list.
 */
async function untouchedAccount(want: (v: View) => boolean): Promise<{ id: string; links: Link[]; view: View }> {
  for (const a of await accountsLastFirst()) {
    const count = (system: string) => a.links.filter((l) => l.system === system).length;
    if (count('hubspot') !== 1 || count('salesforce') !== 1 || count('netsuite') !== 1 || count('vitally') !== 1) continue;
    const v = await view(a.id);
    if (v.health.data && want(v) && (await history(a.id)).length === 0) return { id: a.id, links: a.links, view: v };
  }
  throw new Error('no untouched account fits');
}

/** A CS change of the account (its health score set to `score`), followed to the view and the HubSpot company. */
async function csChange(a: { id: string; links: Link[] }, score: number): Promise<void> {
  expect((await sandboxCall('POST', `/__sandbox/vitally/demo/accounts/${linked(a, 'vitally')}/health`, { score: score / 10 })).status).toBe(200);
  expect(Math.round((await until(() => view(a.id), (v) => Math.round(v.health.data?.score ?? NaN) === score)).value.health.data!.score)).toBe(score);
  expect(Number((await until(() => hubspotCompany(linked(a, 'hubspot')), (p) => Number(p.concord_health_score) === score)).value.concord_health_score)).toBe(score);
}

afterAll(async () => {
  await sandboxCall('POST', '/__sandbox/faults', {});
});

// Each test chains several 45 s waits (a change that meets a vendor's rate window waits its turn in
// the queue): the timeout covers the chain, so a slow but correct run is not cut off mid-test.
describe('ERP and CS changes reach the CRM', { timeout: 240_000 }, () => {
  it('an invoice paid in NetSuite reaches the view, the HubSpot company, the Salesforce Account and the history (push)', async () => {
    const [a] = await accountsWithOpenInvoices(1);
    const before = (await view(a!.id, true)).receivables.data!.openTotal;
    const paid = await sandboxCall('POST', `/__sandbox/netsuite/demo/invoices/${a!.invoice.id}/pay`, {});
    expect(paid.status).toBeLessThan(300);
    const payment = ((await paid.json()) as { payment: { id: string } }).payment.id;
    const expected = Math.round((before - a!.invoice.balance) * 100) / 100;

    const seen = await until(() => view(a!.id), (v) => !v.receivables.data!.openInvoices.some((i) => i.id === a!.invoice.id));
    expect(seen.value.receivables.data!.openTotal).toBeCloseTo(expected, 2);
    // Cron is off in this estate and the view was rebuilt just before the payment, so it stays
    // fresh for 60 s (longer than `until` waits): the push carried it. The script's signed event
    // for the payment was delivered and accepted (202). Latency is the freshness bench's figure.
    const events = (await (await sandboxCall('GET', '/__sandbox/netsuite/events?tenant=demo')).json()) as { deliveries: { recordType: string; recordId: string; status: number }[] };
    expect(events.deliveries.some((d) => d.recordType === 'customerpayment' && d.recordId === payment && d.status === 202)).toBe(true);

    const hs = await until(() => hubspotCompany(linked(a!, 'hubspot')), (p) => Number(p.concord_open_ar) === expected);
    expect(Number(hs.value.concord_open_ar)).toBe(expected);
    expect(hs.value.concord_last_payment_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Both sources were read on the account's first change: health and risk are written too.
    expect(hs.value.concord_health_score).not.toBeNull();
    expect(['low', 'medium', 'high']).toContain(hs.value.concord_renewal_risk);
    const sf = await until(() => salesforceAccount(linked(a!, 'salesforce')), (r) => r.Concord_Open_AR__c === expected);
    expect(sf.value.Concord_Open_AR__c).toBe(expected);

    const lines = await until(() => history(a!.id), (l) => l.includes(`Invoice ${a!.invoice.number} paid in NetSuite`));
    expect(lines.value).toContain(`Invoice ${a!.invoice.number} paid in NetSuite`);
  });

  it('duplicated, reordered and lost pushes: each change applied once, the lost one found by the poll', async () => {
    const [a, b] = await accountsWithOpenInvoices(2);
    await sandboxCall('POST', '/__sandbox/faults', { netsuite: { netsuiteEventDuplicateRate: 1, netsuiteEventReorder: true, seed: 7 } });
    expect((await sandboxCall('POST', `/__sandbox/netsuite/demo/invoices/${a!.invoice.id}/dispute`, {})).status).toBeLessThan(300);
    await sandboxCall('POST', '/__sandbox/netsuite/events/flush', { tenant: 'demo' });
    await sandboxCall('POST', '/__sandbox/faults', { netsuite: { netsuiteEventLossRate: 1, seed: 7 } });
    expect((await sandboxCall('POST', `/__sandbox/netsuite/demo/invoices/${b!.invoice.id}/pay`, {})).status).toBeLessThan(300);
    await sandboxCall('POST', '/__sandbox/netsuite/events/flush', { tenant: 'demo' });
    await sandboxCall('POST', '/__sandbox/faults', {});
    const events = (await (await sandboxCall('GET', '/__sandbox/netsuite/events?tenant=demo')).json()) as { deliveries: { recordId: string; duplicate: boolean; status: number }[]; lost: { recordId: string; recordType: string }[] };
    expect(events.deliveries.filter((d) => d.recordId === a!.invoice.id && d.status === 202).length).toBeGreaterThanOrEqual(2);
    expect(events.lost.map((e) => e.recordType)).toContain('customerpayment');

    const disputed = await until(() => history(a!.id), (l) => l.some((s) => s.startsWith(`Invoice ${a!.invoice.number} disputed`)));
    // Let the duplicate drain, then: one line, not two.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await history(a!.id)).filter((s) => s.startsWith(`Invoice ${a!.invoice.number} disputed`))).toHaveLength(1);
    expect(disputed.value.some((s) => s.startsWith(`Invoice ${a!.invoice.number} disputed`))).toBe(true);

    // The lost payment: nothing arrived, the poll (the Cron Trigger's job) finds it.
    // (The every-minute Cron Trigger may have run first: the version then waits in the queue, not enqueued twice.)
    const poll = await brokerJson<{ streams: { stream: string; enqueued: number; waiting?: number }[] }>('/v1/tenants/demo/ops/poll', { method: 'POST' });
    const payments = poll.streams.find((s) => s.stream === 'payment')!;
    expect(payments.enqueued + (payments.waiting ?? 0)).toBeGreaterThanOrEqual(1);
    const seen = await until(() => view(b!.id), (v) => !v.receivables.data!.openInvoices.some((i) => i.id === b!.invoice.id));
    expect(seen.value.receivables.data!.openInvoices.map((i) => i.id)).not.toContain(b!.invoice.id);
    await until(() => history(b!.id), (l) => l.includes(`Invoice ${b!.invoice.number} paid in NetSuite`));
    // Polling again finds the same versions and enqueues none: a version applied is claimed, one
    // still in the queue is waiting (enqueued again only after 5 minutes unclaimed).
    const pollPayments = async () =>
      (await brokerJson<{ streams: { stream: string; seen: number; enqueued: number }[] }>('/v1/tenants/demo/ops/poll', { method: 'POST' })).streams.find((s) => s.stream === 'payment')!;
    // (One poll a second: each reads every ERP and CS stream, under the vendors' limits.)
    let again = await pollPayments();
    for (const started = Date.now(); again.enqueued > 0 && Date.now() - started < 30_000; again = await pollPayments()) await new Promise((r) => setTimeout(r, 1_000));
    expect(again.seen).toBeGreaterThanOrEqual(1);
    expect(again.enqueued).toBe(0);
    expect((await history(b!.id)).filter((s) => s === `Invoice ${b!.invoice.number} paid in NetSuite`)).toHaveLength(1);
  });

  it('with the event script switched off, the poll alone carries a payment to the view and the CRM', async () => {
    expect((await sandboxCall('DELETE', '/__sandbox/netsuite/events?tenant=demo')).status).toBeLessThan(300);
    // Runs even if the test times out (a `finally` would run whenever the abandoned body ends,
    // with the next tests relying on the push already).
    onTestFinished(installPush);
    {
      const [a] = await accountsWithOpenInvoices(1);
      const before = (await view(a!.id, true)).receivables.data!.openTotal;
      await sandboxCall('POST', `/__sandbox/netsuite/demo/invoices/${a!.invoice.id}/pay`, {});
      const expected = Math.round((before - a!.invoice.balance) * 100) / 100;
      // Nothing is pushed: the view keeps the invoice until the poll runs.
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await view(a!.id)).receivables.data!.openInvoices.map((i) => i.id)).toContain(a!.invoice.id);
      // The Cron Trigger, as Cloudflare fires it every minute (wrangler dev --test-scheduled serves it).
      const cron = await fetch(`${broker}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
      expect(cron.status).toBe(200);
      const seen = await until(() => view(a!.id), (v) => !v.receivables.data!.openInvoices.some((i) => i.id === a!.invoice.id));
      expect(seen.value.receivables.data!.openTotal).toBeCloseTo(expected, 2);
      const hs = await until(() => hubspotCompany(linked(a!, 'hubspot')), (p) => Number(p.concord_open_ar) === expected);
      expect(Number(hs.value.concord_open_ar)).toBe(expected);
      const intake = await brokerJson<{ sources: { source: string; streams: { stream: string; checkpoint: string }[] }[] }>('/v1/tenants/demo/ops/intake');
      expect(intake.sources.find((s) => s.source === 'netsuite')!.streams.map((s) => s.stream)).toEqual(expect.arrayContaining(['invoice', 'payment']));
    }
  });

  it('a health drop in Vitally reaches the view, the HubSpot company and the history (playbook webhook)', async () => {
    const [a] = await accountsWithOpenInvoices(1);
    const setHealth = async (score: number) => {
      expect((await sandboxCall('POST', `/__sandbox/vitally/demo/accounts/${linked(a!, 'vitally')}/health`, { score: score / 10 })).status).toBe(200);
      // (An account may have had no score yet: its health section is `none` until the change lands.)
      const seen = await until(() => view(a!.id), (v) => Math.round(v.health.data?.score ?? NaN) === score);
      expect(Math.round(seen.value.health.data!.score)).toBe(score);
      const hs = await until(() => hubspotCompany(linked(a!, 'hubspot')), (p) => Number(p.concord_health_score) === score);
      expect(Number(hs.value.concord_health_score)).toBe(score);
    };
    // The first change Concord sees of an account is its baseline (no history line: nothing to compare with).
    await setHealth(62);
    await setHealth(41);
    const lines = await until(() => history(a!.id), (l) => l.includes('Health fell from 62 to 41'));
    expect(lines.value.filter((s) => s === 'Health fell from 62 to 41')).toHaveLength(1);
  });

  it('an aged overdue balance sets the finance hold on both CRM records, and paying it lifts the hold', async () => {
    const a = await accountForFinanceHold();
    const largest = [...a.aged].sort((x, y) => y.balance - x.balance)[0]!;
    // Any change to the account re-reads it: a small credit memo on its largest aged invoice.
    expect((await sandboxCall('POST', `/__sandbox/netsuite/demo/invoices/${largest.id}/credit`, { amount: 1 })).status).toBeLessThan(300);
    const set = await until(() => hubspotCompany(linked(a, 'hubspot')), (p) => p.concord_finance_hold === 'true');
    expect(set.value.concord_finance_hold).toBe('true');
    expect((await until(() => salesforceAccount(linked(a, 'salesforce')), (r) => r.Concord_Finance_Hold__c === true)).value.Concord_Finance_Hold__c).toBe(true);
    expect((await until(() => history(a.id), (l) => l.some((s) => s.startsWith('Finance hold set')))).value.filter((s) => s.startsWith('Finance hold set'))).toHaveLength(1);
    // The card, the LWC and the panel read the same verdict from the account view.
    expect((await until(() => view(a.id), (v) => v.financeHold?.onHold === true)).value.financeHold).toMatchObject({ onHold: true, overdueDays: 60, minAmount: 1000 });

    for (const invoice of a.aged) expect((await sandboxCall('POST', `/__sandbox/netsuite/demo/invoices/${invoice.id}/pay`, {})).status).toBeLessThan(300);
    const lifted = await until(() => hubspotCompany(linked(a, 'hubspot')), (p) => p.concord_finance_hold === 'false');
    expect(lifted.value.concord_finance_hold).toBe('false');
    expect((await until(() => salesforceAccount(linked(a, 'salesforce')), (r) => r.Concord_Finance_Hold__c === false)).value.Concord_Finance_Hold__c).toBe(false);
    expect((await until(() => view(a.id), (v) => v.financeHold?.onHold === false)).value.financeHold).toMatchObject({ onHold: false });
    const lines = await until(() => history(a.id), (l) => l.some((s) => s.startsWith('Finance hold lifted')));
    expect(lines.value.filter((s) => s.startsWith('Finance hold lifted'))).toHaveLength(1);
  });

  it('a health drop files one support review task on each CRM record, not one per event', async () => {
    const accounts = await accountsWithOpenInvoices(4);
    const a = accounts[3]!;
    const setHealth = async (score: number) => {
      expect((await sandboxCall('POST', `/__sandbox/vitally/demo/accounts/${linked(a, 'vitally')}/health`, { score: score / 10 })).status).toBe(200);
      const seen = await until(() => view(a.id), (v) => Math.round(v.health.data?.score ?? NaN) === score);
      expect(Math.round(seen.value.health.data!.score)).toBe(score);
      // The view is rebuilt before the change's digest is stored; the CRM write comes after it, so
      // the next change is compared with this one, not with the one before.
      const hs = await until(() => hubspotCompany(linked(a, 'hubspot')), (p) => Number(p.concord_health_score) === score);
      expect(Number(hs.value.concord_health_score)).toBe(score);
    };
    await setHealth(82);
    await setHealth(51); // a fall of 31 points: the episode opens
    await setHealth(44); // further falls in the same episode file nothing more
    await setHealth(30);
    const line = (s: string) => s.startsWith('Support review task raised in the CRM: health fell from 82 to 51');
    const lines = await until(() => history(a.id), (l) => l.some(line));
    expect(lines.value.filter(line)).toHaveLength(1);

    const tasks = () => crmTasks(a, 'Support review: health fell from 82 to 51');
    const filed = await until(tasks, (t) => t.hubspot.length > 0 && t.salesforce.length > 0);
    expect(filed.value.hubspot).toHaveLength(1);
    expect(filed.value.salesforce).toHaveLength(1);
    // Recovered to where it fell from: the episode closes; a new fall would file a new task.
    await setHealth(85);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await tasks()).hubspot).toHaveLength(1);
  });

  it('never overwrites a field the tenant gave to the CRM: the health change is refused and recorded, the view still shows it', async () => {
    const own = await brokerJson<{ rules: { entity: string; field: string; owner: string }[] }>('/v1/tenants/demo/ownership');
    const original = own.rules.map(({ entity, field, owner }) => ({ entity, field, owner }));
    const crmOwnsHealth = [...original.filter((r) => !(r.entity === 'health' && r.field === 'score')), { entity: 'health', field: 'score', owner: 'crm' }];
    await brokerJson('/v1/tenants/demo/ownership', { method: 'PUT', body: JSON.stringify({ rules: crmOwnsHealth }) });
    onTestFinished(async () => {
      await brokerJson('/v1/tenants/demo/ownership', { method: 'PUT', body: JSON.stringify({ rules: original }) });
    });
    {
      const [, , a] = await accountsWithOpenInvoices(3);
      // First change of the account while the CRM owns the score: every other fact is written.
      const before = Math.round((await view(a!.id, true)).health.data!.score);
      const target = before > 50 ? 12 : 91;
      const crmBefore = (await hubspotCompany(linked(a!, 'hubspot'))).concord_health_score;
      expect((await sandboxCall('POST', `/__sandbox/vitally/demo/accounts/${linked(a!, 'vitally')}/health`, { score: target / 10 })).status).toBe(200);
      const seen = await until(() => view(a!.id), (v) => Math.round(v.health.data?.score ?? NaN) === target);
      expect(Math.round(seen.value.health.data!.score)).toBe(target);
      const refusals = await until(
        () => brokerJson<{ items: { attribute?: string; field: string; owner: string; targetSystem?: string }[] }>(`/v1/tenants/demo/write-refusals?accountId=${a!.id}`),
        (r) => r.items.some((i) => i.field === 'health.score' && i.targetSystem === 'hubspot'),
      );
      expect(refusals.value.items.filter((i) => i.field === 'health.score').map((i) => i.owner)).toContain('crm');
      // The refusal is recorded before the allowed fields are written: wait for those to land.
      const crm = await until(() => hubspotCompany(linked(a!, 'hubspot')), (p) => p.concord_renewal_risk !== null);
      expect(crm.value.concord_renewal_risk).not.toBeNull();
      expect(crm.value.concord_health_score).toBe(crmBefore);
    }
  });

  it('with the playbook webhook removed, the Vitally poll (updatedAt) carries a health change to the view', async () => {
    const [, a] = await accountsWithOpenInvoices(2);
    const before = Math.round((await view(a!.id, true)).health.data!.score);
    const target = before > 50 ? 33 : 77;
    expect((await sandboxCall('DELETE', '/__sandbox/vitally/webhooks?tenant=demo')).status).toBeLessThan(300);
    onTestFinished(async () => {
      const issued = await brokerJson<{ secret: string; url: string }>('/v1/tenants/demo/inbound-secrets/vitally', { method: 'POST', body: '{}' });
      await sandboxCall('PUT', '/__sandbox/vitally/webhooks', { tenant: 'demo', url: issued.url, secret: issued.secret });
    });
    {
      expect((await sandboxCall('POST', `/__sandbox/vitally/demo/accounts/${linked(a!, 'vitally')}/health`, { score: target / 10 })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(Math.round((await view(a!.id)).health.data!.score)).toBe(before);
      const poll = await brokerJson<{ streams: { source: string; stream: string; enqueued: number; waiting?: number }[] }>('/v1/tenants/demo/ops/poll', { method: 'POST' });
      const accounts = poll.streams.find((s) => s.source === 'vitally' && s.stream === 'accounts')!;
      expect(accounts.enqueued + (accounts.waiting ?? 0)).toBeGreaterThanOrEqual(1);
      const seen = await until(() => view(a!.id), (v) => Math.round(v.health.data?.score ?? NaN) === target);
      expect(Math.round(seen.value.health.data!.score)).toBe(target);
      const hs = await until(() => hubspotCompany(linked(a!, 'hubspot')), (p) => Number(p.concord_health_score) === target);
      expect(Number(hs.value.concord_health_score)).toBe(target);
    }
  });

  it('a stalled onboarding milestone files one task on each CRM record, however many changes report it', async () => {
    const today = new Date().toISOString().slice(0, 10);
    // Stalled the way the policy reads it: the first blocked milestone, else the earliest past due.
    const stalledOn = (v: View) => {
      const open = (v.onboarding.data?.milestones ?? []).filter((m) => m.status !== 'completed' && m.status !== 'skipped');
      return open.find((m) => m.status === 'blocked') ?? open.find((m) => m.dueDate !== null && m.dueDate < today) ?? null;
    };
    const a = await untouchedAccount((v) => v.onboarding.data?.status === 'stalled' && stalledOn(v) !== null);
    const m = stalledOn(a.view)!;
    const score = Math.round(a.view.health.data!.score);
    const near = (d: number) => (score + d <= 100 ? score + d : score - d);
    // The account's first change reads its onboarding: the episode opens and its task is filed.
    await csChange(a, near(1));
    const prefix = `Onboarding stalled: ${m.name} (`;
    const filed = await until(() => crmTasks(a, prefix), (t) => t.hubspot.length > 0 && t.salesforce.length > 0);
    expect(filed.value).toEqual({ hubspot: [expect.stringContaining(m.name)], salesforce: [expect.stringContaining(m.name)] });
    const line = (s: string) => s.startsWith(`Onboarding task raised in the CRM: ${m.name} `);
    expect((await until(() => history(a.id), (l) => l.some(line))).value.filter(line)).toHaveLength(1);
    // Another change while the same milestone is stalled: nothing more.
    await csChange(a, near(2));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await crmTasks(a, prefix)).toEqual({ hubspot: [expect.any(String)], salesforce: [expect.any(String)] });
    expect((await history(a.id)).filter(line)).toHaveLength(1);
  });

  it('a renewal within 90 days at high risk files one task before the renewal date, and the risk on both CRM records', async () => {
    const a = await untouchedAccount((v) => v.contract.data?.status === 'active' && v.contract.data.daysToRenewal >= 2 && v.contract.data.daysToRenewal <= 80 && v.health.data!.score >= 20);
    const renewal = a.view.contract.data!.renewalDate;
    // Health at 12 (low, and falling) and an urgent escalation, with the renewal inside 90 days: high risk.
    expect((await sandboxCall('POST', `/__sandbox/vitally/demo/accounts/${linked(a, 'vitally')}/escalations`, { subject: 'Data export keeps failing', priority: 'urgent' })).status).toBe(200);
    await csChange(a, 12);
    const risk = await until(() => hubspotCompany(linked(a, 'hubspot')), (p) => p.concord_renewal_risk === 'high');
    expect(risk.value.concord_renewal_risk).toBe('high');
    expect((await until(() => salesforceAccount(linked(a, 'salesforce')), (r) => r.Concord_Renewal_Risk__c === 'high')).value.Concord_Renewal_Risk__c).toBe('high');
    const prefix = `Renewal at risk: renews ${renewal} (`;
    const filed = await until(() => crmTasks(a, prefix), (t) => t.hubspot.length > 0 && t.salesforce.length > 0);
    expect(filed.value.hubspot).toHaveLength(1);
    expect(filed.value.salesforce).toHaveLength(1);
    // Due before the renewal, never before today.
    const q = encodeURIComponent(`SELECT Id, Subject, ActivityDate FROM Task WHERE WhatId = '${linked(a, 'salesforce')}'`);
    const sf = (await (await fetch(`${sandbox}/salesforce/services/data/v62.0/query?q=${q}`, { headers: { authorization: `Bearer ${await token('salesforce')}` } })).json()) as { records: { Subject: string; ActivityDate: string }[] };
    const due = sf.records.find((r) => r.Subject.startsWith(prefix))!.ActivityDate;
    expect(due < renewal).toBe(true);
    expect(due >= new Date().toISOString().slice(0, 10)).toBe(true);
    const line = (s: string) => s === `Renewal task raised in the CRM: renews ${renewal} at high risk`;
    expect((await until(() => history(a.id), (l) => l.some(line))).value.filter(line)).toHaveLength(1);
    // More changes before the same renewal (the risk stays high): one task.
    await csChange(a, 14);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await crmTasks(a, prefix)).hubspot).toHaveLength(1);
    expect((await history(a.id)).filter(line)).toHaveLength(1);
  });
});
