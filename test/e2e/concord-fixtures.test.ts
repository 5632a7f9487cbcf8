/**
 * The broker's saved answers that the widget browser tests are served (test/fixtures/concord/)
 * have the shape the running broker really answers with: same fields, JSON types and nesting
 * (test/support/payload-shape.ts), asked here of the estate exactly as `npm start` runs it.
 */
import { describe, expect, inject, it } from 'vitest';
import { AccountViewSchema } from '../../worker/model/index.js';
import { answers, problems } from '../fixtures/concord/index.js';
import { shapeDiff } from '../support/payload-shape.js';

const broker = inject('brokerUrl');
const demoKey = inject('demoKey');

async function get(path: string, auth = `Bearer ${demoKey}`): Promise<{ status: number; type: string | null; body: unknown }> {
  const res = await fetch(`${broker}${path}`, { headers: { authorization: auth } });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

async function linkedAccount(): Promise<string> {
  const { body } = await get('/v1/tenants/demo/accounts?limit=50');
  const items = (body as { items: { id: string; links: { system: string }[] }[] }).items;
  return items.filter((a) => a.links.some((l) => l.system === 'netsuite')).sort((a, b) => a.id.localeCompare(b.id))[0]!.id;
}

describe('saved broker answers match the running broker', () => {
  it('connections, ownership and dead letters', async () => {
    for (const [path, fixture] of [
      ['/v1/tenants/demo/connections', answers.connections],
      ['/v1/tenants/demo/ownership', answers.ownership],
      ['/v1/tenants/demo/dead-letters', answers.deadLetters],
    ] as const) {
      const live = await get(path);
      expect(live.status, path).toBe(200);
      expect(shapeDiff(fixture, live.body), path).toEqual([]);
    }
  });

  it('the identity review queue', async () => {
    const live = await get('/v1/tenants/demo/identity/reviews?status=open&limit=50');
    expect(live.status).toBe(200);
    const items = (live.body as { items: unknown[] }).items;
    // The demo estate's hard identity cases leave open cases after the first sync.
    expect(items.length).toBeGreaterThan(0);
    // A record carries only the identity fields its system holds; a reason says `conflict` only when it is one.
    const sides = ['subject', 'candidate'].flatMap((side) => ['domain', 'taxId', 'country', 'city', 'address', 'emails'].map((f) => `$.items[].${side}.fields.${f}`));
    expect(shapeDiff(answers.reviews, live.body, { optional: sides, extraAllowed: ['$.items[].reasons[]'] })).toEqual([]);
  });

  it("the embed view and audit of an account, opened with the panel's embed token", async () => {
    const accountId = await linkedAccount();
    const minted = await fetch(`${broker}/v1/tenants/demo/embed-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId, ttlSeconds: 600 }),
    });
    const { token } = (await minted.json()) as { token: string };
    const view = await get(`/v1/embed/accounts/${accountId}/view`, `Bearer ${token}`);
    expect(AccountViewSchema.safeParse(view.body).error?.issues ?? []).toEqual([]);
    const audit = await get(`/v1/embed/accounts/${accountId}/audit`, `Bearer ${token}`);
    expect(audit.status).toBe(200);
    expect(shapeDiff(answers.audit, audit.body)).toEqual([]);
  });

  it('problems: an unknown account and an unknown route', async () => {
    const missing = await get('/v1/tenants/demo/accounts/acc_00000000000000000000000000000000/view');
    expect(missing.type).toContain('application/problem+json');
    expect(shapeDiff(problems.accountNotFound, missing.body)).toEqual([]);
    expect(missing.body).toMatchObject({ status: 404, code: 'account_not_found' });
    const route = await get('/v1/tenants/demo/no-such-route');
    expect(shapeDiff(problems.routeNotFound, route.body)).toEqual([]);
    expect(route.body).toMatchObject({ status: 404, code: 'route_not_found' });
  });
});
