/**
 * NetSuite records for a tenant: customers (legal names spelled unlike the CRM, websites in many
 * spellings, some with an integration-set externalid), invoices in every state, payments, sales
 * orders, SuiteBilling subscriptions, items and base prices. Column names follow SuiteQL.
 */
import { addDays, isoAt, stampAt, type Prng } from './prng.js';
import { defaultBillingKey } from '../netsuite/addresses.js';
import { divergentLegalName, legalNameVariant, taxIdSpelling } from './legal.js';
import { normalizeCompanyName, registrableDomain, streetAddress, websiteVariant } from './names.js';
import type { CurrencyCode, CustomerPlan } from './plan.js';
import type { HubSpotDataset, NetSuiteCurrency, NetSuiteCustomer, NetSuiteDataset, NetSuiteItem, NetSuitePricing, NetSuiteSubscription, NetSuiteTransaction, TruthCustomer } from './types.js';

const CURRENCIES: NetSuiteCurrency[] = [
  { id: '1', name: 'US Dollar', symbol: 'USD' },
  { id: '2', name: 'Euro', symbol: 'EUR' },
  { id: '3', name: 'British pound', symbol: 'GBP' },
  { id: '4', name: 'Canadian Dollar', symbol: 'CAD' },
];
const CURRENCY_ID: Record<CurrencyCode, string> = { USD: '1', EUR: '2', GBP: '3', CAD: '4' };
const FX: Record<CurrencyCode, number> = { USD: 1, EUR: 0.92, GBP: 0.79, CAD: 1.36 };

/** Payment terms internal id -> days (4 Net 15, 5 Net 30, 6 Net 60, as in a default account). */
export const TERMS_DAYS: Readonly<Record<string, number>> = { '4': 15, '5': 30, '6': 60 };

const ITEMS: [string, string, NetSuiteItem['itemtype'], number][] = [
  ['PLAT-STARTER', 'Concord Platform Starter (annual)', 'NonInvtPart', 6000],
  ['PLAT-GROWTH', 'Concord Platform Growth (annual)', 'NonInvtPart', 24000],
  ['PLAT-ENTERPRISE', 'Concord Platform Enterprise (annual)', 'NonInvtPart', 90000],
  ['SEAT-ADDON', 'Additional seat (annual)', 'NonInvtPart', 480],
  ['API-ADDON', 'API access add-on', 'NonInvtPart', 3600],
  ['SSO-ADDON', 'Single sign-on add-on', 'NonInvtPart', 2400],
  ['SANDBOX-ADDON', 'Sandbox environment', 'NonInvtPart', 4800],
  ['ANALYTICS-ADDON', 'Advanced analytics add-on', 'NonInvtPart', 7200],
  ['STORAGE-1TB', 'Storage 1 TB (annual)', 'NonInvtPart', 1200],
  ['SUPPORT-PREMIUM', 'Premium support', 'Service', 5000],
  ['SUPPORT-PLATINUM', 'Platinum support', 'Service', 15000],
  ['ONBOARD-STD', 'Standard onboarding', 'Service', 2500],
  ['ONBOARD-ENT', 'Enterprise onboarding', 'Service', 12500],
  ['TRAINING-DAY', 'Training day (remote)', 'Service', 1800],
  ['CONSULT-HOUR', 'Consulting hour', 'Service', 225],
  ['DATA-MIGRATION', 'Data migration package', 'Service', 6500],
  ['CUSTOM-INTEG', 'Custom integration', 'Service', 18000],
  ['HW-GATEWAY', 'Edge gateway appliance', 'InvtPart', 1499.99],
  ['HW-SENSOR', 'Sensor kit (10 pack)', 'InvtPart', 349.5],
  ['LEGACY-BASIC', 'Legacy Basic plan (retired)', 'NonInvtPart', 3000],
];

type InvoiceKind = 'paid' | 'open' | 'overdue' | 'partial' | 'disputed' | 'voided';

