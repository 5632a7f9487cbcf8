/**
 * Ports: what flows and services need from each kind of system, in canonical terms only.
 * Connectors implement them; nothing outside `connectors/` knows a vendor field name.
 */
import type {
  AccountViewAccount,
  ContractSection,
  Escalation,
  HealthSection,
  OnboardingSection,
  ReceivableInvoice,
  CurrencyCode,
} from '../model/index.js';

/** A company record of any system offered to identity resolution (raw values; the policy normalises). */
export interface MatchRecord {
  externalId: string;
  name: string;
  domain: string | null;
  taxId: string | null;
  /** ISO code or country name, as the system holds it. */
  country: string | null;
  city: string | null;
  /** Street address line. */
  address: string | null;
  /** Company e-mail addresses the record carries (e.g. the ERP's billing address). */
  emails: string[];
  /** The record's own pointer to a CRM record, raw (NetSuite externalid 'hs-123', Vitally externalId '123'). */
  crmHint: string | null;
}

export interface ErpPort {
  /** Customers page by page, for identity matching. */
  customers(): AsyncIterable<MatchRecord[]>;
  /** The ERP's facts about the account (legal name, tax id, addresses, currency). */
  accountFacts(customerId: string): Promise<Omit<AccountViewAccount, 'id' | 'name'>>;
  /** Every invoice of the customer that still has a balance. */
  openInvoices(customerId: string): Promise<ReceivableInvoice[]>;
  /** The current contract term, or null when the customer has none. */
  currentContract(customerId: string, today: string): Promise<Omit<ContractSection, 'daysToRenewal'> | null>;
  /** The customer's currency (when it has no open invoice to tell). */
  currency(customerId: string): Promise<CurrencyCode | null>;
  /** Create or update the customer Concord knows by `externalId` (repeating the call changes nothing). */
  upsertCustomer?(input: ErpCustomerInput): Promise<ErpWriteResult>;
  /** Create or update a sales order by `externalId` (idempotent). */
  upsertSalesOrder?(input: ErpSalesOrderInput): Promise<ErpWriteResult>;
  /** Record a customer payment by `externalId` (idempotent: a retry never pays twice). */
  recordPayment?(input: ErpPaymentInput): Promise<ErpWriteResult>;
  /** One sales order or invoice by ERP id. */
  document?(kind: ErpDocument['kind'], id: string): Promise<ErpDocument>;
  /** One customer payment by ERP id. */
  payment?(id: string): Promise<ErpPayment>;
  /** Sellable items (inventory and non-inventory), page by page. */
  products?(): AsyncIterable<ErpProduct[]>;
}

/** What an ERP write produced: the ERP's own id for Concord's external id. */
export interface ErpWriteResult {
  id: string;
  externalId: string;
}

export interface ErpCustomerInput {
  externalId: string;
  name: string;
  email?: string | null;
  website?: string | null;
  taxId?: string | null;
  currency?: CurrencyCode;
}

export interface ErpLineInput {
  /** ERP item id. */
  itemId: string;
  quantity: number;
  /** Absent: the item's base price in the order's currency. */
  unitPrice?: number;
  description?: string;
}

export interface ErpSalesOrderInput {
  externalId: string;
  /** ERP customer id. */
  customerId: string;
  /** YYYY-MM-DD; absent: today in the ERP. */
  date?: string;
  memo?: string;
  lines: ErpLineInput[];
}

export interface ErpPaymentInput {
  externalId: string;
  customerId: string;
  amount: number;
  date?: string;
  memo?: string;
  /** Invoices the payment settles; absent: unapplied (a deposit on account). */
  applyTo?: { invoiceId: string; amount: number }[];
}

export interface ErpDocumentLine {
  itemId: string;
  quantity: number;
  unitPrice: number | null;
  amount: number;
  description: string | null;
}

export interface ErpDocument {
  kind: 'sales_order' | 'invoice';
  id: string;
  externalId: string | null;
  number: string;
  customerId: string;
  date: string;
  dueDate: string | null;
  currency: CurrencyCode | null;
  total: number;
  /** Invoices: what is still due; sales orders: null. */
  balance: number | null;
  lines: ErpDocumentLine[];
}

export interface ErpPayment {
  id: string;
  externalId: string | null;
  number: string;
  customerId: string;
  date: string;
  amount: number;
  currency: CurrencyCode | null;
  applied: { invoiceId: string; amount: number }[];
}

export interface ErpProduct {
  id: string;
  sku: string;
  name: string;
  kind: 'inventory' | 'non_inventory';
  active: boolean;
  /** Base prices per currency. */
  prices: { currency: CurrencyCode; amount: number }[];
}

export interface CsPort {
  accounts(): AsyncIterable<MatchRecord[]>;
  /** Write canonical facts onto the CS account as traits (merged; other traits stay). */
  setTraits(accountId: string, traits: Record<string, string | number | boolean | null>): Promise<void>;
  /** Add a note; `idempotencyKey` makes a retried write update the same note, not add one. */
  addNote(accountId: string, note: { subject: string; body: string; idempotencyKey: string }): Promise<{ id: string }>;
  health(accountId: string): Promise<Omit<HealthSection, 'trend'> | null>;
  onboarding(accountId: string): Promise<OnboardingSection | null>;
  escalations(accountId: string): Promise<Escalation[]>;
}

