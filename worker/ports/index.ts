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

/** A record of another system offered for identity matching. */
export interface MatchRecord {
  externalId: string;
  name: string;
  domain: string | null;
  taxId: string | null;
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

export interface CrmPort {
  companies(): AsyncIterable<MatchRecord[]>;
  /** Write properties to many companies, batched and paced by the tenant's limiter. */
  updateCompanies?(updates: CompanyPropertyUpdate[], opts?: { concurrency?: number }): Promise<CompanyUpdateResult>;
}
