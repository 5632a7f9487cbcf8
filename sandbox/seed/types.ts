/**
 * Shapes of the sandbox's seeded estate, one dataset per tenant, stored in each vendor's own raw
 * shape (vendor field names), so each emulator serves them as the vendor would.
 *
 * The generator (`sandbox/seed/generate.ts`) is deterministic for a given (tenant, anchorDate):
 * the same ids, names and figures every time, so the broker's identity map survives a sandbox
 * restart. `anchorDate` is "today" for the estate (YYYY-MM-DD): due dates, renewals and
 * overdue-ness are placed relative to it.
 */

/** Sandbox tenants. `demo` is the rich one; `other` exists so isolation can be tested. */
export type SandboxTenant = 'demo' | 'other';
export const SANDBOX_TENANTS: readonly SandboxTenant[] = ['demo', 'other'];

export type Vendor = 'hubspot' | 'salesforce' | 'netsuite' | 'vitally';

// ---------------------------------------------------------------- HubSpot (CRM v3 raw shapes)

/** A CRM object as HubSpot's v3 API returns it (properties are strings or null). */
export interface HubSpotObject {
  id: string; // numeric string, e.g. "1000123"
  properties: Record<string, string | null>;
  createdAt: string; // ISO
  updatedAt: string; // ISO
  archived: boolean;
}

