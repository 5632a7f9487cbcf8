/** Salesforce raw records <-> canonical. The only file that knows Salesforce field names. */
import type { AccountFacts, CrmContact, CrmContactInput, CrmDeal, CrmDealInput, CrmDealLine, CrmDealLineInput, CrmOrderCompany, CrmOrderSource, DealFacts, MatchRecord } from '../../ports/index.js';
import { salesforceDescriptor as d } from './descriptor.js';
import type { AccountFactsRow, AccountRow, CompositeSubrequest, ContactRow, LineItemRow, OpportunityRow, OrderAccountRow, OrderLineRow, OrderOpportunityRow } from './schemas.js';

export const ACCOUNT_FIELDS = 'Id, Name, Website, BillingStreet, BillingCity, BillingCountry';
export const CONTACT_FIELDS = `Id, AccountId, FirstName, LastName, Email, Title, Phone, ${d.keyField}`;
export const OPPORTUNITY_FIELDS = `Id, AccountId, Name, Amount, StageName, CloseDate, IsClosed, IsWon, CurrencyIsoCode, ${d.keyField}`;
export const LINE_ITEM_FIELDS = 'Id, OpportunityId, Name, ProductCode, Quantity, UnitPrice, TotalPrice';
/** Closed-won reads: the package's order fields (extensions/salesforce objects) and the owner. */
export const ORDER_OPPORTUNITY_FIELDS = `${OPPORTUNITY_FIELDS}, OwnerId, Owner.Email, Owner.Name, Concord_Contract_Start__c, Concord_Contract_End__c, Concord_Payment_Terms__c`;
export const ORDER_ACCOUNT_FIELDS = `${ACCOUNT_FIELDS}, BillingStreet, BillingCity, BillingPostalCode, BillingState, BillingCountry, ParentId, Concord_Tax_Id__c`;
export const ORDER_LINE_FIELDS = 'Id, OpportunityId, Name, Quantity, UnitPrice, ProductCode, Product2.ProductCode, Product2.Name';

export const SOBJECT = { account: 'Account', contact: 'Contact', deal: 'Opportunity', dealLine: 'OpportunityLineItem', task: 'Task' } as const;

/** The SOQL Concord runs (values always go through `soqlString`). */
export const SOQL = {
  accounts: () => `SELECT ${ACCOUNT_FIELDS} FROM Account ORDER BY Id`,
  accountsByIds: (ids: string[]) => `SELECT ${ACCOUNT_FIELDS} FROM Account WHERE ${soqlIn('Id', ids)}`,
  /**
   * Accounts whose SystemModstamp (moved by every change, system ones included; indexed) is later
   * than `since`, oldest first; a dateTime literal goes unquoted in UTC.
   * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm
   * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/system_fields.htm
   */
  accountsChangedSince: (since: Date) => `SELECT ${ACCOUNT_FIELDS}, CreatedDate, SystemModstamp FROM Account WHERE SystemModstamp > ${soqlDateTime(since)} ORDER BY SystemModstamp, Id`,
  /**
   * Deleted Accounts (queryAll reads the Recycle Bin) with the record a merge folded them into.
   * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm
   */
  deletedAccounts: (ids: string[]) => `SELECT Id, MasterRecordId FROM Account WHERE IsDeleted = true AND ${soqlIn('Id', ids)}`,
  contactsByIds: (ids: string[]) => `SELECT ${CONTACT_FIELDS} FROM Contact WHERE ${soqlIn('Id', ids)}`,
  contactsOfAccounts: (ids: string[]) => `SELECT ${CONTACT_FIELDS} FROM Contact WHERE ${soqlIn('AccountId', ids)} ORDER BY Id`,
  dealsByIds: (ids: string[]) => `SELECT ${OPPORTUNITY_FIELDS} FROM Opportunity WHERE ${soqlIn('Id', ids)}`,
  dealsOfAccounts: (ids: string[]) => `SELECT ${OPPORTUNITY_FIELDS} FROM Opportunity WHERE ${soqlIn('AccountId', ids)} ORDER BY CloseDate DESC`,
  orderDeals: (ids: string[]) => `SELECT ${ORDER_OPPORTUNITY_FIELDS} FROM Opportunity WHERE ${soqlIn('Id', ids)}`,
  accountFacts: (ids: string[]) => `SELECT Id, ${Object.values(ACCOUNT_FACT_FIELD).join(', ')} FROM Account WHERE ${soqlIn('Id', ids)}`,
  orderAccounts: (ids: string[]) => `SELECT ${ORDER_ACCOUNT_FIELDS} FROM Account WHERE ${soqlIn('Id', ids)}`,
  orderLines: (ids: string[]) => `SELECT ${ORDER_LINE_FIELDS} FROM OpportunityLineItem WHERE ${soqlIn('OpportunityId', ids)} ORDER BY Id`,
  linesOfDeals: (ids: string[]) => `SELECT ${LINE_ITEM_FIELDS} FROM OpportunityLineItem WHERE ${soqlIn('OpportunityId', ids)} ORDER BY Id`,
  linesByKeys: (keys: string[]) => `SELECT Id, ${d.keyField} FROM OpportunityLineItem WHERE ${soqlIn(d.keyField, keys)}`,
  tasksByKeys: (keys: string[]) => `SELECT Id, ${d.keyField} FROM Task WHERE ${soqlIn(d.keyField, keys)}`,
  countTasksWithKey: (key: string) => `SELECT COUNT() FROM Task WHERE ${d.keyField} = ${soqlString(key)}`,
};

