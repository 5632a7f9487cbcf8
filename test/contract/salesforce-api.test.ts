/**
 * The Salesforce emulator's REST surface as clients meet it: every supported API version answers
 * (jsforce's own default included) and `GET /services/data/` lists them as Salesforce does; the
 * replication resources `updated` / `deleted` answer in their documented shape and track
 * deletions, a merge's included (loser deleted with `MasterRecordId`, its related records moved to
 * the master); resources the emulator does not serve answer the plain 404 NOT_FOUND.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION, connect, errorCodeOf, errorsOf, instanceUrl, rest, salesforceToken, sandboxUrl } from './salesforce-support.js';

let token: string;
beforeAll(async () => {
  token = await salesforceToken('demo');
});

describe('API versions', () => {
  it('GET /services/data/ lists every served version oldest first, without a session', async () => {
    const res = await fetch(`${instanceUrl}/services/data/`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { label: string; url: string; version: string }[];
    expect(list[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
    expect(list.at(-1)).toEqual({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
    expect(list.map((v) => Number(v.version))).toEqual(Array.from({ length: 36 }, (_, i) => 31 + i));
    expect(list.find((v) => v.version === '62.0')?.label).toBe("Winter '25");
  });

  it('every listed version answers a query; retired ones answer 404 NOT_FOUND', async () => {
    const list = (await (await fetch(`${instanceUrl}/services/data`)).json()) as { url: string; version: string }[];
    for (const { url, version } of list) {
      const res = await rest(token, `${url}/query?q=${encodeURIComponent('SELECT Id FROM Account LIMIT 1')}`);
      expect(res.status, `v${version}`).toBe(200);
      const body = (await res.json()) as { records: { attributes: { url: string } }[] };
      expect(body.records[0]!.attributes.url.startsWith(`/services/data/v${version}/sobjects/Account/`)).toBe(true);
    }
    for (const retired of ['v30.0', 'v20.0', 'v99.0']) {
      const res = await rest(token, `/services/data/${retired}/query?q=SELECT+Id+FROM+Account`);
      expect(res.status).toBe(404);
      expect((await errorsOf(res))[0]!.errorCode).toBe('NOT_FOUND');
    }
  });

  it('jsforce on its default version, or pinned to an old one, reads and describes', async () => {
    for (const conn of [connect(token, undefined), connect(token, '42.0'), connect(token, '31.0')]) {
      expect((await conn.query('SELECT Id FROM Contact LIMIT 3')).records, conn.version).toHaveLength(3);
      expect((await conn.sobject('Account').describe()).urls.describe).toBe(`/services/data/v${conn.version}/sobjects/Account/describe`);
    }
  });
});

describe('replication: sobjects/{type}/updated and /deleted', () => {
  it('lists records changed in the span by id, and deleted ones with their date; deleting an Account deletes its Contacts', async () => {
    const conn = connect(token);
    const start = new Date(Date.now() - 2 * 60_000);
    const kept = await conn.sobject('Account').create({ Name: 'Replication kept' });
    const gone = await conn.sobject('Account').create({ Name: 'Replication gone' });
    const contact = await conn.sobject('Contact').create({ LastName: 'Cascade', AccountId: gone.id! });
    await conn.sobject('Account').update({ Id: kept.id!, Phone: '+1 415 555 0100' });
    await conn.sobject('Account').destroy(gone.id!);
    const end = new Date(Date.now() + 2 * 60_000);

    const updated = await conn.sobject('Account').updated(start, end);
    expect(Object.keys(updated).sort()).toEqual(['ids', 'latestDateCovered']);
    expect(updated.ids).toContain(kept.id);
    expect(updated.ids).not.toContain(gone.id); // deleted records are listed by /deleted only
    expect(updated.latestDateCovered).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(Date.parse(updated.latestDateCovered.replace('+0000', 'Z'))).toBeLessThanOrEqual(end.getTime());

    const deleted = await conn.sobject('Account').deleted(start, end);
    expect(Object.keys(deleted).sort()).toEqual(['deletedRecords', 'earliestDateAvailable', 'latestDateCovered']);
    // Other contract files share the org and delete Accounts too: look for ours by id.
    const mine = deleted.deletedRecords.find((d) => d.id === gone.id);
    expect(mine?.deletedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(deleted.deletedRecords.map((d) => d.id)).not.toContain(kept.id);
    const contacts = await conn.sobject('Contact').deleted(start, end);
    expect(contacts.deletedRecords.map((d) => d.id)).toContain(contact.id);
    // The span is cut to whole minutes and must lie in the last 30 days (deletions: 15).
    const old = new Date(Date.now() - 31 * 86_400_000);
    expect(await errorCodeOf(conn.sobject('Account').updated(old, end))).toBe('INVALID_REPLICATION_DATE');
    expect(await errorCodeOf(conn.sobject('Account').deleted(new Date(Date.now() - 16 * 86_400_000), end))).toBe('INVALID_REPLICATION_DATE');
    expect(await errorCodeOf(conn.sobject('Account').updated(end, start))).toBe('INVALID_REPLICATION_DATE');
  });

  it('names a missing start or end, and refuses a date without a time zone', async () => {
    const missing = await rest(token, `/services/data/v${VERSION}/sobjects/Account/updated/?start=2026-11-20T10%3A00%3A00%2B00%3A00`);
    expect(missing.status).toBe(400);
    expect((await errorsOf(missing))[0]).toMatchObject({ errorCode: 'MISSING_ARGUMENT' });
    const bad = await rest(token, `/services/data/v${VERSION}/sobjects/Contact/deleted/?start=yesterday&end=today`);
    expect(bad.status).toBe(400);
    expect((await errorsOf(bad))[0]!.errorCode).toBe('INVALID_REPLICATION_DATE');
  });
});

describe('merging Accounts (POST /__sandbox/salesforce/merge, as SOAP merge())', () => {
  const merge = (body: unknown) => fetch(`${sandboxUrl}/__sandbox/salesforce/merge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('deletes the loser with MasterRecordId set to the master, lists it in /deleted, and moves its Contacts to the master', async () => {
    const conn = connect(token);
    const start = new Date(Date.now() - 2 * 60_000);
    const master = await conn.sobject('Account').create({ Name: 'Merge master' });
    const loser = await conn.sobject('Account').create({ Name: 'Merge loser', Website: 'merge-loser.example' });
    const contact = await conn.sobject('Contact').create({ LastName: 'Follows', AccountId: loser.id! });
    const res = await merge({ masterRecordId: master.id, recordToMergeIds: [loser.id], masterRecord: { Website: 'merge-loser.example' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: master.id, mergedRecordIds: [loser.id], updatedRelatedIds: [contact.id], success: true });

    const deleted = await conn.sobject('Account').deleted(start, new Date(Date.now() + 2 * 60_000));
    expect(deleted.deletedRecords.map((d) => d.id)).toContain(loser.id);
    // query leaves the Recycle Bin out; queryAll shows where the loser went.
    expect((await conn.query(`SELECT Id FROM Account WHERE Id = '${loser.id}'`)).records).toEqual([]);
    const all = await conn.query<{ Id: string; IsDeleted: boolean; MasterRecordId: string | null }>(`SELECT Id, IsDeleted, MasterRecordId FROM Account WHERE Id IN ('${loser.id}', '${master.id}')`, { scanAll: true });
    const byId = new Map(all.records.map((r) => [r.Id, r]));
    expect(byId.get(loser.id!)).toMatchObject({ IsDeleted: true, MasterRecordId: master.id });
    expect(byId.get(master.id!)).toMatchObject({ IsDeleted: false, MasterRecordId: null });
    expect((await conn.sobject('Contact').retrieve(contact.id!)).AccountId).toBe(master.id);
    expect((await conn.sobject('Account').retrieve(master.id!)).Website).toBe('merge-loser.example');
    // The contact was moved, not deleted with its old Account.
    expect((await conn.sobject('Contact').deleted(start, new Date(Date.now() + 2 * 60_000))).deletedRecords.map((d) => d.id)).not.toContain(contact.id);
  });

  it('refuses a merge with itself, a deleted record, more than two losers, and a bad body', async () => {
    const conn = connect(token);
    const a = await conn.sobject('Account').create({ Name: 'Merge refusals A' });
    const b = await conn.sobject('Account').create({ Name: 'Merge refusals B' });
    await conn.sobject('Account').destroy(b.id!);
    const self = await merge({ masterRecordId: a.id, recordToMergeIds: [a.id] });
    expect(self.status).toBe(400);
    expect((await errorsOf(self))[0]!.errorCode).toBe('INVALID_OPERATION');
    const gone = await merge({ masterRecordId: a.id, recordToMergeIds: [b.id] });
    expect((await errorsOf(gone))[0]!.errorCode).toBe('ENTITY_IS_DELETED');
    const many = await merge({ masterRecordId: a.id, recordToMergeIds: [b.id, b.id, b.id] });
    expect(many.status).toBe(422);
    const bad = await merge({ masterRecordId: a.id });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { detail: string }).detail).toContain('recordToMergeIds');
  });
});

describe('resources the emulator does not serve', () => {
  it('answer 404 NOT_FOUND in Salesforce error shape, not an id or field error', async () => {
    const account = (await connect(token).query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records[0]!.Id;
    const paths = [
      '/sobjects/Account/listviews',
      '/sobjects/Account/listviews/00B5g00000AbCdEEAV/results',
      '/sobjects/Account/describe/layouts',
      '/sobjects/Opportunity/describe/compactLayouts',
      '/sobjects/Account/quickActions',
      `/sobjects/Account/${account}/Contacts`,
      `/query?explain=${encodeURIComponent('SELECT Id FROM Account')}`,
      '/tooling/query?q=SELECT+Id+FROM+ApexClass',
    ];
    for (const path of paths) {
      const res = await rest(token, `/services/data/v${VERSION}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
  });
});
