/**
 * The AccountView (account 360) wire shape, schema version 3, exactly as documented in
 * docs/account-view.md. The HubSpot card, the Salesforce LWC and the Preact panel render it.
 *
 * Every source section states what it is (`ok`, `stale`, `none`, `unavailable`, `not_linked`;
 * see section-state.ts) instead of v1's `null` for both "failed" and "has none"; v3 adds the
 * finance hold. Money is a decimal in the section's currency; dates are YYYY-MM-DD; instants
 * ISO-8601 UTC.
 */
import { z } from 'zod';
import { AddressSchema } from './address.js';
import { ContractStatusSchema } from './contract.js';
import { FinanceHoldSchema } from './finance-hold.js';
import { RenewalHoldSchema } from './renewal-hold.js';
import { HealthPointSchema, HealthSignalSchema, HealthTrendSchema, ScoreSchema } from './health.js';
import { InvoiceStatusSchema } from './invoice.js';
import { CurrencyCodeSchema, NonNegativeAmountSchema } from './money.js';
import { MilestoneStatusSchema, OnboardingStatusSchema } from './onboarding.js';
import { ExternalRefSchema, IdSchema, InstantSchema, IsoDateSchema, SCHEMA_VERSION, SystemNameSchema } from './primitives.js';
import { RenewalRiskSchema } from './renewal-risk.js';
import { sectionSchema, SourceErrorCodeSchema } from './section-state.js';
import { CasePrioritySchema, CaseStatusSchema } from './support-case.js';
import { DomainSchema } from './account.js';

/** The account header of the view; unknown ERP facts are `null`. */
export const AccountViewAccountSchema = z
  .strictObject({
    id: IdSchema,
    name: z.string().min(1),
    legalName: z.string().min(1).nullable(),
    domain: DomainSchema.nullable(),
    taxId: z.string().min(1).nullable(),
    currency: CurrencyCodeSchema.nullable(),
    billTo: AddressSchema.nullable(),
    shipTo: AddressSchema.nullable(),
  })
  .describe('Account header of the account view.');
/** The account header of the view. */
export type AccountViewAccount = z.infer<typeof AccountViewAccountSchema>;

/** One unpaid invoice as listed on the card. `daysOverdue` is 0 until the day after the due date. */
export const OpenInvoiceSchema = z
  .strictObject({
    id: IdSchema,
    number: z.string().min(1),
    issueDate: IsoDateSchema,
    dueDate: IsoDateSchema,
    total: NonNegativeAmountSchema,
    balance: NonNegativeAmountSchema,
    currency: CurrencyCodeSchema,
    status: InvoiceStatusSchema,
    daysOverdue: z.number().int().min(0),
    disputed: z.boolean(),
  })
  .describe('Unpaid invoice in the receivables section.');
/** One unpaid invoice as listed on the card. */
export type OpenInvoice = z.infer<typeof OpenInvoiceSchema>;

/** Receivables: totals in integer-cent-exact decimals, open invoices by due date. */
export const ReceivablesSectionSchema = z
  .strictObject({
    currency: CurrencyCodeSchema,
    openTotal: NonNegativeAmountSchema.describe('Sum of remaining balances of all invoices.'),
    overdueTotal: NonNegativeAmountSchema.describe('Sum of balances past their due date, disputed ones included.'),
    disputedTotal: NonNegativeAmountSchema.describe('Sum of balances of disputed invoices (overlaps overdueTotal).'),
    openInvoiceCount: z.number().int().min(0),
    openInvoices: z.array(OpenInvoiceSchema).describe('Unpaid invoices sorted by due date, oldest first.'),
  })
  .describe('Receivables section (ERP).');
/** Receivables section. */
export type ReceivablesSection = z.infer<typeof ReceivablesSectionSchema>;

/** The current contract term. `daysToRenewal` is negative once the renewal date has passed. */
export const ContractSectionSchema = z
  .strictObject({
    id: IdSchema,
    name: z.string().min(1),
    status: ContractStatusSchema,
    startDate: IsoDateSchema,
    endDate: IsoDateSchema,
    renewalDate: IsoDateSchema,
    daysToRenewal: z.number().int(),
    arr: NonNegativeAmountSchema,
    currency: CurrencyCodeSchema,
    autoRenew: z.boolean(),
  })
  .describe('Current contract section (ERP).');
/** The current contract term. */
export type ContractSection = z.infer<typeof ContractSectionSchema>;

/** Health score with history (oldest first) and signals. */
export const HealthSectionSchema = z
  .strictObject({
    score: ScoreSchema,
    trend: HealthTrendSchema,
    asOf: IsoDateSchema,
    history: z.array(HealthPointSchema),
    signals: z.array(HealthSignalSchema),
  })
  .describe('Health section (customer-success system).');
/** Health section. */
export type HealthSection = z.infer<typeof HealthSectionSchema>;

/** One milestone as shown in the view. */
export const MilestoneViewSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  status: MilestoneStatusSchema,
  dueDate: IsoDateSchema.nullable(),
  completedAt: InstantSchema.nullable(),
});
/** One milestone as shown in the view. */
export type MilestoneView = z.infer<typeof MilestoneViewSchema>;

/** Onboarding progress. */
export const OnboardingSectionSchema = z
  .strictObject({ status: OnboardingStatusSchema, milestones: z.array(MilestoneViewSchema) })
  .describe('Onboarding section (customer-success system).');
/** Onboarding section. */
export type OnboardingSection = z.infer<typeof OnboardingSectionSchema>;

