/**
 * A tenant's closed-won settings (D1 `flow_settings`, flow `closed-won`), with defaults: which
 * countries need a tax id, how the CRM's payment-terms text maps to ERP terms, the defaults when
 * a deal names none, the ERP subsidiary new customers belong to, and the onboarding plan the
 * CS account is provisioned with (the CS platform's project template it is made from, and the
 * milestones with their due dates after the contract start), and whether billing waits for
 * go-live (the order is created held and released when that milestone is completed in the CS
 * system: worker/flows/account-changes).
 */
import { z } from 'zod';
import { loadSettings } from '../../storage/flow-runs.js';

export const FLOW = 'closed-won';

/** EU member states plus other countries whose B2B invoices carry the buyer's VAT/GST number. */
const TAX_ID_COUNTRIES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
  'GB', 'CH', 'NO', 'AU', 'NZ', 'IN', 'BR', 'MX',
];

/**
 * Kickoff to go-live in 60 days from the contract start, made from the CS platform's standard
 * onboarding template (in the sandbox's Vitally, `Onboarding - Standard` has the same four
 * milestones and offsets, so the due dates need no change after the project is made).
 */
const DEFAULT_ONBOARDING = {
  name: 'Onboarding',
  template: 'Onboarding - Standard',
  milestones: [
    { key: 'kickoff', name: 'Kickoff', dueAfterDays: 7 },
    { key: 'data-migration', name: 'Data migration', dueAfterDays: 30 },
    { key: 'training', name: 'Training', dueAfterDays: 45 },
    { key: 'go-live', name: 'Go-live', dueAfterDays: 60 },
  ],
};

const Iso2 = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code');

export const ClosedWonSettingsSchema = z
  .object({
    taxIdCountries: z.array(Iso2).max(300).default(TAX_ID_COUNTRIES),
    /** CRM payment-terms text (matched case-insensitively) -> ERP term id. */
    termsMap: z.record(z.string().min(1).max(100), z.string().min(1).max(64)).default({}),
    defaultTerms: z.string().min(1).max(64).nullable().default(null),
    defaultCurrency: z.string().regex(/^[A-Z]{3}$/).nullable().default(null),
    /** ERP subsidiary (legal entity) id new customers are created in; null: the ERP's default. */
    subsidiary: z.string().min(1).max(64).nullable().default(null),
    /** How long a blocked order waits for its data to be fixed before it is escalated (and waits again). */
    escalateAfterHours: z.number().int().min(1).max(24 * 30).default(72),
    onboarding: z
      .object({
        name: z.string().min(1).max(200),
        /** The CS platform's project template the project is made from (name or id); its milestones are matched by name. */
        template: z.string().min(1).max(200).default(DEFAULT_ONBOARDING.template),
        milestones: z
          .array(z.object({ key: z.string().regex(/^[a-z0-9-]{1,40}$/), name: z.string().min(1).max(200), dueAfterDays: z.number().int().min(0).max(730) }).strict())
          .min(1)
          .max(20),
      })
      .strict()
      .default(DEFAULT_ONBOARDING),
    billing: z
      .object({
        /** Create each order held for billing (NetSuite: Pending Approval) and release it when onboarding goes live. */
        releaseOnGoLive: z.boolean().default(false),
        /** The onboarding milestone (a key of `onboarding.milestones`) whose completion is go-live. */
        goLiveMilestone: z.string().regex(/^[a-z0-9-]{1,40}$/).default('go-live'),
      })
      .strict()
      .default({ releaseOnGoLive: false, goLiveMilestone: 'go-live' }),
  })
  .strict()
  .refine((s) => s.onboarding.milestones.some((m) => m.key === s.billing.goLiveMilestone), {
    message: 'billing.goLiveMilestone must be the key of one of onboarding.milestones',
    path: ['billing', 'goLiveMilestone'],
  });

export type ClosedWonSettings = z.infer<typeof ClosedWonSettingsSchema>;

/** The tenant's settings with defaults for what it never set (a stored setting the schema no longer knows is dropped). */
export async function closedWonSettings(db: D1Database, tenantId: string): Promise<ClosedWonSettings> {
  const stored = await loadSettings(db, tenantId, FLOW);
  const parsed = ClosedWonSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : ClosedWonSettingsSchema.parse({});
}