/** Fields read to find an Opportunity's Account. */
export const DEAL_ACCOUNT_FIELDS = ['AccountId'] as const;

/** The subrequests that file one Task: read its Account (and Opportunity), then create it on that record. */
export function taskSubrequests(ref: string, on: { companyId: string; dealId?: string | undefined }, task: { subject: string; body: string; dueDate?: string; completed?: boolean; key: string }): CompositeSubrequest[] {
  const subs: CompositeSubrequest[] = [{ method: 'GET', path: `/sobjects/Account/${on.companyId}?fields=Id`, referenceId: `${ref}_company` }];
  if (on.dealId) subs.push({ method: 'GET', path: `/sobjects/Opportunity/${on.dealId}?fields=Id,AccountId`, referenceId: `${ref}_deal` });
  const whatId = on.dealId ? `@{${ref}_deal.Id}` : `@{${ref}_company.Id}`;
  subs.push({ method: 'POST', path: '/sobjects/Task', referenceId: ref, body: taskRecord({ whatId, ...task }) });
  return subs;
}

/** The Account id of an Opportunity row read with DEAL_ACCOUNT_FIELDS. */
export function accountIdOfDeal(row: { AccountId?: string | null | undefined }): string | null {
  return row.AccountId ?? null;
}

/** Concord's key of a row read with it (Task, OpportunityLineItem). */
export function concordKey(row: { Concord_Id__c?: string | null | undefined }): string | null {
  return row.Concord_Id__c ?? null;
}

const SOQL_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/**
 * A SOQL string literal with SOQL's escape sequences, so a value can never end the literal.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (ch) => SOQL_ESCAPES[ch]!)}'`;
}

/** A SOQL dateTime literal (UTC, whole seconds: `2026-12-03T11:00:00Z`). */
export function soqlDateTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** A Salesforce dateTime (`2026-12-03T11:00:00.000+0000`) as epoch ms; NaN when unreadable. */
export function salesforceInstant(value: string | null | undefined): number {
  return value ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
}

/** `WHERE <field> IN (...)` over ids or keys. */
export function soqlIn(field: string, values: readonly string[]): string {
  return `${field} IN (${values.map(soqlString).join(', ')})`;
}

export function matchRecordFromAccount(a: AccountRow): MatchRecord {
  const name = a.Name?.trim();
  // Account has no standard tax-id or e-mail field; the billing address is the legal one.
  return {
    externalId: a.Id,
    name: name || `Salesforce account ${a.Id}`,
    domain: a.Website ?? null,
    taxId: null,
    country: a.BillingCountry ?? null,
    city: a.BillingCity ?? null,
    address: a.BillingStreet ?? null,
    emails: [],
    crmHint: null,
  };
}

export function contactFromRow(c: ContactRow): CrmContact {
  return { externalId: c.Id, firstName: c.FirstName ?? null, lastName: c.LastName ?? null, email: c.Email ? c.Email.toLowerCase() : null, title: c.Title ?? null };
}

