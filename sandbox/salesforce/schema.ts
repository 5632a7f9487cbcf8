/**
 * The sObjects the emulator serves and their fields, as `describe` reports them: the standard
 * fields of Account, Contact, Opportunity, OpportunityLineItem, Task and User that integrations
 * read (Account's billing and shipping address parts, NumberOfEmployees, Industry, ...), the
 * system fields every record carries (Id, OwnerId, CreatedDate, LastModifiedDate,
 * SystemModstamp, IsDeleted), and the field Concord writes (`Concord_Id__c`: an external id,
 * except on Task). Users are read-only here: the sandbox's API user cannot manage users.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/system_fields.htm
 */
import { PRODUCT_FIELDS, PRODUCT_KEY_PREFIX, PRODUCT_SOBJECTS, withFlowFields } from './schema-flow.js';

import { API_USER_ID } from '../seed/salesforce.js';

/** Field types used here (a subset of Salesforce's `FieldType`). */
export type FieldType = 'id' | 'string' | 'textarea' | 'url' | 'email' | 'phone' | 'picklist' | 'reference' | 'currency' | 'double' | 'percent' | 'int' | 'date' | 'datetime' | 'boolean';

/** One field of an sObject. */
export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  /** Writable on create/update (false for system and formula fields). */
  writable: boolean;
  /** Writable on create only (`createable` but not `updateable` in describe, e.g. a line item's OpportunityId). */
  createOnly?: boolean;
  /** Must be present on create. */
  required?: boolean;
  externalId?: boolean;
  custom?: boolean;
  length?: number;
  referenceTo?: SObjectType[];
  relationshipName?: string;
  picklist?: string[];
  /** Picklist values outside `picklist` are refused. */
  restricted?: boolean;
  /** Value set on create when the caller gives none. */
  defaultValue?: string | number | boolean;
}

export const SOBJECT_TYPES = ['Account', 'Contact', 'Opportunity', 'OpportunityLineItem', 'Task', 'User', ...PRODUCT_SOBJECTS] as const;
/** sObject types the emulator serves. */
export type SObjectType = (typeof SOBJECT_TYPES)[number];

/** Key prefixes: the first three characters of every record id of the type. */
export const KEY_PREFIX: Record<SObjectType, string> = { Account: '001', Contact: '003', Opportunity: '006', OpportunityLineItem: '00k', Task: '00T', User: '005', ...PRODUCT_KEY_PREFIX };

/** Types the API user may create, update and delete (describe's createable/updateable/deletable). */
export function isWritableType(type: SObjectType): boolean {
  return type !== 'User';
}

export const STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];

/** The user records are owned by when a write names no owner: the org's API user. */
export const DEFAULT_OWNER_ID = API_USER_ID;

/** Account.Industry's standard picklist values. */
const INDUSTRIES = ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other'];

const text = (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'string', label, writable: true, length: 255, ...extra });
const sys = (name: string, type: FieldType, label: string): FieldDef => ({ name, type, label, writable: false });
const ref = (name: string, label: string, to: SObjectType[], relationshipName: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  name, type: 'reference', label, writable: true, length: 18, referenceTo: to, relationshipName, ...extra,
});
/** Fields Salesforce maintains on every record (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/system_fields.htm). */
const audit = (): FieldDef[] => [
  sys('CreatedDate', 'datetime', 'Created Date'),
  sys('LastModifiedDate', 'datetime', 'Last Modified Date'),
  sys('SystemModstamp', 'datetime', 'System Modstamp'),
];
const common = (): FieldDef[] => [
  { name: 'Id', type: 'id', label: 'Record ID', writable: false, length: 18 },
  ref('OwnerId', 'Owner ID', ['User'], 'Owner', { defaultValue: DEFAULT_OWNER_ID }),
  ...audit(),
  sys('IsDeleted', 'boolean', 'Deleted'),
];
/** A compound address's parts (`BillingStreet`, `BillingCity`, ...), writable one by one. */
const address = (prefix: 'Billing' | 'Shipping'): FieldDef[] => [
  { name: `${prefix}Street`, type: 'textarea', label: `${prefix} Street`, writable: true, length: 255 },
  text(`${prefix}City`, `${prefix} City`, { length: 40 }),
  text(`${prefix}State`, `${prefix} State/Province`, { length: 80 }),
  text(`${prefix}PostalCode`, `${prefix} Zip/Postal Code`, { length: 20 }),
  text(`${prefix}Country`, `${prefix} Country`, { length: 80 }),
];
const concordId = (): FieldDef => text('Concord_Id__c', 'Concord Id', { externalId: true, custom: true, length: 64 });

