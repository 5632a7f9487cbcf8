/**
 * Ports behind the write guard. `guardPort` wraps a connector's port so that:
 * - reads pass straight through;
 * - every write method known here is decided attribute by attribute by the WriteGuard: refused
 *   attributes are recorded and stripped, the rest is written (nothing is written when nothing is
 *   left);
 * - any other method that is not a known read throws: a new write method on a connector cannot
 *   reach a vendor until it is declared here with the canonical fields it writes.
 * Activities (tasks, notes) and Concord's own install-time setup are Concord-authored records,
 * not shared fields: they pass, and their callers audit them.
 */
import { ConcordError } from '../errors.js';
import type { SystemRole } from '../model/primitives.js';
import type { System } from '../storage/connections.js';
import { ACCOUNT_FACTS, DEAL_FACTS, type AccountFacts, type DealFacts } from './facts.js';
import type { AccountFactsUpdate, CompanyFieldsUpdate, CompanyUpdateResult, CsAccountInput, CsOnboardingInput, DealFactsUpdate, ErpCustomerInput, ErpOrderHold, ErpOrderRelease, ErpSalesOrderInput } from './index.js';
import { pick, type GuardedAttribute, type WriteGuard } from './write-guard.js';

/** Methods that only read: passed through unguarded. */
const READS: Record<SystemRole, readonly string[]> = {
  crm: ['companies', 'companiesByIds', 'companiesChangedSince', 'companiesDeletedBetween', 'accountFactsOf', 'contactsByIds', 'dealsByIds', 'contactsOfCompany', 'dealsOfCompany', 'dealLines', 'orderSource', 'orderSources', 'companiesOfDeal', 'deal', 'owner', 'wonStages', 'isWon', 'dealCompanyId'],
  erp: ['accountSnapshot', 'accountSnapshots', 'lastPaymentDates', 'customers', 'customersByIds', 'findCustomers', 'accountFacts', 'openInvoices', 'currentContract', 'currency', 'document', 'payment', 'products', 'referenceData', 'paymentTerms', 'customer', 'salesOrderByExternalId', 'terms', 'salesOrderUrl', 'changedRecord', 'changedSince', 'lastPaymentDate', 'heldSalesOrders', 'openSalesOrders'],
  cs: ['accountSnapshot', 'readBulkPage', 'snapshotFromBulk', 'accounts', 'accountsByIds', 'health', 'onboarding', 'escalations', 'account', 'accountByExternalId', 'users', 'webAppUrl', 'changedSince'],
};

/** Concord-authored records and setup: written without a field check (callers audit them). */
const PASS: Record<SystemRole, readonly string[]> = {
  crm: ['createTask', 'addNote', 'setUp'],
  erp: [],
  cs: ['addNote'],
};

/** ERP customer input attribute -> canonical field. */
const CUSTOMER_FIELDS: Record<keyof ErpCustomerInput, string> = {
  externalId: 'concord.externalId',
  name: 'account.name',
  legalName: 'account.legalName',
  email: 'contact.email',
  website: 'account.domain',
  taxId: 'account.taxId',
  currency: 'account.currency',
  billTo: 'account.billTo',
  shipTo: 'account.shipTo',
  terms: 'account.paymentTerms',
  subsidiary: 'account.legalEntity',
  parentId: 'account.parentAccountId',
};

/** Sales order attributes: the order itself is the ERP's; Concord's keys and links are its own. */
/** CS account attributes: the name is the CRM's; the key and owner link are Concord's bookkeeping; `facts` are decided fact by fact. */
const CS_ACCOUNT_FIELDS: Record<Exclude<keyof CsAccountInput, 'facts'>, string> = {
  externalId: 'concord.externalId',
  name: 'account.name',
  ownerEmail: 'account.owner',
};

/** The onboarding plan Concord seeds in the CS system (onboarding is the CS system's once created). */
const ONBOARDING_FIELDS: Record<keyof CsOnboardingInput, string> = {
  key: 'concord.externalId',
  name: 'onboarding.name',
  template: 'onboarding.*',
  startDate: 'onboarding.*',
  ownerEmail: 'onboarding.*',
  milestones: 'onboarding.*',
};