export interface HubSpotPipelineStage {
  id: string; // 'closedwon' in the default pipeline; numeric strings in custom pipelines
  label: string;
  displayOrder: number;
  metadata: { isClosed: 'true' | 'false'; probability: string }; // probability '1.0' = won
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotPipeline {
  id: string; // 'default' or numeric string
  label: string;
  displayOrder: number;
  stages: HubSpotPipelineStage[];
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotProperty {
  name: string;
  label: string;
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool';
  fieldType: string;
  groupName: string;
  description?: string;
  options?: { label: string; value: string; displayOrder: number; hidden: boolean }[];
  hubspotDefined?: boolean;
}

export interface HubSpotDataset {
  portalId: number; // hub id of this tenant's portal
  companies: HubSpotObject[]; // properties: name, domain, city, country, industry, phone, lifecyclestage, annualrevenue, hubspot_owner_id
  contacts: HubSpotObject[]; // properties: firstname, lastname, email, jobtitle, phone
  deals: HubSpotObject[]; // properties: dealname, amount, dealstage, pipeline, closedate, deal_currency_code
  /** Associations as [fromId, toId] pairs. */
  associations: {
    contactToCompany: [string, string][];
    dealToCompany: [string, string][];
  };
  pipelines: HubSpotPipeline[]; // deals pipelines: 'default' (stage 'closedwon') and one custom numeric pipeline
  properties: Record<'companies' | 'contacts' | 'deals', HubSpotProperty[]>;
}

// ---------------------------------------------------------------- Salesforce (REST raw shapes)

/** An sObject record as the REST API returns it (attributes added by the emulator). */
export type SalesforceRecord = { Id: string } & Record<string, string | number | boolean | null>;

export interface SalesforceDataset {
  orgId: string; // 18-char org id
  Account: SalesforceRecord[]; // Id, Name, Website, BillingCity, BillingCountry, Industry, AnnualRevenue, OwnerId, CreatedDate, LastModifiedDate
  Contact: SalesforceRecord[]; // Id, AccountId, FirstName, LastName, Email, Title
  Opportunity: SalesforceRecord[]; // Id, AccountId, Name, Amount, StageName, CloseDate, IsClosed, IsWon, CurrencyIsoCode
  Task: SalesforceRecord[]; // Id, WhatId, Subject, Status, ActivityDate
}

// ---------------------------------------------------------------- NetSuite (SuiteQL column names)

/** A row of SuiteQL table `customer` (lower-case column names, as SuiteQL returns them). */
export interface NetSuiteCustomer {
  id: string; // internal id, numeric string
  entityid: string; // e.g. "CUST-00042 Acme Analytics"
  companyname: string;
  externalid: string | null;
  email: string | null;
  url: string | null; // website, e.g. "https://www.acme.io" (may be missing)
  vatregnumber: string | null; // tax id
  currency: string; // currency internal id (see `currency` table)
  terms: string | null; // payment terms internal id
  subsidiary: string; // legal entity internal id
  parent: string | null; // parent customer id
  isinactive: 'T' | 'F';
  datecreated: string; // ISO date-time
  lastmodifieddate: string;
  /** SuiteQL `defaultbillingaddress`: the `entityaddress.nkey` of the default billing address (see `addressKey`). */
  defaultbillingaddress: string | null;
  /** Address book, served by record/v1/customer/{id} and as SuiteQL table `entityaddress`. */
  addresses: NetSuiteAddress[];
}

export interface NetSuiteAddress {
  label: string;
  defaultBilling: boolean;
  defaultShipping: boolean;
  addr1: string;
  city: string;
  zip: string;
  country: string; // ISO-2
}

/**
 * A row of SuiteQL table `transaction`. `type` is NetSuite's code: 'CustInvc' invoice, 'SalesOrd'
 * sales order, 'CustPymt' customer payment. Invoice `status`: 'A' Open, 'B' Paid In Full,
 * 'V' Voided. Paid and voided invoices have foreignamountremaining 0.
 */
export interface NetSuiteTransaction {
  id: string;
  tranid: string; // document number, e.g. "INV-000123"
  type: 'CustInvc' | 'SalesOrd' | 'CustPymt';
  entity: string; // customer internal id
  trandate: string; // YYYY-MM-DD
  duedate: string | null; // YYYY-MM-DD (invoices)
  status: string;
  foreigntotal: number;
  foreignamountremaining: number;
  currency: string; // currency internal id
  externalid: string | null;
  memo: string | null;
  /** Custom body field: invoice disputed by the customer ('T'/'F'). */
  custbody_concord_disputed: 'T' | 'F';
  /** For CustPymt: the invoice ids it applies to (record/v1 'apply' sublist). */
  appliesTo?: string[];
  /** For CustPymt written through the API: amount applied per invoice id (seeded payments apply in full). */
  appliedAmounts?: Record<string, number>;
  /** Item lines (record/v1 'item' sublist); seeded transactions carry none and show one summary line. */
  lines?: NetSuiteLine[];
  lastmodifieddate: string;
}

/** An item line of a sales transaction. */
export interface NetSuiteLine {
  item: string; // item internal id
  quantity: number;
  rate: number;
  amount: number;
  description: string | null;
}

/** A row of SuiteQL table `subscription` (SuiteBilling). ARR is a custom field. */
export interface NetSuiteSubscription {
  id: string;
  name: string;
  customer: string;
  startdate: string; // YYYY-MM-DD
  enddate: string; // YYYY-MM-DD; renewal is the day after
  status: 'ACTIVE' | 'PENDING_ACTIVATION' | 'TERMINATED' | 'DRAFT';
  currency: string;
  autorenewal: 'T' | 'F';
  custrecord_concord_arr: number;
  lastmodifieddate: string;
  /** External id set by an integration (upsert key); the seed leaves it unset. */
  externalid?: string | null;
}

/** SuiteQL table `currency`. */
export interface NetSuiteCurrency {
  id: string;
  name: string; // 'US Dollar'
  symbol: string; // ISO code: 'USD'
}

/** SuiteQL table `item` (inventory and non-inventory sale items). */
export interface NetSuiteItem {
  id: string;
  itemid: string; // SKU
  displayname: string;
  itemtype: 'InvtPart' | 'NonInvtPart' | 'Service';
  isinactive: 'T' | 'F';
}

/** SuiteQL table `pricing`: one row per item, price level and currency. */
export interface NetSuitePricing {
  item: string;
  pricelevel: string; // price level internal id ('1' = Base Price)
  pricelevelname: string;
  currency: string;
  unitprice: number;
}

export interface NetSuiteDataset {
  accountId: string; // e.g. 'TSTDRV1234567'
  customer: NetSuiteCustomer[];
  transaction: NetSuiteTransaction[];
  subscription: NetSuiteSubscription[];
  currency: NetSuiteCurrency[];
  item: NetSuiteItem[];
  pricing: NetSuitePricing[];
}

// ---------------------------------------------------------------- Vitally (REST raw shapes)

export interface VitallyAccount {
  id: string; // uuid
  externalId: string | null; // usually the CRM company id (HubSpot company id for demo)
  name: string;
  traits: Record<string, string | number | boolean | null>; // e.g. domain, segment, csm
  healthScore: number | null; // 0..10, Vitally's scale
  mrr: number | null;
  accountOwnerId: string | null;
  churnedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A point in an account's health score history (newest last). */
export interface VitallyHealthScore {
  id: string;
  accountId: string;
  score: number; // 0..10
  /** Per-category scores, e.g. { productUsage: 7.5, support: 4, engagement: 8 } */
  categories: Record<string, number>;
  date: string; // YYYY-MM-DD
}

/** Vitally Projects (onboarding) with their tasks as milestones. */
export interface VitallyProject {
  id: string;
  accountId: string;
  name: string; // 'Onboarding'
  status: 'active' | 'completed' | 'blocked';
  createdAt: string;
  tasks: VitallyTask[];
}

export interface VitallyTask {
  id: string;
  name: string; // 'Kickoff', 'Data migration', 'Training', 'Go-live'
  order: number;
  status: 'not_started' | 'in_progress' | 'completed' | 'blocked';
  dueDate: string | null;
  completedAt: string | null;
}

/** Vitally conversations used as support escalations. */
export interface VitallyConversation {
  id: string;
  accountId: string;
  subject: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: 'open' | 'pending' | 'closed';
  createdAt: string;
}

/** A note posted to an account (POST /resources/accounts/:id/notes). */
export interface VitallyNote {
  id: string;
  accountId: string;
  subject: string | null;
  note: string;
  noteDate: string; // ISO
  authorId: string | null;
  externalId: string | null;
  createdAt: string;
}

export interface VitallyDataset {
  subdomain: string;
  accounts: VitallyAccount[];
  healthScores: VitallyHealthScore[];
  projects: VitallyProject[];
  conversations: VitallyConversation[];
  /** Notes written through the API (the seed starts with none). */
  notes: VitallyNote[];
}

// ---------------------------------------------------------------- the whole estate

/**
 * Ground truth the generator used, for tests that grade identity matching: which vendor records
 * are the same real-world customer. Never served to the broker's connectors.
 */
export interface TruthCustomer {
  key: string; // 'T0001'
  /** As registered in the ERP when the customer is there (else the brand name). */
  legalName: string;
  /** ISO country the legal entity is registered in. */
  country: string;
  /** Hard identity cases this customer is part of: brand_family, sister_entity, crm_typo, crm_missing_place, near_miss. */
  traits: string[];
  hubspotCompanyIds: string[]; // more than one = a true CRM duplicate
  salesforceAccountIds: string[];
  netsuiteCustomerIds: string[];
  vitallyAccountIds: string[];
}

/**
 * A tenant's estate. Each vendor's data is built on first access (NetSuite and Vitally build
 * HubSpot first, whose ids they point at), so a large `scale` costs only what is used.
 */
export interface TenantDataset {
  tenant: SandboxTenant;
  anchorDate: string;
  /** Size factor: 1 is the documented estate, 100 about 55,000 companies for demo. */
  scale: number;
  hubspot: HubSpotDataset;
  salesforce: SalesforceDataset;
  netsuite: NetSuiteDataset;
  vitally: VitallyDataset;
  truth: TruthCustomer[];
}
