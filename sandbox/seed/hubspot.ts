/**
 * HubSpot CRM records for a tenant: companies (with true duplicates and missing domains),
 * contacts, deals across the default and one custom pipeline, associations, pipeline and
 * property definitions. Shapes follow CRM v3: https://developers.hubspot.com/docs/api/crm/companies
 */
import { isoAt, stampAt, type Prng } from './prng.js';
import { COUNTRY_NAMES, SHORT_FORM, taxIdSpelling, withTypo } from './legal.js';
import { FIRST_NAMES, INDUSTRIES, JOB_TITLES, LAST_NAMES } from './names.js';
import type { CustomerPlan } from './plan.js';
import type { HubSpotDataset, HubSpotObject, HubSpotPipeline, HubSpotProperty, TruthCustomer } from './types.js';

/** Owner (user) ids used for hubspot_owner_id. */
export const HUBSPOT_OWNER_IDS = ['70000001', '70000002', '70000003', '70000004', '70000005', '70000006'];

const DEFAULT_STAGES: [string, string, string, boolean][] = [
  ['appointmentscheduled', 'Appointment scheduled', '0.2', false],
  ['qualifiedtobuy', 'Qualified to buy', '0.4', false],
  ['presentationscheduled', 'Presentation scheduled', '0.6', false],
  ['decisionmakerboughtin', 'Decision maker bought-in', '0.8', false],
  ['contractsent', 'Contract sent', '0.9', false],
  ['closedwon', 'Closed won', '1.0', true],
  ['closedlost', 'Closed lost', '0.0', true],
];
/** Custom pipeline: numeric ids, won stage "Signed" = 1002004 (isClosed, probability 1.0). */
export const CUSTOM_PIPELINE_ID = '1002000';
const CUSTOM_STAGES: [string, string, string, boolean][] = [
  ['1002001', 'Discovery', '0.1', false],
  ['1002002', 'Solution fit', '0.3', false],
  ['1002003', 'Commercials', '0.7', false],
  ['1002004', 'Signed', '1.0', true],
  ['1002005', 'Lost', '0.0', true],
];

function pipelines(anchor: string): HubSpotPipeline[] {
  const ts = isoAt(anchor, -2000);
  const stage = ([id, label, probability, isClosed]: [string, string, string, boolean], i: number) => ({
    id, label, displayOrder: i, metadata: { isClosed: isClosed ? ('true' as const) : ('false' as const), probability },
    createdAt: ts, updatedAt: ts, archived: false,
  });
  return [
    { id: 'default', label: 'Sales Pipeline', displayOrder: 0, stages: DEFAULT_STAGES.map(stage), createdAt: ts, updatedAt: ts, archived: false },
    { id: CUSTOM_PIPELINE_ID, label: 'Partner Pipeline', displayOrder: 1, stages: CUSTOM_STAGES.map(stage), createdAt: ts, updatedAt: ts, archived: false },
  ];
}

function prop(name: string, label: string, type: HubSpotProperty['type'], fieldType: string, groupName: string, options?: string[], hubspotDefined = true, hasUniqueValue = false): HubSpotProperty {
  const p: HubSpotProperty = { name, label, type, fieldType, groupName, hubspotDefined, ...(hasUniqueValue ? { hasUniqueValue } : {}) };
  if (options) p.options = options.map((o, i) => ({ label: o, value: o, displayOrder: i, hidden: false }));
  return p;
}

