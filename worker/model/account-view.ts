/**
 * The AccountView (account 360) wire shape, schema version 1, exactly as documented in
 * docs/account-view.md. The HubSpot card, the Salesforce LWC and the Preact panel render it.
 *
 * A section whose source failed is `null` and its `freshness` entry says why. Money is a decimal
 * in the section's currency; dates are YYYY-MM-DD; instants ISO-8601 UTC.
 */
import { z } from 'zod';
import { AddressSchema } from './address.js';
import { ContractStatusSchema } from './contract.js';
import { HealthPointSchema, HealthSignalSchema, HealthTrendSchema, ScoreSchema } from './health.js';
import { InvoiceStatusSchema } from './invoice.js';
import { CurrencyCodeSchema, NonNegativeAmountSchema } from './money.js';
import { MilestoneStatusSchema, OnboardingStatusSchema } from './onboarding.js';
import { ExternalRefSchema, IdSchema, InstantSchema, IsoDateSchema, SCHEMA_VERSION, SystemNameSchema } from './primitives.js';
import { RenewalRiskSchema } from './renewal-risk.js';
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
    error: z.string().min(1).max(200).optional().describe('Stable error code, e.g. upstream_timeout; required when status is error.'),
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

/** The whole account 360 view. */
export const AccountViewSchema = z
  .strictObject({
    schemaVersion: z.literal(SCHEMA_VERSION),
    tenant: IdSchema,
    account: AccountViewAccountSchema,
    links: z.array(ExternalRefSchema),
    receivables: ReceivablesSectionSchema.nullable(),
    contract: ContractSectionSchema.nullable(),
    health: HealthSectionSchema.nullable(),
    onboarding: OnboardingSectionSchema.nullable(),
    escalations: z.array(EscalationSchema).nullable(),
    risk: RenewalRiskSchema.nullable().describe('Null when too little data was available to assess.'),
    owners: OwnersSectionSchema,
    freshness: FreshnessSectionSchema,
  })
  .describe('Account 360 view served to the CRM card, the Salesforce LWC and the CSM panel (docs/account-view.md).');
/** The whole account 360 view. */
export type AccountView = z.infer<typeof AccountViewSchema>;
