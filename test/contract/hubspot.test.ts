/**
 * The official `@hubspot/api-client` against the sandbox's HubSpot emulator: paging, search,
 * batch read/update/upsert, properties, pipelines, associations, errors and tenant isolation, checked
 * against the seeded portal.
 */
import { Client } from '@hubspot/api-client';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/deals/models/Filter.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { failure, hubspotClient, sandboxUrl, seededPortal, token } from './hubspot-support.js';

let demo: Client;
let other: Client;
/** The seed the sandbox serves, regenerated here (the generator is deterministic per anchor date).
 * The sandbox is this file's own (hubspot-support.ts), so its portal holds exactly the seed. */
let seed: Record<'demo' | 'other', TenantDataset>;

beforeAll(async () => {
  seed = { demo: await seededPortal('demo'), other: await seededPortal('other') };
  demo = hubspotClient(await token('demo'));
  other = hubspotClient(await token('other'));
});

describe('HubSpot emulator with @hubspot/api-client', () => {
  it('getAll pages through every seeded company exactly once', async () => {
    const all = await demo.crm.companies.getAll(100, undefined, ['name', 'domain']);
    const ids = all.map((c) => c.id);
    expect(all.length).toBeGreaterThan(300); // several pages of 100
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(seed.demo.hubspot.companies.map((c) => c.id).sort());
    const byId = new Map(seed.demo.hubspot.companies.map((c) => [c.id, c.properties]));
    // An unset domain comes back as null, as HubSpot answers a requested property without a value.
    expect(all.every((c) => c.properties.name === byId.get(c.id)?.name && c.properties.domain === (byId.get(c.id)?.domain ?? null))).toBe(true);
    expect(all.some((c) => c.properties.domain === null)).toBe(true);
    const first = await demo.crm.companies.basicApi.getPage(5, undefined, ['name']);
    expect(first.results).toHaveLength(5);
    expect(first.paging?.next?.after).toBeTruthy();
    expect(first.results[0]!.createdAt).toBeInstanceOf(Date);
    expect(Object.keys(first.results[0]!.properties)).toEqual(expect.arrayContaining(['name', 'hs_object_id', 'createdate', 'hs_lastmodifieddate']));
  });

  it("a tenant's token never sees the other tenant's records", async () => {
    const demoCompanies = await demo.crm.companies.getAll(100, undefined, ['name']);
    const otherCompanies = await other.crm.companies.getAll(100, undefined, ['name']);
    expect(otherCompanies.map((c) => c.properties.name).sort()).toEqual(seed.other.hubspot.companies.map((c) => c.properties.name).sort());
    expect(otherCompanies.length).toBeLessThan(demoCompanies.length);
    const otherNames = new Set(otherCompanies.map((c) => c.properties.name));
    const demoOnly = demoCompanies.find((c) => !otherNames.has(c.properties.name))!;
    // Ids overlap between portals, but the content served is the other portal's.
    const seenByOther = await other.crm.companies.basicApi.getById(demoOnly.id, ['name']).catch(() => null);
    expect(seenByOther?.properties.name).not.toBe(demoOnly.properties.name);
  });

  it('searchApi.doSearch filters, sorts and pages closed-won deals', async () => {
    const request = {
      filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: FilterOperatorEnum.Eq, value: 'closedwon' }] }],
      sorts: [JSON.stringify({ propertyName: 'amount', direction: 'DESCENDING' })],
      properties: ['dealname', 'amount', 'dealstage'],
      limit: 20,
      after: '0',
    };
    const page1 = await demo.crm.deals.searchApi.doSearch(request);
    expect(page1.total).toBe(seed.demo.hubspot.deals.filter((d) => d.properties.dealstage === 'closedwon').length);
    expect(page1.total).toBeGreaterThan(20);
    expect(page1.results.every((d) => d.properties.dealstage === 'closedwon')).toBe(true);
    const amounts = page1.results.map((d) => Number(d.properties.amount));
    expect(amounts).toEqual([...amounts].sort((a, b) => b - a));
    const page2 = await demo.crm.deals.searchApi.doSearch({ ...request, after: page1.paging!.next!.after });
    expect(page2.results[0]!.id).not.toBe(page1.results[0]!.id);
    expect(Number(page2.results[0]!.properties.amount)).toBeLessThanOrEqual(amounts[amounts.length - 1]!);
  });

  it('batchApi.read returns requested companies and reports unknown ids (207)', async () => {
    const some = await demo.crm.companies.basicApi.getPage(3);
    const ids = some.results.map((c) => c.id);
    const read = await demo.crm.companies.batchApi.read({ inputs: [...ids.map((id) => ({ id })), { id: '999' }], properties: ['name'], propertiesWithHistory: [] });
    expect(read.results.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect('errors' in read && read.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
  });

  it('batch upsert by a unique property creates, then updates the same record', async () => {
    const input = { inputs: [{ id: 'NS-CONTRACT-1', idProperty: 'concord_erp_customer_id', properties: { name: 'Contract Test Co', domain: 'contract-test.example' } }] };
    const created = await demo.crm.companies.batchApi.upsert(input);
    expect(created.results[0]!._new).toBe(true);
    const updated = await demo.crm.companies.batchApi.upsert({ inputs: [{ ...input.inputs[0]!, properties: { name: 'Contract Test Co (renamed)' } }] });
    expect(updated.results[0]).toMatchObject({ id: created.results[0]!.id, _new: false });
    const byExternalId = await demo.crm.companies.basicApi.getById('NS-CONTRACT-1', ['name'], undefined, undefined, undefined, 'concord_erp_customer_id');
    expect(byExternalId.properties.name).toBe('Contract Test Co (renamed)');
  });

  it('writes with an unknown property fail with VALIDATION_ERROR; unknown ids with OBJECT_NOT_FOUND', async () => {
    const bad = await failure(demo.crm.companies.basicApi.create({ properties: { name: 'X', favourite_colour: 'teal' }, associations: [] }));
    expect(bad.code).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(String(bad.body.message)).toContain('Property values were not valid');
    const missing = await failure(demo.crm.deals.basicApi.getById('424242'));
    expect(missing.code).toBe(404);
    expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
    const tooMany = await failure(demo.crm.companies.batchApi.read({ inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })), properties: [], propertiesWithHistory: [] }));
    expect(tooMany.code).toBe(400);
  });

  it("accepts writes to HubSpot's usual default company and deal properties", async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const company = await demo.crm.companies.basicApi.create({ properties: { name: `Defaults ${tag}` }, associations: [] });
    const values = { description: 'Probe description', website: 'https://probe.example', state: 'TX', zip: '78701', numberofemployees: '120' };
    const updated = await demo.crm.companies.basicApi.update(company.id, { properties: values });
    expect(updated.properties).toMatchObject(values);
    const deal = await demo.crm.deals.basicApi.create({ properties: { dealname: `Defaults ${tag}`, pipeline: 'default', dealstage: 'appointmentscheduled' }, associations: [] });
    expect((await demo.crm.deals.basicApi.update(deal.id, { properties: { description: 'Two-year renewal' } })).properties.description).toBe('Two-year renewal');
    const names = (await demo.crm.properties.coreApi.getAll('companies')).results.filter((p) => Object.keys(values).includes(p.name));
    expect(names.every((p) => p.hubspotDefined)).toBe(true);
    expect(names).toHaveLength(5);
  });

  it('creates a custom property, reads it back, and refuses a duplicate with 409', async () => {
    const groups = await demo.crm.properties.groupsApi.getAll('companies');
    const groupName = groups.results[0]!.name;
    const created = await demo.crm.properties.coreApi.create('companies', { name: 'concord_contract_tier', label: 'Contract tier', type: 'enumeration' as never, fieldType: 'select' as never, groupName, options: [{ label: 'Gold', value: 'gold', displayOrder: 0, hidden: false }] });
    expect(created.name).toBe('concord_contract_tier');
    const read = await demo.crm.properties.coreApi.getByName('companies', 'concord_contract_tier');
    expect(read.options.map((o) => o.value)).toEqual(['gold']);
    const dup = await failure(demo.crm.properties.coreApi.create('companies', { name: 'concord_contract_tier', label: 'again', type: 'string' as never, fieldType: 'text' as never, groupName }));
    expect(dup.code).toBe(409);
    const company = (await demo.crm.companies.basicApi.getPage(1)).results[0]!;
    const patched = await demo.crm.companies.basicApi.update(company.id, { properties: { concord_contract_tier: 'gold' } });
    expect(patched.properties.concord_contract_tier).toBe('gold');
  });

  it('updates and archives a custom property; HubSpot-defined ones keep their definition', async () => {
    const groupName = (await demo.crm.properties.groupsApi.getAll('companies')).results[0]!.name;
    const name = `concord_probe_${Math.random().toString(36).slice(2, 8)}`;
    await demo.crm.properties.coreApi.create('companies', { name, label: 'Probe', type: 'string' as never, fieldType: 'text' as never, groupName });
    const updated = await demo.crm.properties.coreApi.update('companies', name, { label: 'Probe, renamed', description: 'kept' });
    expect(updated).toMatchObject({ name, label: 'Probe, renamed', description: 'kept', archived: false });
    expect((await demo.crm.properties.coreApi.getByName('companies', name)).label).toBe('Probe, renamed');

    await demo.crm.properties.coreApi.archive('companies', name);
    expect((await demo.crm.properties.coreApi.getAll('companies')).results.map((p) => p.name)).not.toContain(name);
    const archived = await demo.crm.properties.coreApi.getAll('companies', true);
    expect(archived.results.find((p) => p.name === name)).toMatchObject({ archived: true });
    expect((await failure(demo.crm.properties.coreApi.getByName('companies', name))).code).toBe(404);
    const company = await demo.crm.companies.basicApi.create({ properties: { name: `Archived property ${name}` }, associations: [] });
    const refused = await failure(demo.crm.companies.basicApi.update(company.id, { properties: { [name]: 'x' } }));
    expect(refused.code).toBe(400);
    expect(String(refused.body.message)).toContain('does not exist');

    expect((await failure(demo.crm.properties.coreApi.archive('companies', 'domain'))).code).toBe(400);
    expect((await failure(demo.crm.properties.coreApi.update('companies', 'domain', { label: 'Web address' }))).code).toBe(400);
    expect((await failure(demo.crm.properties.coreApi.update('companies', 'no_such_property', { label: 'x' }))).code).toBe(404);
  });

  it('lists deal pipelines with a closed-won stage', async () => {
    const pipelines = await demo.crm.pipelines.pipelinesApi.getAll('deals');
    const def = pipelines.results.find((p) => p.id === 'default')!;
    const won = def.stages.find((s) => s.id === 'closedwon')!;
    expect(won.metadata).toMatchObject({ isClosed: 'true', probability: '1.0' });
    const custom = pipelines.results.find((p) => p.id !== 'default')!;
    const stages = await demo.crm.pipelines.pipelineStagesApi.getAll('deals', custom.id);
    expect(stages.results.length).toBe(custom.stages.length);
  });

  it('v4 associations: list, create default, and see it from both sides', async () => {
    const company = (await demo.crm.companies.basicApi.getPage(1)).results[0]!;
    const contacts = await demo.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts');
    for (const r of contacts.results) {
      const back = await demo.crm.associations.v4.basicApi.getPage('contacts', String(r.toObjectId), 'companies');
      expect(back.results.map((x) => String(x.toObjectId))).toContain(company.id);
    }
    const v3 = await demo.crm.associations.batchApi.read('companies', 'contacts', { inputs: [{ id: company.id }] });
    expect(v3.results[0]?._from.id ?? company.id).toBe(company.id);
    expect((v3.results[0]?.to ?? []).map((t) => t.id).sort()).toEqual(contacts.results.map((r) => String(r.toObjectId)).sort());
    const note = await demo.crm.objects.basicApi.create('notes', { properties: { hs_note_body: 'Spoke to finance', hs_timestamp: new Date().toISOString() }, associations: [] });
    await demo.crm.associations.v4.basicApi.createDefault('notes', note.id, 'companies', company.id);
    const fromCompany = await demo.crm.associations.v4.basicApi.getPage('companies', company.id, 'notes');
    expect(fromCompany.results.map((r) => String(r.toObjectId))).toContain(note.id);
    const withAssoc = await demo.crm.objects.basicApi.getById('notes', note.id, ['hs_note_body'], undefined, ['companies']);
    expect(withAssoc.associations?.companies?.results.map((r) => r.id)).toEqual([company.id]);
  });

  it('a custom pipeline has numeric stage ids; its won stage is the closed one with probability 1.0', async () => {
    const pipelines = await demo.crm.pipelines.pipelinesApi.getAll('deals');
    const custom = pipelines.results.find((p) => p.id !== 'default')!;
    expect(custom.id).toMatch(/^\d+$/);
    expect(custom.stages.every((s) => /^\d+$/.test(s.id) && String(s.writePermissions) === 'CRUD_ALL')).toBe(true);
    const won = custom.stages.filter((s) => s.metadata?.isClosed === 'true' && Number(s.metadata?.probability) === 1);
    expect(won).toHaveLength(1);
    // Deals in that stage exist in the seed, under the custom pipeline.
    const seededWon = seed.demo.hubspot.deals.filter((d) => d.properties.pipeline === custom.id && d.properties.dealstage === won[0]!.id);
    expect(seededWon.length).toBeGreaterThan(0);
    const stage = await demo.crm.pipelines.pipelineStagesApi.getById('deals', custom.id, won[0]!.id);
    expect(stage.metadata).toEqual({ isClosed: 'true', probability: won[0]!.metadata!.probability });
  });

  it('tasks and notes are created with their associations to a company and a deal, visible from both sides', async () => {
    const deal = seed.demo.hubspot.deals[0]!;
    const companyId = seed.demo.hubspot.associations.dealToCompany.find(([d]) => d === deal.id)![1];
    const link = (id: string, typeId: number) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: typeId }] });
    const task = await demo.crm.objects.tasks.basicApi.create({
      properties: { hs_task_subject: 'Contract renewal call', hs_task_status: 'NOT_STARTED', hs_timestamp: '2026-12-01T12:00:00.000Z' },
      associations: [link(companyId, 192), link(deal.id, 216)],
    });
    const note = await demo.crm.objects.notes.basicApi.create({ properties: { hs_note_body: 'Renewal discussed', hs_timestamp: '2026-11-20T10:00:00.000Z' }, associations: [link(companyId, 190), link(deal.id, 214)] });
    const ids = async (from: string, id: string, to: string) => (await demo.crm.associations.v4.basicApi.getPage(from, id, to)).results.map((r) => String(r.toObjectId));
    expect(await ids('companies', companyId, 'tasks')).toContain(task.id);
    expect(await ids('deals', deal.id, 'tasks')).toContain(task.id);
    expect(await ids('tasks', task.id, 'companies')).toEqual([companyId]);
    expect(await ids('companies', companyId, 'notes')).toContain(note.id);
    expect(await ids('notes', note.id, 'deals')).toEqual([deal.id]);
    const read = await demo.crm.objects.tasks.batchApi.read({ inputs: [{ id: task.id }], properties: ['hs_task_subject'], propertiesWithHistory: [] });
    expect(read.results[0]!.properties.hs_task_subject).toBe('Contract renewal call');
    // A task without its required timestamp is HubSpot's VALIDATION_ERROR, nothing created.
    const bad = await failure(demo.crm.objects.tasks.basicApi.create({ properties: { hs_task_subject: 'No date' }, associations: [link(companyId, 192)] }));
    expect(bad.code).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    // An association type that does not exist for tasks is refused too.
    const wrongType = await failure(demo.crm.objects.tasks.basicApi.create({ properties: { hs_timestamp: '2026-12-01T12:00:00.000Z' }, associations: [link(companyId, 279)] }));
    expect(wrongType.code).toBe(400);
  });

  it('batch update answers 207 multi-status when some ids are unknown, applying the others', async () => {
    const [a, b] = seed.demo.hubspot.companies.slice(10, 12);
    const res = await fetch(`${sandboxUrl}/hubspot/crm/v3/objects/companies/batch/update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('demo')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ id: a!.id, properties: { concord_health_score: '77' } }, { id: b!.id, properties: { concord_health_score: '78' } }, { id: '98765432', properties: { concord_health_score: '1' } }] }),
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as { status: string; results: { id: string }[]; numErrors: number; errors: { status: string; category: string; message: string; context: Record<string, string[]> }[] };
    expect(body.status).toBe('COMPLETE');
    expect(body.results.map((r) => r.id).sort()).toEqual([a!.id, b!.id].sort());
    expect(body.errors[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['98765432'] } });
    // Through the official client the same answer arrives as the WithErrors variant.
    const viaSdk = await demo.crm.companies.batchApi.update({ inputs: [{ id: a!.id, properties: { concord_health_score: '79' } }, { id: '98765433', properties: { concord_health_score: '1' } }] });
    expect('errors' in viaSdk && viaSdk.errors?.[0]?.context).toEqual({ ids: ['98765433'] });
    const read = await demo.crm.companies.basicApi.getById(a!.id, ['concord_health_score']);
    expect(read.properties.concord_health_score).toBe('79');
  });

  it('errors use the HubSpot envelope: status, message, correlationId, category', async () => {
    const res = await fetch(`${sandboxUrl}/hubspot/crm/v3/objects/deals/424242`, { headers: { authorization: `Bearer ${await token('demo')}` } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    expect(typeof body.message).toBe('string');
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('every answer carries the rate-limit headers', async () => {
    const res = await fetch(`${sandboxUrl}/hubspot/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${await token('demo')}` } });
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(Number(res.headers.get('x-hubspot-ratelimit-remaining'))).toBeLessThan(110);
    const unauth = await fetch(`${sandboxUrl}/hubspot/crm/v3/objects/contacts?limit=1`);
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
  });
});
