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
import type { AccountFacts, DealFacts } from './facts.js';
import type { CsObjectType, ErpRecordType } from '../model/changes.js';

import type { SystemName } from '../model/primitives.js';
export type { AccountFacts, DealFacts } from './facts.js';

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

/** What a live customer look-up narrows by (normalised by policies/identity, lower-case). */
export interface CustomerProbe {
  /** Raw external ids the ERP may hold for the company (Concord's key, the CRM hint). */
  hints: readonly string[];
  /** The tax number without country prefix or separators. */
  taxNumber: string | null;
  /** The website's brand label ("acme" for www.acme.co.uk). */
  domainLabel: string | null;
  /** The name without its legal form. */
  name: string | null;
  /** The name's distinctive words: a customer whose name has a typo in one word still has the others. */
  nameTokens?: readonly string[];
}

/** What the account view shows from the ERP about one customer. */
export interface ErpAccountSnapshot {
  facts: Omit<AccountViewAccount, 'id' | 'name'>;
  /** Every invoice that still has a balance. */
  invoices: ReceivableInvoice[];
  contract: Omit<ContractSection, 'daysToRenewal'> | null;
}

/** What the account view shows from the CS platform about one account. */
export interface CsAccountSnapshot {
  health: Omit<HealthSection, 'trend'> | null;
  onboarding: OnboardingSection | null;
  escalations: Escalation[];
  /**
   * `health` holds the account's current score only: its score series was not read, so the trend,
   * the score's categories and the history are unknown (their empty values in `health` mean
   * nothing). Set by `snapshotFromBulk` without the score history (a backfill's accounts phase).
   */
  scoreOnly?: true;
}

/**
 * One record of a CS workspace-wide list read in bulk (a backfill reads every account's CS data
 * this way instead of account by account): the list it came from, its id, the CS accounts it
 * belongs to, and what the connector keeps of it (opaque to everyone else; given back to
 * `snapshotFromBulk`).
 */
export interface CsBulkItem {
  list: string;
  id: string;
  accountIds: string[];
  data: Record<string, unknown>;
}

export interface ErpPort {
  /**
   * Facts, open invoices and current contract in as few calls as the ERP allows (NetSuite: one
   * SuiteQL query); without it the view asks accountFacts, openInvoices and currentContract.
   */
  accountSnapshot?(customerId: string, today: string): Promise<ErpAccountSnapshot>;
  /**
   * How many upstream calls accountSnapshot makes at once: the view holds that many limiter
   * permits in one round trip before it starts them (docs/limits.md).
   */
  readonly snapshotCalls?: number;
  /** Customers page by page, for identity matching. */
  customers(): AsyncIterable<MatchRecord[]>;
  /** These customers as identity matching sees them (ids the ERP no longer has are left out). */
  customersByIds?(ids: readonly string[]): Promise<MatchRecord[]>;
  /**
   * Customers that may be the probed company (by external-id hint, tax id, domain or normalised
   * name), read live: what identity matching needs before a customer is created, when the
   * candidates Concord has seen may be older than the ERP.
   */
  findCustomers?(probe: CustomerProbe): Promise<MatchRecord[]>;
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
  /** Low-volatility reference data: currencies, and products with their price book entries. */
  referenceData?(): Promise<ErpReference>;
  /** The ERP's payment terms (e.g. Net 30), for mapping a deal's terms. */
  paymentTerms?(): Promise<ErpTerm[]>;
  /**
   * The ERP's web page of a sales order, for a person to open from a CRM card; null unless the
   * connection is on the vendor's own host (no call is made).
   */
  salesOrderUrl?(id: string): string | null;
  /** One record as it is now (the change pipeline reads a pushed pointer back); null when it is gone. */
  changedRecord?(type: ErpRecordType, id: string): Promise<ErpRecordVersion | null>;
  /** Records of `type` modified at or after `since` (ISO instant), oldest first, page by page: the poll. */
  changedSince?(type: ErpRecordType, since: string): AsyncIterable<ErpChangedRow[]>;
  /** The date (YYYY-MM-DD) of the customer's latest payment, or null. */
  lastPaymentDate?(customerId: string): Promise<string | null>;
  /**
   * Bulk reading (a backfill's page of accounts): `accountSnapshot` of several customers in a few
   * calls, keyed by customer id (a customer the ERP does not have is left out), and each one's
   * `lastPaymentDate` (null: no payment).
   */
  accountSnapshots?(customerIds: readonly string[], today: string): Promise<Map<string, ErpAccountSnapshot>>;
  lastPaymentDates?(customerIds: readonly string[]): Promise<Map<string, string | null>>;
  /** The customer's sales orders held for billing (NetSuite: Pending Approval), oldest first. */
  heldSalesOrders?(customerId: string): Promise<ErpHeldOrder[]>;
  /** Release a held sales order for billing (NetSuite: approve it). Releasing a released order changes nothing. */
  releaseSalesOrder?(order: ErpOrderRelease): Promise<void>;
  /** The customer's approved sales orders not yet fulfilled or billed (NetSuite: Pending Fulfillment), oldest first. */
  openSalesOrders?(customerId: string): Promise<ErpHeldOrder[]>;
  /** Hold an open sales order for billing (NetSuite: reset its approval to Pending Approval): the stalled-onboarding billing hold. */
  holdSalesOrder?(order: ErpOrderHold): Promise<void>;
}

