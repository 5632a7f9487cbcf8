/**
 * Writing and presenting sObject records: field-by-field checks with Salesforce's error codes
 * (INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE, REQUIRED_FIELD_MISSING, JSON_PARSER_ERROR,
 * STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, ...), derived fields, and `attributes` on output.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../seed/types.js';
import { SalesforceError } from './errors.js';
import { FIELDS, findField, isWellFormedId, isWritableType, typeOfId, type FieldDef, type SObjectType } from './schema.js';
import { allRecords, findRecord, logDeletion, newId, sfDateTime } from './store.js';
import { cascadeChildren } from './relationships.js';
import { notifyRecordChange } from './changes.js';
import { completeProductWrite } from './products.js';

type Scalar = string | number | boolean | null;

/** The record's REST URL path for `attributes.url`. */
export function recordUrl(version: string, type: SObjectType, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** Derived values Salesforce computes (compound names). */
function derived(type: SObjectType, rec: SalesforceRecord): Record<string, Scalar> {
  if (type === 'Contact' || type === 'User') return { Name: [rec.FirstName, rec.LastName].filter((x) => typeof x === 'string' && x).join(' ') };
  return {};
}

/** A field's value on a record, derived fields included; undefined fields read as null. */
export function fieldValue(type: SObjectType, rec: SalesforceRecord, name: string): Scalar {
  if (name === 'IsDeleted') return rec.IsDeleted === true;
  // SystemModstamp moves with every change, system ones included; records written before it was
  // tracked fall back to their last modification.
  if (name === 'SystemModstamp') return rec.SystemModstamp ?? rec.LastModifiedDate ?? rec.CreatedDate ?? null;
  const d = derived(type, rec);
  if (name in d) return d[name] ?? null;
  return rec[name] ?? null;
}

/**
 * A record as the REST API returns it, with every field or only `fields` (then `Id` follows the
 * requested ones, as Salesforce always returns it).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm
 */
export function presentRecord(version: string, type: SObjectType, rec: SalesforceRecord, fields?: string[]): Record<string, unknown> {
  const names = fields ? [...fields, ...(fields.some((f) => f.toLowerCase() === 'id') ? [] : ['Id'])] : FIELDS[type].map((f) => f.name);
  const out: Record<string, unknown> = { attributes: { type, url: recordUrl(version, type, rec.Id) } };
  for (const n of names) {
    const def = findField(type, n);
    if (!def) throw new SalesforceError(400, 'INVALID_FIELD', `No such column '${n}' on entity '${type}'.`);
    out[def.name] = fieldValue(type, rec, def.name);
  }
  return out;
}

function bad(status: 400, code: string, message: string, fields: string[]): never {
  throw new SalesforceError(status, code, message, fields);
}

/** Checks and converts one value for its field, or throws the matching Salesforce error. */
function coerce(ds: SalesforceDataset, type: SObjectType, def: FieldDef, value: unknown): Scalar {
  if (value === null || value === '') {
    if (def.required) bad(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${def.name}]`, [def.name]);
    if (def.name === 'OwnerId') bad(400, 'INVALID_CROSS_REFERENCE_KEY', 'Owner ID: owner cannot be blank', [def.name]);
    return null;
  }
  const parseErr = (kind: string): never =>
    bad(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${kind} from VALUE_${typeof value === 'string' ? 'STRING' : 'OTHER'} value ${JSON.stringify(value)} or request may be missing a required field`, [def.name]);
  switch (def.type) {
    case 'currency':
    case 'double':
    case 'percent': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(n) ? n : parseErr(def.type);
    }
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
      return Number.isSafeInteger(n) ? n : parseErr('int');
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : parseErr('boolean');
    case 'date': {
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value.slice(0, 10)))) return parseErr('date');
      return value.slice(0, 10);
    }
    case 'datetime': {
      const t = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isFinite(t) ? sfDateTime(new Date(t)) : parseErr('datetime');
    }
    default:
      break;
  }
  if (typeof value !== 'string') return parseErr('string');
  if (def.length && value.length > def.length) bad(400, 'STRING_TOO_LONG', `${def.label}: data value too large: ${value.slice(0, 40)} (max length=${def.length})`, [def.name]);
  if (def.type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) bad(400, 'INVALID_EMAIL_ADDRESS', `Email: invalid email address: ${value}`, [def.name]);
  if (def.type === 'picklist' && def.restricted && def.picklist && !def.picklist.includes(value)) {
    bad(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${def.label}: bad value for restricted picklist field: ${value}`, [def.name]);
  }
  if (def.type === 'reference' && def.referenceTo) checkReference(ds, type, def, value);
  return value;
}

/**
 * A lookup must name an existing record of a type the field points to; an owner must be an
 * active user. Codes as the REST API answers them: MALFORMED_ID (not an id),
 * FIELD_INTEGRITY_EXCEPTION (an id of another type), INVALID_CROSS_REFERENCE_KEY (no such
 * record), INACTIVE_OWNER_OR_USER (a deactivated owner).
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#statuscode
 */
function checkReference(ds: SalesforceDataset, type: SObjectType, def: FieldDef, value: string): void {
  if (!isWellFormedId(value)) bad(400, 'MALFORMED_ID', `${def.label}: id value of incorrect type: ${value}`, [def.name]);
  const target = typeOfId(value);
  if (!target || !def.referenceTo!.includes(target)) bad(400, 'FIELD_INTEGRITY_EXCEPTION', `${def.label}: id value of incorrect type: ${value}`, [def.name]);
  const rec = findRecord(ds, target, value);
  if (!rec) bad(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [def.name]);
  if (target === 'User' && rec.IsActive === false) bad(400, 'INACTIVE_OWNER_OR_USER', `operation performed with inactive user [${rec.Id}] as owner of [${type.toLowerCase()}]`, [def.name]);
}

/**
 * Validates a write body (create when `existing` is absent) and returns the stored field values.
 * `attributes` and `Id` are ignored, as the REST API does for bodies it already addressed.
 */
export function checkWrite(ds: SalesforceDataset, type: SObjectType, body: unknown, existing?: SalesforceRecord): Record<string, Scalar> {
  refuseReadOnlyType(type, existing ? 'update' : 'insert');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    bad(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values', []);
  }
  const out: Record<string, Scalar> = {};
  const readOnly: string[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    // Field names are case-insensitive; jsforce sends `id` in collection updates.
    if (key === 'attributes' || key.toLowerCase() === 'id') continue;
    const def = findField(type, key);
    if (!def) throw new SalesforceError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${type}`, [key]);
    if (!def.writable || (existing && def.createOnly)) {
      readOnly.push(def.name);
      continue;
    }
    out[def.name] = coerce(ds, type, def, value);
  }
  if (readOnly.length) {
    bad(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
  }
  if (!existing) {
    const missing = FIELDS[type].filter((f) => f.required && (out[f.name] === undefined || out[f.name] === null)).map((f) => f.name);
    if (missing.length) bad(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
  }
  for (const def of FIELDS[type]) {
    if (def.externalId && typeof out[def.name] === 'string') {
      const clash = allRecords(ds, type).find((r) => r.IsDeleted !== true && r !== existing && r[def.name] === out[def.name]);
      if (clash) bad(400, 'DUPLICATE_VALUE', `duplicate value found: ${def.name} duplicates value on record with id: ${clash.Id}`, [def.name]);
    }
  }
  // Line items take their product from the price book entry (products.ts).
  return completeProductWrite(ds, type, out, existing);
}

/**
 * Users are read-only for the sandbox's API user (describe says createable/updateable/deletable
 * false), as for an integration user without "Manage Users".
 */
export function refuseReadOnlyType(type: SObjectType, operation: 'insert' | 'update' | 'delete'): void {
  if (!isWritableType(type)) throw new SalesforceError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on object: cannot ${operation} ${type}`);
}

/** Fields Salesforce maintains itself after each write. */
function maintain(type: SObjectType, rec: SalesforceRecord): void {
  if (type === 'Opportunity') {
    rec.IsClosed = rec.StageName === 'Closed Won' || rec.StageName === 'Closed Lost';
    rec.IsWon = rec.StageName === 'Closed Won';
  }
  if (type === 'OpportunityLineItem') {
    if (typeof rec.UnitPrice === 'number' && typeof rec.Quantity === 'number') rec.TotalPrice = rec.UnitPrice * rec.Quantity;
  }
  rec.LastModifiedDate = sfDateTime();
  rec.SystemModstamp = rec.LastModifiedDate;
}

/** Inserts a checked record and returns it. */
export function insertRecord(ds: SalesforceDataset, type: SObjectType, values: Record<string, Scalar>): SalesforceRecord {
  const rec: SalesforceRecord = { Id: newId(ds, type) };
  for (const def of FIELDS[type]) if (def.defaultValue !== undefined && values[def.name] === undefined) rec[def.name] = def.defaultValue;
  Object.assign(rec, values, { CreatedDate: sfDateTime() });
  maintain(type, rec);
  allRecords(ds, type).push(rec);
  notifyRecordChange({ type, record: rec, before: null });
  return rec;
}

/** Applies checked values to an existing record. */
export function applyUpdate(type: SObjectType, rec: SalesforceRecord, values: Record<string, Scalar>): void {
  const before = { ...rec };
  Object.assign(rec, values);
  maintain(type, rec);
  notifyRecordChange({ type, record: rec, before });
}

/**
 * Moves a record to the Recycle Bin, with the children a cascade-delete relationship ties to it
 * (an Account's Contacts, Opportunities and Tasks; an Opportunity's line items), and logs each
 * deletion for `sobjects/{type}/deleted`.
 */
export function deleteRecord(ds: SalesforceDataset, type: SObjectType, rec: SalesforceRecord): void {
  refuseReadOnlyType(type, 'delete');
  if (rec.IsDeleted === true) return;
  const now = sfDateTime();
  rec.IsDeleted = true;
  rec.LastModifiedDate = now;
  rec.SystemModstamp = now;
  logDeletion(ds, { type, id: rec.Id, deletedDate: now });
  for (const child of cascadeChildren(ds, type, rec.Id)) deleteRecord(ds, child.type, child.rec);
}
