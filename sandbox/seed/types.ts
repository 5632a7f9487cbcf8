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
  /** A unique-value property: no two records may share a value, and upserts may key on it. */
  hasUniqueValue?: boolean;
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
    /** Line items of the closed-won demo deals (sandbox/seed/closed-won.ts). */
    lineItemToDeal?: [string, string][];
  };
  pipelines: HubSpotPipeline[]; // deals pipelines: 'default' (stage 'closedwon') and one custom numeric pipeline
  properties: Record<'companies' | 'contacts' | 'deals', HubSpotProperty[]> & Partial<Record<'products' | 'line_items', HubSpotProperty[]>>;
  /** Product library (`/crm/v3/objects/products`): name, hs_sku, price, hs_recurring_billing_period, … */
  products?: HubSpotObject[];
  /** Deal line items (`/crm/v3/objects/line_items`): hs_product_id, hs_sku, quantity, price, amount, … */
  line_items?: HubSpotObject[];
  /** Users who can own records (`/crm/v3/owners`). */
  owners?: HubSpotOwner[];
}

/** An owner as `GET /crm/v3/owners` returns it (https://developers.hubspot.com/docs/api/crm/owners). */
export interface HubSpotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  teams: { id: string; name: string; primary: boolean }[];
}

// ---------------------------------------------------------------- Salesforce (REST raw shapes)

/** An sObject record as the REST API returns it (attributes added by the emulator). */
export type SalesforceRecord = { Id: string } & Record<string, string | number | boolean | null>;

export interface SalesforceDataset {
  orgId: string; // 18-char org id
  User: SalesforceRecord[]; // Id, Username, FirstName, LastName, Email, Alias, Title, IsActive, UserType, locale keys
  Account: SalesforceRecord[]; // Id, Name, Website, Billing*, Industry, AnnualRevenue, NumberOfEmployees, Phone, Type, OwnerId, CreatedDate, LastModifiedDate, SystemModstamp
  Contact: SalesforceRecord[]; // Id, AccountId, FirstName, LastName, Email, Title
  Opportunity: SalesforceRecord[]; // Id, AccountId, Name, Amount, StageName, CloseDate, IsClosed, IsWon, CurrencyIsoCode
  Task: SalesforceRecord[]; // Id, WhatId, Subject, Status, ActivityDate
  /** Products and price books (sandbox/seed/closed-won.ts); SKUs are NetSuite item ids (`ProductCode`). */
  Product2?: SalesforceRecord[]; // Id, Name, ProductCode, Family, IsActive, Description
  Pricebook2?: SalesforceRecord[]; // Id, Name, IsActive, IsStandard
  PricebookEntry?: SalesforceRecord[]; // Id, Pricebook2Id, Product2Id, UnitPrice, IsActive, CurrencyIsoCode, UseStandardPrice
  OpportunityLineItem?: SalesforceRecord[]; // Id, OpportunityId, PricebookEntryId, Product2Id, Quantity, UnitPrice
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
  /** Address book, served by record/v1/customer/{id} and as SuiteQL tables `entityaddress`, `customeraddressbook` (+ `…entityaddress`). */
  addresses: NetSuiteAddress[];
  /** Individual (T) or company (F, the default); individuals carry first and last name. */
  isperson?: 'T' | 'F';
  firstname?: string | null;
  lastname?: string | null;
}

export interface NetSuiteAddress {
  label: string;
  defaultBilling: boolean;
  defaultShipping: boolean;
  addr1: string;
  city: string;
  zip: string;
  country: string; // ISO-2
  state?: string;
  addr2?: string;
  addressee?: string;
}

/**
 * A row of SuiteQL table `transaction`. `type` is NetSuite's code: 'CustInvc' invoice, 'SalesOrd'
 * sales order, 'CustPymt' customer payment, 'CustCred' credit memo (the seed makes none; the
 * sandbox's credit admin route does). Invoice `status`: 'A' Open, 'B' Paid In Full,
 * 'V' Voided. Paid and voided invoices have foreignamountremaining 0.
 */
export interface NetSuiteTransaction {
  id: string;
  tranid: string; // document number, e.g. "INV-000123"
  type: 'CustInvc' | 'SalesOrd' | 'CustPymt' | 'CustCred';
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
  /** For CustPymt and CustCred: the invoice ids it applies to (record/v1 'apply' sublist). */
  appliesTo?: string[];
  /** For CustPymt written through the API: amount applied per invoice id (seeded payments apply in full). */
  appliedAmounts?: Record<string, number>;
  /** Item lines (record/v1 'item' sublist); seeded transactions carry none and show one summary line. */
  lines?: NetSuiteLine[];
  /** Sales orders written through the API: payment terms id, contract start/end, customer PO number. */
  terms?: string | null;
  startdate?: string | null;
  enddate?: string | null;
  otherrefnum?: string | null;
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
  /** Projects created through the REST API from a template (sandbox/vitally/provisioning.ts). */
  templateId?: string | null;
  targetStartDate?: string | null;
  targetCompletionDate?: string | null;
  ownedByVitallyUserId?: string | null;
  traits?: Record<string, string | number | boolean | null>;
  updatedAt?: string;
}

