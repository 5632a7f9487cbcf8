/**
 * HubSpot raw -> canonical mapping: won stages from pipeline metadata, deals, contacts,
 * associations; and every mapper fed the saved HubSpot payloads of test/fixtures/hubspot.
 */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_FACT_PROPERTIES,
  ASSOCIATION_TYPE,
  accountFactProperties,
  accountFactsFromProperties,
  activityAssociations,
  associationsFromPage,
  companiesOfDeal,
  contactFromHubSpot,
  dealFromHubSpot,
  dealOutcome,
  matchRecordFromCompany,
  noteProperties,
  stageOutcomes,
  taskProperties,
  type HubSpotObject,
  type HubSpotPipeline,
} from '../../worker/connectors/hubspot/map.js';
import { fixture, fixtureNames, fixtureNote } from '../support/vendor-fixture.js';

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

type Batch = { status: string; results: HubSpotObject[]; errors?: { category: string; context: Record<string, string[]> }[] };
type AssociationPage = { results: { toObjectId: number; associationTypes: { category: string; typeId: number; label: string | null }[] }[] };

describe('saved HubSpot payloads (test/fixtures/hubspot)', () => {
  it('each payload has a note naming its HubSpot documentation and the request it answers', () => {
    const names = fixtureNames('hubspot');
    expect(names.length).toBeGreaterThanOrEqual(20);
    for (const name of names) {
      const note = fixtureNote('hubspot', name);
      expect(note.sources.length, name).toBeGreaterThan(0);
      for (const url of note.sources) expect(url, name).toMatch(/^https:\/\/developers\.hubspot\.com\//);
      expect(note.request, name).toMatch(/^(GET|POST|PATCH|PUT|DELETE|Any) /);
    }
  });

  it('companies (list page and batch reads) become match records', () => {
    const page = fixture<{ results: HubSpotObject[]; paging?: { next: { after: string } } }>('hubspot', 'companies-page');
    expect(page.results.map(matchRecordFromCompany)).toEqual([
      { externalId: '5125643781', name: 'Biglytics', domain: 'biglytics.net', taxId: null, crmHint: null, country: 'United States', city: 'Cambridge', address: null, emails: [] },
      { externalId: '5125643782', name: 'Northwind Traders', domain: 'northwind.example', taxId: null, crmHint: null, country: 'United States', city: 'Seattle', address: null, emails: [] },
    ]);
    expect(page.paging?.next.after).toBe('5125643783');
    const read = fixture<Batch>('hubspot', 'companies-batch-read');
    expect(read.results.map((c) => matchRecordFromCompany(c).externalId)).toEqual(['5125643781']);
    const partial = fixture<Batch>('hubspot', 'companies-batch-read-partial');
    expect(partial.results.map((c) => matchRecordFromCompany(c).name)).toEqual(['Biglytics']);
    expect(partial.errors?.map((e) => [e.category, e.context.ids])).toEqual([['OBJECT_NOT_FOUND', ['999']]]);
  });

  it('contacts become canonical contacts: trimmed, email lower-cased, blanks null', () => {
    const read = fixture<Batch>('hubspot', 'contacts-batch-read');
    expect(read.results.map(contactFromHubSpot)).toEqual([
      { externalId: '80151', firstName: 'Maria', lastName: 'Johnson', email: 'maria.johnson@biglytics.net', title: 'Head of Finance' },
      { externalId: '80152', firstName: 'Tom', lastName: null, email: null, title: null },
    ]);
  });

  it("deals take their won and closed flags from the pipelines' stage metadata", () => {
    const outcomes = stageOutcomes(fixture<{ results: HubSpotPipeline[] }>('hubspot', 'pipelines-deals').results);
    expect([...outcomes.get('default')!.won]).toEqual(['closedwon']);
    expect([...outcomes.get('1002000')!.won]).toEqual(['1002004']);
    expect(dealOutcome(outcomes, 'default', 'closedlost')).toEqual({ closed: true, won: false });
    const deals = fixture<Batch>('hubspot', 'deals-batch-read').results.map((d) => dealFromHubSpot(d, outcomes));
    expect(deals).toEqual([
      { externalId: '9913425', name: 'Biglytics – New business', amount: 24000.5, currency: 'USD', pipeline: 'default', stage: 'closedwon', closeDate: '2026-10-01T12:00:00Z', closed: true, won: true },
      { externalId: '9913426', name: 'Biglytics – Partner deal', amount: 12000, currency: 'EUR', pipeline: '1002000', stage: '1002004', closeDate: '2026-09-15T12:00:00Z', closed: true, won: true },
      { externalId: '9913427', name: 'Biglytics – Expansion', amount: null, currency: null, pipeline: 'default', stage: 'qualifiedtobuy', closeDate: null, closed: false, won: false },
    ]);
  });

  it('v4 association pages become ids with their type ids; a deal lists its primary company first', () => {
    const contacts = associationsFromPage(fixture<AssociationPage>('hubspot', 'associations-v4-company-contacts'));
    expect(contacts).toEqual([
      { toObjectId: '80151', typeIds: [2, 280] },
      { toObjectId: '80152', typeIds: [280] },
    ]);
    const page = fixture<AssociationPage>('hubspot', 'associations-v4-deal-companies');
    expect(page.results[1]!.associationTypes.map((t) => t.typeId)).toContain(ASSOCIATION_TYPE.dealToPrimaryCompany);
    expect(companiesOfDeal(associationsFromPage(page))).toEqual(['5125643781', '5125643790']);
  });

  it('task and note properties are the ones HubSpot answers a create with, in its formats', () => {
    const task = fixture<HubSpotObject>('hubspot', 'tasks-create');
    const props = taskProperties({ subject: 'Follow up on overdue invoices', body: 'Receivables: 2 invoices overdue.', dueDate: '2026-12-03' });
    expect(Object.keys(props).filter((k) => !(k in task.properties))).toEqual([]);
    expect(props.hs_task_status).toBe(task.properties.hs_task_status);
    expect(props.hs_task_type).toBe(task.properties.hs_task_type);
    expect(Date.parse(props.hs_timestamp!)).toBe(Date.parse(task.properties.hs_timestamp!));
    const note = fixture<HubSpotObject>('hubspot', 'notes-create');
    const noteProps = noteProperties({ body: 'Renewal discussed', at: '2026-11-26T10:22:09.000Z' });
    expect(Object.keys(noteProps).filter((k) => !(k in note.properties))).toEqual([]);
    expect(noteProps.hs_timestamp).toBe(note.properties.hs_timestamp);
    // The create bodies associate with HubSpot-defined types in the documented form.
    expect(activityAssociations('task', { companyId: '5125643781', dealId: '9913425' })).toEqual([
      { to: { id: '5125643781' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ASSOCIATION_TYPE.taskToCompany }] },
      { to: { id: '9913425' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: ASSOCIATION_TYPE.taskToDeal }] },
    ]);
  });
});