/** A change to one CRM company: properties by the CRM's own names (the flow's mapping picks them). */
export interface CompanyPropertyUpdate {
  externalId: string;
  properties: Record<string, string>;
}

/** What a bulk company update did. */
export interface CompanyUpdateResult {
  updated: number;
  /** Upstream calls made (batches). */
  calls: number;
  failed: { externalId: string; message: string }[];
}

/** A person at a CRM company. */
export interface CrmContact {
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  /** Lower-cased. */
  email: string | null;
  title: string | null;
}

/** A CRM deal / opportunity; `won` and `closed` come from the CRM's own stage definitions. */
export interface CrmDeal {
  externalId: string;
  name: string;
  amount: number | null;
  /** ISO 4217, when the CRM records it per deal. */
  currency: string | null;
  pipeline: string | null;
  stage: string | null;
  /** As the CRM gives it (date or ISO instant). */
  closeDate: string | null;
  closed: boolean;
  won: boolean;
}

/** The record an activity (task, note) is filed on: a company, and optionally one of its deals. */
export interface CrmActivityTarget {
  companyId: string;
  dealId?: string;
}

/** Outcome of an idempotent CRM write. */
export interface CrmWriteResult {
  id: string;
  /** True when an earlier write with the same idempotency key already created it. */
  replayed: boolean;
}

/**
 * Where idempotent writes record "key -> created id", so a retried write returns the first
 * result instead of creating a second object (the D1 implementation is in services/card-task.ts).
 * `request` is what the key was first used for: the same key with another request is a conflict.
 */
export interface IdempotencyLedger {
  once(action: string, idempotencyKey: string, request: unknown, create: () => Promise<string>): Promise<CrmWriteResult>;
}

export interface CrmPort {
  companies(): AsyncIterable<MatchRecord[]>;
  /** Write properties to many companies, batched and paced by the tenant's limiter. */
  updateCompanies?(updates: CompanyPropertyUpdate[], opts?: { concurrency?: number }): Promise<CompanyUpdateResult>;
  /** Companies by id (batched reads); unknown ids are left out. */
  companiesByIds?(ids: string[]): Promise<MatchRecord[]>;
  /** Contacts by id (batched reads); unknown ids are left out. */
  contactsByIds?(ids: string[]): Promise<CrmContact[]>;
  /** Deals by id (batched reads), each with its canonical `won` flag; unknown ids are left out. */
  dealsByIds?(ids: string[]): Promise<CrmDeal[]>;
  /** Every contact associated with the company. */
  contactsOfCompany?(companyId: string): Promise<CrmContact[]>;
  /** Every deal associated with the company. */
  dealsOfCompany?(companyId: string): Promise<CrmDeal[]>;
  /** Create a task on the company (and deal); a retry with the same key creates nothing new. */
  createTask?(on: CrmActivityTarget, task: { subject: string; body: string; dueDate: string; idempotencyKey: string }): Promise<CrmWriteResult>;
  /** Add a note to the company (and deal); a retry with the same key creates nothing new. */
  addNote?(on: CrmActivityTarget, note: { body: string; idempotencyKey: string; at?: string }): Promise<CrmWriteResult>;
  /** Create or update contacts by Concord's key (batched; a re-run updates, never duplicates). */
  upsertContacts?(contacts: CrmContactInput[]): Promise<CrmBatchWriteResult>;
  /** Create or update deals by Concord's key (batched; a re-run updates, never duplicates). */
  upsertDeals?(deals: CrmDealInput[]): Promise<CrmBatchWriteResult>;
  /** The line items (products) of the given deals. */
  dealLines?(dealIds: string[]): Promise<CrmDealLine[]>;
  /** Create or update a deal's line items by Concord's key (a re-run updates, never duplicates). */
  upsertDealLines?(dealId: string, lines: CrmDealLineInput[]): Promise<CrmBatchWriteResult>;
}

/** A product line to write on a deal; `key` is Concord's idempotency key for it. */
export interface CrmDealLineInput {
  key: string;
  sku?: string | null;
  quantity: number;
  unitPrice?: number | null;
  description?: string | null;
}

/** A contact to write; `key` is Concord's idempotency key for it (stored on the CRM record). */
export interface CrmContactInput {
  key: string;
  /** The CRM company it belongs to; null detaches, absent leaves it as is. */
  companyId?: string | null;
  firstName?: string | null;
  lastName: string;
  email?: string | null;
  title?: string | null;
}

/** A deal to write; `key` is Concord's idempotency key for it (stored on the CRM record). */
export interface CrmDealInput {
  key: string;
  companyId?: string | null;
  name: string;
  /** The CRM's own stage name. */
  stage: string;
  /** YYYY-MM-DD. */
  closeDate: string;
  amount?: number | null;
  currency?: string | null;
}

/** A product line of a deal. */
export interface CrmDealLine {
  externalId: string;
  dealId: string;
  name: string | null;
  sku: string | null;
  quantity: number | null;
  unitPrice: number | null;
  total: number | null;
}

/** Per-record outcome of a batched CRM write, in input order. */
export interface CrmBatchWriteResult {
  results: ({ key: string; ok: true; id: string; created: boolean } | { key: string; ok: false; errors: { code: string; message: string; fields: string[] }[] })[];
  /** Upstream calls made (batches). */
  calls: number;
}
