/**
 * Issue 8, item 7: one oversized webhook event never fails its whole delivery. Field sizes are
 * capped in the webhook schema, queue messages are measured in bytes (a Cloudflare Queues message
 * holds at most 128 KB), a large value travels by reference (stored in D1, the message carries
 * the reference), and only the event over the cap is dead-lettered.
 */
import { SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { PORTAL, connectWithPortal, hubspotHeaders, testEnv } from './cards-helpers.js';
import { api } from './helpers.js';

const PATH = '/v1/webhooks/hubspot';
let demoKey: string;
let nextId = 50_000;

function event(objectId: number, propertyValue: string): Record<string, unknown> {
  nextId += 1;
  return { eventId: nextId, subscriptionId: 501, portalId: Number(PORTAL.demo), appId: 42, occurredAt: Date.now(), subscriptionType: 'company.propertyChange', attemptNumber: 0, objectId, propertyName: 'description', propertyValue, changeSource: 'CRM_UI' };
}

async function deliver(body: unknown): Promise<Response> {
  const text = JSON.stringify(body);
  return SELF.fetch(`http://broker.test${PATH}`, { method: 'POST', headers: { ...hubspotHeaders('POST', PATH, text), 'content-type': 'application/json' }, body: text });
}

async function appliedValue(objectId: number): Promise<string | null | undefined> {
  for (let i = 0; i < 100; i++) {
    const row = await testEnv.DB.prepare("SELECT value FROM events WHERE object_id = ? AND status = 'applied'").bind(String(objectId)).first<{ value: string | null }>();
    if (row) return row.value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

beforeAll(async () => {
  demoKey = await connectWithPortal('demo');
});

describe('large webhook events', () => {
  it('applies a 70 KB value (replayable, not dead-lettered)', async () => {
    const value = 'x'.repeat(70 * 1024);
    const res = await deliver([event(8_100_001, value)]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 1, enqueued: 1 });
    expect(await appliedValue(8_100_001)).toBe(value);
  });

  it('sends a value too large for one queue message by reference, and applies it whole', async () => {
    // 60,000 characters of 2-byte UTF-8: 120 KB, under the field cap but over the queue budget.
    const value = 'é'.repeat(60_000);
    const res = await deliver([event(8_100_002, value), event(8_100_003, 'Small Co')]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 2, enqueued: 2 });
    expect(await appliedValue(8_100_002)).toBe(value);
    expect(await appliedValue(8_100_003)).toBe('Small Co');
    // The reference is dropped once applied.
    expect((await testEnv.DB.prepare('SELECT COUNT(*) AS n FROM event_payloads').first<{ n: number }>())!.n).toBe(0);
  });

  it('dead-letters only an event over the cap; the rest of its delivery is applied', async () => {
    const huge = 'y'.repeat(200 * 1024);
    const res = await deliver([event(8_100_004, 'Fine Co'), event(8_100_005, huge)]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 2, enqueued: 1, deadLettered: 1 });
    expect(await appliedValue(8_100_004)).toBe('Fine Co');
    const list = (await (await api('/v1/tenants/demo/dead-letters', { key: demoKey })).json()) as { items: { summary: string | null; error: string }[] };
    const letter = list.items.find((d) => d.summary?.includes('8100005'));
    expect(letter?.error).toMatch(/^too_big: /);
    expect(JSON.stringify(list)).not.toContain(huge.slice(0, 5000));
  });
});
