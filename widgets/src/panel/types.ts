/**
 * The AccountView wire shape the panel renders. Types come from the canonical model
 * (worker/model, docs/account-view.md) as type-only imports, so the bundle stays preact-only while
 * a change to the model fails `tsc -p widgets/tsconfig.json` instead of drifting silently.
 */
export type {
  AccountView,
  ContractSection as Contract,
  Escalation,
  FreshnessEntry as Freshness,
  HealthSection as Health,
  MilestoneView as Milestone,
  OnboardingSection as Onboarding,
  OpenInvoice as Invoice,
  OwnersSection as Owners,
  ReceivablesSection as Receivables,
  SourceLinks,
  SourceSectionKey,
} from '../../../worker/model/account-view.js';
export type { Section } from '../../../worker/model/section-state.js';
export type { InvoiceStatus } from '../../../worker/model/invoice.js';
export type { RiskReason } from '../../../worker/model/renewal-risk.js';

/** One "recent change" from the audit log (`GET /v1/embed/accounts/:id/audit` → `{items}`). */
export interface AuditItem {
  at: string; actor: string; action: string; summary: string;
  /** Where the change came from, in words (NetSuite, Vitally, HubSpot, Salesforce, Concord automation, Concord); null if the broker sent none. */
  source: string | null;
}
