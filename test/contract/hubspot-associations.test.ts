/**
 * Associations v4 on the sandbox HubSpot, through `@hubspot/api-client`: a batch read answers
 * 207 with HubSpot's `crm.associations.NO_ASSOCIATIONS_FOUND` error for each input without
 * associations (unknown ids included), and the client returns it as the WithErrors variant; a
 * labelled create answers with object type ids (`fromObjectTypeId: "0-2"`).
 */
import type { Client } from '@hubspot/api-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { hubspotClient, sandboxUrl, seededPortal, token } from './hubspot-support.js';

let demo: Client;
let demoToken: string;
let seed: TenantDataset;
beforeAll(async () => {
  demoToken = await token('demo');
  demo = hubspotClient(demoToken);
  seed = await seededPortal('demo');
});

describe('v4 batch read', () => {
  it('answers 207 with NO_ASSOCIATIONS_FOUND for an unknown id, the known ones in results', async () => {
    const [dealId, companyId] = seed.hubspot.associations.dealToCompany[3]!;
    const res = await fetch(`${sandboxUrl}/hubspot/crm/v4/associations/deals/companies/batch/read`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ id: dealId }, { id: '99999999999' }] }),
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as { status: string; results: { from: { id: string }; to: { toObjectId: number; associationTypes: { category: string; typeId: number; label: string | null }[] }[] }[]; numErrors: number; errors: unknown[] };
    expect(body.status).toBe('COMPLETE');
    expect(body.results.map((r) => r.from.id)).toEqual([dealId]);
    expect(body.results[0]!.to.map((t) => String(t.toObjectId))).toContain(companyId);
    // The deal's first company is its primary one: the "Primary" label comes with the default type.
    expect(body.results[0]!.to[0]!.associationTypes).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: 5, label: 'Deal with Primary Company' },
      { category: 'HUBSPOT_DEFINED', typeId: 341, label: null },
    ]);
    expect(body.numErrors).toBe(1);
    expect(body.errors).toEqual([
      {
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
        message: 'No company is associated with deal 99999999999.',
        context: { fromObjectId: ['99999999999'], fromObjectType: ['deal'], toObjectType: ['company'] },
      },
    ]);
  });

  it('the official client returns the same answer with its errors', async () => {
    const company = seed.hubspot.companies.find((c) => seed.hubspot.associations.contactToCompany.some(([, co]) => co === c.id))!;
    const res = await demo.crm.associations.v4.batchApi.getPage('companies', 'contacts', { inputs: [{ id: company.id }, { id: '424242424242' }] });
    expect(res.results.map((r) => r._from.id)).toEqual([company.id]);
    expect('errors' in res && res.errors?.map((e) => [e.subCategory, e.context])).toEqual([['crm.associations.NO_ASSOCIATIONS_FOUND', { fromObjectId: ['424242424242'], fromObjectType: ['company'], toObjectType: ['contact'] }]]);
    // Every input without associations: still 207, nothing in results.
    const fresh = await demo.crm.companies.basicApi.create({ properties: { name: 'No notes yet' }, associations: [] });
    const none = await demo.crm.associations.v4.batchApi.getPage('companies', 'notes', { inputs: [{ id: fresh.id }] });
    expect(none.results).toEqual([]);
    expect('errors' in none && none.errors?.map((e) => e.message)).toEqual([`No note is associated with company ${fresh.id}.`]);
  });
});

describe('v4 create', () => {
  it('answers with object type ids, as HubSpot does', async () => {
    const contact = seed.hubspot.contacts[7]!;
    const company = seed.hubspot.companies[40]!;
    const res = await demo.crm.associations.v4.basicApi.create('contacts', contact.id, 'companies', company.id, [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 279 }]);
    expect(res).toMatchObject({ fromObjectTypeId: '0-1', toObjectTypeId: '0-2', labels: [] });
    expect(String(res.fromObjectId)).toBe(contact.id);
    expect(String(res.toObjectId)).toBe(company.id);
    const deal = seed.hubspot.deals[9]!;
    const fromDeal = await demo.crm.associations.v4.basicApi.create('deals', deal.id, 'companies', company.id, [{ associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 341 }]);
    expect([fromDeal.fromObjectTypeId, fromDeal.toObjectTypeId]).toEqual(['0-3', '0-2']);
    const back = await demo.crm.associations.v4.basicApi.getPage('companies', company.id, 'deals');
    expect(back.results.map((r) => String(r.toObjectId))).toContain(deal.id);
  });
});
