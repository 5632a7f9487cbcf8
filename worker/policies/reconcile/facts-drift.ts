/**
 * Drift of Concord's own facts on a CRM record, pure: the facts Concord would write now (derived
 * from the account's stored digest, policies/account-facts) against the values the CRM record
 * holds (a person edited `concord_arr`, a write was lost, or the ERP/CS truth moved while no change
 * event reached Concord). Values are compared after normalisation, so a vendor's wire format is no
 * drift: amounts to cents, dates as YYYY-MM-DD, booleans, and an empty value equal to none.
 *
 * Each difference names the owner of the fact's truth: the ERP for receivables, payments and the
 * contract, the CS system for health and onboarding, Concord for its links and its own verdicts
 * (renewal risk, finance hold). A fact the tenant's ownership matrix does not let Concord write
 * into that CRM (the CRM owns it there) is the CRM's own value, not drift. Everything else is
 * repaired by writing Concord's value again through the write guard.
 */
import type { SystemName } from '../../model/primitives.js';
import { ACCOUNT_FACTS, type AccountFacts, type FactSource } from '../../ports/facts.js';
import { ownerOf, type OwnershipMatrix } from '../ownership/matrix.js';
import { decideWrite } from '../ownership/guard.js';

export type FactName = keyof AccountFacts;

/** How a fact's value is compared. */
type FactKind = 'money' | 'number' | 'date' | 'bool' | 'text';

const KIND: Readonly<Record<FactName, FactKind>> = {
  concordAccountId: 'text',
  erpCustomerId: 'text',
  csAccountId: 'text',
  openAr: 'money',
  overdueAr: 'money',
  oldestOverdueDays: 'number',
  disputedAr: 'money',
  lastPaymentDate: 'date',
  contractEnd: 'date',
  renewalDate: 'date',
  arr: 'money',
  healthScore: 'number',
  healthTrend: 'text',
  onboardingStage: 'text',
  renewalRisk: 'text',
  financeHold: 'bool',
  renewalHold: 'bool',
};

/** The facts that link a record to the account's other systems: compared on the primary record only. */
export const LINK_FACTS: ReadonlySet<FactName> = new Set(['erpCustomerId', 'csAccountId']);

/** Words for the console and reasons: which truth each fact reflects. */
const WHAT: Readonly<Record<FactSource, string>> = {
  erp: "the ERP's receivables and contract",
  cs: "the customer-success system's health and onboarding",
  crm: 'the CRM',
  concord: "Concord's own links and verdicts",
};

/**
 * A fact value in comparable form: amounts and numbers in hundredths (an integer), dates as
 * YYYY-MM-DD, booleans as `true`/`false`, text trimmed; empty and absent are null. A value that
 * is not of the fact's kind (a number property holding text) stays text, so it differs.
 */
export function comparable(fact: FactName, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const raw = typeof value === 'string' ? value.trim() : value;
  if (raw === '') return null;
  switch (KIND[fact]) {
    case 'money':
    case 'number': {
      const n = typeof raw === 'number' ? raw : Number(raw);
      return Number.isFinite(n) ? String(Math.round(n * 100)) : `text:${String(raw)}`;
    }
    case 'date': {
      if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw)) return raw.slice(0, 10);
      // HubSpot may hand a date property over as epoch milliseconds of midnight UTC.
      const n = typeof raw === 'number' ? raw : /^\d{10,}$/.test(String(raw)) ? Number(raw) : NaN;
      return Number.isFinite(n) ? new Date(n).toISOString().slice(0, 10) : `text:${String(raw)}`;
    }
    case 'bool':
      if (raw === true || raw === 'true') return 'true';
      if (raw === false || raw === 'false') return 'false';
      return `text:${String(raw)}`;
    case 'text':
      return String(raw);
  }
}

/** A fact value as the drift report shows it (null: empty). */
export function factText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return String(value);
}

/** One CRM record of the account and what it should show. */
export interface FactsTarget {
  system: SystemName;
  externalId: string;
  /** The account's primary record in that CRM (the link ids go there only). */
  primary: boolean;
  /** The facts Concord would write now (a fact left out is not known, so not compared). */
  expected: AccountFacts;
  /** What the record holds (every fact the connector reads; undefined: the record was not found). */
  held: Partial<AccountFacts> | undefined;
}

/** One fact whose CRM value is not Concord's. */
export interface FactDrift {
  fact: FactName;
  /** `facts.<name>`, as the drift report names the field. */
  field: string;
  system: SystemName;
  externalId: string;
  value: string | null;
  /** Whose truth the fact reflects: `erp`, `cs`, or `concord` for Concord's links and verdicts. */
  owner: FactSource;
  ownerSystem: SystemName | null;
  /** Concord's value, as the report shows it. */
  ownerValue: string | null;
  /** The value to write (typed, as `writeAccountFacts` takes it). */
  repairValue: AccountFacts[FactName];
  action: 'repair';
  reason: string;
}

/**
 * The facts that drifted on one record. `systemOf(role)` is the system playing a role for the
 * account (netsuite, vitally); the matrix decides whether Concord writes a fact into the CRM at all.
 */
export function factsDrift(target: FactsTarget, matrix: OwnershipMatrix, systemOf: (role: 'erp' | 'cs') => SystemName | null): FactDrift[] {
  if (!target.held) return [];
  const out: FactDrift[] = [];
  for (const [fact, expected] of Object.entries(target.expected) as [FactName, AccountFacts[FactName]][]) {
    if (expected === undefined || !(fact in KIND)) continue;
    if (LINK_FACTS.has(fact) && !target.primary) continue;
    const held = target.held[fact];
    // A fact the connector does not read on this CRM cannot be compared.
    if (held === undefined) continue;
    if (comparable(fact, held) === comparable(fact, expected)) continue;
    const spec = ACCOUNT_FACTS[fact];
    // The tenant's matrix gives the CRM this fact: its value there is the CRM's, not drift.
    const source = spec.from === 'erp' || spec.from === 'cs' ? (systemOf(spec.from) ?? spec.from) : spec.from;
    if (decideWrite(matrix, { target: target.system, source, mode: 'update', fields: [spec.field] }).allowed.length === 0) continue;
    const owner: FactSource = spec.from === 'concord' ? 'concord' : (ownerOf(matrix, spec.field) ?? spec.from);
    const ownerSystem = spec.from === 'erp' || spec.from === 'cs' ? systemOf(spec.from) : null;
    const value = factText(held);
    const ownerValue = factText(expected);
    out.push({
      fact,
      field: `facts.${fact}`,
      system: target.system,
      externalId: target.externalId,
      value,
      owner,
      ownerSystem,
      ownerValue,
      repairValue: expected,
      action: 'repair',
      reason: `${target.system} has ${JSON.stringify(value)}, Concord ${JSON.stringify(ownerValue)} from ${WHAT[spec.from]}: Concord writes its value again`,
    });
  }
  return out;
}
