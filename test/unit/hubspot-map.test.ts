/** HubSpot raw -> canonical mapping: won stages from pipeline metadata, deals, contacts, associations. */
import { describe, expect, it } from 'vitest';
import {
  activityAssociations,
  companiesOfDeal,
  contactFromHubSpot,
  dealFromHubSpot,
  dealOutcome,
  stageOutcomes,
  type HubSpotPipeline,
} from '../../worker/connectors/hubspot/map.js';

/** Shapes as GET /crm/v3/pipelines/deals returns them (metadata values are strings). */
const pipelines: HubSpotPipeline[] = [
  {
    id: 'default',
    stages: [
      { id: 'contractsent', metadata: { isClosed: 'false', probability: '0.9' } },
      { id: 'closedwon', metadata: { isClosed: 'true', probability: '1.0' } },
      { id: 'closedlost', metadata: { isClosed: 'true', probability: '0.0' } },
    ],
  },
  {
    id: '1002000',
    stages: [
      { id: '1002003', metadata: { isClosed: 'false', probability: '1.0' } }, // certain but still open: not won
      { id: '1002004', metadata: { isClosed: 'true', probability: '1' } },
      { id: '1002009', archived: true, metadata: { isClosed: 'true', probability: '1.0' } },
      { id: '1002005', metadata: { isClosed: 'true', probability: '0.0' } },
    ],
  },
];

describe('won stages', () => {
  const outcomes = stageOutcomes(pipelines);

  it('a stage is won only when closed and certain; archived stages do not count', () => {
    expect([...outcomes.get('default')!.won]).toEqual(['closedwon']);
    expect([...outcomes.get('1002000')!.won]).toEqual(['1002004']);
    expect([...outcomes.get('1002000')!.closed].sort()).toEqual(['1002004', '1002005']);
  });

  it('looks the stage up in the deal pipeline, or in every pipeline when the deal has none', () => {
    expect(dealOutcome(outcomes, '1002000', '1002004')).toEqual({ closed: true, won: true });
    expect(dealOutcome(outcomes, 'default', '1002004')).toEqual({ closed: false, won: false });
    expect(dealOutcome(outcomes, null, '1002004')).toEqual({ closed: true, won: true });
    expect(dealOutcome(outcomes, 'default', 'closedlost')).toEqual({ closed: true, won: false });
    expect(dealOutcome(outcomes, 'gone', 'closedwon')).toEqual({ closed: false, won: false });
    expect(dealOutcome(outcomes, 'default', null)).toEqual({ closed: false, won: false });
  });

  it('maps a deal to canonical terms with its won flag', () => {
    const deal = dealFromHubSpot(
      { id: '3000001', properties: { dealname: ' Acme – Partner deal ', amount: '12000.50', deal_currency_code: 'eur', pipeline: '1002000', dealstage: '1002004', closedate: '2026-10-01T12:00:00.000Z' } },
      outcomes,
    );
    expect(deal).toEqual({ externalId: '3000001', name: 'Acme – Partner deal', amount: 12000.5, currency: 'EUR', pipeline: '1002000', stage: '1002004', closeDate: '2026-10-01T12:00:00.000Z', closed: true, won: true });
    const bare = dealFromHubSpot({ id: '7', properties: { amount: 'n/a', dealname: null } }, outcomes);
    expect(bare).toMatchObject({ name: 'HubSpot deal 7', amount: null, currency: null, won: false, closed: false });
  });
});

describe('contacts and associations', () => {
  it('maps a contact, trimming and lower-casing the email', () => {
    expect(contactFromHubSpot({ id: '2', properties: { firstname: 'Ana ', lastname: '', email: ' Ana.Silva@Example.COM', jobtitle: null } })).toEqual({
      externalId: '2',
      firstName: 'Ana',
      lastName: null,
      email: 'ana.silva@example.com',
      title: null,
    });
  });

  it('associates a task or note with the company and, when given, the deal (HubSpot-defined type ids)', () => {
    expect(activityAssociations('task', { companyId: '10', dealId: '20' }).map((a) => [a.to.id, a.types[0]!.associationTypeId])).toEqual([
      ['10', 192],
      ['20', 216],
    ]);
    expect(activityAssociations('note', { companyId: '10' }).map((a) => [a.to.id, a.types[0]!.associationTypeId])).toEqual([['10', 190]]);
    expect(activityAssociations('note', { companyId: '10', dealId: '20' })[1]!.types[0]).toEqual({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 214 });
  });

  it("puts a deal's primary company first", () => {
    expect(companiesOfDeal([{ toObjectId: '1', typeIds: [341] }, { toObjectId: '2', typeIds: [341, 5] }])).toEqual(['2', '1']);
  });
});