function properties(): HubSpotDataset['properties'] {
  return {
    companies: [
      prop('name', 'Company name', 'string', 'text', 'companyinformation'),
      prop('domain', 'Company domain name', 'string', 'text', 'companyinformation'),
      prop('city', 'City', 'string', 'text', 'companyinformation'),
      prop('country', 'Country/Region', 'string', 'text', 'companyinformation'),
      prop('address', 'Street Address', 'string', 'text', 'companyinformation'),
      // A custom property many B2B portals add; HubSpot has no standard tax-id property.
      prop('vat_number', 'VAT number', 'string', 'text', 'companyinformation', undefined, false),
      prop('industry', 'Industry', 'enumeration', 'select', 'companyinformation', INDUSTRIES),
      prop('phone', 'Phone number', 'string', 'phonenumber', 'companyinformation'),
      prop('lifecyclestage', 'Lifecycle stage', 'enumeration', 'radio', 'companyinformation', ['lead', 'opportunity', 'customer', 'other']),
      prop('annualrevenue', 'Annual revenue', 'number', 'number', 'companyinformation'),
      // More of HubSpot's default company properties (unset in the seed), so a portal's usual writes are accepted.
      prop('description', 'Description', 'string', 'textarea', 'companyinformation'),
      prop('website', 'Website URL', 'string', 'text', 'companyinformation'),
      prop('state', 'State/Region', 'string', 'text', 'companyinformation'),
      prop('zip', 'Postal code', 'string', 'text', 'companyinformation'),
      prop('numberofemployees', 'Number of employees', 'number', 'number', 'companyinformation'),
      prop('hubspot_owner_id', 'Company owner', 'enumeration', 'select', 'companyinformation', HUBSPOT_OWNER_IDS),
      // An earlier integration's key: a unique-value property, so upserts may key on it.
      prop('concord_erp_customer_id', 'ERP customer id (Concord)', 'string', 'text', 'concord', undefined, false, true),
      prop('concord_health_score', 'Health score (Concord)', 'number', 'number', 'concord', undefined, false),
    ],
    contacts: [
      prop('firstname', 'First name', 'string', 'text', 'contactinformation'),
      prop('lastname', 'Last name', 'string', 'text', 'contactinformation'),
      prop('email', 'Email', 'string', 'text', 'contactinformation'),
      prop('jobtitle', 'Job title', 'string', 'text', 'contactinformation'),
      prop('phone', 'Phone number', 'string', 'phonenumber', 'contactinformation'),
    ],
    deals: [
      prop('dealname', 'Deal name', 'string', 'text', 'dealinformation'),
      prop('amount', 'Amount', 'number', 'number', 'dealinformation'),
      prop('dealstage', 'Deal stage', 'enumeration', 'radio', 'dealinformation', [...DEFAULT_STAGES, ...CUSTOM_STAGES].map((s) => s[0])),
      prop('pipeline', 'Pipeline', 'enumeration', 'select', 'dealinformation', ['default', CUSTOM_PIPELINE_ID]),
      prop('closedate', 'Close date', 'datetime', 'date', 'dealinformation'),
      prop('deal_currency_code', 'Currency', 'enumeration', 'select', 'dealinformation', ['USD', 'EUR', 'GBP', 'CAD']),
      prop('description', 'Deal description', 'string', 'textarea', 'dealinformation'),
      prop('concord_erp_order_id', 'ERP sales order id (Concord)', 'string', 'text', 'concord', undefined, false),
    ],
  };
}

/** The company name as typed into the CRM: usually the brand, sometimes with a legal form, a typo, odd casing. */
function companyName(rng: Prng, p: CustomerPlan, duplicate: boolean): string {
  const form = SHORT_FORM[p.place.country];
  if (duplicate) return rng.pick([`${p.base} ${form}`, p.base.toUpperCase(), `${p.base} `]);
  if (p.crmTypo) return withTypo(rng, p.base);
  if (p.family) return rng.pick([p.base, p.base, `${p.base} ${form}`, `${p.base} (${p.place.country})`]);
  return rng.chance(0.06) ? `${p.base} ${form}` : rng.chance(0.03) ? p.base.toLowerCase() : p.base;
}

/** A domain as typed into the CRM: bare, with www., or in upper case. */
function domainSpelling(rng: Prng, domain: string): string {
  const roll = rng.next();
  if (roll < 0.76) return domain;
  if (roll < 0.88) return `www.${domain}`;
  if (roll < 0.94) return `WWW.${domain.toUpperCase()}`;
  return domain.replace(/^./, (c) => c.toUpperCase()).replace(/\.([a-z.]+)$/, (m) => m.toUpperCase());
}

function phone(rng: Prng): string {
  return rng.pick([`+1 512 555 ${rng.int(1000, 9999)}`, `+49 30 ${rng.int(100000, 999999)}`, `(555) ${rng.int(100, 999)}-${rng.int(1000, 9999)}`, `+44 20 7946 ${rng.int(1000, 9999)}`]);
}

/**
 * A stored object. Unset properties are left out (the emulator answers null for a defined
 * property without a value, as HubSpot does), which keeps a scaled estate's heap small.
 */
function object(id: string, props: Record<string, string | null>, createdAt: string, updatedAt: string): HubSpotObject {
  const properties: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(props)) if (v !== null) properties[k] = v;
  properties.hs_object_id = id;
  properties.createdate = createdAt;
  properties.hs_lastmodifieddate = updatedAt;
  return { id, properties, createdAt, updatedAt, archived: false };
}

