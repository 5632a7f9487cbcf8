/** Salesforce raw records <-> canonical. The only file that knows Salesforce field names. */
import type { CrmContact, CrmContactInput, CrmDeal, CrmDealInput, CrmDealLine, MatchRecord } from '../../ports/index.js';
import { salesforceDescriptor as d } from './descriptor.js';
import type { AccountRow, ContactRow, LineItemRow, OpportunityRow } from './schemas.js';

export const ACCOUNT_FIELDS = 'Id, Name, Website';
export const CONTACT_FIELDS = `Id, AccountId, FirstName, LastName, Email, Title, Phone, ${d.keyField}`;
export const OPPORTUNITY_FIELDS = `Id, AccountId, Name, Amount, StageName, CloseDate, IsClosed, IsWon, CurrencyIsoCode, ${d.keyField}`;
export const LINE_ITEM_FIELDS = 'Id, OpportunityId, Name, ProductCode, Quantity, UnitPrice, TotalPrice';

export const SOBJECT = { account: 'Account', contact: 'Contact', deal: 'Opportunity', dealLine: 'OpportunityLineItem', task: 'Task' } as const;

/** A SOQL string literal: backslash and quote escaped (SOQL's own escapes). */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `WHERE <field> IN (...)` over ids or keys. */
export function soqlIn(field: string, values: readonly string[]): string {
  return `${field} IN (${values.map(soqlString).join(', ')})`;
}

export function matchRecordFromAccount(a: AccountRow): MatchRecord {
  const name = a.Name?.trim();
  return { externalId: a.Id, name: name || `Salesforce account ${a.Id}`, domain: a.Website ?? null, taxId: null, crmHint: null };
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