const ORDER_FIELDS: Record<keyof ErpSalesOrderInput, string> = {
  externalId: 'concord.externalId',
  customerId: 'concord.erpCustomerId',
  date: 'salesOrder.orderDate',
  memo: 'salesOrder.*',
  lines: 'salesOrder.lines',
  currency: 'salesOrder.currency',
  terms: 'salesOrder.*',
  startDate: 'salesOrder.*',
  endDate: 'salesOrder.*',
  // A hold Concord places on an order it creates, by the tenant's closed-won billing setting, and
  // lifts itself when onboarding goes live (`releaseSalesOrder`): Concord's own, not order data.
  billingHold: 'concord.billingHold',
};

/** Holding an open order for billing while onboarding is stalled (the tenant's automation policy). */
const HOLD_FIELDS: Record<keyof ErpOrderHold, string> = {
  id: 'concord.erpRecordId',
  externalId: 'concord.externalId',
  status: 'concord.billingHold',
};

/** Releasing Concord's billing hold on an order Concord created (go-live). */
const RELEASE_FIELDS: Record<keyof ErpOrderRelease, string> = {
  id: 'concord.erpRecordId',
  externalId: 'concord.externalId',
  status: 'concord.billingHold',
};

type Guarded = (guard: WriteGuard, system: System, raw: Record<string, (...args: unknown[]) => Promise<unknown>>, args: unknown[]) => Promise<unknown>;

function attributes(values: object, fields: Record<string, string>): GuardedAttribute[] {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([name, value]) => ({ name, field: fields[name] ?? `unknown.${name}`, value }));
}

/** Bulk account facts: decided once per attribute for all records, refused ones stripped. */
const writeAccountFactsCrm: Guarded = async (guard, system, raw, [updates, opts]) => {
  const list = updates as AccountFactsUpdate[];
  const first = new Map<string, unknown>();
  for (const u of list) for (const [k, v] of Object.entries(u.facts)) if (v !== undefined && !first.has(k)) first.set(k, v);
  const accountId = list.length === 1 ? (list[0]!.accountId ?? null) : null;
  const { allowed, refused } = await guard.check({
    target: system,
    // Facts go onto a record that exists: never a create, whatever the flow's origin says.
    mode: 'update',
    entity: 'account',
    recordIds: list.map((u) => u.recordId),
    accountId,
    attributes: guard.factAttributes(Object.fromEntries(first), ACCOUNT_FACTS),
  });
  const kept = list.map((u) => ({ ...u, facts: pick(u.facts, allowed) as AccountFacts })).filter((u) => Object.keys(u.facts).length > 0);
  const refusedFacts = refused.map((r) => ({ attribute: r.attribute, field: r.field, owner: r.owner }));
  if (kept.length === 0) return { updated: 0, calls: 0, failed: [], refused: refusedFacts } satisfies CompanyUpdateResult;
  const result = (await raw.writeAccountFacts!(kept, opts)) as CompanyUpdateResult;
  return { ...result, refused: refusedFacts };
};

/** Canonical field of each company master field a reconciliation repair may write. */
export const COMPANY_FIELDS: Readonly<Record<keyof CompanyFieldsUpdate['fields'], string>> = {
  name: 'account.name',
  domain: 'account.domain',
  country: 'account.billTo',
};

/** Reconciliation repairs: each update decided on its own (its values' source is the field's owner). */
const writeCompanyFields: Guarded = async (guard, system, raw, [updates]) => {
  const kept: CompanyFieldsUpdate[] = [];
  const refusedAll: NonNullable<CompanyUpdateResult['refused']> = [];
  for (const u of updates as CompanyFieldsUpdate[]) {
    const { allowed, refused } = await guard.check({
      target: system,
      entity: 'account',
      recordIds: [u.recordId],
      accountId: u.accountId ?? null,
      attributes: attributes(u.fields, COMPANY_FIELDS).map((a) => ({ ...a, source: u.source })),
    });
    refusedAll.push(...refused.map((r) => ({ attribute: r.attribute, field: r.field, owner: r.owner })));
    const fields = pick(u.fields, allowed) as CompanyFieldsUpdate['fields'];
    if (Object.keys(fields).length > 0) kept.push({ ...u, fields });
  }
  if (kept.length === 0) return { updated: 0, calls: 0, failed: [], refused: refusedAll } satisfies CompanyUpdateResult;
  return { ...((await raw.writeCompanyFields!(kept)) as CompanyUpdateResult), refused: refusedAll };
};