export interface VitallyTask {
  id: string;
  name: string; // 'Kickoff', 'Data migration', 'Training', 'Go-live'
  order: number;
  status: 'not_started' | 'in_progress' | 'completed' | 'blocked';
  dueDate: string | null;
  completedAt: string | null;
  /** Set when the task changes after the seed (API write or admin route); else its project's time. */
  updatedAt?: string;
}

/** Vitally conversations used as support escalations. */
export interface VitallyConversation {
  id: string;
  accountId: string;
  subject: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  status: 'open' | 'pending' | 'closed';
  createdAt: string;
  /** Set when the conversation changes after it was created. */
  updatedAt?: string;
}

/** A note on an account (POST /resources/notes with `accountId`). */
export interface VitallyNote {
  id: string;
  accountId: string;
  subject: string | null;
  note: string;
  noteDate: string; // ISO
  authorId: string | null;
  externalId: string | null;
  createdAt: string;
  updatedAt?: string;
  categoryId?: string | null;
  tags?: string[];
  traits?: Record<string, string | number | boolean | null>;
}

export interface VitallyDataset {
  subdomain: string;
  accounts: VitallyAccount[];
  healthScores: VitallyHealthScore[];
  projects: VitallyProject[];
  conversations: VitallyConversation[];
  /** Notes written through the API (the seed starts with none). */
  notes: VitallyNote[];
  /** Team members (CSMs): `GET /resources/admins/search?email=`. */
  admins?: VitallyAdmin[];
  /** Project templates (`GET /resources/projectTemplates`); their tasks become a new project's tasks. */
  projectTemplates?: VitallyProjectTemplate[];
  /** Account tasks created through `POST /resources/tasks` (project tasks live on their project). */
  tasks?: VitallyAccountTask[];
}

/** A Vitally Admin: a member of the vendor's own team, e.g. a CSM. */
export interface VitallyAdmin {
  id: string;
  name: string;
  email: string;
  licenseStatus: 'active' | 'deactivated' | 'auto-created';
}

/** A project template; `tasks` are the milestones every project made from it starts with. */
export interface VitallyProjectTemplate {
  id: string;
  name: string;
  projectName: string;
  description: string | null;
  projectCategoryId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Milestones, due `dueOffsetDays` after the project's target start. */
  tasks: { name: string; dueOffsetDays: number }[];
}

/** A task on an account (Vitally's Task object: https://docs.vitally.io/en/articles/9880855-rest-api-tasks). */
export interface VitallyAccountTask {
  id: string;
  externalId: string | null;
  accountId: string;
  name: string;
  description: string | null;
  dueDate: string | null;
  assignedToId: string | null;
  completedById: string | null;
  completedAt: string | null;
  categoryId: string | null;
  tags: string[];
  traits: Record<string, string | number | boolean | null>;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
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
  /** The open demo deals/opportunities the closed-won flow is exercised with (`GET /__sandbox/truth/closed-won`). */
  closedWon?: ClosedWonTruth;
}

/** Why a seeded deal must fail the flow's pre-create validation. */
export type ClosedWonProblem = 'missing_tax_id' | 'unmapped_sku' | 'unknown_country';

/** An open demo deal (HubSpot) or opportunity (Salesforce) ready to be closed as won. */
export interface ClosedWonCase {
  /** HubSpot deal id or Salesforce Opportunity id. */
  dealId: string;
  /** HubSpot company id or Salesforce Account id. */
  companyId: string;
  /** The NetSuite customer this company already is, or null for a company new to the ERP. */
  netsuiteCustomerId: string | null;
  /** SKUs on its line items (NetSuite item ids, HubSpot hs_sku, Salesforce ProductCode). */
  skus: string[];
  currency: string;
  amount: number;
}

/** A demo deal whose data fails validation for exactly one reason. */
export interface ClosedWonInvalidCase extends ClosedWonCase {
  reason: ClosedWonProblem;
  /** The vendor field at fault (e.g. `concord_tax_id`, `hs_sku`, `BillingCountry`). */
  field: string;
}

/** The closed-won fixtures of one CRM. */
export interface ClosedWonFixtures {
  valid: ClosedWonCase[];
  invalid: ClosedWonInvalidCase[];
}

/** Closed-won fixtures per CRM. */
export interface ClosedWonTruth {
  hubspot: ClosedWonFixtures;
  salesforce: ClosedWonFixtures;
}