/** Build the NetSuite dataset; `hubspot` supplies company ids for integration-set externalids. */
export function buildNetsuite(rng: Prng, plans: CustomerPlan[], truth: Map<string, TruthCustomer>, anchor: string, accountId: string, hubspot: HubSpotDataset): NetSuiteDataset {
  const ds: NetSuiteDataset = { accountId, customer: [], transaction: [], subscription: [], currency: CURRENCIES, item: [], pricing: [] };
  ITEMS.forEach(([itemid, displayname, itemtype], i) => ds.item.push({ id: String(200 + i), itemid, displayname, itemtype, isinactive: itemid.startsWith('LEGACY') ? 'T' : 'F' }));
  ITEMS.forEach(([, , , usd], i) => {
    for (const [code, cid] of Object.entries(CURRENCY_ID) as [CurrencyCode, string][]) {
      const unitprice = Math.round(usd * FX[code] * 100) / 100;
      ds.pricing.push({ item: String(200 + i), pricelevel: '1', pricelevelname: 'Base Price', currency: cid, unitprice });
      if (i < 3) ds.pricing.push({ item: String(200 + i), pricelevel: '2', pricelevelname: 'Partner (20% off)', currency: cid, unitprice: Math.round(unitprice * 80) / 100 });
    }
  });

  const hsDomain = new Map(hubspot.companies.map((c) => [c.id, registrableDomain(c.properties.domain)]));
  const hsName = new Map(hubspot.companies.map((c) => [c.id, normalizeCompanyName(c.properties.name ?? '')]));
  let txSeq = 5001;
  const docSeq = { INV: 1, PYMT: 1, SO: 1 };
  const doc = (kind: keyof typeof docSeq) => `${kind}-${String(docSeq[kind]++).padStart(6, '0')}`;
  // ERP customers were keyed in over time in a different order from the CRM.
  const buyers = rng.shuffle(plans.filter((p) => p.inNetsuite));
  const sisterParents = new Set(plans.flatMap((p) => (p.sisterOf ? [p.sisterOf] : [])));

  buyers.forEach((p, n) => {
    const t = truth.get(p.key)!;
    const id = String(1000 + n);
    const hsIds = t.hubspotCompanyIds;
    const country = p.place.country;
    // Brand-family entities, sisters and their parents carry their registered names; ~12% of others diverge.
    const sisterParent = sisterParents.has(p.key);
    const nameAgrees = !p.inHubspot || p.family !== null || sisterParent || rng.chance(0.88);
    let companyname = p.sisterOf ? legalNameVariant(rng, p.base, country) : nameAgrees ? legalNameVariant(rng, p.base, country) : divergentLegalName(rng, p.base, country);
    // ~85% have a website; a few point at a regional site on another domain.
    const regional = p.family === null && rng.chance(0.05);
    // A sister's parent shows the shared website, so the two tax ids on one website are there to see.
    let url: string | null = sisterParent || rng.chance(0.85) ? websiteVariant(rng, regional && !sisterParent ? p.domain.replace(/\.[a-z.]+$/, '.eu') : p.domain) : null;
    const externalid = hsIds.length > 0 && rng.chance(0.15) ? `hs-${rng.chance(0.8) ? hsIds[0] : hsIds[hsIds.length - 1]}` : null;
    // Every CRM+ERP pair keeps evidence besides a typo'd name: external id, domain or the exact name.
    if (hsIds.length > 0 && !externalid) {
      const byDomain = hsIds.some((h) => hsDomain.get(h) && hsDomain.get(h) === registrableDomain(url));
      const byName = hsIds.some((h) => hsName.get(h) === normalizeCompanyName(companyname));
      if (!byDomain && !byName) {
        if (hsIds.some((h) => hsDomain.get(h))) url = websiteVariant(rng, p.domain);
        else if (!p.crmTypo) companyname = legalNameVariant(rng, p.base, country);
      }
    }
    t.legalName = companyname;
    const currency = CURRENCY_ID[p.currency];
    const terms = rng.pick(['4', '5', '5', '5', '6']);
    const created = isoAt(anchor, -Math.max(30, p.ageDays - rng.int(10, 60)), 11);
    const inactive = rng.chance(0.03);
    // ~2% were keyed in without an address.
    const addresses = rng.chance(0.02) ? [] : [{ label: 'HQ', defaultBilling: true, defaultShipping: true, addr1: p.place.street, city: p.place.city, zip: p.place.zip, country }];
    if (addresses.length && rng.chance(0.2)) addresses.push({ label: 'Warehouse', defaultBilling: false, defaultShipping: false, addr1: streetAddress(rng, country), city: p.place.city, zip: p.place.zip, country });
    const customer: NetSuiteCustomer = {
      id,
      entityid: `CUST-${String(n + 1).padStart(5, '0')} ${companyname}`,
      companyname,
      externalid,
      email: rng.chance(0.8) ? `${rng.pick(['billing', 'ap', 'finance', 'accounts'])}@${p.domain}` : null,
      url,
      // Mostly as registered (with the country prefix); some keyed in without it or with spaces.
      vatregnumber: p.taxId === null ? null : rng.chance(0.7) ? p.taxId : taxIdSpelling(rng, p.taxId),
      currency,
      terms,
      subsidiary: '1',
      parent: null,
      isinactive: inactive ? 'T' : 'F',
      datecreated: created,
      lastmodifieddate: stampAt(anchor, anchor, -rng.int(0, 90), 14),
      defaultbillingaddress: null,
      addresses,
    };
    customer.defaultbillingaddress = defaultBillingKey(customer);
    ds.customer.push(customer);
    t.netsuiteCustomerIds.push(id);

    // Invoices: newest first, roughly monthly; status follows due date and age.
    const count = rng.int(8, 14);
    const termDays = TERMS_DAYS[terms] ?? 30;
    const monthly = p.arr / 12;
    for (let j = 0; j < count; j++) {
      const age = j * 30 + rng.int(0, 12);
      const trandate = addDays(anchor, -age);
      const duedate = addDays(trandate, termDays);
      const due = duedate >= anchor;
      let kind: InvoiceKind;
      if (rng.chance(0.05)) kind = 'voided';
      else if (due) kind = rng.weighted({ open: 85, partial: 8, disputed: 7 });
      else if (age > 120) kind = rng.weighted({ paid: 90, overdue: 5, partial: 3, disputed: 2 });
      else kind = rng.weighted({ paid: 55, overdue: 25, partial: 12, disputed: 8 });
      const total = rng.money(monthly * 0.6, monthly * 1.6);
      const remaining = kind === 'paid' || kind === 'voided' ? 0 : kind === 'partial' ? Math.round(total * (0.2 + rng.next() * 0.6) * 100) / 100 : total;
      const invId = String(txSeq++);
      ds.transaction.push({
        id: invId, tranid: doc('INV'), type: 'CustInvc', entity: id, trandate, duedate,
        status: kind === 'paid' ? 'B' : kind === 'voided' ? 'V' : 'A',
        foreigntotal: total, foreignamountremaining: remaining, currency,
        externalid: null, memo: rng.chance(0.3) ? rng.pick(['Subscription fees', 'Seats true-up', 'Professional services', 'Annual prepay']) : null,
        custbody_concord_disputed: kind === 'disputed' ? 'T' : 'F',
        lastmodifieddate: stampAt(anchor, anchor, -Math.min(age, rng.int(0, age)), 16),
      });
      if (kind === 'paid' || kind === 'partial') {
        const payDate = addDays(duedate, rng.int(-termDays, 20));
        const capped = payDate < anchor ? payDate : addDays(anchor, -1);
        const paidOn = capped < trandate ? trandate : capped;
        ds.transaction.push({
          id: String(txSeq++), tranid: doc('PYMT'), type: 'CustPymt', entity: id, trandate: paidOn, duedate: null, status: 'C',
          foreigntotal: Math.round((total - remaining) * 100) / 100, foreignamountremaining: 0, currency, externalid: null, memo: null,
          custbody_concord_disputed: 'F', appliesTo: [invId], lastmodifieddate: stampAt(anchor, paidOn, 0, 17),
        });
      }
    }
    // Sales orders: the order behind the subscription, sometimes an open expansion.
    const orders = rng.int(0, 2);
    for (let k = 0; k < orders; k++) {
      const age = rng.int(0, 400);
      const trandate = addDays(anchor, -age);
      ds.transaction.push({
        id: String(txSeq++), tranid: doc('SO'), type: 'SalesOrd', entity: id, trandate, duedate: null,
        status: age > 45 ? 'G' : rng.pick(['B', 'F']), foreigntotal: rng.money(p.arr * 0.3, p.arr * 1.1), foreignamountremaining: 0,
        currency, externalid: rng.chance(0.3) ? `hs-deal-${3000000 + rng.int(1, 999)}` : null, memo: null,
        custbody_concord_disputed: 'F', lastmodifieddate: stampAt(anchor, trandate, 0, 12),
      } satisfies NetSuiteTransaction);
    }
    addSubscriptions(rng, ds.subscription, p, id, currency, anchor, inactive);
  });
  return ds;
}