/** Bulk deal facts (the order state of many deals): decided once per attribute, refused ones stripped. */
const writeDealFactsMany: Guarded = async (guard, system, raw, [updates]) => {
  const list = updates as DealFactsUpdate[];
  const first = new Map<string, unknown>();
  for (const u of list) for (const [k, v] of Object.entries(u.facts)) if (v !== undefined && !first.has(k)) first.set(k, v);
  const { allowed, refused } = await guard.check({
    target: system,
    // Facts go onto a record that exists: never a create, whatever the flow's origin says.
    mode: 'update',
    entity: 'deal',
    recordIds: list.map((u) => u.recordId),
    accountId: list.length === 1 ? (list[0]!.accountId ?? null) : null,
    attributes: guard.factAttributes(Object.fromEntries(first), DEAL_FACTS),
  });
  const kept = list.map((u) => ({ ...u, facts: pick(u.facts, allowed) as DealFacts })).filter((u) => Object.keys(u.facts).length > 0);
  const refusedFacts = refused.map((r) => ({ attribute: r.attribute, field: r.field, owner: r.owner }));
  if (kept.length === 0) return { updated: 0, calls: 0, failed: [], refused: refusedFacts } satisfies CompanyUpdateResult;
  const result = (await raw.writeDealFactsMany!(kept)) as CompanyUpdateResult;
  return { ...result, refused: refusedFacts };
};

const writeDealFacts: Guarded = async (guard, system, raw, [dealId, facts, accountId]) => {
  const { allowed } = await guard.check({
    target: system,
    // Facts go onto a record that exists: never a create, whatever the flow's origin says.
    mode: 'update',
    entity: 'deal',
    recordIds: [dealId as string],
    accountId: (accountId as string | undefined) ?? null,
    attributes: guard.factAttributes(facts as DealFacts, DEAL_FACTS),
  });
  const kept = pick(facts as DealFacts, allowed);
  if (Object.keys(kept).length === 0) return undefined;
  return raw.writeDealFacts!(dealId, kept, accountId);
};

const writeAccountFactsCs: Guarded = async (guard, system, raw, [csAccountId, facts, accountId]) => {
  const { allowed } = await guard.check({
    target: system,
    // Facts go onto a record that exists: never a create, whatever the flow's origin says.
    mode: 'update',
    entity: 'account',
    recordIds: [csAccountId as string],
    accountId: (accountId as string | undefined) ?? null,
    attributes: guard.factAttributes(facts as AccountFacts, ACCOUNT_FACTS),
  });
  const kept = pick(facts as AccountFacts, allowed);
  if (Object.keys(kept).length === 0) return undefined;
  return raw.writeAccountFacts!(csAccountId, kept, accountId);
};

/** A write whose input object's attributes map to fields through `fields`; refused ones stripped. */
function objectWrite(method: string, entity: string, fields: Record<string, string>, required: readonly string[]): Guarded {
  return async (guard, system, raw, args) => {
    const [input, ...rest] = args as [Record<string, unknown>, ...unknown[]];
    const { allowed, refused } = await guard.check({
      target: system,
      entity,
      recordIds: [String(input.externalId ?? input.id ?? '-')],
      attributes: attributes(input, fields),
    });
    const missing = refused.filter((r) => required.includes(r.attribute));
    if (missing.length > 0) {
      throw new ConcordError({
        kind: 'business',
        code: 'write_refused',
        message: `The ownership matrix refuses ${missing.map((r) => `${r.attribute} (${r.field}, owned by ${r.owner ?? 'nobody'})`).join(', ')}, which this write needs.`,
      });
    }
    return raw[method]!(pick(input, allowed), ...rest);
  };
}

