/**
 * Salesforce raw -> canonical mapping fed the saved Salesforce payloads of
 * test/fixtures/salesforce: query pages through the row schemas into every row mapper, the SOQL
 * Concord sends equal to the saved requests' (so the payloads answer Concord's own queries), the
 * record builders writing only fields the objects have, and the write and error answers through
 * the schemas that read them.
 */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_FIELDS,
  accountFactsFromRow,
  accountFactsRecord,
  CONTACT_FIELDS,
  DEAL_ACCOUNT_FIELDS,
  LINE_ITEM_FIELDS,
  OPPORTUNITY_FIELDS,
  SOQL,
  accountIdOfDeal,
  accountUpdateRecord,
  concordKey,
  contactFromRow,
  contactRecord,
  dealFromRow,
  dealLineFromRow,
  dealRecord,
  lineCreateRecord,
  lineUpdateRecord,
  matchRecordFromAccount,
  soqlIn,
  soqlString,
  taskRecord,
  taskSubrequests,
} from '../../worker/connectors/salesforce/map.js';
import {
  AccountFactsRowSchema,
  AccountRowSchema,
  CompositeAnswerSchema,
  ContactRowSchema,
  DealAccountRowSchema,
  KeyedIdRowSchema,
  LineItemRowSchema,
  OpportunityRowSchema,
  QueryPageSchema,
  SaveResultsSchema,
  UpsertAnswerSchema,
  describeSalesforceError,
  errorItems,
} from '../../worker/connectors/salesforce/schemas.js';
import { fixture, fixtureNames, fixtureNote } from '../support/vendor-fixture.js';

