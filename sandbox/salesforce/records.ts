/**
 * Writing and presenting sObject records: field-by-field checks with Salesforce's error codes
 * (INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE, REQUIRED_FIELD_MISSING, JSON_PARSER_ERROR,
 * STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, ...), derived fields, and `attributes` on output.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../seed/types.js';
import { SalesforceError } from './errors.js';
import { FIELDS, findField, typeOfId, type FieldDef, type SObjectType } from './schema.js';
import { allRecords, findRecord, newId, sfDateTime } from './store.js';
import { notifyRecordChange } from './changes.js';
import { completeProductWrite } from './products.js';

type Scalar = string | number | boolean | null;

/** The record's REST URL path for `attributes.url`. */
export function recordUrl(version: string, type: SObjectType, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** Derived values Salesforce computes (compound names, stage flags). */
function derived(type: SObjectType, rec: SalesforceRecord): Record<string, Scalar> {
  if (type === 'Contact') return { Name: [rec.FirstName, rec.LastName].filter((x) => typeof x === 'string' && x).join(' ') };
  return {};
}

/** A field's value on a record, derived fields included; undefined fields read as null. */
export function fieldValue(type: SObjectType, rec: SalesforceRecord, name: string): Scalar {
  if (name === 'IsDeleted') return rec.IsDeleted === true;
  const d = derived(type, rec);
  if (name in d) return d[name] ?? null;
  return rec[name] ?? null;
}

/** A record as the REST API returns it, with every field or only `fields`. */
export function presentRecord(version: string, type: SObjectType, rec: SalesforceRecord, fields?: string[]): Record<string, unknown> {
  const names = fields ?? FIELDS[type].map((f) => f.name);
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
function coerce(ds: SalesforceDataset, def: FieldDef, value: unknown): Scalar {
  if (value === null || value === '') {
    if (def.required) bad(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${def.name}]`, [def.name]);
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
  if (def.type === 'reference' && def.referenceTo) {
    const target = typeOfId(value);
    if (!target || !def.referenceTo.includes(target)) bad(400, 'FIELD_INTEGRITY_EXCEPTION', `${def.label}: id value of incorrect type: ${value}`, [def.name]);
    if (!findRecord(ds, target, value)) bad(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [def.name]);
  }
  return value;
}

/**
 * Validates a write body (create when `existing` is absent) and returns the stored field values.
 * `attributes` and `Id` are ignored, as the REST API does for bodies it already addressed.
 */
export function checkWrite(ds: SalesforceDataset, type: SObjectType, body: unknown, existing?: SalesforceRecord): Record<string, Scalar> {
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
    out[def.name] = coerce(ds, def, value);
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

/** Moves a record to the Recycle Bin. */
export function deleteRecord(rec: SalesforceRecord): void {
  rec.IsDeleted = true;
  rec.LastModifiedDate = sfDateTime();
}
