/**
 * The vendor's own team, as each system knows it: HubSpot owners (the account executives whose
 * ids the seed already puts in `hubspot_owner_id`, plus the CSMs) and Vitally Admins (the CSMs,
 * found by the same e-mail addresses), and Vitally's onboarding project templates. A closed-won
 * flow maps a CRM owner to a CS owner by e-mail, as a real integration would.
 * https://developers.hubspot.com/docs/api/crm/owners, https://docs.vitally.io/en/articles/9880663-rest-api-admins
 */
import { isoAt, type Prng } from './prng.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';
import { HUBSPOT_OWNER_IDS } from './hubspot.js';
import type { HubSpotOwner, VitallyAdmin, VitallyDataset, VitallyProjectTemplate } from './types.js';

const SALES_TEAM = { id: '41000001', name: 'Sales' };
const CS_TEAM = { id: '41000002', name: 'Customer Success' };

/** E-mail local part of a name: "José García" -> "jose.garcia". */
function localPart(first: string, last: string): string {
  return `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
}

/**
 * Vitally Admins from the CSMs the seed already assigned (each account's `accountOwnerId` and
 * `traits.csm` name), with e-mail addresses on the tenant's own domain.
 */
export function vitallyAdmins(vitally: VitallyDataset, domain: string): VitallyAdmin[] {
  const byId = new Map<string, string>();
  for (const a of vitally.accounts) {
    const name = typeof a.traits.csm === 'string' ? a.traits.csm : null;
    if (a.accountOwnerId && name && !byId.has(a.accountOwnerId)) byId.set(a.accountOwnerId, name);
  }
  return [...byId].map(([id, name]) => {
    const [first = name, ...rest] = name.split(' ');
    return { id, name, email: `${localPart(first, rest.join(' '))}@${domain}`, licenseStatus: 'active' as const };
  });
}

/** HubSpot owners: the seeded owner ids as account executives, then one owner per CSM. */
export function hubspotOwners(rng: Prng, csms: VitallyAdmin[], domain: string, anchor: string): HubSpotOwner[] {
  const created = isoAt(anchor, -1200, 9);
  const taken = new Set(csms.map((c) => c.email));
  const owners: HubSpotOwner[] = [];
  HUBSPOT_OWNER_IDS.forEach((id, i) => {
    let first: string;
    let last: string;
    let email: string;
    do {
      first = rng.pick(FIRST_NAMES);
      last = rng.pick(LAST_NAMES);
      email = `${localPart(first, last)}@${domain}`;
    } while (taken.has(email));
    taken.add(email);
    owners.push({ id, email, firstName: first, lastName: last, userId: 9_100_001 + i, createdAt: created, updatedAt: created, archived: false, teams: [{ ...SALES_TEAM, primary: true }] });
  });
  csms.forEach((csm, i) => {
    const [first = csm.name, ...rest] = csm.name.split(' ');
    owners.push({
      id: String(Number(HUBSPOT_OWNER_IDS[HUBSPOT_OWNER_IDS.length - 1]) + 1 + i), email: csm.email, firstName: first, lastName: rest.join(' '),
      userId: 9_100_101 + i, createdAt: created, updatedAt: created, archived: false, teams: [{ ...CS_TEAM, primary: true }],
    });
  });
  return owners;
}

/** Onboarding templates: milestones due a number of days after the project's target start. */
export function projectTemplates(rng: Prng, anchor: string): VitallyProjectTemplate[] {
  const ts = isoAt(anchor, -700, 9);
  return [
    {
      id: rng.uuid(), name: 'Onboarding - Standard', projectName: 'Onboarding', description: 'Kickoff to go-live in 60 days', projectCategoryId: null,
      createdAt: ts, updatedAt: ts,
      tasks: [{ name: 'Kickoff', dueOffsetDays: 7 }, { name: 'Data migration', dueOffsetDays: 30 }, { name: 'Training', dueOffsetDays: 45 }, { name: 'Go-live', dueOffsetDays: 60 }],
    },
    {
      id: rng.uuid(), name: 'Onboarding - Enterprise', projectName: 'Enterprise onboarding', description: 'Kickoff to go-live in 90 days, with integration work', projectCategoryId: null,
      createdAt: ts, updatedAt: ts,
      tasks: [
        { name: 'Kickoff', dueOffsetDays: 7 }, { name: 'Technical setup', dueOffsetDays: 21 }, { name: 'Data migration', dueOffsetDays: 45 },
        { name: 'Integration', dueOffsetDays: 60 }, { name: 'Training', dueOffsetDays: 75 }, { name: 'Go-live', dueOffsetDays: 90 },
      ],
    },
  ];
}
