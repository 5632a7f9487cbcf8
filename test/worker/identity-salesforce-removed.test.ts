/**
 * Salesforce Accounts that leave the org, and review cases whose question no longer stands,
 * inside workerd on a private sandbox estate (it deletes and merges Accounts the shared estate's
 * truth knows nothing of): an Account deleted through the REST API loses its link within one
 * poll (the delete log, `sobjects/Account/deleted`), the account keeping its other records; a
 * merge (the sandbox's admin merge, as Salesforce's: loser deleted with `MasterRecordId`) moves
 * the link to the winner with no duplicate account; and an Account renamed while a review case
 * asks about it has that case superseded, which can then no longer be approved (409).
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api } from './helpers.js';
import { salesforcePollHarness } from './salesforce-poll-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    identitySalesforceRemovedSandboxUrl: string;
  }
}

const SB = inject('identitySalesforceRemovedSandboxUrl');
const { key: apiKey, salesforce, netsuiteCustomer, consume, erpCustomersLinked, poll, accountOf, reviews, setUp } = salesforcePollHarness(SB);
let key: string;

interface Audit {
  items: { action: string; after: Record<string, unknown> | null }[];
}

const audit = async (entityType: string, entityId: string) => (await (await api(`/v1/tenants/demo/audit?entityType=${entityType}&entityId=${entityId}`, { key })).json()) as Audit;

/** A new Account, polled and linked as the every-minute poll links it; answers its id. */
async function accountCreated(fields: Record<string, string>): Promise<string> {
  const { id } = await salesforce('POST', '/sobjects/Account', fields);
  const found = await poll();
  expect((await consume(found.changes)).retryMessages).toEqual([]);
  return id!;
}

/** The next poll's Account removals (deletion / merge), consumed. */
async function removalsPolled(): Promise<{ objectId: string; change: string; value: string | null }[]> {
  const found = await poll('account-deleted');
  expect(found.stream?.error).toBeUndefined();
  const removals = found.changes.filter((c) => c.change === 'deletion' || c.change === 'merge');
  expect((await consume(found.changes)).retryMessages).toEqual([]);
  return removals.map(({ objectId, change, value }) => ({ objectId, change, value }));
}

beforeAll(async () => {
  await setUp();
  key = apiKey();
}, 240_000);

