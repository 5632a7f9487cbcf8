/**
 * Concord's facts about an account and a deal, in canonical names: what Concord writes onto the
 * CRM record (HubSpot app properties, Salesforce Concord fields) and the CS account (traits).
 * Each fact names the canonical field the ownership matrix decides it by, and the role its value
 * comes from, so the write guard can check it like any other shared field: a tenant that makes
 * the CRM own `health.*` stops Concord from writing the CS health score into the CRM.
 * Connectors map these names to their own fields in their `map.ts`.
 */
import type { SystemRole } from '../model/primitives.js';

/** Where a fact's value comes from: a role's system, or Concord itself (links, its own verdicts). */
export type FactSource = SystemRole | 'concord';

export interface FactSpec {
  /** The canonical field key the matrix decides this fact by. */
  field: string;
  from: FactSource;
}

/** Facts on the CRM company / Account. Dates are YYYY-MM-DD, amounts decimals, null clears. */
export interface AccountFacts {
  concordAccountId?: string | null;
  erpCustomerId?: string | null;
  csAccountId?: string | null;
  openAr?: number | null;
  overdueAr?: number | null;
  oldestOverdueDays?: number | null;
  disputedAr?: number | null;
  lastPaymentDate?: string | null;
  contractEnd?: string | null;
  renewalDate?: string | null;
  arr?: number | null;
  healthScore?: number | null;
  healthTrend?: 'up' | 'flat' | 'down' | null;
  onboardingStage?: string | null;
  renewalRisk?: 'low' | 'medium' | 'high' | null;
  financeHold?: boolean | null;
  /** Renewal automations wait: onboarding is stalled and the tenant's policy holds renewals for it. */
  renewalHold?: boolean | null;
}

export const ACCOUNT_FACTS: Readonly<Record<keyof AccountFacts, FactSpec>> = {
  concordAccountId: { field: 'concord.accountId', from: 'concord' },
  erpCustomerId: { field: 'concord.erpCustomerId', from: 'concord' },
  csAccountId: { field: 'concord.csAccountId', from: 'concord' },
  openAr: { field: 'invoice.*', from: 'erp' },
  overdueAr: { field: 'invoice.*', from: 'erp' },
  oldestOverdueDays: { field: 'invoice.*', from: 'erp' },
  disputedAr: { field: 'invoice.*', from: 'erp' },
  lastPaymentDate: { field: 'payment.*', from: 'erp' },
  contractEnd: { field: 'contract.*', from: 'erp' },
  renewalDate: { field: 'contract.*', from: 'erp' },
  arr: { field: 'contract.*', from: 'erp' },
  healthScore: { field: 'health.score', from: 'cs' },
  healthTrend: { field: 'health.trend', from: 'cs' },
  onboardingStage: { field: 'onboarding.*', from: 'cs' },
  // Concord's own verdicts over ERP and CS data (risk assessment, the finance-hold policy).
  renewalRisk: { field: 'concord.renewalRisk', from: 'concord' },
  financeHold: { field: 'concord.financeHold', from: 'concord' },
  renewalHold: { field: 'concord.renewalHold', from: 'concord' },
};

/** What the closed-won flow writes back on the deal / Opportunity. */
export interface DealFacts {
  /** Concord's state of the order: creating, created, blocked, failed. */
  orderStatus?: 'creating' | 'created' | 'blocked' | 'failed' | null;
  orderNumber?: string | null;
  erpCustomerId?: string | null;
  csAccountId?: string | null;
  /** ISO instant the ERP order was created. */
  orderCreatedAt?: string | null;
  /** Why the order is blocked or failed, for the deal owner (short). */
  orderIssue?: string | null;
}

export const DEAL_FACTS: Readonly<Record<keyof DealFacts, FactSpec>> = {
  orderStatus: { field: 'concord.orderStatus', from: 'concord' },
  orderNumber: { field: 'salesOrder.*', from: 'erp' },
  erpCustomerId: { field: 'concord.erpCustomerId', from: 'concord' },
  csAccountId: { field: 'concord.csAccountId', from: 'concord' },
  orderCreatedAt: { field: 'salesOrder.*', from: 'erp' },
  orderIssue: { field: 'concord.orderIssue', from: 'concord' },
};
