/**
 * Records as Salesforce keeps them, through jsforce: SystemModstamp on every record of every
 * type, Account's standard fields (billing address parts, NumberOfEmployees, Phone, Industry, ...),
 * OwnerId checked against the org's users (INVALID_CROSS_REFERENCE_KEY and friends), users
 * read-only for the API user, and sObject Collections results after an allOrNone rollback.
 */
import type { Connection } from 'jsforce';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { VERSION, connect, errorCodeOf, rest, salesforceToken, seededOrg } from './salesforce-support.js';

let conn: Connection;
let token: string;
let seed: TenantDataset;
beforeAll(async () => {
  token = await salesforceToken('demo');
  conn = connect(token);
  seed = await seededOrg('demo');
});

const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

describe('system fields', () => {
  it('every record of every type carries CreatedDate, LastModifiedDate and SystemModstamp', async () => {
    for (const type of ['Account', 'Contact', 'Opportunity', 'Task', 'User']) {
      const res = await conn.query<Record<string, string>>(`SELECT Id, CreatedDate, LastModifiedDate, SystemModstamp FROM ${type} LIMIT 50`);
      expect(res.records.length, type).toBeGreaterThan(0);
      for (const r of res.records) {
        for (const f of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) expect(r[f], `${type}.${f}`).toMatch(SF_DATETIME);
        expect(r.SystemModstamp! >= r.LastModifiedDate!, type).toBe(true);
      }
    }
  });

  it('an update moves LastModifiedDate and SystemModstamp', async () => {
    const created = await conn.sobject('Account').create({ Name: 'Modstamp Co' });
    const before = (await conn.sobject('Account').retrieve(created.id!)) as unknown as Record<string, string>;
    await new Promise((r) => setTimeout(r, 5));
    await conn.sobject('Account').update({ Id: created.id!, Rating: 'Warm' });
    const after = (await conn.sobject('Account').retrieve(created.id!)) as unknown as Record<string, string>;
    expect(after.SystemModstamp! > before.SystemModstamp!).toBe(true);
    expect(after.SystemModstamp).toBe(after.LastModifiedDate);
    expect(after.CreatedDate).toBe(before.CreatedDate);
  });
});

describe("Account's standard fields", () => {
  it('describe lists them with their types, the seed fills them, writes keep them', async () => {
    const d = await conn.sobject('Account').describe();
    const type = (name: string) => d.fields.find((f) => f.name === name)?.type;
    expect(type('NumberOfEmployees')).toBe('int');
    expect(type('BillingStreet')).toBe('textarea');
    for (const f of ['BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry', 'ShippingCity', 'ShippingState', 'AccountNumber', 'Site', 'Sic', 'TickerSymbol']) expect(type(f), f).toBe('string');
    for (const f of ['Industry', 'Type', 'Rating', 'Ownership', 'AccountSource']) expect(type(f), f).toBe('picklist');
    expect([type('Phone'), type('Fax'), type('Website'), type('AnnualRevenue'), type('ParentId')]).toEqual(['phone', 'phone', 'url', 'currency', 'reference']);
    expect(d.fields.find((f) => f.name === 'Industry')!.picklistValues!.map((p) => p.value)).toContain('Technology');

    const us = seed.salesforce.Account.filter((a) => a.BillingCountry === 'US').slice(0, 5).map((a) => a.Id);
    const seeded = await conn.query<{ BillingState: string | null; BillingPostalCode: string; BillingStreet: string }>(`SELECT BillingStreet, BillingState, BillingPostalCode, NumberOfEmployees, Phone, Type FROM Account WHERE Id IN ('${us.join("','")}')`);
    expect(seeded.records.every((r) => /^[A-Z]{2}$/.test(String(r.BillingState)) && r.BillingPostalCode && r.BillingStreet)).toBe(true);

    const created = await conn.sobject('Account').create({ Name: 'Firmographics Inc', NumberOfEmployees: 120, BillingState: 'CA', BillingPostalCode: '94105', Industry: 'Technology', Type: 'Prospect' });
    const got = await conn.sobject('Account').retrieve(created.id!);
    expect(got).toMatchObject({ NumberOfEmployees: 120, BillingState: 'CA', BillingPostalCode: '94105', Industry: 'Technology', Type: 'Prospect' });
    expect(await errorCodeOf(conn.sobject('Account').create({ Name: 'Half a person', NumberOfEmployees: 12.5 }))).toBe('JSON_PARSER_ERROR');
  });
});