/** One escalation / support case in the view. */
export const EscalationSchema = z
  .strictObject({
    id: IdSchema,
    subject: z.string().min(1),
    priority: CasePrioritySchema,
    status: CaseStatusSchema,
    openedAt: InstantSchema,
  })
  .describe('Escalation or support case shown in the view.');
/** One escalation in the view. */
export type Escalation = z.infer<typeof EscalationSchema>;

/** Which system each section comes from (the system of record), `null` if none is connected. */
export const OwnersSectionSchema = z
  .strictObject({
    receivables: SystemNameSchema.nullable(),
    contract: SystemNameSchema.nullable(),
    health: SystemNameSchema.nullable(),
    onboarding: SystemNameSchema.nullable(),
    escalations: SystemNameSchema.nullable(),
  })
  .describe('System of record per section.');
/** System of record per section. */
export type OwnersSection = z.infer<typeof OwnersSectionSchema>;

/** Freshness of the data from one source. */
export const FreshnessEntrySchema = z
  .strictObject({
    status: z.enum(['fresh', 'stale', 'error']),
    fetchedAt: InstantSchema.nullable().describe('When the data shown was fetched; null if never.'),
    ageSeconds: z.number().int().min(0).nullable(),
    error: SourceErrorCodeSchema.optional().describe('Stable error code, e.g. upstream_timeout; required when status is error.'),
  })
  .refine((f) => f.status !== 'error' || f.error !== undefined, { path: ['error'], message: 'an error entry needs an error code' })
  .refine((f) => (f.fetchedAt === null) === (f.ageSeconds === null), {
    path: ['ageSeconds'],
    message: 'ageSeconds is null exactly when fetchedAt is null',
  })
  .describe('Freshness of one source.');
/** Freshness of the data from one source. */
export type FreshnessEntry = z.infer<typeof FreshnessEntrySchema>;

/** Freshness per source system (only the systems consulted appear). */
export const FreshnessSectionSchema = z.partialRecord(SystemNameSchema, FreshnessEntrySchema).describe('Freshness per source system.');
/** Freshness per source system. */
export type FreshnessSection = z.infer<typeof FreshnessSectionSchema>;

/**
 * A link to a source system's web app for this tenant, where a person acts on what a section
 * shows (e.g. starts an onboarding project in Vitally). https only, no credentials, no query:
 * the broker builds it from the connection's own vendor host, never from request input.
 */
export const SourceLinkSchema = z
  .url({ protocol: /^https$/ })
  .regex(/^https:\/\/[^/?#@]+(\/[^?#@]*)?$/, 'an https URL without credentials, query or fragment')
  .describe("A source system's web app for this tenant.");

/** Web app links per source system (only systems whose app address is known from the connection). */
export const SourceLinksSchema = z.partialRecord(SystemNameSchema, SourceLinkSchema).describe("Web app of each source system for this tenant, built from the connection's vendor host.");
/** Web app links per source system. */
export type SourceLinks = z.infer<typeof SourceLinksSchema>;

/**
 * Receivables section state (ERP). A customer without open invoices is `ok` with zero totals;
 * `none` only when the ERP knows neither its currency nor any invoice (totals need a currency).
 */
export const ReceivablesStateSchema = sectionSchema(ReceivablesSectionSchema, 'Receivables (ERP)');
/** Current contract section state (ERP); `none` when the customer has no current contract. */
export const ContractStateSchema = sectionSchema(ContractSectionSchema, 'Current contract (ERP)');
/** Health section state (CS); `none` when the CS account has no health score yet. */
export const HealthStateSchema = sectionSchema(HealthSectionSchema, 'Health (customer-success system)');
/** Onboarding section state (CS); `none` when the CS account has no onboarding project. */
export const OnboardingStateSchema = sectionSchema(OnboardingSectionSchema, 'Onboarding (customer-success system)');
/** Escalations section state (CS); `none` when there is no open escalation, so `ok` always lists at least one. */
export const EscalationsStateSchema = sectionSchema(z.array(EscalationSchema).min(1), 'Open escalations (customer-success system)');

/** The whole account 360 view. */
export const AccountViewSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    tenant: IdSchema,
    account: AccountViewAccountSchema,
    links: z.array(ExternalRefSchema),
    receivables: ReceivablesStateSchema,
    contract: ContractStateSchema,
    health: HealthStateSchema,
    onboarding: OnboardingStateSchema,
    escalations: EscalationsStateSchema,
    risk: RenewalRiskSchema.nullable().describe('Assessed from the sections that have data (ok or stale); null when none has.'),
    financeHold: FinanceHoldSchema.nullable().describe("The finance hold policy on the receivables, with the tenant's thresholds; null when the receivables section has no data (not ok or stale) or the tenant has the finance hold switched off."),
    renewalHold: RenewalHoldSchema.nullable()
      .optional()
      .describe(
        "The renewal-automation hold of a stalled onboarding (the CRM fact renewalHold); null when the tenant's stall policy holds no renewals, the account has no customer-success link or the change pipeline has not judged it yet. Optional within schema version 3: a view built before it was added has no such field, which means the same as null.",
      ),
    owners: OwnersSectionSchema,
    freshness: FreshnessSectionSchema,
    sourceLinks: SourceLinksSchema,
  })
  .describe('Account 360 view served to the CRM card, the Salesforce LWC and the CSM panel (docs/account-view.md).');
/** The whole account 360 view. */
export type AccountView = z.infer<typeof AccountViewSchema>;
/** The keys of the view's source sections. */
export const SOURCE_SECTIONS = ['receivables', 'contract', 'health', 'onboarding', 'escalations'] as const;
/** One source section key. */
export type SourceSectionKey = (typeof SOURCE_SECTIONS)[number];
