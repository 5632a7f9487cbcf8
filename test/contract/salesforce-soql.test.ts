/**
 * SOQL beyond single-object reads, through jsforce: child-relationship subqueries (Contacts,
 * Opportunities, OpportunityLineItems) with describe naming the relationships as Salesforce does,
 * the User object behind `Owner.Name`, and GROUP BY with aggregate functions answering
 * AggregateResult records. Expected values are computed from the seeded org.
 */
import type { Connection } from 'jsforce';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TenantDataset } from '../../sandbox/seed/types.js';
import { connect, errorCodeOf, salesforceToken, seededOrg } from './salesforce-support.js';

let conn: Connection;
let seed: TenantDataset;
beforeAll(async () => {
  conn = connect(await salesforceToken('demo'));
  seed = await seededOrg('demo');
});

/** Seeded accounts no other test writes under (contract files share one sandbox). */
const accountsForReads = () => seed.salesforce.Account.slice(20, 40);
const inList = (ids: string[]) => `(${ids.map((id) => `'${id}'`).join(', ')})`;

type Children<T> = { totalSize: number; done: boolean; records: T[] } | null;

describe('child-relationship subqueries', () => {
  it('nest each Account its Contacts and Opportunities, null when it has none', async () => {
    const accounts = accountsForReads();
    const res = await conn.query<{ Id: string; Contacts: Children<{ Id: string; LastName: string }>; Opportunities: Children<{ Id: string; Amount: number }> }>(
      `SELECT Id, Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName), (SELECT Id, Amount FROM Opportunities WHERE IsClosed = false) FROM Account WHERE Id IN ${inList(accounts.map((a) => a.Id))}`,
    );
    expect(res.totalSize).toBe(accounts.length);
    for (const row of res.records) {
      const contacts = seed.salesforce.Contact.filter((c) => c.AccountId === row.Id);
      expect(row.Contacts?.records.map((c) => c.Id).sort()).toEqual(contacts.map((c) => c.Id).sort());
      expect(row.Contacts).toMatchObject({ totalSize: contacts.length, done: true });
      const names = row.Contacts!.records.map((c) => c.LastName.toLowerCase());
      expect(names).toEqual([...names].sort());
      const open = seed.salesforce.Opportunity.filter((o) => o.AccountId === row.Id && o.IsClosed === false);
      if (open.length) expect(row.Opportunities!.records.map((o) => o.Id).sort()).toEqual(open.map((o) => o.Id).sort());
      else expect(row.Opportunities).toBeNull();
    }
    const lonely = await conn.sobject('Account').create({ Name: 'No contacts yet' });
    const none = await conn.query<{ Contacts: Children<unknown> }>(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Id = '${lonely.id}'`);
    expect(none.records[0]!.Contacts).toBeNull();
  });

  it("nest an Opportunity's line items", async () => {
    const account = await conn.sobject('Account').create({ Name: 'Line item buyer' });
    const opp = await conn.sobject('Opportunity').create({ Name: 'Seats', StageName: 'Prospecting', CloseDate: '2026-12-31', AccountId: account.id! });
    const lines = await conn.sobject('OpportunityLineItem').create([
      { OpportunityId: opp.id!, Quantity: 10, UnitPrice: 99, ProductCode: 'SEAT' },
      { OpportunityId: opp.id!, Quantity: 1, UnitPrice: 500, ProductCode: 'ONBOARD' },
    ]);
    expect(lines.every((l) => l.success)).toBe(true);
    const res = await conn.query<{ OpportunityLineItems: Children<{ ProductCode: string; TotalPrice: number }> }>(
      `SELECT Id, Name, (SELECT ProductCode, Quantity, TotalPrice FROM OpportunityLineItems ORDER BY ProductCode) FROM Opportunity WHERE Id = '${opp.id}'`,
    );
    expect(res.records[0]!.OpportunityLineItems!.records.map((l) => [l.ProductCode, l.TotalPrice])).toEqual([
      ['ONBOARD', 500],
      ['SEAT', 990],
    ]);
  });

  it('refuse a relationship the parent does not have, and nesting deeper than one level', async () => {
    expect(await errorCodeOf(conn.query('SELECT Id, (SELECT Id FROM Contact) FROM Account'))).toBe('INVALID_TYPE');
    expect(await errorCodeOf(conn.query('SELECT Id, (SELECT Id, (SELECT Id FROM Tasks) FROM Contacts) FROM Account'))).toBe('MALFORMED_QUERY');
  });

  it("describe names the relationships as Salesforce does, in ChildRelationship's shape", async () => {
    const account = await conn.sobject('Account').describe();
    const byName = new Map(account.childRelationships.map((r) => [r.relationshipName, r]));
    expect(byName.get('Opportunities')).toEqual({
      cascadeDelete: true,
      childSObject: 'Opportunity',
      deprecatedAndHidden: false,
      field: 'AccountId',
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: 'Opportunities',
      restrictedDelete: false,
    });
    expect(byName.get('Contacts')?.childSObject).toBe('Contact');
    expect(byName.get('ChildAccounts')).toMatchObject({ childSObject: 'Account', field: 'ParentId', cascadeDelete: false });
    expect(account.childRelationships.map((r) => r.relationshipName)).not.toContain('Opportunitys');
    const opp = await conn.sobject('Opportunity').describe();
    expect(opp.childRelationships.find((r) => r.childSObject === 'OpportunityLineItem')?.relationshipName).toBe('OpportunityLineItems');
  });
});

describe('User and Owner', () => {
  it('User holds the seeded users; Owner.Name follows OwnerId to them', async () => {
    const users = await conn.query<{ Id: string; Name: string; Username: string; IsActive: boolean }>('SELECT Id, Name, Username, Email, IsActive FROM User ORDER BY Username');
    expect(users.records.map((u) => u.Id).sort()).toEqual(seed.salesforce.User.map((u) => u.Id).sort());
    expect(users.records.filter((u) => !u.IsActive)).toHaveLength(1);
    const accounts = accountsForReads().slice(0, 5);
    const res = await conn.query<{ Id: string; OwnerId: string; Owner: { Name: string; Email: string; attributes: { type: string } } }>(
      `SELECT Id, OwnerId, Owner.Name, Owner.Email FROM Account WHERE Id IN ${inList(accounts.map((a) => a.Id))}`,
    );
    for (const row of res.records) {
      const owner = seed.salesforce.User.find((u) => u.Id === row.OwnerId)!;
      expect(row.Owner).toMatchObject({ attributes: { type: 'User' }, Name: `${owner.FirstName} ${owner.LastName}`, Email: owner.Email });
    }
    const byOwner = await conn.query(`SELECT Id FROM Account WHERE Owner.IsActive = true AND Id IN ${inList(accounts.map((a) => a.Id))}`);
    expect(byOwner.totalSize).toBe(accounts.length);
  });
});

describe('GROUP BY and aggregate functions', () => {
  it('answer AggregateResult records, unaliased aggregates named expr0, expr1, ...', async () => {
    const accountIds = accountsForReads().map((a) => a.Id);
    const res = await conn.query<Record<string, unknown>>(
      `SELECT StageName, COUNT(Id), SUM(Amount) total, MAX(CloseDate), MIN(Amount) FROM Opportunity WHERE AccountId IN ${inList(accountIds)} GROUP BY StageName ORDER BY StageName`,
    );
    const opps = seed.salesforce.Opportunity.filter((o) => accountIds.includes(String(o.AccountId)));
    const stages = [...new Set(opps.map((o) => String(o.StageName)))].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(res.totalSize).toBe(stages.length);
    expect(res.records.map((r) => r.StageName)).toEqual(stages);
    for (const row of res.records) {
      const mine = opps.filter((o) => o.StageName === row.StageName);
      expect(Object.keys(row).sort()).toEqual(['StageName', 'attributes', 'expr0', 'expr1', 'expr2', 'total']);
      expect(row.attributes).toEqual({ type: 'AggregateResult' });
      expect(row.expr0).toBe(mine.length);
      expect(row.total).toBeCloseTo(mine.reduce((s, o) => s + Number(o.Amount), 0), 2);
      expect(row.expr1).toBe(mine.map((o) => String(o.CloseDate)).sort().at(-1));
      expect(row.expr2).toBe(Math.min(...mine.map((o) => Number(o.Amount))));
    }
  });

  it('aggregate a whole result without GROUP BY, filter groups with HAVING, order by an aggregate', async () => {
    const accountIds = accountsForReads().map((a) => a.Id);
    const empty = await conn.query<Record<string, unknown>>("SELECT COUNT(Id), SUM(Amount) FROM Opportunity WHERE Name = 'no such deal'");
    expect(empty.records).toEqual([{ attributes: { type: 'AggregateResult' }, expr0: 0, expr1: null }]);
    const perAccount = await conn.query<{ AccountId: string; n: number }>(
      `SELECT AccountId, COUNT(Id) n FROM Opportunity WHERE AccountId IN ${inList(accountIds)} GROUP BY AccountId HAVING COUNT(Id) > 1 ORDER BY COUNT(Id) DESC, AccountId`,
    );
    const counts = accountIds.map((id) => ({ id, n: seed.salesforce.Opportunity.filter((o) => o.AccountId === id).length })).filter((x) => x.n > 1);
    expect(perAccount.records.map((r) => [r.AccountId, r.n]).sort()).toEqual(counts.map((c) => [c.id, c.n]).sort());
    const ns = perAccount.records.map((r) => r.n);
    expect(ns).toEqual([...ns].sort((a, b) => b - a));
    const byAccountName = await conn.query<{ Name: string; expr0: number }>(`SELECT Account.Name, COUNT(Id) FROM Contact WHERE AccountId IN ${inList(accountIds.slice(0, 3))} GROUP BY Account.Name`);
    expect(byAccountName.records.every((r) => typeof r.Name === 'string' && r.expr0 > 0)).toBe(true);
  });

  it('refuse what SOQL refuses', async () => {
    expect(await errorCodeOf(conn.query('SELECT Name, COUNT(Id) FROM Opportunity GROUP BY StageName'))).toBe('MALFORMED_QUERY');
    expect(await errorCodeOf(conn.query('SELECT COUNT() FROM Opportunity GROUP BY StageName'))).toBe('MALFORMED_QUERY');
    expect(await errorCodeOf(conn.query('SELECT SUM(Name) FROM Opportunity'))).toBe('MALFORMED_QUERY');
    expect(await errorCodeOf(conn.query('SELECT Id FROM Opportunity WHERE COUNT(Id) > 1'))).toBe('MALFORMED_QUERY');
  });
});