describe('Concord facts on a company, read back', () => {
  it('reads the properties Concord writes back into the same facts (the inverse of the write mapping)', () => {
    const facts = {
      concordAccountId: 'acc_1', erpCustomerId: '4471', csAccountId: null, openAr: 12500.5, overdueAr: 0, oldestOverdueDays: 12, disputedAr: 0,
      lastPaymentDate: '2026-10-01', contractEnd: null, renewalDate: '2027-03-31', arr: 120000, healthScore: 72, healthTrend: 'up' as const,
      onboardingStage: 'Kickoff (stalled)', renewalRisk: 'low' as const, financeHold: false, renewalHold: true,
    };
    const written = accountFactProperties(facts);
    expect(Object.keys(written).sort()).toEqual([...ACCOUNT_FACT_PROPERTIES].sort());
    expect(accountFactsFromProperties(written)).toEqual(facts);
    // HubSpot may answer a date property as midnight UTC; a property the portal lacks is left out.
    const { concord_arr: _arr, ...rest } = written;
    expect(accountFactsFromProperties({ ...rest, concord_renewal_date: '2027-03-31T00:00:00Z', concord_last_payment_date: String(Date.UTC(2026, 9, 1)) })).toEqual({
      ...Object.fromEntries(Object.entries(facts).filter(([k]) => k !== 'arr')),
    });
    // Text a person typed into a number property stays text (so it shows as drift, not as 0).
    expect(accountFactsFromProperties({ concord_arr: 'n/a', concord_finance_hold: '' })).toEqual({ arr: 'n/a', financeHold: null });
  });
});