/** What holding an order writes: its status, on the order `id` (`externalId`, when it has one, names it in the write guard's record). */
export interface ErpOrderHold {
  id: string;
  externalId: string | null;
  status: 'held';
}

/** A sales order held for billing. */
export interface ErpHeldOrder {
  id: string;
  /** The document number people see (NetSuite `tranid`). */
  number: string;
  /** The key it was created with (Concord's orders: `hubspot-deal-…`, `salesforce-opp-…`), null when none. */
  externalId: string | null;
}

/** What releasing an order writes: its status, on the order `id` (its `externalId` names it in the write guard's record). */
export interface ErpOrderRelease {
  id: string;
  externalId: string;
  status: 'released';
}

/** A record the ERP's poll found changed: its id, the customer it belongs to (when the ERP says), its last modified instant. */
export interface ErpChangedRow {
  id: string;
  customerId: string | null;
  lastModified: string;
}

/** One version of an ERP record, as the change pipeline reads it back (canonical terms). */
export interface ErpRecordVersion {
  recordType: ErpRecordType;
  id: string;
  /** Document number (invoice INV-002749), contract or customer name; null when the ERP has none. */
  number: string | null;
  /** The customer the record belongs to (the customer itself for a customer record). */
  customerId: string | null;
  /** The record's last modification, ISO instant (whole seconds). */
  lastModified: string;
  currency: CurrencyCode | null;
  /** Document total, payment amount, or contract ARR. */
  amount: number | null;
  /** Invoices: what is still due. */
  balance: number | null;
  /** Canonical: invoices open|paid|void; contracts as ContractSection status; others the ERP's own status text. */
  status: string | null;
  /** Invoices: disputed by the customer. */
  disputed: boolean;
  /** Transaction date / contract start, YYYY-MM-DD. */
  date: string | null;
  /** Invoice due date / contract end, YYYY-MM-DD. */
  dueDate: string | null;
  /** Payments and credit memos: the invoices they settle, with what each still owes now. */
  applied: { invoiceId: string; number: string | null; amount: number; balance: number | null }[];
}

/** One payment term of the ERP. */
export interface ErpTerm {
  id: string;
  name: string;
  /** Days until the invoice is due, when the ERP says. */
  days: number | null;
}

/** The ERP's reference data, as cached in KV (services/reference.ts). */
export interface ErpReference {
  currencies: { id: string; code: string; name: string }[];
  products: {
    id: string;
    sku: string;
    name: string;
    /** one_time | subscription | service */
    type: string;
    active: boolean;
    prices: { priceBook: string; currency: string; unitPrice: number }[];
  }[];
  /** Payment terms (absent in a cache written before they were kept). */
  terms?: ErpTerm[];
}

/** What an ERP write produced: the ERP's own id for Concord's external id. */
export interface ErpWriteResult {
  id: string;
  externalId: string;
}