function addSubscriptions(rng: Prng, out: NetSuiteSubscription[], p: CustomerPlan, customer: string, currency: string, anchor: string, inactive: boolean): void {
  const plan = p.arr >= 90000 ? 'Enterprise' : p.arr >= 24000 ? 'Growth' : 'Starter';
  const year = anchor.slice(0, 4);
  if (rng.chance(0.25) || inactive) {
    const end = addDays(anchor, -rng.int(30, 700));
    out.push({ id: String(700 + out.length), name: `${p.base} – Concord ${plan} (previous)`, customer, startdate: addDays(end, -364), enddate: end, status: 'TERMINATED', currency, autorenewal: 'F', custrecord_concord_arr: rng.money(p.arr * 0.5, p.arr), lastmodifieddate: stampAt(anchor, end, 1, 9) });
  }
  if (inactive || !rng.chance(0.92)) return;
  const endOffset = rng.int(1, 400);
  const end = addDays(anchor, endOffset);
  const start = addDays(end, endOffset > 330 ? -729 : -364);
  const pending = rng.chance(0.02);
  out.push({
    id: String(700 + out.length), name: `${p.base} – Concord ${plan} ${year}`, customer, startdate: pending ? addDays(anchor, rng.int(3, 20)) : start, enddate: end,
    status: pending ? 'PENDING_ACTIVATION' : 'ACTIVE', currency, autorenewal: rng.chance(0.7) ? 'T' : 'F',
    custrecord_concord_arr: p.arr + rng.int(0, 99) / 100, lastmodifieddate: stampAt(anchor, anchor, -rng.int(0, 60), 9),
  });
}
