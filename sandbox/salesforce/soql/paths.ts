/**
 * Field paths in SOQL: `Name`, `Account.Name`, `Owner.Name`, `What.Name` (polymorphic), resolved
 * against the describe metadata and followed from a record to its parents.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_query_using.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../../seed/types.js';
import { SalesforceError, invalidField } from '../errors.js';
import { fieldValue } from '../records.js';
import { FIELDS, findField, typeOfId, type FieldDef, type SObjectType } from '../schema.js';
import { findRecord } from '../store.js';

export type Scalar = string | number | boolean | null;

/** A field path resolved against the schema: relationship hops, then the leaf field. */
export interface ResolvedPath {
  hops: { def: FieldDef; name: string }[];
  leaf: FieldDef;
  leafType: SObjectType;
}

export function resolvePath(root: SObjectType, path: string): ResolvedPath {
  const parts = path.split('.');
  let type = root;
  const hops: ResolvedPath['hops'] = [];
  // A leading segment equal to the FROM object is allowed: `SELECT Account.Name FROM Account`.
  if (parts.length > 1 && parts[0]!.toLowerCase() === root.toLowerCase() && !FIELDS[root].some((f) => f.relationshipName?.toLowerCase() === parts[0]!.toLowerCase())) parts.shift();
  if (parts.length > 6) throw new SalesforceError(400, 'INVALID_FIELD', `${path}: relationship paths are limited to 5 levels`);
  for (const [idx, rel] of parts.slice(0, -1).entries()) {
    const def = FIELDS[type].find((f) => f.relationshipName?.toLowerCase() === rel.toLowerCase());
    if (!def?.referenceTo?.length) {
      throw new SalesforceError(400, 'INVALID_FIELD', `Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`);
    }
    hops.push({ def, name: def.relationshipName! });
    const nextName = parts[idx + 1]!;
    // Polymorphic lookups (Task.What): use the first target type that has the next field.
    type = def.referenceTo.find((t) => findField(t, nextName) || FIELDS[t].some((f) => f.relationshipName?.toLowerCase() === nextName.toLowerCase())) ?? def.referenceTo[0]!;
  }
  const leafName = parts[parts.length - 1]!;
  const leaf = findField(type, leafName);
  if (!leaf) throw invalidField(leafName, type);
  return { hops, leaf, leafType: type };
}

/** Follows relationship hops; undefined when a parent is missing. */
export function parentOf(ds: SalesforceDataset, rec: SalesforceRecord, path: ResolvedPath, upTo: number): { rec: SalesforceRecord; type: SObjectType } | undefined {
  let cur = rec;
  let curType: SObjectType | undefined;
  for (let i = 0; i < upTo; i++) {
    const id = cur[path.hops[i]!.def.name];
    if (typeof id !== 'string') return undefined;
    curType = typeOfId(id);
    if (!curType) return undefined;
    const next = findRecord(ds, curType, id, true);
    if (!next) return undefined;
    cur = next;
  }
  return curType ? { rec: cur, type: curType } : undefined;
}

export function valueAt(ds: SalesforceDataset, root: SObjectType, rec: SalesforceRecord, path: ResolvedPath): Scalar {
  if (path.hops.length === 0) return fieldValue(root, rec, path.leaf.name);
  const parent = parentOf(ds, rec, path, path.hops.length);
  return parent ? fieldValue(parent.type, parent.rec, path.leaf.name) : null;
}
