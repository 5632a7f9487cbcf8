/**
 * Child relationships: the names Salesforce gives the "many" side of a lookup (`Contacts`,
 * `Opportunities`, `OpportunityLineItems`, `Tasks`, `ChildAccounts`), which SOQL subqueries name
 * in their FROM (`SELECT Id, (SELECT Id FROM Contacts) FROM Account`) and describe lists in
 * `childRelationships`, and whether deleting the parent deletes the children.
 * Names are Salesforce's own, not derived plurals (Opportunity's is `Opportunities`).
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_relationships_understanding.htm
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/relationships_among_objects.htm
 */
import type { SalesforceDataset, SalesforceRecord } from '../seed/types.js';
import { FIELDS, type SObjectType } from './schema.js';
import { allRecords, sameId } from './store.js';

/** One child relationship of a parent type. */
export interface ChildRelationship {
  childSObject: SObjectType;
  /** The lookup field on the child. */
  field: string;
  /** The name subqueries use; null where Salesforce gives none (e.g. OwnerId to User). */
  relationshipName: string | null;
  cascadeDelete: boolean;
}

/** `child.field` -> [relationship name, cascade delete]; lookups not listed have no name. */
const NAMED: Record<string, [string, boolean]> = {
  'Contact.AccountId': ['Contacts', true],
  'Opportunity.AccountId': ['Opportunities', true],
  'Account.ParentId': ['ChildAccounts', false],
  'OpportunityLineItem.OpportunityId': ['OpportunityLineItems', true],
  // Task.WhatId points at Accounts and Opportunities, Task.WhoId at Contacts: `Tasks` on each.
  'Task.WhatId': ['Tasks', true],
  'Task.WhoId': ['Tasks', true],
};

const SOBJECTS = Object.keys(FIELDS) as SObjectType[];

/** Every child relationship of `parent`, in describe order. */
export function childRelationships(parent: SObjectType): ChildRelationship[] {
  return SOBJECTS.flatMap((child) =>
    FIELDS[child]
      .filter((f) => f.referenceTo?.includes(parent))
      .map((f) => {
        const named = NAMED[`${child}.${f.name}`];
        return { childSObject: child, field: f.name, relationshipName: named?.[0] ?? null, cascadeDelete: named?.[1] ?? false };
      }),
  );
}

/** The child relationship `name` of `parent` (case-insensitive), or undefined. */
export function findChildRelationship(parent: SObjectType, name: string): ChildRelationship | undefined {
  const lower = name.toLowerCase();
  return childRelationships(parent).find((r) => r.relationshipName?.toLowerCase() === lower);
}

/** Live records that a cascade-delete relationship ties to the parent record `id`. */
export function cascadeChildren(ds: SalesforceDataset, parent: SObjectType, id: string): { type: SObjectType; rec: SalesforceRecord }[] {
  return childRelationships(parent)
    .filter((r) => r.cascadeDelete)
    .flatMap((r) =>
      allRecords(ds, r.childSObject)
        .filter((rec) => rec.IsDeleted !== true && typeof rec[r.field] === 'string' && sameId(rec[r.field] as string, id))
        .map((rec) => ({ type: r.childSObject, rec })),
    );
}
