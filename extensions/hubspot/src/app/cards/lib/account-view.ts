/**
 * The AccountView wire shape (schema version 1) as the card reads it from the broker.
 *
 * The card is uploaded to HubSpot as its own bundle, so it cannot import the broker's
 * `worker/model`; this is a reader-side copy of docs/account-view.md that checks only the
 * fields the card displays. Unknown extra fields are tolerated (the broker may grow the view
 * without breaking deployed cards); a missing or mistyped displayed field is rejected so the
 * card shows an error instead of rendering nonsense.
 */
import { z } from 'zod';

/** A source system that can own a section or stamp its freshness. */
export const SourceSystem = z.string().min(1);

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const money = z.number().finite();

/** Canonical invoice status (docs/account-view.md): disputed > overdue > partially_paid. */
export const InvoiceStatus = z.enum(['open', 'partially_paid', 'paid', 'overdue', 'disputed', 'void']);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const Invoice = z.object({
  id: z.string(),
  number: z.string(),
  issueDate: isoDate.nullish(),
  dueDate: isoDate.nullish(),
  total: money,
  balance: money,
  currency: z.string().length(3),
  status: InvoiceStatus,
  daysOverdue: z.number().int().nullish(),
  disputed: z.boolean().optional(),
});
export type Invoice = z.infer<typeof Invoice>;

export const Receivables = z.object({
  currency: z.string().length(3),
  openTotal: money,
  overdueTotal: money,
  disputedTotal: money,
  openInvoiceCount: z.number().int().nonnegative(),
  openInvoices: z.array(Invoice),
});
export type Receivables = z.infer<typeof Receivables>;

export const Contract = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  startDate: isoDate.nullish(),
  endDate: isoDate.nullish(),
  renewalDate: isoDate.nullish(),
  daysToRenewal: z.number().int().nullish(),
  arr: money.nullish(),
  currency: z.string().length(3),
  autoRenew: z.boolean().nullish(),
});
export type Contract = z.infer<typeof Contract>;

export const HealthTrend = z.enum(['up', 'down', 'flat']);
export const Health = z.object({
  score: z.number().min(0).max(100),
  trend: HealthTrend.nullish(),
  asOf: isoDate.nullish(),
  history: z.array(z.object({ date: isoDate, score: z.number() })).default([]),
  signals: z.array(z.object({ name: z.string(), score: z.number().nullable() })).default([]),
});
export type Health = z.infer<typeof Health>;

export const Milestone = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  dueDate: isoDate.nullish(),
  completedAt: z.string().nullish(),
});
export const Onboarding = z.object({
  status: z.string(),
  milestones: z.array(Milestone),
});
export type Onboarding = z.infer<typeof Onboarding>;

export const Escalation = z.object({
  id: z.string(),
  subject: z.string(),
  priority: z.string().nullish(),
  status: z.string(),
  openedAt: z.string().nullish(),
});
export type Escalation = z.infer<typeof Escalation>;

export const RiskLevel = z.enum(['low', 'medium', 'high']);
export const Risk = z.object({ level: RiskLevel, reasons: z.array(z.string()).default([]) });
export type Risk = z.infer<typeof Risk>;

/** Per-source freshness stamp: `ageSeconds` is computed by the broker, so client clock skew does not matter. */
export const Freshness = z.object({
  status: z.enum(['fresh', 'stale', 'error']),
  fetchedAt: z.string().nullable(),
  ageSeconds: z.number().nonnegative().nullable(),
  error: z.string().optional(),
});
export type Freshness = z.infer<typeof Freshness>;

/** The sections that carry an owner and a freshness hint in the card. */
export type SectionKey = 'receivables' | 'contract' | 'health' | 'onboarding' | 'escalations';

export const AccountView = z.object({
  schemaVersion: z.literal(1),
  tenant: z.string(),
  account: z.object({
    id: z.string(),
    name: z.string(),
    currency: z.string().length(3).nullish(),
    domain: z.string().nullish(),
  }),
  receivables: Receivables.nullable(),
  contract: Contract.nullable(),
  health: Health.nullable(),
  onboarding: Onboarding.nullable(),
  escalations: z.array(Escalation).nullable().default([]),
  risk: Risk.nullable(),
  owners: z.record(z.string(), SourceSystem).default({}),
  freshness: z.record(z.string(), Freshness).default({}),
});
export type AccountView = z.infer<typeof AccountView>;