describe('Salesforce Accounts deleted or merged', () => {
  it('an Account deleted in the org loses its link within one poll; the account keeps its ERP customer and says it has no CRM record', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Ferncliff Lighting Ltd', 'https://ferncliff-lighting.co.uk', 'Bristol', 'GB');
    await erpCustomersLinked([customer]);
    const id = await accountCreated({ Name: 'Ferncliff Lighting Ltd', Website: 'ferncliff-lighting.co.uk', BillingCity: 'Bristol', BillingCountry: 'GB' });
    const linked = await accountOf('salesforce', id);
    expect(linked?.links.map((l) => l.system).sort()).toEqual(['netsuite', 'salesforce']);

    await salesforce('DELETE', `/sobjects/Account/${id}`);
    expect(await removalsPolled()).toEqual([{ objectId: id, change: 'deletion', value: null }]);

    expect(await accountOf('salesforce', id)).toBeNull();
    const after = (await (await api(`/v1/tenants/demo/accounts/${linked!.id}`, { key })).json()) as { links: { system: string; externalId: string }[] };
    expect(after.links).toEqual([expect.objectContaining({ system: 'netsuite', externalId: customer })]);
    // The view is rebuilt without the Account: no CRM record, the ERP side still shown.
    const view = (await (await api(`/v1/tenants/demo/accounts/${linked!.id}/view`, { key })).json()) as { links: { system: string }[] };
    expect(view.links.map((l) => l.system)).toEqual(['netsuite']);
    const unlink = (await audit('account', linked!.id)).items.find((i) => i.action === 'identity.unlink');
    expect(unlink?.after).toMatchObject({ system: 'salesforce', externalId: id, reason: 'deleted' });
    // The overlap window reads the deletion again: nothing new.
    expect(await removalsPolled()).toEqual([]);
  });

  it('a merge moves the link to the surviving Account: its account takes the ERP customer, no duplicate account is left', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Oakridge Vane Systems GmbH', 'https://oakridge-vane.de', 'Bremen', 'DE');
    await erpCustomersLinked([customer]);
    const loser = await accountCreated({ Name: 'Oakridge Vane Systems GmbH', Website: 'oakridge-vane.de', BillingCity: 'Bremen', BillingCountry: 'DE' });
    const winner = await accountCreated({ Name: 'Quillon Placeholder Trading' });
    const loserAccount = await accountOf('salesforce', loser);
    const winnerAccount = await accountOf('salesforce', winner);
    expect(loserAccount?.links.map((l) => l.system).sort()).toEqual(['netsuite', 'salesforce']);
    expect(winnerAccount?.links.map((l) => l.system)).toEqual(['salesforce']);

    const merged = await fetch(`${SB}/__sandbox/salesforce/merge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ masterRecordId: winner, recordToMergeIds: [loser] }) });
    expect(merged.status).toBe(200);
    expect(await removalsPolled()).toEqual([{ objectId: loser, change: 'merge', value: winner }]);

    const now = await accountOf('salesforce', winner);
    expect(now?.id).toBe(winnerAccount!.id);
    expect(now!.links.map((l) => `${l.system}:${l.externalId}`).sort()).toEqual([`netsuite:${customer}`, `salesforce:${winner}`]);
    expect(await accountOf('salesforce', loser)).toBeNull();
    // One account holds the customer; the loser's account was folded in, not left behind.
    expect((await accountOf('netsuite', customer))?.id).toBe(winnerAccount!.id);
    expect((await api(`/v1/tenants/demo/accounts/${loserAccount!.id}`, { key })).status).toBe(404);
    expect((await audit('account', winnerAccount!.id)).items.map((i) => i.action)).toEqual(expect.arrayContaining(['identity.unlink', 'identity.merge']));
  });
});

describe('review cases superseded when their record is re-scored', () => {
  it("an Account renamed while cases ask about it: the old cases are superseded (not open, audited), the new outcome applies, approving an old one is 409", { timeout: 60_000 }, async () => {
    const de = await netsuiteCustomer('Marrowgate Textiles GmbH', 'https://marrowgate-textiles.de', 'Dresden', 'DE');
    const uk = await netsuiteCustomer('Marrowgate Textiles Ltd', 'https://marrowgate-textiles.co.uk', 'Bradford', 'GB');
    await erpCustomersLinked([de, uk]);
    const id = await accountCreated({ Name: 'Marrowgate Textiles' });
    const about = (c: { subject: { system: string; externalId: string }; candidate: { system: string; externalId: string } }) => [c.subject, c.candidate].some((s) => s.system === 'salesforce' && s.externalId === id);
    const asked = (await reviews()).filter(about);
    expect(asked.length).toBeGreaterThan(0);

    await salesforce('PATCH', `/sobjects/Account/${id}`, { Name: 'Marrowgate Textiles GmbH', Website: 'www.marrowgate-textiles.de', BillingCity: 'Dresden', BillingCountry: 'DE' });
    const renamed = await poll();
    expect((await consume(renamed.changes)).retryMessages).toEqual([]);

    const all = await reviews('all');
    for (const c of asked) expect(all.find((x) => x.id === c.id)?.status).toBe('superseded');
    expect((await reviews()).filter((c) => asked.some((a) => a.id === c.id))).toEqual([]);
    // Re-scored as it is now: the German customer's account.
    expect((await accountOf('salesforce', id))?.id).toBe((await accountOf('netsuite', de))!.id);
    const trail = await audit('review_case', asked[0]!.id);
    expect(trail.items.find((i) => i.action === 'identity.review.supersede')?.after).toMatchObject({ reason: 'record_changed' });

    const approve = await api(`/v1/tenants/demo/identity/reviews/${asked[0]!.id}/decision`, { method: 'POST', key, body: JSON.stringify({ decision: 'approve' }) });
    expect(approve.status).toBe(409);
    expect(((await approve.json()) as { code: string }).code).toBe('review_superseded');
  });
});