export function dealFromRow(o: OpportunityRow): CrmDeal {
  return {
    externalId: o.Id,
    name: o.Name?.trim() || `Salesforce opportunity ${o.Id}`,
    amount: o.Amount ?? null,
    currency: o.CurrencyIsoCode ?? null,
    // Salesforce opportunities have one sales process per record type, not HubSpot-style pipelines.
    pipeline: null,
    stage: o.StageName ?? null,
    closeDate: o.CloseDate ?? null,
    closed: o.IsClosed === true,
    won: o.IsWon === true,
  };
}

export function dealLineFromRow(l: LineItemRow): CrmDealLine {
  return {
    externalId: l.Id,
    dealId: l.OpportunityId,
    name: l.Name ?? null,
    sku: l.ProductCode ?? null,
    quantity: l.Quantity ?? null,
    unitPrice: l.UnitPrice ?? null,
    total: l.TotalPrice ?? null,
  };
}

/** A Contact for a Collections upsert by Concord's key (only the fields given are written). */
export function contactRecord(c: CrmContactInput): Record<string, unknown> {
  return {
    [d.keyField]: c.key,
    LastName: c.lastName,
    ...(c.companyId !== undefined ? { AccountId: c.companyId } : {}),
    ...(c.firstName !== undefined ? { FirstName: c.firstName } : {}),
    ...(c.email !== undefined ? { Email: c.email } : {}),
    ...(c.title !== undefined ? { Title: c.title } : {}),
  };
}

/** An Opportunity for a Collections upsert by Concord's key. */
export function dealRecord(o: CrmDealInput): Record<string, unknown> {
  return {
    [d.keyField]: o.key,
    Name: o.name,
    StageName: o.stage,
    CloseDate: o.closeDate,
    ...(o.companyId !== undefined ? { AccountId: o.companyId } : {}),
    ...(o.amount !== undefined ? { Amount: o.amount } : {}),
    ...(o.currency !== undefined ? { CurrencyIsoCode: o.currency } : {}),
  };
}

/** A line item's writable values (OpportunityId is set on create only: it is not updateable). */
function lineValues(l: CrmDealLineInput): Record<string, unknown> {
  return {
    Quantity: l.quantity,
    ...(l.unitPrice !== undefined ? { UnitPrice: l.unitPrice } : {}),
    ...(l.sku !== undefined ? { ProductCode: l.sku } : {}),
    ...(l.description !== undefined ? { Description: l.description } : {}),
  };
}

/** A new OpportunityLineItem on `dealId` carrying Concord's key. */
export function lineCreateRecord(dealId: string, l: CrmDealLineInput): Record<string, unknown> {
  return { OpportunityId: dealId, [d.keyField]: l.key, ...lineValues(l) };
}

/** An update of an existing OpportunityLineItem. */
export function lineUpdateRecord(id: string, l: CrmDealLineInput): Record<string, unknown> {
  return { ...lineValues(l), Id: id };
}

/** A Task filed on an Account or Opportunity (`whatId` may be a Composite `@{ref.Id}`). */
export function taskRecord(t: { whatId: string; subject: string; body: string; dueDate?: string; completed?: boolean; key: string }): Record<string, unknown> {
  return {
    WhatId: t.whatId,
    Subject: t.subject,
    Description: t.body,
    Status: t.completed ? 'Completed' : 'Not Started',
    ...(t.dueDate ? { ActivityDate: t.dueDate } : {}),
    [d.keyField]: t.key,
  };
}

/** Company property updates for a Collections update (`Id` plus the CRM's own field names). */
export function accountUpdateRecord(id: string, properties: Record<string, string>): Record<string, unknown> {
  return { ...properties, Id: id };
}

/**
 * Concord's facts -> the package's custom fields (extensions/salesforce objects metadata). Account
 * facts Concord writes on the Account, order facts on the Opportunity.
 */