/** Build the HubSpot dataset and record company ids in the truth list. */
export function buildHubspot(rng: Prng, plans: CustomerPlan[], truth: Map<string, TruthCustomer>, anchor: string, portalId: number): HubSpotDataset {
  const ds: HubSpotDataset = { portalId, companies: [], contacts: [], deals: [], associations: { contactToCompany: [], dealToCompany: [] }, pipelines: pipelines(anchor), properties: properties() };
  let companySeq = 1000001;
  let contactSeq = 2000001;
  let dealSeq = 3000001;
  const crm = plans.filter((p) => p.inHubspot);
  const duplicates: CustomerPlan[] = [];

  const addCompany = (p: CustomerPlan, duplicate: boolean): string => {
    const id = String(companySeq++);
    const created = isoAt(anchor, duplicate ? -rng.int(5, 50) : -p.ageDays, rng.int(8, 18), rng.int(0, 59));
    const updated = stampAt(anchor, anchor, -rng.int(0, 30), rng.int(8, 18), rng.int(0, 59));
    // ~90% have a domain; duplicates (typed in by hand later) usually lack one; a typo'd company
    // keeps its domain or has its VAT number, so something besides the name says who it is.
    const hasDomain = p.crmMissingPlace ? false : duplicate ? rng.chance(0.3) : p.crmTypo ? p.taxId === null || rng.chance(0.8) : rng.chance(0.92);
    const name = companyName(rng, p, duplicate);
    const place = !p.crmMissingPlace;
    const vat = p.taxId !== null && (p.crmTypo && !hasDomain ? true : rng.chance(p.family ? 0.5 : 0.3));
    ds.companies.push(object(id, {
      name,
      domain: hasDomain ? domainSpelling(rng, p.domain) : null,
      city: place ? p.place.city : null,
      // HubSpot's country is free text: ISO codes and English names both occur.
      country: place ? (rng.chance(0.7) ? p.place.country : COUNTRY_NAMES[p.place.country]) : null,
      address: place && rng.chance(0.6) ? p.place.street : null,
      vat_number: vat ? taxIdSpelling(rng, p.taxId!) : null,
      industry: rng.chance(0.9) ? p.industry : null,
      phone: rng.chance(0.7) ? phone(rng) : null,
      lifecyclestage: p.inNetsuite ? 'customer' : rng.pick(['lead', 'opportunity']),
      annualrevenue: rng.chance(0.6) ? String(p.arr * rng.int(20, 200)) : null,
      hubspot_owner_id: rng.pick(HUBSPOT_OWNER_IDS),
      concord_erp_customer_id: null,
      concord_health_score: null,
    }, created, updated));
    truth.get(p.key)!.hubspotCompanyIds.push(id);

    const contacts = duplicate ? rng.int(1, 2) : rng.int(1, 4);
    for (let i = 0; i < contacts; i++) {
      const cid = String(contactSeq++);
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      const local = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
      ds.contacts.push(object(cid, {
        firstname: first,
        lastname: last,
        email: rng.chance(0.9) ? `${local}@${p.domain}` : `${local}${rng.int(1, 99)}@gmail.com`,
        jobtitle: rng.chance(0.8) ? rng.pick(JOB_TITLES) : null,
        phone: rng.chance(0.5) ? phone(rng) : null,
      }, created, updated));
      ds.associations.contactToCompany.push([cid, id]);
    }

    if (!duplicate) addDeals(p, id);
    return id;
  };

  const addDeals = (p: CustomerPlan, companyId: string) => {
    const deal = (stage: string, pipeline: string, closeOffset: number, amount: number, label: string) => {
      const did = String(dealSeq++);
      const created = isoAt(anchor, Math.min(closeOffset, 0) - rng.int(20, 120), 10);
      ds.deals.push(object(did, {
        dealname: `${p.base} – ${label}`,
        amount: amount.toFixed(2),
        dealstage: stage,
        pipeline,
        closedate: isoAt(anchor, closeOffset, 12),
        deal_currency_code: p.currency,
        concord_erp_order_id: null,
      }, created, stampAt(anchor, anchor, -rng.int(0, 20), 15)));
      ds.associations.dealToCompany.push([did, companyId]);
    };
    const open = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent'];
    if (p.inNetsuite) {
      if (rng.chance(0.75)) deal('closedwon', 'default', -rng.int(30, Math.max(31, p.ageDays)), p.arr, 'New business');
      else deal('1002004', CUSTOM_PIPELINE_ID, -rng.int(30, Math.max(31, p.ageDays)), p.arr, 'Partner deal');
    }
    const extra = p.inNetsuite ? rng.int(0, 2) : rng.int(1, 3);
    for (let i = 0; i < extra; i++) {
      const kind = rng.weighted({ open: 5, lost: 2, customOpen: 2 });
      const amount = rng.money(p.arr * 0.2, p.arr * 1.2);
      if (kind === 'open') deal(rng.pick(open), 'default', rng.int(5, 120), amount, rng.pick(['Expansion', 'Upsell seats', 'Renewal', 'New business']));
      else if (kind === 'lost') deal('closedlost', 'default', -rng.int(10, 400), amount, rng.pick(['Pilot', 'New business']));
      else deal(rng.pick(['1002001', '1002002', '1002003', '1002005']), CUSTOM_PIPELINE_ID, rng.int(-60, 90), amount, 'Partner deal');
    }
  };

  for (const p of crm) {
    addCompany(p, false);
    if (p.hubspotDuplicate) duplicates.push(p);
  }
  // Duplicates were created later by hand, so they carry the highest ids.
  for (const p of duplicates) addCompany(p, true);
  return ds;
}
