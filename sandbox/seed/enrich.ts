/**
 * What the closed-won flow reads from a CRM company besides its name: a full postal address and,
 * in countries where B2B invoices need one, a tax id. HubSpot companies get `address`, `zip`,
 * `state` and the app property `concord_tax_id`; Salesforce Accounts get `BillingStreet`,
 * `BillingPostalCode` and `BillingState` where they have none. A company that is already a
 * NetSuite customer gets the ERP's billing street and VAT number, so the two systems agree.
 * Also the flow's deal and company properties (contract dates, payment terms, order write-back).
 * Draws come from their own PRNG stream, so the vendor builders' sequences are untouched.
 */
import type { Prng } from './prng.js';
import type { CustomerPlan } from './plan.js';
import type { HubSpotOwner, HubSpotProperty, TenantDataset } from './types.js';

/** Countries whose B2B customers need a VAT/tax id on the order (EU member states and the UK). */
export const TAX_ID_COUNTRIES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'GB',
]);

/** State or province of the seeded cities (US and Canada use them on addresses). */
const STATES: Readonly<Record<string, string>> = {
  Austin: 'TX', Boston: 'MA', Chicago: 'IL', Denver: 'CO', 'San Francisco': 'CA', 'New York': 'NY', Toronto: 'ON', Vancouver: 'BC',
};

/** Payment terms a deal can carry, as HubSpot enumeration options (value, label). */
export const PAYMENT_TERMS: readonly [string, string][] = [['net_15', 'Net 15'], ['net_30', 'Net 30'], ['net_60', 'Net 60']];

function custom(name: string, label: string, type: HubSpotProperty['type'], fieldType: string, options?: readonly [string, string][]): HubSpotProperty {
  const p: HubSpotProperty = { name, label, type, fieldType, groupName: 'concord', hubspotDefined: false };
  if (options) p.options = options.map(([value, optionLabel], i) => ({ label: optionLabel, value, displayOrder: i, hidden: false }));
  return p;
}

function standard(name: string, label: string, groupName: string): HubSpotProperty {
  return { name, label, type: 'string', fieldType: 'text', groupName, hubspotDefined: true };
}

function addMissing(list: HubSpotProperty[], defs: HubSpotProperty[]): void {
  for (const d of defs) if (!list.some((p) => p.name === d.name)) list.push(d);
}

/** Property definitions the flow reads and writes back (added only where absent). */
export function addFlowProperties(ds: TenantDataset, owners: HubSpotOwner[]): void {
  const props = ds.hubspot.properties;
  addMissing(props.companies, [
    standard('address', 'Street address', 'companyinformation'),
    standard('address2', 'Street address 2', 'companyinformation'),
    standard('zip', 'Postal code', 'companyinformation'),
    standard('state', 'State/Region', 'companyinformation'),
    custom('concord_tax_id', 'Tax id / VAT number (Concord)', 'string', 'text'),
    custom('concord_cs_account_id', 'CS account id (Concord)', 'string', 'text'),
  ]);
  addMissing(props.deals, [
    custom('concord_contract_start', 'Contract start date (Concord)', 'date', 'date'),
    custom('concord_contract_end', 'Contract end date (Concord)', 'date', 'date'),
    custom('concord_payment_terms', 'Payment terms (Concord)', 'enumeration', 'select', PAYMENT_TERMS),
    custom('concord_order_status', 'Order status (Concord)', 'enumeration', 'select', [['creating', 'Creating'], ['created', 'Created'], ['blocked', 'Blocked'], ['failed', 'Failed']]),
    custom('concord_order_number', 'Sales order number (Concord)', 'string', 'text'),
    custom('concord_erp_customer_id', 'ERP customer id (Concord)', 'string', 'text'),
    custom('concord_cs_account_id', 'CS account id (Concord)', 'string', 'text'),
    custom('concord_order_created_at', 'Order created at (Concord)', 'datetime', 'date'),
  ]);
  // HubSpot offers every owner as an option of hubspot_owner_id (the seed listed only the sales reps).
  const ownerOptions = owners.map((o, i) => ({ label: `${o.firstName} ${o.lastName}`, value: o.id, displayOrder: i, hidden: false }));
  for (const list of [props.companies, props.deals]) {
    const def = list.find((p) => p.name === 'hubspot_owner_id');
    if (def) def.options = ownerOptions;
    else list.push({ name: 'hubspot_owner_id', label: 'Owner', type: 'enumeration', fieldType: 'select', groupName: list === props.deals ? 'dealinformation' : 'companyinformation', options: ownerOptions, hubspotDefined: true });
  }
}

/**
 * Addresses and tax ids on every HubSpot company and Salesforce Account; deals without an owner
 * take their company's. `plans` give each real customer's place and currency.
 */
export function enrichCompanies(ds: TenantDataset, plans: CustomerPlan[], rng: Prng): void {
  const planByKey = new Map(plans.map((p) => [p.key, p]));
  const customers = new Map(ds.netsuite.customer.map((c) => [c.id, c]));
  const companies = new Map(ds.hubspot.companies.map((c) => [c.id, c]));
  const accounts = new Map(ds.salesforce.Account.map((a) => [a.Id, a]));
  for (const t of ds.truth) {
    const plan = planByKey.get(t.key);
    if (!plan) continue;
    const erp = t.netsuiteCustomerIds.map((id) => customers.get(id)).find((c) => c !== undefined);
    const erpAddress = erp?.addresses.find((a) => a.defaultBilling);
    const street = erpAddress?.addr1 || plan.place.street;
    const taxId = TAX_ID_COUNTRIES.has(plan.place.country) ? erp?.vatregnumber ?? `${plan.place.country}${rng.int(100000000, 999999999)}` : null;
    for (const id of t.hubspotCompanyIds) {
      const c = companies.get(id);
      if (!c) continue;
      c.properties.address ??= street;
      c.properties.zip ??= plan.place.zip;
      c.properties.state ??= STATES[plan.place.city] ?? null;
      c.properties.concord_tax_id ??= taxId;
    }
    for (const id of t.salesforceAccountIds) {
      const a = accounts.get(id);
      if (!a) continue;
      a.BillingStreet ??= street;
      a.BillingPostalCode ??= plan.place.zip;
      a.BillingState ??= STATES[plan.place.city] ?? null;
    }
  }
  // Deals are owned by their company's owner unless someone else took them over.
  const companyOf = new Map(ds.hubspot.associations.dealToCompany.map(([deal, company]) => [deal, company]));
  for (const d of ds.hubspot.deals) {
    const owner = companies.get(companyOf.get(d.id) ?? '')?.properties.hubspot_owner_id;
    if (owner && !d.properties.hubspot_owner_id) d.properties.hubspot_owner_id = owner;
  }
}