export const ACCOUNT_FACT_FIELD: Readonly<Record<keyof AccountFacts, string>> = {
  concordAccountId: 'Concord_Account_Id__c',
  erpCustomerId: 'Concord_Erp_Customer_Id__c',
  csAccountId: 'Concord_Cs_Account_Id__c',
  openAr: 'Concord_Open_AR__c',
  overdueAr: 'Concord_Overdue_AR__c',
  oldestOverdueDays: 'Concord_Oldest_Overdue_Days__c',
  disputedAr: 'Concord_Disputed_AR__c',
  lastPaymentDate: 'Concord_Last_Payment_Date__c',
  contractEnd: 'Concord_Contract_End__c',
  renewalDate: 'Concord_Renewal_Date__c',
  arr: 'Concord_ARR__c',
  healthScore: 'Concord_Health_Score__c',
  healthTrend: 'Concord_Health_Trend__c',
  onboardingStage: 'Concord_Onboarding_Stage__c',
  renewalRisk: 'Concord_Renewal_Risk__c',
  financeHold: 'Concord_Finance_Hold__c',
  renewalHold: 'Concord_Renewal_Hold__c',
};

export const DEAL_FACT_FIELD: Readonly<Record<keyof DealFacts, string>> = {
  orderStatus: 'Concord_Order_Status__c',
  orderNumber: 'Concord_Order_Number__c',
  erpCustomerId: 'Concord_Erp_Customer_Id__c',
  csAccountId: 'Concord_Cs_Account_Id__c',
  orderCreatedAt: 'Concord_Order_Created_At__c',
  orderIssue: 'Concord_Order_Issue__c',
};

function factFields<F extends object>(facts: F, names: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // JSON null clears a field in the REST API; values keep their JSON types (numbers, booleans).
  for (const [fact, value] of Object.entries(facts)) if (value !== undefined && names[fact]) out[names[fact]!] = value;
  return out;
}

/** A Collections update record for the Account's Concord fields. */
export function accountFactsRecord(accountId: string, facts: AccountFacts): Record<string, unknown> {
  return { ...factFields(facts, ACCOUNT_FACT_FIELD), Id: accountId };
}

/**
 * An Account's Concord fields -> facts, the inverse of `accountFactsRecord`: JSON types as the
 * REST API returns them, dates cut to YYYY-MM-DD, an empty text field null.
 */
export function accountFactsFromRow(row: AccountFactsRow): AccountFacts {
  const out: Record<string, unknown> = {};
  for (const [fact, field] of Object.entries(ACCOUNT_FACT_FIELD) as [keyof AccountFacts, keyof AccountFactsRow][]) {
    const value = row[field];
    out[fact] = value === undefined || value === null || value === '' ? null : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
  }
  return out as AccountFacts;
}

/** The Opportunity's Concord order fields. */
export function dealFactsRecord(facts: DealFacts): Record<string, unknown> {
  return factFields(facts, DEAL_FACT_FIELD);
}

const blank = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);

export function orderCompanyFromAccount(a: OrderAccountRow): CrmOrderCompany {
  const address = { line1: blank(a.BillingStreet), city: blank(a.BillingCity), postalCode: blank(a.BillingPostalCode), region: blank(a.BillingState), country: blank(a.BillingCountry) };
  return {
    externalId: a.Id,
    name: blank(a.Name) ?? '',
    domain: blank(a.Website),
    taxId: blank(a.Concord_Tax_Id__c),
    billingAddress: Object.values(address).some((v) => v !== null) ? address : null,
    parentId: blank(a.ParentId),
  };
}

/**
 * One Opportunity's order source: its Account, owner (a User's e-mail and name) and line items
 * with their Product2's code (the line's own `ProductCode` when the product is not readable).
 */
export function orderSourceFromRows(o: OrderOpportunityRow, account: OrderAccountRow | null, lines: OrderLineRow[]): CrmOrderSource {
  return {
    deal: {
      ...dealFromRow(o),
      contractStart: blank(o.Concord_Contract_Start__c)?.slice(0, 10) ?? null,
      contractEnd: blank(o.Concord_Contract_End__c)?.slice(0, 10) ?? null,
      paymentTerms: blank(o.Concord_Payment_Terms__c),
    },
    company: account ? orderCompanyFromAccount(account) : null,
    owner: o.OwnerId ? { externalId: o.OwnerId, email: blank(o.Owner?.Email)?.toLowerCase() ?? null, name: blank(o.Owner?.Name) } : null,
    lines: lines.map((l) => ({
      externalId: l.Id,
      sku: blank(l.Product2?.ProductCode) ?? blank(l.ProductCode),
      name: blank(l.Product2?.Name) ?? blank(l.Name),
      quantity: l.Quantity ?? 0,
      unitPrice: l.UnitPrice ?? null,
    })),
  };
}
