/**
 * Salesforce records for a tenant: Accounts overlapping the truth set (the same customers some
 * teams keep in Salesforce), with Contacts, Opportunities (some Closed Won) and Tasks.
 * Field names per https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
 */
import { addDays, isoAt, type Prng } from './prng.js';
import { COUNTRY_NAMES, legalNameVariant } from './legal.js';
import { FIRST_NAMES, JOB_TITLES, LAST_NAMES, websiteVariant } from './names.js';
import type { CustomerPlan } from './plan.js';
import type { SalesforceDataset, TruthCustomer } from './types.js';

const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * An 18-character Salesforce id: 3-char key prefix, 12-char body, 3-char case-safety suffix
 * (https://help.salesforce.com/s/articleView?id=000385585).
 */
export function salesforceId(prefix: string, n: number): string {
  const id15 = `${prefix}5g00000${n.toString(36).toUpperCase().padStart(5, '0')}`;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += CHARS[bits];
  }
  return id15 + suffix;
}

const OPEN_STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Proposal/Price Quote', 'Negotiation/Review'];
const OWNERS = [salesforceId('005', 1), salesforceId('005', 2), salesforceId('005', 3)];

/** Build the Salesforce dataset and record account ids in the truth list. */
export function buildSalesforce(rng: Prng, plans: CustomerPlan[], truth: Map<string, TruthCustomer>, anchor: string, orgId: string): SalesforceDataset {
  const ds: SalesforceDataset = { orgId, Account: [], Contact: [], Opportunity: [], Task: [] };
  const seq = { acc: 1, con: 1, opp: 1, task: 1 };
  for (const p of plans.filter((x) => x.inSalesforce)) {
    const id = salesforceId('001', seq.acc++);
    const created = isoAt(anchor, -p.ageDays, 10).replace('Z', '+0000');
    ds.Account.push({
      Id: id, Name: rng.chance(0.7) ? p.base : legalNameVariant(rng, p.base, p.place.country), Website: rng.chance(0.85) ? websiteVariant(rng, p.domain) : null,
      BillingStreet: !p.crmMissingPlace && rng.chance(0.6) ? p.place.street : null,
      BillingCity: p.crmMissingPlace ? null : p.place.city,
      BillingCountry: p.crmMissingPlace ? null : rng.chance(0.6) ? p.place.country : COUNTRY_NAMES[p.place.country], Industry: rng.pick(['Technology', 'Finance', 'Healthcare', 'Retail', 'Transportation', 'Education']),
      AnnualRevenue: p.arr * rng.int(20, 200), OwnerId: rng.pick(OWNERS), CreatedDate: created,
      LastModifiedDate: isoAt(anchor, -rng.int(0, 30), 11).replace('Z', '+0000'),
    });
    truth.get(p.key)!.salesforceAccountIds.push(id);
    for (let i = rng.int(1, 3); i > 0; i--) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      ds.Contact.push({ Id: salesforceId('003', seq.con++), AccountId: id, FirstName: first, LastName: last, Email: `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + `@${p.domain}`, Title: rng.pick(JOB_TITLES) });
    }
    for (let i = rng.int(1, 3); i > 0; i--) {
      const won = p.inNetsuite && i === 1;
      const lost = !won && rng.chance(0.25);
      const stage = won ? 'Closed Won' : lost ? 'Closed Lost' : rng.pick(OPEN_STAGES);
      ds.Opportunity.push({
        Id: salesforceId('006', seq.opp++), AccountId: id, Name: `${p.base} - ${rng.pick(['New Business', 'Expansion', 'Renewal'])}`,
        Amount: rng.money(p.arr * 0.3, p.arr * 1.2), StageName: stage, CloseDate: addDays(anchor, won || lost ? -rng.int(10, 400) : rng.int(5, 120)),
        IsClosed: won || lost, IsWon: won, CurrencyIsoCode: p.currency,
      });
    }
    for (let i = rng.int(0, 2); i > 0; i--) {
      ds.Task.push({ Id: salesforceId('00T', seq.task++), WhatId: id, Subject: rng.pick(['Call', 'Send quote', 'QBR prep', 'Follow up on invoice']), Status: rng.pick(['Not Started', 'In Progress', 'Completed']), ActivityDate: addDays(anchor, rng.int(-30, 30)) });
    }
  }
  return ds;
}
