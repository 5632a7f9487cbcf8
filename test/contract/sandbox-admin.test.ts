/**
 * The sandbox's own admin API. Read-only checks use the shared sandbox; reseeding and faults run
 * against a private instance so they cannot disturb other contract files running in parallel.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSandbox, type SandboxListener } from '../../sandbox/server.js';

const shared = inject('sandboxUrl');
let own: SandboxListener;

beforeAll(async () => {
  own = await createSandbox({ anchorDate: '2026-11-26' }).listen(0);
});
afterAll(async () => {
  await own.close();
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
async function expectProblem(res: Response, code: string): Promise<void> {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(await res.json()).toMatchObject({ status: 400, code, title: expect.any(String) });
}

describe('health, tokens and truth', () => {
  it('reports the anchor date and per-tenant counts', async () => {
    const health = (await (await fetch(`${shared}/__sandbox/health`)).json()) as { ok: boolean; anchorDate: string; tenants: Record<string, Record<string, number>> };
    expect(health.ok).toBe(true);
    expect(health.anchorDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(health.tenants.demo!.companies).toBeGreaterThanOrEqual(500);
    expect(health.tenants.demo!.invoices).toBeGreaterThanOrEqual(5000);
    expect(health.tenants.other!.companies).toBeLessThan(health.tenants.demo!.companies!);
  });

  it('issues vendor tokens and refuses bad vendor/tenant with a problem', async () => {
    const ok = await post(`${shared}/__sandbox/tokens`, { vendor: 'vitally', tenant: 'other' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { accessToken: string }).accessToken).toMatch(/^sbx_/);
    await expectProblem(await post(`${shared}/__sandbox/tokens`, { vendor: 'stripe', tenant: 'demo' }), 'invalid_token_request');
    await expectProblem(await post(`${shared}/__sandbox/tokens`, { vendor: 'netsuite', tenant: 'acme' }), 'invalid_token_request');
    await expectProblem(await post(`${shared}/__sandbox/tokens`, 'not json'), 'bad_json');
  });

  it('returns the ground truth per tenant', async () => {
    const truth = (await (await fetch(`${shared}/__sandbox/truth?tenant=demo`)).json()) as { key: string; hubspotCompanyIds: string[]; netsuiteCustomerIds: string[] }[];
    expect(truth.length).toBeGreaterThanOrEqual(500);
    expect(truth.some((t) => t.hubspotCompanyIds.length > 1)).toBe(true);
    const other = (await (await fetch(`${shared}/__sandbox/truth?tenant=other`)).json()) as unknown[];
    expect(other.length).toBeLessThan(truth.length);
    await expectProblem(await fetch(`${shared}/__sandbox/truth?tenant=nobody`), 'unknown_tenant');
  });
});

describe('faults and reseed (private sandbox)', () => {
  it('validates fault bodies and applies vendor latency', async () => {
    await expectProblem(await post(`${own.url}/__sandbox/faults`, { netsuite: { latencyMs: -5 } }), 'invalid_faults');
    await expectProblem(await post(`${own.url}/__sandbox/faults`, { netsuite: { latency: 5 } }), 'invalid_faults');
    await expectProblem(await post(`${own.url}/__sandbox/faults`, { stripe: {} }), 'invalid_faults');
    await expectProblem(await post(`${own.url}/__sandbox/faults`, '{'), 'bad_json');

    const set = await post(`${own.url}/__sandbox/faults`, { vitally: { latencyMs: 400, errorRate: 0.1 } });
    expect(await set.json()).toEqual({ vitally: { latencyMs: 400, errorRate: 0.1 } });
    const t0 = Date.now();
    await fetch(`${own.url}/vitally/resources/accounts`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
    const t1 = Date.now();
    await fetch(`${own.url}/netsuite/services/rest/record/v1/customer`);
    expect(Date.now() - t1).toBeLessThan(380);

    expect(await (await post(`${own.url}/__sandbox/faults`, {})).json()).toEqual({});
    const t2 = Date.now();
    await fetch(`${own.url}/vitally/resources/accounts`);
    expect(Date.now() - t2).toBeLessThan(380);
  });

  it('reseeds: writes are dropped and a new anchor date moves the data', async () => {
    const tokenRes = await post(`${own.url}/__sandbox/tokens`, { vendor: 'netsuite', tenant: 'demo' });
    const auth = { authorization: `Bearer ${((await tokenRes.json()) as { accessToken: string }).accessToken}`, 'content-type': 'application/json' };
    const put = await fetch(`${own.url}/netsuite/services/rest/record/v1/customer/eid:reseed-me`, { method: 'PUT', headers: auth, body: JSON.stringify({ companyName: 'Ephemeral Ltd' }) });
    expect(put.status).toBe(204);

    await expectProblem(await post(`${own.url}/__sandbox/seed`, { anchorDate: '2027-02-30' }), 'invalid_seed_request');
    const seeded = await post(`${own.url}/__sandbox/seed`, { anchorDate: '2027-01-15' });
    expect(seeded.status).toBe(200);
    expect(await seeded.json()).toMatchObject({ ok: true, anchorDate: '2027-01-15' });
    expect((await fetch(`${own.url}/netsuite/services/rest/record/v1/customer/eid:reseed-me`, { headers: auth })).status).toBe(404);
    const health = (await (await fetch(`${own.url}/__sandbox/health`)).json()) as { anchorDate: string };
    expect(health.anchorDate).toBe('2027-01-15');

    const empty = await fetch(`${own.url}/__sandbox/seed`, { method: 'POST' });
    expect(await empty.json()).toMatchObject({ ok: true, anchorDate: '2027-01-15' });
  });
});