/** Field definitions per sObject type. */
export const FIELDS: Record<SObjectType, FieldDef[]> = {
  Account: [
    ...common(),
    text('Name', 'Account Name', { required: true }),
    text('AccountNumber', 'Account Number', { length: 40 }),
    text('Site', 'Account Site', { length: 80 }),
    ref('ParentId', 'Parent Account ID', ['Account'], 'Parent'),
    // Set on the losing records of a merge, pointing at the winner (read-only; queryAll sees it).
    // https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_triggers_merge_statements.htm
    ref('MasterRecordId', 'Master Record ID', ['Account'], 'MasterRecord', { writable: false }),
    { name: 'Type', type: 'picklist', label: 'Account Type', writable: true, length: 255, picklist: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'] },
    ...address('Billing'),
    ...address('Shipping'),
    { name: 'Phone', type: 'phone', label: 'Account Phone', writable: true, length: 40 },
    { name: 'Fax', type: 'phone', label: 'Account Fax', writable: true, length: 40 },
    { name: 'Website', type: 'url', label: 'Website', writable: true, length: 255 },
    text('Sic', 'SIC Code', { length: 20 }),
    { name: 'Industry', type: 'picklist', label: 'Industry', writable: true, length: 255, picklist: INDUSTRIES },
    { name: 'AnnualRevenue', type: 'currency', label: 'Annual Revenue', writable: true },
    { name: 'NumberOfEmployees', type: 'int', label: 'Employees', writable: true },
    { name: 'Ownership', type: 'picklist', label: 'Ownership', writable: true, length: 255, picklist: ['Public', 'Private', 'Subsidiary', 'Other'] },
    text('TickerSymbol', 'Ticker Symbol', { length: 20 }),
    { name: 'Description', type: 'textarea', label: 'Account Description', writable: true, length: 32000 },
    { name: 'Rating', type: 'picklist', label: 'Account Rating', writable: true, length: 255, picklist: ['Hot', 'Warm', 'Cold'] },
    { name: 'AccountSource', type: 'picklist', label: 'Account Source', writable: true, length: 255, picklist: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'] },
    { name: 'CurrencyIsoCode', type: 'picklist', label: 'Account Currency', writable: true, picklist: ['USD', 'EUR', 'GBP', 'CAD', 'AUD'], restricted: true, defaultValue: 'USD' },
    sys('LastActivityDate', 'date', 'Last Activity'),
    concordId(),
  ],
  Contact: [
    ...common(),
    ref('AccountId', 'Account ID', ['Account'], 'Account'),
    text('FirstName', 'First Name', { length: 40 }),
    text('LastName', 'Last Name', { required: true, length: 80 }),
    { name: 'Name', type: 'string', label: 'Full Name', writable: false, length: 121 },
    { name: 'Email', type: 'email', label: 'Email', writable: true, length: 80 },
    text('Title', 'Title', { length: 128 }),
    { name: 'Phone', type: 'phone', label: 'Business Phone', writable: true, length: 40 },
    concordId(),
  ],
  Opportunity: [
    ...common(),
    ref('AccountId', 'Account ID', ['Account'], 'Account'),
    text('Name', 'Name', { required: true, length: 120 }),
    { name: 'Amount', type: 'currency', label: 'Amount', writable: true },
    { name: 'StageName', type: 'picklist', label: 'Stage', writable: true, required: true, picklist: STAGES, restricted: true },
    { name: 'CloseDate', type: 'date', label: 'Close Date', writable: true, required: true },
    { name: 'Probability', type: 'percent', label: 'Probability (%)', writable: true },
    { name: 'Type', type: 'picklist', label: 'Opportunity Type', writable: true, picklist: ['New Business', 'Existing Customer - Upgrade', 'Existing Customer - Renewal'] },
    sys('IsClosed', 'boolean', 'Closed'),
    sys('IsWon', 'boolean', 'Won'),
    { name: 'CurrencyIsoCode', type: 'picklist', label: 'Opportunity Currency', writable: true, picklist: ['USD', 'EUR', 'GBP', 'CAD', 'AUD'], restricted: true, defaultValue: 'USD' },
    concordId(),
  ],
  OpportunityLineItem: [
    ...common().filter((f) => f.name !== 'OwnerId'),
    ref('OpportunityId', 'Opportunity ID', ['Opportunity'], 'Opportunity', { required: true, writable: true, createOnly: true }),
    text('Name', 'Opportunity Product Name', { writable: false }),
    text('ProductCode', 'Product Code'),
    { name: 'Quantity', type: 'double', label: 'Quantity', writable: true, required: true },
    { name: 'UnitPrice', type: 'currency', label: 'Sales Price', writable: true },
    { name: 'TotalPrice', type: 'currency', label: 'Total Price', writable: true },
    { name: 'ServiceDate', type: 'date', label: 'Date', writable: true },
    { name: 'Description', type: 'textarea', label: 'Line Description', writable: true, length: 255 },
    concordId(),
  ],
  Task: [
    ...common(),
    ref('WhatId', 'Related To ID', ['Account', 'Opportunity'], 'What'),
    ref('WhoId', 'Name ID', ['Contact'], 'Who'),
    text('Subject', 'Subject'),
    { name: 'Status', type: 'picklist', label: 'Status', writable: true, picklist: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], restricted: true, defaultValue: 'Not Started' },
    { name: 'Priority', type: 'picklist', label: 'Priority', writable: true, picklist: ['High', 'Normal', 'Low'], restricted: true, defaultValue: 'Normal' },
    { name: 'ActivityDate', type: 'date', label: 'Due Date Only', writable: true },
    { name: 'Description', type: 'textarea', label: 'Description', writable: true, length: 32000 },
    // Activities cannot carry External ID fields, so Concord's key on a Task is a plain custom
    // text field it looks up before writing (connectors/salesforce: the documented Task key).
    text('Concord_Id__c', 'Concord Id', { custom: true, length: 64 }),
  ],
  ...PRODUCT_FIELDS,
  // Users: no OwnerId and no Recycle Bin (users are deactivated, never deleted).
  User: [
    { name: 'Id', type: 'id', label: 'User ID', writable: false, length: 18 },
    text('Username', 'Username', { required: true, length: 80 }),
    text('FirstName', 'First Name', { length: 40 }),
    text('LastName', 'Last Name', { required: true, length: 80 }),
    { name: 'Name', type: 'string', label: 'Full Name', writable: false, length: 121 },
    { name: 'Email', type: 'email', label: 'Email', writable: true, length: 128, required: true },
    text('Alias', 'Alias', { required: true, length: 8 }),
    text('Title', 'Title', { length: 80 }),
    { name: 'IsActive', type: 'boolean', label: 'Active', writable: true, defaultValue: true },
    { name: 'UserType', type: 'picklist', label: 'User Type', writable: false, picklist: ['Standard', 'PowerPartner', 'CsnOnly', 'Guest'] },
    { name: 'TimeZoneSidKey', type: 'picklist', label: 'Time Zone', writable: true, length: 40 },
    { name: 'LocaleSidKey', type: 'picklist', label: 'Locale', writable: true, length: 40 },
    { name: 'LanguageLocaleKey', type: 'picklist', label: 'Language', writable: true, length: 40 },
    ...audit(),
  ],
};
// Product links on line items, the package's write-back fields, billing address details (schema-flow.ts).
withFlowFields(FIELDS);

/** Case-insensitive lookup of an sObject type name (SOQL and URLs are case-insensitive). */
export function resolveSObject(name: string): SObjectType | undefined {
  return SOBJECT_TYPES.find((t) => t.toLowerCase() === name.toLowerCase());
}

/** Case-insensitive lookup of a field on a type. */
export function findField(type: SObjectType, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return FIELDS[type].find((f) => f.name.toLowerCase() === lower);
}

/** The type a record id belongs to, by key prefix. */
export function typeOfId(id: string): SObjectType | undefined {
  return SOBJECT_TYPES.find((t) => id.startsWith(KEY_PREFIX[t]));
}

const SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character case-safety suffix that turns a 15-char id into an 18-char one. */
export function idSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i] ?? '')) bits |= 1 << i;
    out += SAFE[bits];
  }
  return out;
}

/** True for a well-formed 15- or 18-character id (18-char ids must carry the right suffix). */
export function isWellFormedId(id: string): boolean {
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(id)) return false;
  return id.length === 15 || idSuffix(id.slice(0, 15)) === id.slice(15).toUpperCase();
}