/**
 * `upsertAccount(input)`: the account's own attributes like an object write, its `facts` fact by
 * fact like `writeAccountFacts` (a refused fact is left out, the account is still written).
 */
const csAccountWrite: Guarded = async (guard, system, raw, [input]) => {
  const { facts, ...own } = input as CsAccountInput;
  const { allowed, refused } = await guard.check({
    target: system,
    entity: 'account',
    recordIds: [own.externalId],
    attributes: [...attributes(own, CS_ACCOUNT_FIELDS), ...guard.factAttributes(facts ?? {}, ACCOUNT_FACTS).map((a) => ({ ...a, name: `facts.${a.name}` }))],
  });
  const missing = refused.filter((r) => r.attribute === 'externalId' || r.attribute === 'name');
  if (missing.length > 0) {
    throw new ConcordError({ kind: 'business', code: 'write_refused', message: `The ownership matrix refuses ${missing.map((r) => `${r.attribute} (${r.field})`).join(', ')}, which this write needs.` });
  }
  const kept = Object.fromEntries(Object.entries(facts ?? {}).filter(([k, v]) => v !== undefined && allowed.has(`facts.${k}`))) as AccountFacts;
  return raw.upsertAccount!({ ...pick(own, allowed), ...(Object.keys(kept).length > 0 ? { facts: kept } : {}) });
};

/** `ensureOnboarding(csAccountId, input)`: the plan's attributes decided like an object write. */
const onboardingWrite: Guarded = async (guard, system, raw, [csAccountId, input]) => {
  const plan = input as CsOnboardingInput;
  const { allowed, refused } = await guard.check({ target: system, entity: 'onboarding', recordIds: [plan.key], attributes: attributes(plan, ONBOARDING_FIELDS) });
  if (refused.length > 0) {
    throw new ConcordError({ kind: 'business', code: 'write_refused', message: `The ownership matrix refuses the onboarding plan (${refused.map((r) => r.field).join(', ')}).` });
  }
  return raw.ensureOnboarding!(csAccountId, pick(plan, allowed));
};

/** The guarded writes per role: method name -> how its attributes are checked. */
const WRITES: Record<SystemRole, Record<string, Guarded>> = {
  crm: { writeAccountFacts: writeAccountFactsCrm, writeDealFacts, writeDealFactsMany, writeCompanyFields },
  erp: {
    upsertCustomer: objectWrite('upsertCustomer', 'customer', CUSTOMER_FIELDS, ['externalId', 'name']),
    upsertSalesOrder: objectWrite('upsertSalesOrder', 'salesOrder', ORDER_FIELDS, ['externalId', 'customerId', 'lines']),
    releaseSalesOrder: objectWrite('releaseSalesOrder', 'salesOrder', RELEASE_FIELDS, ['id', 'externalId', 'status']),
    holdSalesOrder: objectWrite('holdSalesOrder', 'salesOrder', HOLD_FIELDS, ['id', 'status']),
  },
  cs: {
    writeAccountFacts: writeAccountFactsCs,
    upsertAccount: csAccountWrite,
    ensureOnboarding: onboardingWrite,
  },
};

/**
 * `raw` behind the guard. `guard` is loaded on the first write (reads never pay for it).
 */
export function guardPort<P extends object>(role: SystemRole, system: System, raw: P, guard: () => Promise<WriteGuard>): P & { readonly system: System } {
  const target = raw as unknown as Record<string | symbol, unknown>;
  return new Proxy(raw, {
    get(obj, prop, receiver) {
      if (prop === 'system') return system;
      const value = Reflect.get(obj, prop, receiver);
      if (typeof prop !== 'string' || typeof value !== 'function') return value;
      const write = WRITES[role][prop];
      if (write) {
        return async (...args: unknown[]) => write(await guard(), system, target as Record<string, (...a: unknown[]) => Promise<unknown>>, args);
      }
      if (READS[role].includes(prop) || PASS[role].includes(prop)) return (value as (...a: unknown[]) => unknown).bind(obj);
      return async () => {
        throw new ConcordError({ kind: 'internal', message: `${system}.${prop} is not a read and has no write-guard rule (worker/ports/guarded.ts)` });
      };
    },
  }) as P & { readonly system: System };
}
