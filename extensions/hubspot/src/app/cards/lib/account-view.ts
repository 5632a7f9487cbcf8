/**
 * The AccountView wire shape (schema version 3) as the card reads it from the broker.
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

/**
 * The finance hold on expansion quoting: the broker's policy verdict on the receivables (the
 * aged, undisputed balance and the thresholds applied); null when there are no receivables.
 */
export const FinanceHold = z.object({
  onHold: z.boolean(),
  amount: money.nonnegative(),
  currency: z.string().length(3),
  overdueDays: z.number().int().nonnegative(),
  minAmount: money.nonnegative(),
});
export type FinanceHold = z.infer<typeof FinanceHold>;

/** The renewal-automation hold of a stalled onboarding (absent from views built before it existed). */
export const RenewalHold = z.object({
  onHold: z.boolean(),
  milestone: z.string().nullable(),
  reason: z.enum(['blocked', 'past_due', 'no_progress']).nullable(),
  dueDate: z.string().nullable(),
  since: z.string().nullable(),
});
export type RenewalHold = z.infer<typeof RenewalHold>;

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

/**
 * A section in the state the broker gives it (docs/account-view.md, "Section states"): data when
 * the source answered (`ok`) or from its last good answer (`stale`, with its age and, after a
 * failure, the error code); `none` when the source has none; `unavailable` with the error code
 * when it failed with nothing to fall back on; `not_linked` when the account has no record there.
 */
export function sectionOf<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('state', [
    z.object({ state: z.literal('ok'), data }),
    z.object({ state: z.literal('stale'), data, ageSeconds: z.number().nonnegative(), error: z.string().optional() }),
    z.object({ state: z.literal('none') }),
    z.object({ state: z.literal('unavailable'), error: z.string() }),
    z.object({ state: z.literal('not_linked') }),
  ]);
}

/** A section's state with data of type `T`. */
export type Section<T> =
  | { state: 'ok'; data: T }
  | { state: 'stale'; data: T; ageSeconds: number; error?: string | undefined }
  | { state: 'none' }
  | { state: 'unavailable'; error: string }
  | { state: 'not_linked' };

/** The data of a section that has some (`ok` or `stale`), else null. */
export function sectionData<T>(section: Section<T>): T | null {
  return section.state === 'ok' || section.state === 'stale' ? section.data : null;
}

/**
 * Links to source systems' web apps. Only https URLs are kept (a link is rendered as such, so
 * nothing else may pass); an unusable entry is dropped rather than failing the whole view.
 */
const SourceLinks = z
  .record(z.string(), z.unknown())
  .default({})
  .transform((links) =>
    Object.fromEntries(Object.entries(links).filter((e): e is [string, string] => typeof e[1] === 'string' && /^https:\/\/[^/?#@\s]+(\/[^?#@\s]*)?$/.test(e[1]))),
  );

export const AccountView = z.object({
  schemaVersion: z.literal(3),
  tenant: z.string(),
  account: z.object({
    id: z.string(),
    name: z.string(),
    currency: z.string().length(3).nullish(),
    domain: z.string().nullish(),
  }),
  receivables: sectionOf(Receivables),
  contract: sectionOf(Contract),
  health: sectionOf(Health),
  onboarding: sectionOf(Onboarding),
  escalations: sectionOf(z.array(Escalation)),
  risk: Risk.nullable(),
  financeHold: FinanceHold.nullable(),
  renewalHold: RenewalHold.nullish().transform((h) => h ?? null),
  owners: z.record(z.string(), SourceSystem.nullable()).default({}),
  freshness: z.record(z.string(), Freshness).default({}),
  sourceLinks: SourceLinks,
});
export type AccountView = z.infer<typeof AccountView>;
