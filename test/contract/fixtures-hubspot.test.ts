/**
 * The sandbox HubSpot answers every saved HubSpot operation (test/fixtures/hubspot) in the saved
 * payload's shape: same fields, JSON types and nesting (test/support/payload-shape.ts), over plain
 * HTTP as the official client sends it. Reads ask for the saved payload's properties, so their
 * property maps must match exactly; creates echo what was set plus HubSpot's own properties, so
 * their property maps are compared as maps of strings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../sandbox/server.js';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { shapeDiff, type ShapeOptions } from '../support/payload-shape.js';
import { fixture, fixtureNames } from '../support/vendor-fixture.js';
import { sandboxUrl, seededPortal, token } from './hubspot-support.js';
import { authorize, form, pkce, redirectUri, registerClient } from './oauth-support.js';

let auth: string;
let seed: TenantDataset;
beforeAll(async () => {
  auth = `Bearer ${await token('demo')}`;
  seed = await seededPortal('demo');
});

/** The sandbox's status and JSON answer to one HubSpot request. */
async function call(method: string, path: string, body?: unknown, base = sandboxUrl): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}/hubspot${path}`, { method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

const SYSTEM = ['hs_object_id', 'createdate', 'hs_lastmodifieddate'];
/** The properties a saved read asked for: its property names, system ones left out. */
function askedFor(operation: string): string[] {
  const saved = fixture<{ results: { properties: Record<string, unknown> }[] }>('hubspot', operation);
  return Object.keys(saved.results[0]!.properties).filter((p) => !SYSTEM.includes(p));
}

/** Expect the answer to have the saved payload's shape. */
function expectShape(operation: string, answer: unknown, opts: ShapeOptions = {}): void {
  expect(shapeDiff(fixture('hubspot', operation), answer, opts), operation).toEqual([]);
}

const covered = new Set<string>();
const check = (operation: string, answer: unknown, opts?: ShapeOptions) => {
  covered.add(operation);
  expectShape(operation, answer, opts);
};

describe('the sandbox answers each saved HubSpot operation in its shape', () => {
  it('company, contact and deal reads', async () => {
    const companies = await call('GET', `/crm/v3/objects/companies?limit=2&properties=${askedFor('companies-page').join(',')}`);
    expect(companies.status).toBe(200);
    check('companies-page', companies.json);

    const ids = seed.hubspot.companies.slice(50, 52).map((c) => ({ id: c.id }));
    const read = await call('POST', '/crm/v3/objects/companies/batch/read', { inputs: ids, properties: askedFor('companies-batch-read'), propertiesWithHistory: [] });
    expect(read.status).toBe(200);
    check('companies-batch-read', read.json);
    const partial = await call('POST', '/crm/v3/objects/companies/batch/read', { inputs: [...ids, { id: '999' }], properties: askedFor('companies-batch-read-partial'), propertiesWithHistory: [] });
    expect(partial.status).toBe(207);
    check('companies-batch-read-partial', partial.json);

    const contacts = await call('POST', '/crm/v3/objects/contacts/batch/read', { inputs: seed.hubspot.contacts.slice(0, 3).map((c) => ({ id: c.id })), properties: askedFor('contacts-batch-read'), propertiesWithHistory: [] });
    check('contacts-batch-read', contacts.json);
    const deals = await call('POST', '/crm/v3/objects/deals/batch/read', { inputs: seed.hubspot.deals.slice(0, 3).map((d) => ({ id: d.id })), properties: askedFor('deals-batch-read'), propertiesWithHistory: [] });
    check('deals-batch-read', deals.json);
    check('pipelines-deals', (await call('GET', '/crm/v3/pipelines/deals')).json);
  });

  it('associations v4: pages with their types, batch reads with NO_ASSOCIATIONS_FOUND, creates', async () => {
    const withContacts = seed.hubspot.companies.find((c) => seed.hubspot.associations.contactToCompany.filter(([, co]) => co === c.id).length >= 3)!;
    const page = await call('GET', `/crm/v4/objects/companies/${withContacts.id}/associations/contacts?limit=2`);
    check('associations-v4-company-contacts', page.json);
    const [dealId] = seed.hubspot.associations.dealToCompany[0]!;
    check('associations-v4-deal-companies', (await call('GET', `/crm/v4/objects/deals/${dealId}/associations/companies`)).json);
    const batch = await call('POST', '/crm/v4/associations/deals/companies/batch/read', { inputs: [{ id: dealId }, { id: '515690208449' }] });
    expect(batch.status).toBe(207);
    check('associations-v4-batch-read-partial', batch.json);
  });

  it('batch updates, task and note creates', async () => {
    const [a, b] = seed.hubspot.companies.slice(60, 62);
    const update = await call('POST', '/crm/v3/objects/companies/batch/update', { inputs: [{ id: a!.id, properties: { concord_health_score: '72' } }, { id: b!.id, properties: { concord_health_score: '41' } }] });
    expect(update.status).toBe(200);
    check('companies-batch-update', update.json);
    const partial = await call('POST', '/crm/v3/objects/companies/batch/update', { inputs: [{ id: a!.id, properties: { concord_health_score: '73' } }, { id: '98765432', properties: { concord_health_score: '1' } }] });
    expect(partial.status).toBe(207);
    check('companies-batch-update-partial', partial.json);

    const loose = (operation: string): ShapeOptions => ({ extraAllowed: ['$.properties'], optional: Object.keys(fixture<{ properties: object }>('hubspot', operation).properties).map((p) => `$.properties.${p}`) });
    const link = (id: string, typeId: number) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] });
    const task = await call('POST', '/crm/v3/objects/tasks', { properties: { hs_task_subject: 'Follow up', hs_task_body: 'Overdue invoices', hs_task_status: 'NOT_STARTED', hs_task_type: 'TODO', hs_timestamp: '2026-12-03T12:00:00.000Z' }, associations: [link(a!.id, 192)] });
    expect(task.status).toBe(201);
    check('tasks-create', task.json, loose('tasks-create'));
    const note = await call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: 'Renewal discussed', hs_timestamp: '2026-11-26T10:22:09.000Z' }, associations: [link(a!.id, 190)] });
    expect(note.status).toBe(201);
    check('notes-create', note.json, loose('notes-create'));
  });

  it('property groups and properties, listed and created', async () => {
    check('property-groups', (await call('GET', '/crm/v3/properties/companies/groups')).json);
    const group = await call('POST', '/crm/v3/properties/companies/groups', { name: `fixture_${Date.now()}`, label: 'Fixture', displayOrder: -1 });
    expect(group.status).toBe(201);
    check('property-group-create', group.json);
    check('properties-companies', (await call('GET', '/crm/v3/properties/companies')).json);
    const prop = await call('POST', '/crm/v3/properties/companies', { name: `fixture_score_${Date.now()}`, label: 'Fixture score', type: 'number', fieldType: 'number', groupName: 'companyinformation' });
    expect(prop.status).toBe(201);
    check('property-create', prop.json);
  });

  it('errors: a validation error, and the 429 of a rate limit (on a sandbox of its own, faults set)', async () => {
    const company = seed.hubspot.companies[70]!;
    const invalid = await call('PATCH', `/crm/v3/objects/companies/${company.id}`, { properties: { no_such_property: '1' } });
    expect(invalid.status).toBe(400);
    check('error-validation', invalid.json);

    const own = await createSandbox().listen(0);
    try {
      await fetch(`${own.url}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hubspot: { rateLimitRate: 1, seed: 1 } }) });
      const limited = await call('GET', '/crm/v3/objects/companies?limit=1', undefined, own.url);
      expect(limited.status).toBe(429);
      check('error-rate-limit', limited.json);
    } finally {
      await own.close();
    }
  });

  it('OAuth: the token answer and its introspection', async () => {
    const client = await registerClient();
    const { verifier, challenge } = pkce();
    const code = await authorize('/hubspot/oauth/authorize', { client_id: client.clientId, redirect_uri: redirectUri, scope: 'oauth crm.objects.companies.read', state: 'fx', code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await form('/hubspot/oauth/2026-03/token', { grant_type: 'authorization_code', code, client_id: client.clientId, client_secret: client.clientSecret, redirect_uri: redirectUri, code_verifier: verifier });
    const tokens = (await res.json()) as { access_token: string };
    check('oauth-token', tokens);
    const info = await form('/hubspot/oauth/2026-03/token/introspect', { client_id: client.clientId, client_secret: client.clientSecret, token: tokens.access_token, token_type_hint: 'access_token' });
    check('token-introspect', await info.json());
  });

  afterAll(() => {
    // Every saved operation is checked here; a new fixture needs its request above.
    expect([...covered].sort()).toEqual(fixtureNames('hubspot'));
  });
});
