/**
 * Batch upsert and update keys on the sandbox HubSpot, through `@hubspot/api-client`: HubSpot
 * refuses an `idProperty` that is not a unique-value property (400 VALIDATION_ERROR "Unable to
 * perform update/upsert by non-unique 0-2 property name in portal ID ..."), the record id
 * included; unique-value properties (created with `hasUniqueValue`, the seeded
 * `concord_erp_customer_id`, a contact's email) create then update; values stay unique.
 */
import type { Client } from '@hubspot/api-client';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { failure, hubspotClient, seededPortal, token } from './hubspot-support.js';

let demo: Client;
let seed: TenantDataset;
beforeAll(async () => {
  demo = hubspotClient(await token('demo'));
  seed = await seededPortal('demo');
});

const nonUnique = (type: string, property: string) => `Unable to perform update/upsert by non-unique ${type} property ${property} in portal ID ${seed.hubspot.portalId}`;

describe('upsert keys', () => {
  it('refuses a non-unique idProperty (name, domain, dealname), the record id, or none, writing nothing', async () => {
    const name = `Upsert by name ${randomBytes(3).toString('hex')}`;
    const byName = await failure(demo.crm.companies.batchApi.upsert({ inputs: [{ id: name, idProperty: 'name', properties: { domain: 'by-name.example' } }] }));
    expect(byName.code).toBe(400);
    expect(byName.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: nonUnique('0-2', 'name') });
    expect(typeof byName.body.correlationId).toBe('string');
    const found = await demo.crm.companies.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ' as never, value: name }] }], properties: ['name'], limit: 10, after: '0', sorts: [] });
    expect(found.total).toBe(0);

    const byDomain = await failure(demo.crm.companies.batchApi.upsert({ inputs: [{ id: 'acme.example', idProperty: 'domain', properties: {} }] }));
    expect(byDomain.body.message).toBe(nonUnique('0-2', 'domain'));
    const deal = await failure(demo.crm.deals.batchApi.upsert({ inputs: [{ id: 'Big deal', idProperty: 'dealname', properties: { amount: '10' } }] }));
    expect([deal.code, deal.body.message]).toEqual([400, nonUnique('0-3', 'dealname')]);
    const company = seed.hubspot.companies[5]!;
    const byId = await failure(demo.crm.companies.batchApi.upsert({ inputs: [{ id: company.id, idProperty: 'hs_object_id', properties: { concord_health_score: '50' } }] }));
    expect(byId.body.message).toBe(nonUnique('0-2', 'hs_object_id'));
    const noKey = await failure(demo.crm.companies.batchApi.upsert({ inputs: [{ id: company.id, properties: { concord_health_score: '50' } }] }));
    expect(noKey.code).toBe(400);
    // Batch update by a non-unique property is refused the same way; by record id it works.
    const update = await failure(demo.crm.companies.batchApi.update({ inputs: [{ id: 'Acme', idProperty: 'name', properties: { concord_health_score: '1' } }] }));
    expect(update.body.message).toBe(nonUnique('0-2', 'name'));
    const byRecordId = await demo.crm.companies.batchApi.update({ inputs: [{ id: company.id, properties: { concord_health_score: '51' } }] });
    expect(byRecordId.results[0]!.properties.concord_health_score).toBe('51');
  });

  it('upserts by a unique-value property the app creates: created, then updated in place', async () => {
    const groupName = (await demo.crm.properties.groupsApi.getAll('companies')).results[0]!.name;
    const name = `contract_key_${randomBytes(3).toString('hex')}`;
    const prop = await demo.crm.properties.coreApi.create('companies', { name, label: 'Contract key', type: 'string' as never, fieldType: 'text' as never, groupName, hasUniqueValue: true });
    expect(prop.hasUniqueValue).toBe(true);
    const first = await demo.crm.companies.batchApi.upsert({ inputs: [{ id: 'K-1', idProperty: name, properties: { name: 'Keyed Co' } }] });
    expect(first.results[0]).toMatchObject({ _new: true, properties: { [name]: 'K-1', name: 'Keyed Co' } });
    const second = await demo.crm.companies.batchApi.upsert({ inputs: [{ id: 'K-1', idProperty: name, properties: { name: 'Keyed Co (renamed)' } }] });
    expect(second.results[0]).toMatchObject({ _new: false, id: first.results[0]!.id });
    // The value is unique: another company cannot take it.
    const clash = await failure(demo.crm.companies.basicApi.create({ properties: { name: 'Impostor', [name]: 'K-1' }, associations: [] }));
    expect(clash.code).toBe(409);
    expect(clash.body).toMatchObject({ status: 'error', category: 'CONFLICT' });
    expect(String(clash.body.message)).toContain(`Existing ID: ${first.results[0]!.id}`);
    // One batch names a record once.
    const twice = await failure(demo.crm.companies.batchApi.upsert({ inputs: [{ id: 'K-2', idProperty: name, properties: {} }, { id: 'K-2', idProperty: name, properties: {} }] }));
    expect(twice.code).toBe(400);
  });

  it('keeps unique values unique across the inputs of one batch, as each input is applied in turn', async () => {
    const groupName = (await demo.crm.properties.groupsApi.getAll('companies')).results[0]!.name;
    const key = `batch_key_${randomBytes(3).toString('hex')}`;
    await demo.crm.properties.coreApi.create('companies', { name: key, label: 'Batch key', type: 'string' as never, fieldType: 'text' as never, groupName, hasUniqueValue: true });
    const made = await demo.crm.companies.batchApi.create({ inputs: ['A', 'B', 'C'].map((n) => ({ properties: { name: `Batch ${n}`, [key]: `U-${n}` }, associations: [] })) });
    const id = (n: string) => made.results.find((r) => r.properties[key] === `U-${n}`)!.id;
    const value = async (n: string) => (await demo.crm.companies.basicApi.getById(id(n), [key])).properties[key];

    // Another record's value, in any case: refused, naming the holder.
    const taken = await failure(demo.crm.companies.batchApi.update({ inputs: [{ id: id('B'), properties: { [key]: 'u-a' } }] }));
    expect([taken.code, taken.body.category]).toEqual([409, 'CONFLICT']);
    expect(String(taken.body.message)).toContain(`Existing ID: ${id('A')}`);
    expect(await value('B')).toBe('U-B');

    // A value an earlier input of the same batch gave up is free for a later one.
    const swapped = await demo.crm.companies.batchApi.update({
      inputs: [
        { id: id('A'), properties: { [key]: 'U-A2' } },
        { id: id('B'), properties: { [key]: 'U-A' } },
      ],
    });
    expect(swapped.results).toHaveLength(2);
    expect([await value('A'), await value('B')]).toEqual(['U-A2', 'U-A']);

    // A value an earlier input of the same batch took is no longer free for a later one.
    const twice = await failure(
      demo.crm.companies.batchApi.update({
        inputs: [
          { id: id('C'), properties: { [key]: 'U-NEW' } },
          { id: id('A'), properties: { [key]: 'U-NEW' } },
        ],
      }),
    );
    expect(twice.code).toBe(409);
    expect(String(twice.body.message)).toContain(`Existing ID: ${id('C')}`);
    expect(await value('A')).toBe('U-A2');
    const created = await failure(demo.crm.companies.batchApi.create({ inputs: [1, 2].map((n) => ({ properties: { name: `Twin ${n}`, [key]: 'U-TWIN' }, associations: [] })) }));
    expect(created.code).toBe(409);

    // Across requests: a value one request's single-record update gave is held in the next batch,
    // and the value it gave up is free; an archived holder's value is free.
    await demo.crm.companies.basicApi.update(id('B'), { properties: { [key]: 'U-B2' } });
    const held = await failure(demo.crm.companies.batchApi.update({ inputs: [{ id: id('C'), properties: { [key]: 'u-b2' } }] }));
    expect([held.code, String(held.body.message)]).toEqual([409, expect.stringContaining(`Existing ID: ${id('B')}`)]);
    await demo.crm.companies.batchApi.update({ inputs: [{ id: id('C'), properties: { [key]: 'U-B' } }] });
    expect(await value('C')).toBe('U-B');
    await demo.crm.companies.basicApi.archive(id('A'));
    await demo.crm.companies.batchApi.update({ inputs: [{ id: id('C'), properties: { [key]: 'U-A2' } }] });
    expect(await value('C')).toBe('U-A2');
  });

  it("upserts contacts by email, HubSpot's own unique key", async () => {
    const email = `upsert.${randomBytes(3).toString('hex')}@contract.example`;
    const first = await demo.crm.contacts.batchApi.upsert({ inputs: [{ id: email, idProperty: 'email', properties: { firstname: 'Una' } }] });
    const second = await demo.crm.contacts.batchApi.upsert({ inputs: [{ id: email, idProperty: 'email', properties: { lastname: 'Keyed' } }] });
    expect([first.results[0]!._new, second.results[0]!._new]).toEqual([true, false]);
    expect(second.results[0]!.id).toBe(first.results[0]!.id);
    const dup = await failure(demo.crm.contacts.basicApi.create({ properties: { email }, associations: [] }));
    expect(dup).toMatchObject({ code: 409, body: { category: 'CONFLICT', message: `Contact already exists. Existing ID: ${first.results[0]!.id}` } });
  });
});
