/**
 * The Salesforce package (extensions/salesforce) defines every custom field the broker reads and
 * writes on a customer's org, with the type the sandbox org gives it, and its integration
 * permission set lets Concord's user edit the ones Concord writes. Without this, the broker works
 * against the sandbox (whose schema has the fields) and fails on a real org with the package
 * installed (`INVALID_FIELD` on the Account facts, the Task key).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_FACT_FIELD, DEAL_FACT_FIELD } from '../../worker/connectors/salesforce/map.js';
import { FLOW_FIELDS } from '../../sandbox/salesforce/schema-flow.js';

const ROOT = new URL('../../extensions/salesforce/force-app/main/default/', import.meta.url);

/** The package's custom fields per object: API name -> metadata type. */
function packageFields(object: string): Map<string, string> {
  const dir = new URL(`objects/${object}/fields/`, ROOT);
  const out = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    const xml = readFileSync(new URL(file, dir), 'utf8');
    const name = /<fullName>([^<]+)<\/fullName>/.exec(xml)?.[1];
    const type = /<type>([^<]+)<\/type>/.exec(xml)?.[1];
    expect(name, file).toBe(file.replace('.field-meta.xml', ''));
    out.set(name!, type!);
  }
  return out;
}

/** Field permissions of a permission set: `Object.Field` -> editable. */
function permissions(set: string): Map<string, boolean> {
  const xml = readFileSync(new URL(`permissionsets/${set}.permissionset-meta.xml`, ROOT), 'utf8');
  const out = new Map<string, boolean>();
  for (const m of xml.matchAll(/<fieldPermissions>\s*<editable>(true|false)<\/editable>\s*<field>([^<]+)<\/field>\s*<readable>true<\/readable>\s*<\/fieldPermissions>/g)) out.set(m[2]!, m[1] === 'true');
  return out;
}

/** The sandbox org's field types -> the metadata types a package field of that kind has. */
const METADATA_TYPE: Record<string, string[]> = {
  string: ['Text'],
  textarea: ['TextArea', 'LongTextArea'],
  currency: ['Currency'],
  double: ['Number'],
  int: ['Number'],
  date: ['Date'],
  datetime: ['DateTime'],
  boolean: ['Checkbox'],
  picklist: ['Picklist'],
};

describe('the Salesforce package defines what the broker uses', () => {
  const account = packageFields('Account');
  const opportunity = packageFields('Opportunity');
  const activity = packageFields('Activity');
  const integration = permissions('Concord_Integration');
  const user = permissions('Concord_User');

  it('every Account fact and Opportunity order fact Concord writes is a package field Concord may edit and users may read', () => {
    for (const field of Object.values(ACCOUNT_FACT_FIELD)) {
      expect(account.has(field), `Account.${field} in the package`).toBe(true);
      expect(integration.get(`Account.${field}`), `Concord_Integration edits Account.${field}`).toBe(true);
      expect(user.has(`Account.${field}`), `Concord_User reads Account.${field}`).toBe(true);
    }
    for (const field of Object.values(DEAL_FACT_FIELD)) {
      expect(opportunity.has(field), `Opportunity.${field} in the package`).toBe(true);
      expect(integration.get(`Opportunity.${field}`), `Concord_Integration edits Opportunity.${field}`).toBe(true);
    }
  });

  it("the Task key Concord files tasks by is an Activity field of the package (activities take no external id)", () => {
    expect(activity.get('Concord_Id__c')).toBe('Text');
    expect(integration.get('Activity.Concord_Id__c')).toBe(true);
  });

  it('each custom field the sandbox org adds for the package has the same kind in the package', () => {
    for (const [object, fields] of [['Account', account], ['Opportunity', opportunity]] as const) {
      for (const def of FLOW_FIELDS[object] ?? []) {
        if (!def.name.endsWith('__c')) continue;
        expect(fields.has(def.name), `${object}.${def.name} in the package`).toBe(true);
        expect(METADATA_TYPE[def.type], `${object}.${def.name}: sandbox ${def.type}, package ${fields.get(def.name)}`).toContain(fields.get(def.name));
      }
    }
  });
});