type Page = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: Record<string, unknown>[] };
const page = (name: string) => QueryPageSchema.parse(fixture<Page>('salesforce', name));
/** The SOQL of a saved query request (its `q`). */
const savedSoql = (name: string) => {
  const request = fixtureNote('salesforce', name).request ?? '';
  // The note may end with ` (header ...)` or ` (jsforce ...)` after the query.
  const q = (request.split('?q=')[1] ?? '').replace(/ \((?:header|jsforce)\b.*$/, '');
  return decodeURIComponent(q.replace(/\+/g, ' '));
};
/** Field names of a saved record (attributes left out). */
const fieldsOf = (record: Record<string, unknown>) => Object.keys(record).filter((k) => k !== 'attributes');
const list = (fields: string) => fields.split(', ');

describe('saved Salesforce payloads (test/fixtures/salesforce)', () => {
  it('each payload has a note naming its Salesforce documentation and the request it answers', () => {
    const names = fixtureNames('salesforce');
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of names) {
      const note = fixtureNote('salesforce', name);
      expect(note.sources.length, name).toBeGreaterThan(0);
      for (const url of note.sources) expect(url, name).toMatch(/^https:\/\/(developer|help)\.salesforce\.com\//);
      expect(note.request, name).toMatch(/^(GET|POST|PATCH|PUT|DELETE) /);
    }
  });

  it("answer Concord's own queries: the saved SOQL is what the connector sends, the fields what it selects", () => {
    const account = '001D000000IqhSLIAZ';
    expect(savedSoql('query-accounts')).toBe(SOQL.accounts());
    expect(savedSoql('query-contacts')).toBe(SOQL.contactsOfAccounts([account]));
    expect(savedSoql('query-opportunities')).toBe(SOQL.dealsOfAccounts([account]));
    expect(savedSoql('query-line-items')).toBe(SOQL.linesOfDeals(['006D000000CTm8uIAD']));
    expect(savedSoql('query-keyed-ids')).toBe(SOQL.tasksByKeys(['card-task-9c1d', 'card-task-0000']));
    expect(savedSoql('query-count')).toBe(SOQL.countTasksWithKey('card-task-9c1d'));
    for (const [name, fields] of [['query-accounts', ACCOUNT_FIELDS], ['query-contacts', CONTACT_FIELDS], ['query-opportunities', OPPORTUNITY_FIELDS], ['query-line-items', LINE_ITEM_FIELDS]] as const) {
      for (const record of page(name).records) expect(fieldsOf(record), name).toEqual(list(fields));
    }
    expect(soqlIn('Id', ["O'Hara"])).toBe(`Id IN (${soqlString("O'Hara")})`);
  });

  it('query pages: the first names the next page, the last is done', () => {
    const first = page('query-accounts');
    expect(first).toMatchObject({ totalSize: 2417, done: false });
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v\d+\.0\/query\/01g/);
    expect(page('query-accounts-more')).toMatchObject({ done: true });
    expect(page('query-accounts-more').nextRecordsUrl).toBeUndefined();
    expect(page('query-count')).toEqual({ totalSize: 1, done: true, records: [] });
  });

  it('rows become canonical records', () => {
    expect(page('query-accounts').records.map((r) => matchRecordFromAccount(AccountRowSchema.parse(r)))).toEqual([
      { externalId: '001D000000IqhSLIAZ', name: 'Burlington Textiles Corp of America', domain: 'www.burlington.com', taxId: null, crmHint: null, country: 'USA', city: 'Burlington', address: '525 S. Lexington Ave', emails: [] },
      { externalId: '001D000000IqhSMIAZ', name: 'Salesforce account 001D000000IqhSMIAZ', domain: null, taxId: null, crmHint: null, country: null, city: null, address: null, emails: [] },
    ]);
    expect(page('query-contacts').records.map((r) => contactFromRow(ContactRowSchema.parse(r)))).toEqual([
      { externalId: '003D000000QOmzHIAT', firstName: 'Jack', lastName: 'Rogers', email: 'jrogers@burlington.com', title: 'VP, Facilities' },
      { externalId: '003D000000QOmzIIAT', firstName: null, lastName: 'Pavlova', email: null, title: null },
    ]);
    expect(page('query-opportunities').records.map((r) => dealFromRow(OpportunityRowSchema.parse(r)))).toEqual([
      { externalId: '006D000000CTm8uIAD', name: 'Burlington Textiles Weaving Plant Generator', amount: 235000, currency: 'USD', pipeline: null, stage: 'Closed Won', closeDate: '2026-10-14', closed: true, won: true },
      { externalId: '006D000000CTm8vIAD', name: 'Burlington Textiles – Expansion', amount: null, currency: 'EUR', pipeline: null, stage: 'Negotiation/Review', closeDate: '2027-01-31', closed: false, won: false },
    ]);
    expect(page('query-line-items').records.map((r) => dealLineFromRow(LineItemRowSchema.parse(r)))).toEqual([
      { externalId: '00kD000000ArpkQIAR', dealId: '006D000000CTm8uIAD', name: 'Burlington Textiles Weaving Plant Generator GenWatt Diesel 200kW', sku: 'GC1040', quantity: 2, unitPrice: 100000, total: 200000 },
      { externalId: '00kD000000ArpkRIAR', dealId: '006D000000CTm8uIAD', name: 'Burlington Textiles Weaving Plant Generator Installation', sku: null, quantity: 1, unitPrice: 35000, total: 35000 },
    ]);
    expect(page('query-keyed-ids').records.map((r) => concordKey(KeyedIdRowSchema.parse(r)))).toEqual(['card-task-9c1d']);
    const retrieved = fixture<Record<string, unknown>>('salesforce', 'sobject-retrieve');
    for (const f of DEAL_ACCOUNT_FIELDS) expect(retrieved).toHaveProperty(f);
    expect(accountIdOfDeal(DealAccountRowSchema.parse(retrieved))).toBe('001D000000IqhSLIAZ');
  });

  it('record builders write only fields the objects have', () => {
    const contactFields = fieldsOf(page('query-contacts').records[0]!);
    const contact = contactRecord({ key: 'ct-1', lastName: 'Rogers', firstName: 'Jack', email: 'jack@example.com', title: 'VP', companyId: '001D000000IqhSLIAZ' });
    expect(Object.keys(contact).filter((k) => !contactFields.includes(k))).toEqual([]);
    const oppFields = fieldsOf(page('query-opportunities').records[0]!);
    const deal = dealRecord({ key: 'dl-1', name: 'Generator', stage: 'Prospecting', closeDate: '2026-12-31', companyId: '001D000000IqhSLIAZ', amount: 10, currency: 'USD' });
    expect(Object.keys(deal).filter((k) => !oppFields.includes(k))).toEqual([]);
    // Line items: the queried fields, Concord's key and the Description the object reference lists.
    const lineFields = [...fieldsOf(page('query-line-items').records[0]!), 'Concord_Id__c', 'Description'];
    const line = { key: 'ln-1', quantity: 2, unitPrice: 100, sku: 'GC1040', description: 'Generator' };
    expect(Object.keys(lineCreateRecord('006D000000CTm8uIAD', line)).filter((k) => !lineFields.includes(k))).toEqual([]);
    // An update cannot move a line to another Opportunity (OpportunityId is create-only).
    expect(lineUpdateRecord('00kD000000ArpkQIAR', line)).not.toHaveProperty('OpportunityId');
    expect(accountUpdateRecord('001D000000IqhSLIAZ', { Phone: '+1' })).toEqual({ Phone: '+1', Id: '001D000000IqhSLIAZ' });
    // Task fields per https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
    const taskFields = ['WhatId', 'WhoId', 'Subject', 'Description', 'Status', 'ActivityDate', 'Priority', 'Concord_Id__c'];
    expect(Object.keys(taskRecord({ whatId: '001D000000IqhSLIAZ', subject: 'Call', body: 'x', dueDate: '2026-12-01', key: 'k' })).filter((k) => !taskFields.includes(k))).toEqual([]);
  });

  it('Composite: the subrequests Concord builds and the answer it reads', () => {
    const answer = CompositeAnswerSchema.parse(fixture('salesforce', 'composite'));
    const subs = taskSubrequests('t0', { companyId: '001D000000IqhSLIAZ' }, { subject: 'Call', body: 'x', key: 'k' });
    expect(subs.map((s) => [s.method, s.referenceId])).toEqual([['GET', 't0_company'], ['POST', 't0']]);
    expect(answer.compositeResponse.slice(0, 2).map((r) => r.referenceId)).toEqual(subs.map((s) => s.referenceId));
    const created = answer.compositeResponse.find((r) => r.referenceId === 't0')!;
    expect([created.httpStatusCode, (created.body as { id: string }).id]).toEqual([201, '00TD000000ZaxVTMAZ']);
    // The failed read explains why the dependent Task failed.
    const failedRead = answer.compositeResponse.find((r) => r.referenceId === 't1_company')!;
    expect(errorItems(failedRead.body)).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist', fields: [] }]);
  });

  it('Collections and upsert answers: per-record outcomes with statusCode errors, created on upserts', () => {
    const created = SaveResultsSchema.parse(fixture('salesforce', 'collections-create'));
    expect(created.map((r) => [r.success, r.id ?? null])).toEqual([[true, '003D000000QV9n2IAD'], [false, null]]);
    expect(errorItems(created[1]!.errors)).toEqual([{ errorCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]);
    expect(SaveResultsSchema.parse(fixture('salesforce', 'collections-update')).map((r) => r.success)).toEqual([true, false]);
    const upserted = SaveResultsSchema.parse(fixture('salesforce', 'collections-upsert'));
    expect(upserted.map((r) => r.created)).toEqual([true, false, false]);
    expect(UpsertAnswerSchema.parse(fixture('salesforce', 'sobject-upsert'))).toMatchObject({ id: '006D000000CUhHnIAL', created: true });
    expect(describeSalesforceError(fixture('salesforce', 'error-required-field'))).toBe('REQUIRED_FIELD_MISSING: Required fields are missing: [Name]');
  });
});

describe('Concord fields on an Account, read back', () => {
  it('reads the fields Concord writes back into the same facts, and queries exactly those fields', () => {
    const facts = {
      concordAccountId: 'acc_1', erpCustomerId: '4471', csAccountId: null, openAr: 12500.5, overdueAr: 0, oldestOverdueDays: 12, disputedAr: 0,
      lastPaymentDate: '2026-10-01', contractEnd: null, renewalDate: '2027-03-31', arr: 120000, healthScore: 72, healthTrend: 'up' as const,
      onboardingStage: 'Kickoff (stalled)', renewalRisk: 'low' as const, financeHold: true, renewalHold: false,
    };
    const record = accountFactsRecord('001D000000IqhSLIAZ', facts);
    // The record as a query returns it (JSON types kept), through the row schema.
    const row = AccountFactsRowSchema.parse({ attributes: { type: 'Account' }, ...record });
    expect(accountFactsFromRow(row)).toEqual(facts);
    const soql = SOQL.accountFacts(['001D000000IqhSLIAZ']);
    for (const field of Object.keys(record)) expect(soql).toContain(field);
    expect(soql).toMatch(/ FROM Account WHERE Id IN \('001D000000IqhSLIAZ'\)$/);
  });
});
