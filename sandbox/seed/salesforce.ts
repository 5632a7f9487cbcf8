/**
 * Salesforce records for a tenant: the org's Users (three sales reps who own the Accounts, the
 * API user Concord connects as, and a deactivated former rep), Accounts overlapping the truth set
 * (the same customers some teams keep in Salesforce) with their standard address and firmographic
 * fields, Contacts, Opportunities (some Closed Won) and Tasks. Every record carries CreatedDate,
 * LastModifiedDate and SystemModstamp.
 * Field names per https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
 */
import { addDays, isoAt, stampAt, type Prng } from './prng.js';
import { COUNTRY_NAMES, legalNameVariant } from './legal.js';
import { FIRST_NAMES, JOB_TITLES, LAST_NAMES, websiteVariant } from './names.js';
import type { CustomerPlan } from './plan.js';
import type { SalesforceDataset, SalesforceRecord, TruthCustomer } from './types.js';

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
/** The sales reps who own Accounts (Users 1-3). */
const OWNERS = [salesforceId('005', 1), salesforceId('005', 2), salesforceId('005', 3)];
/** The API user every sandbox session acts as (the identity URL's user): User 4. */
export const API_USER_ID = salesforceId('005', 4);

/** State or province of the seed's cities (BillingState), where the country uses one. */
const STATES: Record<string, string> = {
  Austin: 'TX', Boston: 'MA', Chicago: 'IL', Denver: 'CO', 'San Francisco': 'CA', 'New York': 'NY', Toronto: 'ON', Vancouver: 'BC',
  Berlin: 'Berlin', München: 'Bayern', Madrid: 'Madrid', Edinburgh: 'Scotland',
};

/** The org's users: owners of the seeded records, the API user, and one deactivated rep. */
function users(tenant: string, at: string): SalesforceRecord[] {
  const people: [string, string, string, boolean][] = [
    ['Dana', 'Whitfield', 'Account Executive', true],
    ['Marco', 'Oyelaran', 'Account Executive', true],
    ['Priya', 'Castellanos', 'Sales Manager', true],
    ['Sandbox', 'Admin', 'System Administrator', true],
    ['Ron', 'Leavitt', 'Account Executive', false],
  ];
  return people.map(([first, last, title, active], i) => {
    const local = i === 3 ? 'admin' : `${first}.${last}`.toLowerCase();
    return {
      Id: salesforceId('005', i + 1), Username: `${local}@${tenant}.sandbox.example`, FirstName: first, LastName: last, Email: `${local}@${tenant}.sandbox.example`,
      Alias: `${first[0]}${last.slice(0, 4)}`.toLowerCase(), Title: title, IsActive: active, UserType: 'Standard', TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US', LanguageLocaleKey: 'en_US', CreatedDate: at, LastModifiedDate: at, SystemModstamp: at,
    };
  });
}

/** CreatedDate, LastModifiedDate and SystemModstamp (Salesforce's datetime format). */
function audit(created: string, modified: string): Record<string, string> {
  const sf = (iso: string) => iso.replace('Z', '+0000');
  return { CreatedDate: sf(created), LastModifiedDate: sf(modified), SystemModstamp: sf(modified) };
}

/**
 * Build the Salesforce dataset and record account ids in the truth list. `detail` draws the
 * Account fields added after the first seed (address, size, phone), so adding them did not change
 * the values drawn from `rng` for everything else.
 */
export function buildSalesforce(rng: Prng, plans: CustomerPlan[], truth: Map<string, TruthCustomer>, anchor: string, orgId: string, tenant: string, detail: Prng): SalesforceDataset {
  const ds: SalesforceDataset = { orgId, User: users(tenant, isoAt(anchor, -2000, 9).replace('Z', '+0000')), Account: [], Contact: [], Opportunity: [], Task: [] };
  const seq = { acc: 1, con: 1, opp: 1, task: 1 };
  for (const p of plans.filter((x) => x.inSalesforce)) {
    const id = salesforceId('001', seq.acc++);
    const created = isoAt(anchor, -p.ageDays, 10);
    const missingPlace = p.crmMissingPlace;
    const account: SalesforceRecord = {
      Id: id, Name: rng.chance(0.7) ? p.base : legalNameVariant(rng, p.base, p.place.country), Website: rng.chance(0.85) ? websiteVariant(rng, p.domain) : null,
      BillingCity: missingPlace ? null : p.place.city,
      // Sales types the country as a code or as its name.
      BillingCountry: missingPlace ? null : rng.chance(0.6) ? p.place.country : COUNTRY_NAMES[p.place.country], Industry: rng.pick(['Technology', 'Finance', 'Healthcare', 'Retail', 'Transportation', 'Education']),
      AnnualRevenue: p.arr * rng.int(20, 200), OwnerId: rng.pick(OWNERS),
    };
    const withStreet = !missingPlace && rng.chance(0.6);
    const accountModified = stampAt(anchor, anchor, -rng.int(0, 30), 11);
    Object.assign(account, audit(created, accountModified), {
      BillingStreet: withStreet ? p.place.street : null, BillingState: missingPlace ? null : (STATES[p.place.city] ?? null), BillingPostalCode: missingPlace ? null : p.place.zip,
      NumberOfEmployees: detail.chance(0.85) ? Math.max(3, Math.round((p.arr / 400) * detail.int(2, 9))) : null,
      Phone: detail.chance(0.75) ? `+1 415 555 ${String(detail.int(0, 9999)).padStart(4, '0')}` : null,
      Type: p.inNetsuite ? 'Customer - Direct' : 'Prospect', CurrencyIsoCode: p.currency,
    });
    ds.Account.push(account);
    truth.get(p.key)!.salesforceAccountIds.push(id);
    for (let i = rng.int(1, 3); i > 0; i--) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      ds.Contact.push({
        Id: salesforceId('003', seq.con++), AccountId: id, FirstName: first, LastName: last, Email: `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + `@${p.domain}`, Title: rng.pick(JOB_TITLES),
        OwnerId: account.OwnerId as string, ...audit(created, accountModified),
      });
    }
    for (let i = rng.int(1, 3); i > 0; i--) {
      const won = p.inNetsuite && i === 1;
      const lost = !won && rng.chance(0.25);
      const stage = won ? 'Closed Won' : lost ? 'Closed Lost' : rng.pick(OPEN_STAGES);
      ds.Opportunity.push({
        Id: salesforceId('006', seq.opp++), AccountId: id, Name: `${p.base} - ${rng.pick(['New Business', 'Expansion', 'Renewal'])}`,
        Amount: rng.money(p.arr * 0.3, p.arr * 1.2), StageName: stage, CloseDate: addDays(anchor, won || lost ? -rng.int(10, 400) : rng.int(5, 120)),
        IsClosed: won || lost, IsWon: won, CurrencyIsoCode: p.currency, OwnerId: account.OwnerId as string, ...audit(created, accountModified),
      });
    }
    for (let i = rng.int(0, 2); i > 0; i--) {
      ds.Task.push({
        Id: salesforceId('00T', seq.task++), WhatId: id, Subject: rng.pick(['Call', 'Send quote', 'QBR prep', 'Follow up on invoice']), Status: rng.pick(['Not Started', 'In Progress', 'Completed']), ActivityDate: addDays(anchor, rng.int(-30, 30)),
        OwnerId: account.OwnerId as string, ...audit(created, accountModified),
      });
    }
  }
  return ds;
}