describe('OwnerId', () => {
  it('takes an active user of the org, and defaults to the API user', async () => {
    const rep = seed.salesforce.User.find((u) => u.IsActive === true && u.Title === 'Account Executive')!;
    const owned = await conn.sobject('Account').create({ Name: 'Owned by a rep', OwnerId: rep.Id });
    const ownedRow = await conn.query<{ Owner: { Name: string } }>(`SELECT Owner.Name FROM Account WHERE Id = '${owned.id}'`);
    expect(ownedRow.records[0]!.Owner.Name).toBe(`${rep.FirstName} ${rep.LastName}`);
    const defaulted = await conn.sobject('Account').create({ Name: 'Owner not given' });
    const row = await conn.query<{ Owner: { Username: string } }>(`SELECT Owner.Username FROM Account WHERE Id = '${defaulted.id}'`);
    expect(row.records[0]!.Owner.Username).toBe('admin@demo.sandbox.example');
  });

  it('refuses an id that is no user, no id, another type, a deactivated user, or blank, on create and update', async () => {
    const inactive = seed.salesforce.User.find((u) => u.IsActive === false)!;
    const account = seed.salesforce.Account[30]!.Id;
    const cases: [unknown, string][] = [
      ['0055g0000000099AAA', 'INVALID_CROSS_REFERENCE_KEY'],
      ['not-an-id', 'MALFORMED_ID'],
      [account, 'FIELD_INTEGRITY_EXCEPTION'],
      [inactive.Id, 'INACTIVE_OWNER_OR_USER'],
      [null, 'INVALID_CROSS_REFERENCE_KEY'],
    ];
    for (const [OwnerId, code] of cases) {
      const res = await rest(token, `/services/data/v${VERSION}/sobjects/Opportunity`, { method: 'POST', body: JSON.stringify({ Name: 'Bad owner', StageName: 'Prospecting', CloseDate: '2026-12-31', OwnerId }) });
      expect(res.status, String(OwnerId)).toBe(400);
      expect(await res.json(), String(OwnerId)).toEqual([expect.objectContaining({ errorCode: code, fields: ['OwnerId'] })]);
    }
    expect(await errorCodeOf(conn.sobject('Account').update({ Id: account, OwnerId: '0055g0000000099AAA' }))).toBe('INVALID_CROSS_REFERENCE_KEY');
  });

  it('users are read-only for the API user', async () => {
    const d = await conn.sobject('User').describe();
    expect([d.createable, d.updateable, d.deletable]).toEqual([false, false, false]);
    expect(await errorCodeOf(conn.sobject('User').create({ Username: 'new@demo.sandbox.example', LastName: 'New', Email: 'new@demo.sandbox.example', Alias: 'new' }))).toBe('INSUFFICIENT_ACCESS_OR_READONLY');
  });
});

describe('sObject Collections with allOrNone', () => {
  it('a rolled-back upsert answers every record with success false, created false and no id', async () => {
    const res = await rest(token, `/services/data/v${VERSION}/composite/sobjects/Account/Concord_Id__c`, {
      method: 'PATCH',
      body: JSON.stringify({ allOrNone: true, records: [{ attributes: { type: 'Account' }, Concord_Id__c: 'AON-1', Name: 'Fine' }, { attributes: { type: 'Account' }, Concord_Id__c: 'AON-2', Name: 'Bad', NumberOfEmployees: 'many' }] }),
    });
    expect(res.status).toBe(200);
    const results = (await res.json()) as Record<string, unknown>[];
    expect(results).toEqual([
      { success: false, created: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: expect.any(String), fields: [] }] },
      { success: false, created: false, errors: [{ statusCode: 'JSON_PARSER_ERROR', message: expect.any(String), fields: ['NumberOfEmployees'] }] },
    ]);
    expect((await conn.query("SELECT COUNT() FROM Account WHERE Concord_Id__c = 'AON-1'")).totalSize).toBe(0);
    // Through jsforce the same results arrive as UpsertResults.
    const viaJsforce = await conn.sobject('Account').upsert([{ Concord_Id__c: 'AON-3', Name: 'Ok' }, { Concord_Id__c: 'AON-4', Name: null }], 'Concord_Id__c', { allOrNone: true });
    expect(viaJsforce.map((r) => [r.success, r.created])).toEqual([[false, false], [false, false]]);
  });

  it('a failed create has no id and no created flag (SaveResult)', async () => {
    const res = await conn.sobject('Contact').create([{ LastName: 'Ok' }, { FirstName: 'No last name' }], { allOrNone: true });
    expect(res.map((r) => Object.keys(r).sort())).toEqual([
      ['errors', 'success'],
      ['errors', 'success'],
    ]);
  });
});
