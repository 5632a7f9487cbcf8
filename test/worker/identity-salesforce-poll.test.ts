/**
 * Continuous linking of Salesforce Accounts inside workerd: the package calls out on closed-won
 * only, so an Account created or renamed after the first identity sync is found by the
 * every-minute poll (SOQL on SystemModstamp since the checkpoint) and goes through the identity
 * intake HubSpot's company webhooks use: linked to its ERP customer, queued for review when the
 * match is ambiguous, re-scored when renamed. No card is opened. Runs on a private sandbox
 * estate, because it creates records the shared estate's truth does not know.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { api } from './helpers.js';
import { salesforcePollHarness, type ReviewCaseRow as Case } from './salesforce-poll-helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by test/support/worker-sandbox.ts. */
    identitySalesforcePollSandboxUrl: string;
  }
}

const { key: apiKey, salesforce, netsuiteCustomer, consume, erpCustomersLinked, poll, accountOf, reviews, setUp } = salesforcePollHarness(inject('identitySalesforcePollSandboxUrl'));
let key: string;

beforeAll(async () => {
  await setUp();
  key = apiKey();
}, 240_000);

describe('Salesforce Accounts linked by the change poll', () => {
  it('links an Account created after the first sync to its ERP customer, once, with no card opened', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Halloran Ceramics Ltd', 'https://www.halloran-ceramics.co.uk', 'Stoke-on-Trent', 'GB');
    await erpCustomersLinked([customer]);
    const erpAccount = await accountOf('netsuite', customer);
    expect(erpAccount?.links.map((l) => l.system)).toEqual(['netsuite']);

    const { id } = await salesforce('POST', '/sobjects/Account', { Name: 'Halloran Ceramics Ltd', Website: 'halloran-ceramics.co.uk', BillingCity: 'Stoke-on-Trent', BillingCountry: 'GB' });
    const first = await poll();
    expect(first.stream).toMatchObject({ enqueued: 1 });
    expect(first.changes.map((c) => [c.objectId, c.change])).toEqual([[id, 'creation']]);
    expect((await consume(first.changes)).retryMessages).toEqual([]);

    const linked = await accountOf('salesforce', id!);
    expect(linked?.id).toBe(erpAccount!.id);
    // The next poll re-reads the Account in its overlap window and finds nothing new about it.
    expect((await poll()).changes.filter((c) => c.objectId === id)).toEqual([]);
    // The same change delivered again (at least once) links nothing twice.
    await consume(first.changes);
    expect((await accountOf('salesforce', id!))!.links).toHaveLength(linked!.links.length);
  });

  it('re-scores a renamed Account: it leaves the account it sat alone in for its ERP customer', { timeout: 60_000 }, async () => {
    const customer = await netsuiteCustomer('Pembrey Instruments GmbH', 'https://pembrey-instruments.de', 'Hamburg', 'DE');
    await erpCustomersLinked([customer]);
    const { id } = await salesforce('POST', '/sobjects/Account', { Name: 'Quarrybank Placeholder Holdings' });
    const created = await poll();
    await consume(created.changes);
    const own = await accountOf('salesforce', id!);
    expect(own?.links.map((l) => l.system)).toEqual(['salesforce']);

    await salesforce('PATCH', `/sobjects/Account/${id}`, { Name: 'Pembrey Instruments GmbH', Website: 'www.pembrey-instruments.de', BillingCity: 'Hamburg', BillingCountry: 'DE' });
    const renamed = await poll();
    expect(renamed.changes.filter((c) => c.objectId === id).map((c) => [c.change, c.property]).sort()).toEqual([
      ['propertyChange', 'city'],
      ['propertyChange', 'country'],
      ['propertyChange', 'domain'],
      ['propertyChange', 'name'],
    ]);
    expect((await consume(renamed.changes)).retryMessages).toEqual([]);
    const joined = await accountOf('salesforce', id!);
    expect(joined?.id).toBe((await accountOf('netsuite', customer))!.id);
    expect((await api(`/v1/tenants/demo/accounts/${own!.id}`, { key })).status).toBe(404);
    // The change is in the account's history as Salesforce's.
    const audit = (await (await api(`/v1/tenants/demo/audit?entityType=salesforce_company&entityId=${id}`, { key })).json()) as { items: { action: string; actor: string }[] };
    expect(audit.items.some((i) => i.action === 'crm.change.applied' && i.actor.startsWith('salesforce_org:'))).toBe(true);
  });

  it('queues an ambiguous new Account for review instead of linking it', { timeout: 60_000 }, async () => {
    const de = await netsuiteCustomer('Tollgate Dyeworks GmbH', 'https://tollgate-dyeworks.de', 'Leipzig', 'DE');
    const uk = await netsuiteCustomer('Tollgate Dyeworks Ltd', 'https://tollgate-dyeworks.co.uk', 'Leeds', 'GB');
    await erpCustomersLinked([de, uk]);
    const { id } = await salesforce('POST', '/sobjects/Account', { Name: 'Tollgate Dyeworks' });
    const found = await poll();
    expect((await consume(found.changes)).retryMessages).toEqual([]);

    const account = await accountOf('salesforce', id!);
    expect(account?.links.some((l) => l.system === 'netsuite')).toBe(false);
    const open = await reviews();
    const mine = open.filter((c) => [c.subject, c.candidate].some((s) => s.system === 'salesforce' && s.externalId === id));
    const other = (c: Case) => (c.subject.system === 'salesforce' ? c.candidate : c.subject);
    expect(mine.map((c) => other(c).externalId).sort()).toEqual([de, uk].sort());
  });
});