/** A postal address as an ERP customer record holds it. */
export interface ErpAddressInput {
  line1: string;
  line2?: string | null;
  city: string;
  postalCode?: string | null;
  region?: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface ErpCustomerInput {
  externalId: string;
  name: string;
  legalName?: string | null;
  email?: string | null;
  website?: string | null;
  taxId?: string | null;
  currency?: CurrencyCode;
  billTo?: ErpAddressInput | null;
  shipTo?: ErpAddressInput | null;
  /** ERP payment terms id. */
  terms?: string | null;
  /** ERP subsidiary (legal entity) id. */
  subsidiary?: string | null;
  /** ERP id of the parent customer (account hierarchy). */
  parentId?: string | null;
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
  currency?: CurrencyCode;
  /** ERP payment terms id. */
  terms?: string | null;
  /** Contract term of the order (YYYY-MM-DD). */
  startDate?: string | null;
  endDate?: string | null;
  /** Hold the order for billing until it is released (NetSuite: created Pending Approval). */
  billingHold?: boolean;
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
  /** Health, onboarding and escalations together (their calls started at once). */
  accountSnapshot?(accountId: string): Promise<CsAccountSnapshot>;
  /** How many upstream calls accountSnapshot makes at once (see ErpPort.snapshotCalls). */
  readonly snapshotCalls?: number;
  /**
   * Bulk reading (a backfill): the workspace-wide lists that hold what `accountSnapshot` reads per
   * account, read page by page with `readBulkPage` (cursor null: the first page; `next` null: the
   * last), and the snapshot of one account from its records of those lists (`snapshotFromBulk`;
   * it may still read what no list holds, e.g. a score history, unless told `scoreHistory: false`:
   * then it reads nothing and answers the current score only, `scoreOnly`). An account with no
   * record of the list named first (the accounts) is not in the bulk read: read it with `accountSnapshot`.
   */
  readonly bulkLists?: readonly string[];
  readBulkPage?(list: string, cursor: string | null): Promise<{ items: CsBulkItem[]; next: string | null }>;
  snapshotFromBulk?(accountId: string, items: readonly CsBulkItem[], opts?: { scoreHistory?: boolean }): Promise<CsAccountSnapshot>;
  accounts(): AsyncIterable<MatchRecord[]>;
  /** Some accounts by id, as `accounts` reads them (an id the CS system no longer has is left out). */
  accountsByIds?(ids: readonly string[]): Promise<MatchRecord[]>;
  /** Write Concord's facts onto the CS account (as traits Concord owns). */
  writeAccountFacts?(csAccountId: string, facts: AccountFacts, accountId?: string | null): Promise<void>;
  /** Create the account Concord knows by `externalId`, or find it (a repeat creates nothing). */
  upsertAccount?(input: CsAccountInput): Promise<CsWriteResult>;
  /** Create the onboarding project and its milestones once per key (a repeat creates nothing). */
  ensureOnboarding?(csAccountId: string, input: CsOnboardingInput): Promise<CsWriteResult>;
  /** Write canonical facts onto the CS account as traits (merged; other traits stay). */
  setTraits(accountId: string, traits: Record<string, string | number | boolean | null>): Promise<void>;
  /** Add a note; `idempotencyKey` makes a retried write update the same note, not add one. */
  addNote(accountId: string, note: { subject: string; body: string; idempotencyKey: string }): Promise<{ id: string }>;
  health(accountId: string): Promise<Omit<HealthSection, 'trend'> | null>;
  onboarding(accountId: string): Promise<OnboardingSection | null>;
  escalations(accountId: string): Promise<Escalation[]>;
  /**
   * The CS platform's web app for this connection (where a CSM starts an onboarding project), or
   * null when the connection's host is not the vendor's own (a sandbox, a proxy): a link is only
   * ever built from the vendor's documented host, never from input.
   */
  webAppUrl(): string | null;
  /**
   * Records of `type` updated at or after `since` (ISO instant), newest first, page by page, each
   * with the CS account it belongs to: the poll. Stops paging once a page reaches older records.
   */
  changedSince?(type: CsObjectType, since: string): AsyncIterable<CsRecordChange[]>;
}

/** One changed CS record found by the poll. */
export interface CsRecordChange {
  objectType: CsObjectType;
  id: string;
  /** The CS accounts the record belongs to (a conversation may name several). */
  accountIds: string[];
  /** ISO instant. */
  updatedAt: string;
}

/** Concord's facts for one CRM company / Account (`recordId` is the CRM's id). */
export interface AccountFactsUpdate {
  recordId: string;
  /** The canonical account, when the caller knows it (refusals are filed under it). */
  accountId?: string | null;
  facts: AccountFacts;
}

/** Shared master fields to write on one CRM company, with the system the values come from. */
export interface CompanyFieldsUpdate {
  recordId: string;
  accountId?: string | null;
  source: SystemName;
  fields: { name?: string; domain?: string; country?: string };
}

/** A change to one CRM company: properties by the CRM's own names (the connector's own bulk path). */
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
  /** Facts the write guard refused (recorded in `write_refusals`); none were written. */
  refused?: { attribute: string; field: string; owner: string | null }[];
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

/**
 * The record an activity (task, note) is filed on: a company, and optionally one of its deals.
 * `companyId` null files it on the deal alone (a HubSpot deal without a company); CRMs whose
 * activities need an account (Salesforce) refuse that with 422.
 */
export interface CrmActivityTarget {
  companyId: string | null;
  dealId?: string;
}

/** Outcome of an idempotent CRM write. */
export interface CrmWriteResult {
  id: string;
  /** True when an earlier write with the same idempotency key already created it. */
  replayed: boolean;
}

/** A CRM company as the change poll reads it: its identity fields and when it was created and last changed. */
/** A company that left the CRM: deleted, or merged into `mergedInto`. */
export interface CrmCompanyRemoval {
  externalId: string;
  /** Epoch ms of the deletion. */
  deletedAt: number;
  mergedInto: string | null;
}

export interface CrmCompanyChange {
  record: MatchRecord;
  createdAt: number;
  modifiedAt: number;
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
  /** Write Concord's facts onto many companies / Accounts, batched and paced by the tenant's limiter. */
  writeAccountFacts?(updates: AccountFactsUpdate[], opts?: { concurrency?: number }): Promise<CompanyUpdateResult>;
  /**
   * Concord's facts as the CRM records hold them now (batched reads; the inverse of
   * `writeAccountFacts`'s mapping): what reconciliation compares with what Concord would write. A
   * fact whose field the CRM does not have is left out; records the CRM does not know are absent.
   */
  accountFactsOf?(recordIds: string[]): Promise<Map<string, Partial<AccountFacts>>>;
  /**
   * Write shared master fields (name, domain, country) onto companies, batched: the repair half of
   * reconciliation. Each update names the system its values come from (the field's owner), so the
   * write guard decides it like any other shared field.
   */
  writeCompanyFields?(updates: CompanyFieldsUpdate[]): Promise<CompanyUpdateResult>;
  /** Write the order's state onto a deal / Opportunity. */
  writeDealFacts?(dealId: string, facts: DealFacts, accountId?: string | null): Promise<void>;
  /** Install-time setup of Concord's own fields in the CRM (created when missing). */
  setUp?(): Promise<{ created: string[] }>;
  /** The companies / Account a deal belongs to, primary first. */
  companiesOfDeal?(dealId: string): Promise<string[]>;
  /** Companies by id (batched reads); unknown ids are left out. */
  companiesByIds?(ids: string[]): Promise<MatchRecord[]>;
  /**
   * Companies changed after `since` (any field: the vendor stamps every change), oldest first,
   * page by page, each with its creation and modification instants (epoch ms): the poll that
   * links CRM records created or renamed when no change event reaches Concord (Salesforce).
   */
  companiesChangedSince?(since: Date): AsyncIterable<CrmCompanyChange[]>;
  /**
   * Companies deleted in [start, end) (Salesforce's delete log, `sobjects/Account/deleted`), each
   * with its deletion instant and the record a merge folded it into (null: a plain delete), and
   * the instant the answer covers up to (where the next poll starts).
   */
  companiesDeletedBetween?(start: Date, end: Date): Promise<{ removed: CrmCompanyRemoval[]; coveredUntil: number }>;
  /** Contacts by id (batched reads); unknown ids are left out. */
  contactsByIds?(ids: string[]): Promise<CrmContact[]>;
  /** Deals by id (batched reads), each with its canonical `won` flag; unknown ids are left out. */
  dealsByIds?(ids: string[]): Promise<CrmDeal[]>;
  /** Every contact associated with the company. */
  contactsOfCompany?(companyId: string): Promise<CrmContact[]>;
  /** Every deal associated with the company. */
  dealsOfCompany?(companyId: string): Promise<CrmDeal[]>;
  /** The deal with its company, owner and product lines: what closed-won needs to order it. */
  orderSource?(dealId: string): Promise<CrmOrderSource>;
  /**
   * `orderSource` for many deals with batched reads (a few calls per 100 deals, not per deal);
   * deals the CRM does not know are left out of the map.
   */
  orderSources?(dealIds: string[]): Promise<Map<string, CrmOrderSource>>;
  /** Write the order's state onto many deals / Opportunities (batched; failures per record). */
  writeDealFactsMany?(updates: DealFactsUpdate[]): Promise<CompanyUpdateResult>;
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

/** A person in a CRM (deal / account owner). */
export interface CrmOwner {
  externalId: string;
  /** Lower-cased. */
  email: string | null;
  name: string | null;
}

/** A postal address as a CRM record holds it (free text, as typed by sales). */
export interface CrmAddress {
  line1: string | null;
  city: string | null;
  postalCode: string | null;
  region: string | null;
  /** As typed: an ISO code or a country name; the flow's validation resolves it. */
  country: string | null;
}

/** The company / Account of a deal, with what an ERP customer needs. */
export interface CrmOrderCompany {
  externalId: string;
  name: string;
  domain: string | null;
  taxId: string | null;
  billingAddress: CrmAddress | null;
  /** The parent company / Account (account hierarchy), when the CRM records one. */
  parentId: string | null;
}

/** One product line of a deal, with the CRM product's SKU (what maps it to an ERP item). */
export interface CrmOrderLine {
  externalId: string;
  sku: string | null;
  name: string | null;
  quantity: number;
  unitPrice: number | null;
}

/** Everything closed-won needs from the CRM about one deal / Opportunity, in canonical terms. */
export interface CrmOrderSource {
  deal: CrmDeal & {
    /** Contract term the deal sold (YYYY-MM-DD), when the CRM records it. */
    contractStart: string | null;
    contractEnd: string | null;
    /** Payment terms as the CRM spells them (e.g. "Net 30"). */
    paymentTerms: string | null;
  };
  /** Null when the deal has no company / Account. */
  company: CrmOrderCompany | null;
  owner: CrmOwner | null;
  lines: CrmOrderLine[];
}

/** A CS account Concord creates or links by its key. */
export interface CsAccountInput {
  /** Concord's key for the account (Vitally `externalId`). */
  externalId: string;
  name: string;
  /** The CRM owner's e-mail, matched to a CS team member (CSM) by e-mail when one exists. */
  ownerEmail?: string | null;
  /** Concord's facts, written onto the account in the same call (traits Concord owns). */
  facts?: AccountFacts;
}

/**
 * An onboarding project with its milestones, created once per key from one of the CS platform's
 * project templates (Vitally makes a project only from a template, whose milestones become the
 * project's tasks). Each milestone's due date is set from the plan; a milestone the template lacks
 * is added as a task of the account (keyed, so a repeat adds nothing).
 */
export interface CsOnboardingInput {
  /** Concord's key for the project (idempotency). */
  key: string;
  name: string;
  /** The CS platform's project template, by name or id. */
  template: string;
  /** The project's target start (YYYY-MM-DD). */
  startDate: string;
  /** Who owns the project: the CRM owner's e-mail, matched to a CS team member when one exists. */
  ownerEmail?: string | null;
  milestones: { key: string; name: string; dueDate: string }[];
}

export interface CsWriteResult {
  id: string;
  created: boolean;
}

/** Concord's order state for one deal / Opportunity (`recordId` is the CRM's id), for bulk write-backs. */
export interface DealFactsUpdate {
  recordId: string;
  /** The canonical account, when known (refusals are filed under it). */
  accountId?: string | null;
  facts: DealFacts;
}
