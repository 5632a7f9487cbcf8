/**
 * The org's records as the emulator sees them: the arrays of `SalesforceDataset` (line items and
 * the product objects are optional there and start empty when the seed has none); the id counter
 * and the deletion log live beside the dataset (a WeakMap, so a reseed restarts them). Deleted
 * records stay with `IsDeleted = true`, as in the Recycle Bin, so `queryAll` still sees them, and
 * each deletion is logged with its date for `sobjects/{type}/deleted`.
 */
import type { SalesforceDataset, SalesforceRecord } from '../seed/types.js';
import { notFound, SalesforceError } from './errors.js';
import { KEY_PREFIX, idSuffix, isWellFormedId, type SObjectType } from './schema.js';
import { AppendIndex } from '../core/append-index.js';

/** One deleted record, as `sobjects/{type}/deleted` reports it. */
export interface Deletion {
  type: SObjectType;
  id: string;
  /** Salesforce datetime of the deletion. */
  deletedDate: string;
}

interface Extras {
  deletions: Deletion[];
  counter: number;
}

const extrasByDataset = new WeakMap<SalesforceDataset, Extras>();

function extras(ds: SalesforceDataset): Extras {
  let ex = extrasByDataset.get(ds);
  if (!ex) {
    ex = { deletions: [], counter: 0 };
    extrasByDataset.set(ds, ex);
  }
  return ex;
}

/** Every record of a type, deleted ones included. */
export function allRecords(ds: SalesforceDataset, type: SObjectType): SalesforceRecord[] {
  switch (type) {
    // Seeded line items and products live on the dataset (optional there); none seeded = empty.
    case 'OpportunityLineItem':
    case 'Product2':
    case 'Pricebook2':
    case 'PricebookEntry':
      return (ds[type] ??= []);
    default:
      return ds[type];
  }
}

/** Records deleted since the dataset was seeded, oldest first. */
export function deletions(ds: SalesforceDataset): readonly Deletion[] {
  return extras(ds).deletions;
}

/** Logs a deletion (records.ts `deleteRecord` calls it). */
export function logDeletion(ds: SalesforceDataset, entry: Deletion): void {
  extras(ds).deletions.push(entry);
}

/** True when the record is in the Recycle Bin. */
export function isDeleted(r: SalesforceRecord): boolean {
  return r.IsDeleted === true;
}

/** Ids compare on their case-sensitive 15-character form (15 and 18 char ids are the same record). */
export function sameId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}

/** Records by their 15-character id, per records array (../core/append-index.ts; ids never change). */
const idIndex = new AppendIndex<SalesforceRecord>((r) => r.Id.slice(0, 15));

/** Finds a live record (or a deleted one when `includeDeleted`). */
export function findRecord(ds: SalesforceDataset, type: SObjectType, id: string, includeDeleted = false): SalesforceRecord | undefined {
  if (!isWellFormedId(id)) return undefined;
  return idIndex
    .of(allRecords(ds, type))
    .get(id.slice(0, 15))
    ?.find((r) => sameId(r.Id, id) && (includeDeleted || !isDeleted(r)));
}

/** Like findRecord, but a malformed id is 400 MALFORMED_ID and a missing one 404 NOT_FOUND. */
export function getRecord(ds: SalesforceDataset, type: SObjectType, id: string): SalesforceRecord {
  if (!isWellFormedId(id)) throw new SalesforceError(400, 'MALFORMED_ID', `${type} ID: id value of incorrect type: ${id}`, ['Id']);
  if (!id.startsWith(KEY_PREFIX[type])) throw notFound(`Provided external ID field does not exist or is not accessible: ${id}`);
  const r = findRecord(ds, type, id);
  if (!r) throw notFound();
  return r;
}

/** A fresh 18-character id with the type's key prefix, never colliding with seeded ones. */
export function newId(ds: SalesforceDataset, type: SObjectType): string {
  const ex = extras(ds);
  for (;;) {
    ex.counter++;
    // 'Sx' in the pod/instance position keeps emulator-made ids apart from seeded ones ('5g').
    const id15 = `${KEY_PREFIX[type]}Sx${ex.counter.toString(36).toUpperCase().padStart(10, '0')}`;
    const id = id15 + idSuffix(id15);
    if (!findRecord(ds, type, id, true)) return id;
  }
}

/** Salesforce's datetime format: `2024-01-31T09:00:00.000+0000`. */
export function sfDateTime(d = new Date()): string {
  return d.toISOString().replace('Z', '+0000');
}
