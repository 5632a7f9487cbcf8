/**
 * HubSpot emulator routes driven in-process (no server): auth, paging, property validation,
 * batch limits, search, associations and the rate-limit headers.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxState, type SandboxState } from '../../sandbox/core/state.js';
import { issueToken } from '../../sandbox/core/tokens.js';
import { hubspotApp } from '../../sandbox/hubspot/index.js';

let state: SandboxState;
let app: ReturnType<typeof hubspotApp>;
const demo = issueToken('hubspot', 'demo');

function call(method: string, path: string, body?: unknown, token = demo): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    }),
  );
}

// One seeded state for the file (seeding is the slow part); a fresh app per test gives each test
// its own rate-limit windows. Tests only add records, so seeded facts stay true throughout.
beforeAll(() => {
  state = createSandboxState('2026-11-26');
});
beforeEach(() => {
  app = hubspotApp(state);
});

describe('HubSpot emulator', () => {
  it('refuses a missing or foreign token in HubSpot error shape', async () => {
    const res = await call('GET', '/crm/v3/objects/companies', undefined, issueToken('salesforce', 'demo'));
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    expect(typeof body.correlationId).toBe('string');
  });

  it('pages companies with after cursors and rate-limit headers', async () => {
    const first = await call('GET', '/crm/v3/objects/companies?limit=100&properties=name,domain');
    expect(first.headers.get('X-HubSpot-RateLimit-Max')).toBe('110');
    expect(first.headers.get('X-HubSpot-RateLimit-Interval-Milliseconds')).toBe('10000');
    expect(first.headers.get('X-HubSpot-RateLimit-Remaining')).toBe('109');
    const page = (await first.json()) as { results: { id: string; properties: Record<string, string> }[]; paging: { next: { after: string } } };
    expect(page.results).toHaveLength(100);
    expect(Object.keys(page.results[0]!.properties).sort()).toEqual(['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name']);
    const second = (await (await call('GET', `/crm/v3/objects/companies?limit=100&after=${page.paging.next.after}`)).json()) as { results: { id: string }[] };
    expect(second.results[0]!.id).not.toBe(page.results[0]!.id);
  });

  it('0-2 is companies, and a missing id is OBJECT_NOT_FOUND', async () => {
    const id = state.dataset('demo').hubspot.companies[0]!.id;
    expect((await call('GET', `/crm/v3/objects/0-2/${id}`)).status).toBe(200);
    const missing = await call('GET', '/crm/v3/objects/companies/999');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
  });

  it('rejects unknown and read-only properties on write, changing nothing', async () => {
    const before = state.dataset('demo').hubspot.companies.length;
    const res = await call('POST', '/crm/v3/objects/companies', { properties: { name: 'X', colour: 'red', hs_object_id: '1' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { category: string; message: string; errors: { code: string }[] };
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.message).toMatch(/^Property values were not valid: /);
    expect(body.errors.map((e) => e.code).sort()).toEqual(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE']);
    expect(state.dataset('demo').hubspot.companies.length).toBe(before);
  });

  it('creates, updates and archives a deal', async () => {
    const created = (await (await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'Test deal', amount: 100, dealstage: 'closedwon', pipeline: 'default' } })).json()) as { id: string };
    const patched = await call('PATCH', `/crm/v3/objects/deals/${created.id}`, { properties: { amount: '250' } });
    expect(((await patched.json()) as { properties: Record<string, string> }).properties.amount).toBe('250');
    expect((await call('PATCH', `/crm/v3/objects/deals/${created.id}`, { properties: { dealstage: 'nope' } })).status).toBe(400);
    expect((await call('DELETE', `/crm/v3/objects/deals/${created.id}`)).status).toBe(204);
    expect((await call('GET', `/crm/v3/objects/deals/${created.id}`)).status).toBe(404);
  });

  it('caps batch inputs at 100 and reports missing ids as 207', async () => {
    const tooMany = await call('POST', '/crm/v3/objects/companies/batch/read', { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toMatchObject({ category: 'VALIDATION_ERROR' });
    const id = state.dataset('demo').hubspot.companies[0]!.id;
    const partial = await call('POST', '/crm/v3/objects/companies/batch/read', { inputs: [{ id }, { id: '42' }], properties: ['name'] });
    expect(partial.status).toBe(207);
    expect(await partial.json()).toMatchObject({ status: 'COMPLETE', numErrors: 1, errors: [{ context: { ids: ['42'] } }] });
  });

  it('upserts by a unique property: creates once, then updates', async () => {
    const input = { inputs: [{ id: 'erp-777', idProperty: 'concord_erp_customer_id', properties: { name: 'Upsert Co' } }] };
    const first = (await (await call('POST', '/crm/v3/objects/companies/batch/upsert', input)).json()) as { results: { id: string; new: boolean }[] };
    const second = (await (await call('POST', '/crm/v3/objects/companies/batch/upsert', input)).json()) as { results: { id: string; new: boolean }[] };
    expect(first.results[0]!.new).toBe(true);
    expect(second.results[0]).toMatchObject({ id: first.results[0]!.id, new: false });
    // Keyed on the record id (or nothing) the whole batch is refused, as HubSpot refuses any
    // non-unique idProperty, and nothing in it is applied.
    const mixed = await call('POST', '/crm/v3/objects/companies/batch/upsert', { inputs: [{ id: '777777', properties: { name: 'Nope' } }, { ...input.inputs[0], properties: { city: 'Porto' } }] });
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toMatchObject({ category: 'VALIDATION_ERROR', message: 'Unable to perform update/upsert by non-unique 0-2 property hs_object_id in portal ID 24300001' });
    expect(state.dataset('demo').hubspot.companies.find((c) => c.id === first.results[0]!.id)!.properties.city).not.toBe('Porto');
  });

  it('searches with filters, sorts and a total, and enforces 5 searches per second', async () => {
    const body = { filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }] }], sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }], properties: ['amount', 'dealstage'], limit: 5 };
    const res = (await (await call('POST', '/crm/v3/objects/deals/search', body)).json()) as { total: number; results: { properties: Record<string, string> }[] };
    const expected = state.dataset('demo').hubspot.deals.filter((d) => !d.archived && d.properties.dealstage === 'closedwon').length;
    expect(res.total).toBe(expected);
    const amounts = res.results.map((r) => Number(r.properties.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    expect(res.results.every((r) => r.properties.dealstage === 'closedwon')).toBe(true);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('POST', '/crm/v3/objects/deals/search', { limit: 1 })).status);
    expect(statuses).toContain(429);
  });

  it('answers 429 in HubSpot shape after 110 requests in 10 seconds', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 111; i++) last = await call('GET', '/crm/v3/objects/companies?limit=1');
    expect(last!.status).toBe(429);
    expect(await last!.json()).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' });
    // The other tenant has its own window.
    expect((await call('GET', '/crm/v3/objects/companies?limit=1', undefined, issueToken('hubspot', 'other'))).status).toBe(200);
  });

  it('lists and creates v4 associations', async () => {
    const ds = state.dataset('demo').hubspot;
    const [contactId, companyId] = ds.associations.contactToCompany[0]!;
    const list = (await (await call('GET', `/crm/v4/objects/companies/${companyId}/associations/contacts`)).json()) as { results: { toObjectId: number }[] };
    expect(list.results.map((r) => String(r.toObjectId))).toContain(contactId);
    const deal = ds.deals.find((d) => !ds.associations.dealToCompany.some(([x, y]) => x === d.id && y === companyId))!;
    expect((await call('PUT', `/crm/v4/objects/deals/${deal.id}/associations/default/companies/${companyId}`)).status).toBe(200);
    const after = (await (await call('GET', `/crm/v4/objects/deals/${deal.id}/associations/company`)).json()) as { results: { toObjectId: number }[] };
    expect(after.results.map((r) => String(r.toObjectId))).toContain(companyId);
  });

  it('creates a task associated with a company and reads it back through associations', async () => {
    const companyId = state.dataset('demo').hubspot.companies[0]!.id;
    const res = await call('POST', '/crm/v3/objects/tasks', {
      properties: { hs_task_subject: 'Chase invoice', hs_timestamp: '2026-11-27T09:00:00Z' },
      associations: [{ to: { id: companyId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 192 }] }],
    });
    expect(res.status).toBe(201);
    const task = (await res.json()) as { id: string };
    const undated = await call('POST', '/crm/v3/objects/tasks', { properties: { hs_task_subject: 'No date' } });
    expect(await undated.json()).toMatchObject({ category: 'VALIDATION_ERROR', errors: [{ code: 'REQUIRED_PROPERTY' }] });
    expect((await call('POST', '/crm/v3/objects/tasks', { properties: { hs_timestamp: '2026-11-27T09:00:00Z', hs_task_status: 'DONE' } })).status).toBe(400);
    const got = (await (await call('GET', `/crm/v3/objects/tasks/${task.id}?associations=companies&properties=hs_task_subject`)).json()) as { properties: Record<string, string>; associations: { companies: { results: { id: string }[] } } };
    expect(got.properties.hs_task_subject).toBe('Chase invoice');
    expect(got.associations.companies.results[0]!.id).toBe(companyId);
  });

  it('answers malformed JSON with a 400, not a crash', async () => {
    const res = await call('POST', '/crm/v3/objects/companies/search', '{not json');
    expect(res.status).toBe(400);
  });
});
