/**
 * HubSpot webhooks inside workerd: the v3 signature (refused and accepted), a merge event enqueued
 * as one change per company merged away, body validation with
 * paths and stable codes, portal -> tenant mapping, and the queue consumers: duplicates applied
 * once, an older change arriving late recorded as superseded, a failing change retried, then
 * dead-lettered by the DLQ consumer, listed per tenant and replayed into exactly one application.
 * Requests are signed with node:crypto (cards-helpers), independently of the broker's verifier.
 */
import { SELF, createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/index.js';
import { hubspotChange, type HubSpotWebhookEvent } from '../../worker/connectors/hubspot/webhooks.js';
import { EVENTS_DLQ, EVENTS_QUEUE, type CrmChange } from '../../worker/queues/messages.js';
import { PORTAL, connectWithPortal, hubspotHeaders, testEnv } from './cards-helpers.js';
import { api } from './helpers.js';
import { cacheKey } from '../../worker/services/account-view-cache.js';

const PATH = '/v1/webhooks/hubspot';

interface Problem {
  code: string;
  errors?: { path: string; code: string }[];
}

let demoKey: string;
let otherKey: string;
let nextId = 1_000;

/** A HubSpot event as the webhooks API sends it (fields per https://developers.hubspot.com/docs/api/webhooks). */
function event(over: Partial<Record<keyof HubSpotWebhookEvent, unknown>> = {}): Record<string, unknown> {
  nextId += 1;
  return {
    eventId: nextId,
    subscriptionId: 501,
    portalId: Number(PORTAL.demo),
    appId: 42,
    occurredAt: Date.now(),
    subscriptionType: 'company.propertyChange',
    attemptNumber: 0,
    objectId: 9_000_000 + nextId,
    propertyName: 'name',
    propertyValue: `Name ${nextId}`,
    changeSource: 'CRM_UI',
    ...over,
  };
}

async function deliver(body: unknown, opts: { secret?: string; timestamp?: number; raw?: string } = {}): Promise<Response> {
  const text = opts.raw ?? JSON.stringify(body);
  return SELF.fetch(`http://broker.test${PATH}`, { method: 'POST', headers: { ...hubspotHeaders('POST', PATH, text, opts), 'content-type': 'application/json' }, body: text });
}

interface EventRow {
  tenant_id: string;
  object_id: string;
  value: string | null;
  status: string;
  occurred_at: number;
}

async function eventsOf(objectId: string): Promise<EventRow[]> {
  const { results } = await testEnv.DB.prepare('SELECT tenant_id, object_id, value, status, occurred_at FROM events WHERE object_id = ? ORDER BY occurred_at').bind(objectId).all<EventRow>();
  return results;
}

/** Waits for the queue (miniflare delivers after max_batch_timeout) to have recorded `n` rows. */
async function waitForEvents(objectId: string, n: number): Promise<EventRow[]> {
  // A deadline, not a count of tries: on a loaded machine each read takes longer.
  for (const until = Date.now() + 20_000; Date.now() < until; ) {
    const rows = await eventsOf(objectId);
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  return eventsOf(objectId);
}

/** Runs the Worker's queue() handler on `bodies` as Cloudflare would deliver them. */
async function consume(queue: string, bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `m${nextId++}-${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, testEnv);
  return getQueueResult(batch, ctx);
}

async function change(over: Partial<Record<keyof HubSpotWebhookEvent, unknown>> = {}, tenant = 'demo'): Promise<CrmChange> {
  const { HubSpotWebhookEventSchema } = await import('../../worker/connectors/hubspot/webhooks.js');
  return hubspotChange(HubSpotWebhookEventSchema.parse(event(over)), tenant, `corr-${nextId}`);
}

beforeAll(async () => {
  demoKey = await connectWithPortal('demo');
  otherKey = await connectWithPortal('other');
});

describe('POST /v1/webhooks/hubspot: signature', () => {
  it('refuses a missing, wrong or stale signature with 401 invalid_signature', async () => {
    const body = JSON.stringify([event()]);
    const unsigned = await SELF.fetch(`http://broker.test${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as Problem).code).toBe('invalid_signature');

    const wrong = await deliver(null, { raw: body, secret: 'not-the-app-secret-0123456789' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as Problem).code).toBe('invalid_signature');

    const stale = await deliver(null, { raw: body, timestamp: Date.now() - 301_000 });
    expect(stale.status).toBe(401);

    // A body changed after signing (another objectId) no longer matches.
    const headers = hubspotHeaders('POST', PATH, body);
    const tampered = await SELF.fetch(`http://broker.test${PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: body.replace('"objectId":9', '"objectId":8') });
    expect(tampered.status).toBe(401);
  });

  it('accepts a signed batch and answers at once with what it enqueued', async () => {
    const e = event();
    const res = await deliver([e]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, enqueued: 1, ignored: 0 });
    const rows = await waitForEvents(String(e.objectId), 1);
    expect(rows).toMatchObject([{ tenant_id: 'demo', value: e.propertyValue, status: 'applied' }]);
  });

  it('enqueues a merge event as one change per company merged away, valued with the company the merge made', async () => {
    const [primary, merged, made] = [nextId + 100_001, nextId + 100_002, nextId + 100_003];
    const e = event({ subscriptionType: 'company.merge', objectId: made, propertyName: undefined, propertyValue: undefined, primaryObjectId: primary, mergedObjectIds: [merged], newObjectId: made, numberOfPropertiesMoved: 3 });
    const res = await deliver([e, event()]);
    expect(res.status).toBe(200);
    // Two events received, none ignored; three changes enqueued.
    expect(await res.json()).toEqual({ received: 2, enqueued: 3, ignored: 0 });
    for (const id of [primary, merged]) expect(await waitForEvents(String(id), 1)).toMatchObject([{ tenant_id: 'demo', value: String(made), status: 'applied' }]);
    expect(await eventsOf(String(made))).toEqual([]);
  });
});

describe('POST /v1/webhooks/hubspot: body', () => {
  it('answers 400 bad_request for a body that is not JSON', async () => {
    const res = await deliver(null, { raw: '[{"eventId":' });
    expect(res.status).toBe(400);
    const p = (await res.json()) as Problem;
    expect(p.code).toBe('bad_request');
    expect(p.errors?.[0]).toMatchObject({ path: '(body)', code: 'invalid_json' });
  });

  it('answers 422 validation_failed naming each bad field', async () => {
    const res = await deliver([event(), event({ objectId: 'abc', subscriptionType: 'company.exploded', occurredAt: undefined })]);
    expect(res.status).toBe(422);
    const p = (await res.json()) as Problem;
    expect(p.code).toBe('validation_failed');
    const paths = p.errors!.map((e) => e.path).sort();
    expect(paths).toEqual(['1.objectId', '1.occurredAt', '1.subscriptionType']);

    const empty = await deliver([]);
    expect(empty.status).toBe(422);
    const tooMany = await deliver(Array.from({ length: 101 }, () => event()));
    expect(tooMany.status).toBe(422);
    expect(((await tooMany.json()) as Problem).errors?.[0]?.code).toBe('too_big');
  });
});

describe('portal -> tenant', () => {
  it('routes each event to the tenant connected to its portal and ignores unknown portals', async () => {
    const demo = event();
    const other = event({ portalId: Number(PORTAL.other) });
    const stranger = event({ portalId: 99_999_999 });
    const res = await deliver([demo, other, stranger]);
    expect(await res.json()).toEqual({ received: 3, enqueued: 2, ignored: 1 });
    expect((await waitForEvents(String(demo.objectId), 1))[0]!.tenant_id).toBe('demo');
    expect((await waitForEvents(String(other.objectId), 1))[0]!.tenant_id).toBe('other');
    // Give the queue a moment more: the stranger's event must never be recorded.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await eventsOf(String(stranger.objectId))).toEqual([]);
  });
});

describe('queue consumer', () => {
  it('applies a change delivered twice (HubSpot retry, new attemptNumber) exactly once', async () => {
    const e = event();
    expect((await deliver([e])).status).toBe(200);
    expect((await deliver([{ ...e, attemptNumber: 1 }])).status).toBe(200);
    // The same change inside one queue batch, too.
    const m = await change({ ...e });
    const result = await consume(EVENTS_QUEUE, [m, m]);
    expect(result.explicitAcks).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await eventsOf(String(e.objectId))).toHaveLength(1);
    const audit = await api(`/v1/tenants/demo/audit?entityType=hubspot_company&entityId=${e.objectId}`, { key: demoKey });
    const items = ((await audit.json()) as { items: { action: string; correlationId: string }[] }).items;
    expect(items.map((i) => i.action)).toEqual(['crm.change.applied']);
  });

  it('records an older change that arrives after a newer one as superseded, not applied', async () => {
    const objectId = 7_000_001;
    const newer = await change({ objectId, propertyValue: 'Acme Corp', occurredAt: 1_750_000_002_000 });
    const older = await change({ objectId, propertyValue: 'Acme', occurredAt: 1_750_000_001_000 });
    await consume(EVENTS_QUEUE, [newer]);
    await consume(EVENTS_QUEUE, [older]);
    const rows = await eventsOf(String(objectId));
    expect(rows.map((r) => [r.value, r.status])).toEqual([
      ['Acme', 'superseded'],
      ['Acme Corp', 'applied'],
    ]);
    const head = await testEnv.DB.prepare(`SELECT occurred_at FROM event_heads WHERE tenant_id = 'demo' AND object_id = ? AND property = 'name'`).bind(String(objectId)).first<{ occurred_at: number }>();
    expect(head?.occurred_at).toBe(1_750_000_002_000);
    // Another property of the same record is ordered on its own.
    const domain = await change({ objectId, propertyName: 'domain', propertyValue: 'acme.example', occurredAt: 1_750_000_000_000 });
    await consume(EVENTS_QUEUE, [domain]);
    expect((await eventsOf(String(objectId))).find((r) => r.value === 'acme.example')?.status).toBe('applied');
  });

  it('drops the cached account view of a changed company that is linked to an account', async () => {
    const objectId = '7000002';
    await testEnv.DB.batch([
      testEnv.DB.prepare(`INSERT INTO accounts (tenant_id, id, name) VALUES ('demo', 'acc_webhooktest', 'Webhook Test')`),
      testEnv.DB.prepare(`INSERT INTO identity_links (tenant_id, canonical_id, system, external_id, rule) VALUES ('demo', 'acc_webhooktest', 'hubspot', ?, 'manual')`).bind(objectId),
    ]);
    const key = cacheKey('demo', 'acc_webhooktest');
    await testEnv.KV.put(key, JSON.stringify({ v: 3, view: {}, sources: {} }));
    await consume(EVENTS_QUEUE, [await change({ objectId: Number(objectId) })]);
    expect(await testEnv.KV.get(key)).toBeNull();
  });

  it("shows applied CRM changes of a linked company in the CSM panel's history (superseded ones left out)", async () => {
    const objectId = 7_000_004;
    const accountId = 'acc_0000000000000000000000000abcdef0';
    await testEnv.DB.batch([
      testEnv.DB.prepare(`INSERT INTO accounts (tenant_id, id, name) VALUES ('demo', ?, 'Panel History Co')`).bind(accountId),
      testEnv.DB.prepare(`INSERT INTO identity_links (tenant_id, canonical_id, system, external_id, rule) VALUES ('demo', ?, 'hubspot', ?, 'manual')`).bind(accountId, String(objectId)),
    ]);
    await consume(EVENTS_QUEUE, [await change({ objectId, subscriptionType: 'company.creation', propertyName: undefined, propertyValue: undefined, occurredAt: 1_750_000_000_000 })]);
    await consume(EVENTS_QUEUE, [await change({ objectId, propertyValue: 'Panel History Corp', occurredAt: 1_750_000_002_000 })]);
    await consume(EVENTS_QUEUE, [await change({ objectId, propertyValue: 'Panel History (old)', occurredAt: 1_750_000_001_000 })]);

    const minted = await api('/v1/tenants/demo/embed-tokens', { method: 'POST', key: demoKey, body: JSON.stringify({ accountId, ttlSeconds: 600 }) });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    const res = await SELF.fetch(`http://broker.test/v1/embed/accounts/${accountId}/audit`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const summaries = ((await res.json()) as { items: { action: string; summary: string }[] }).items.map((i) => i.summary);
    expect(summaries).toContain('HubSpot company name changed to "Panel History Corp"');
    expect(summaries).toContain(`HubSpot company ${objectId} created`);
    expect(summaries.join('\n')).not.toContain('Panel History (old)');
  });

  it('retries a failing change, dead-letters it after the retries, and replays it into one application', async () => {
    const objectId = 7_000_003;
    const m = await change({ objectId, propertyValue: 'Late Inc' });
    // A real D1 failure for this record only (as if the database refused the write).
    await testEnv.DB.prepare(`CREATE TRIGGER fail_7000003 BEFORE INSERT ON events WHEN NEW.object_id = '7000003' BEGIN SELECT RAISE(ABORT, 'simulated D1 outage'); END`).run();
    const first = await consume(EVENTS_QUEUE, [m], 1);
    expect(first.explicitAcks).toEqual([]);
    expect(first.retryMessages).toHaveLength(1);
    const last = await consume(EVENTS_QUEUE, [m], 6);
    expect(last.retryMessages).toHaveLength(1);
    expect(await eventsOf(String(objectId))).toEqual([]);

    // Cloudflare moves it to the dead-letter queue after max_retries; its consumer stores it.
    const dlq = await consume(EVENTS_DLQ, [m]);
    expect(dlq.explicitAcks).toHaveLength(1);
    const list = await api('/v1/tenants/demo/dead-letters', { key: demoKey });
    expect(list.status).toBe(200);
    const items = ((await list.json()) as { items: { id: string; kind: string; summary?: string; error: string; attempts?: number; failedAt: string }[] }).items;
    const letter = items.find((d) => d.summary?.includes('7000003'));
    expect(letter).toMatchObject({ kind: 'crm.change', attempts: 6 });
    expect(letter!.error).toContain('simulated D1 outage');
    expect(letter!.summary).not.toContain('Late Inc');

    // Tenant-scoped: the other tenant neither sees nor replays it; unknown ids are 404.
    const otherList = (await (await api('/v1/tenants/other/dead-letters', { key: otherKey })).json()) as { items: { id: string }[] };
    expect(otherList.items.map((d) => d.id)).not.toContain(letter!.id);
    expect((await api(`/v1/tenants/other/dead-letters/${letter!.id}/replay`, { method: 'POST', key: otherKey })).status).toBe(404);
    expect((await api(`/v1/tenants/demo/dead-letters/dl_000000000000000000000000/replay`, { method: 'POST', key: demoKey })).status).toBe(404);
    expect((await api(`/v1/tenants/demo/dead-letters/${letter!.id}/replay`, { method: 'POST' })).status).toBe(401);

    // The outage is over: replay puts it back on the real queue and it is applied once.
    await testEnv.DB.prepare('DROP TRIGGER fail_7000003').run();
    const replay = await api(`/v1/tenants/demo/dead-letters/${letter!.id}/replay`, { method: 'POST', key: demoKey });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ id: letter!.id, status: 'replayed' });
    expect((await waitForEvents(String(objectId), 1)).map((r) => r.status)).toEqual(['applied']);
    expect((await api(`/v1/tenants/demo/dead-letters/${letter!.id}/replay`, { method: 'POST', key: demoKey })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await eventsOf(String(objectId))).toHaveLength(1);
    const after = (await (await api('/v1/tenants/demo/dead-letters', { key: demoKey })).json()) as { items: { id: string }[] };
    expect(after.items.map((d) => d.id)).not.toContain(letter!.id);

    // A dead letter for a change that another delivery applied meanwhile is not stored.
    const applied = await consume(EVENTS_DLQ, [m]);
    expect(applied.explicitAcks).toHaveLength(1);
    const still = (await (await api('/v1/tenants/demo/dead-letters', { key: demoKey })).json()) as { items: { id: string }[] };
    expect(still.items.map((d) => d.id)).not.toContain(letter!.id);
  });

  it('keeps a malformed message in the dead-letter store instead of dropping it', async () => {
    const result = await consume(EVENTS_QUEUE, [{ v: 1, kind: 'crm.change', tenantId: 'demo', objectId: 12 }]);
    expect(result.explicitAcks).toHaveLength(1);
    const items = ((await (await api('/v1/tenants/demo/dead-letters', { key: demoKey })).json()) as { items: { error: string }[] }).items;
    expect(items.some((d) => d.error.startsWith('malformed_message:'))).toBe(true);
  });
});
