/**
 * sObject describe metadata in the REST API's shape, built from schema.ts.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 */
import { childRelationships } from './relationships.js';
import { FIELDS, KEY_PREFIX, isWritableType, type FieldDef, type SObjectType } from './schema.js';

const LABELS: Record<SObjectType, [string, string]> = {
  Account: ['Account', 'Accounts'],
  Contact: ['Contact', 'Contacts'],
  Opportunity: ['Opportunity', 'Opportunities'],
  OpportunityLineItem: ['Opportunity Product', 'Opportunity Product'],
  Task: ['Task', 'Tasks'],
  Product2: ['Product', 'Products'],
  Pricebook2: ['Price Book', 'Price Books'],
  PricebookEntry: ['Price Book Entry', 'Price Book Entries'],
  User: ['User', 'Users'],
};

const SOAP_TYPES: Record<FieldDef['type'], string> = {
  id: 'tns:ID', reference: 'tns:ID', string: 'xsd:string', textarea: 'xsd:string', url: 'xsd:string', email: 'xsd:string', phone: 'xsd:string',
  picklist: 'xsd:string', currency: 'xsd:double', double: 'xsd:double', percent: 'xsd:double', int: 'xsd:int', date: 'xsd:date', datetime: 'xsd:dateTime', boolean: 'xsd:boolean',
};

function urls(version: string, type: SObjectType): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${type}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

/** The short form listed by `GET /sobjects` (describeGlobal). */
export function globalEntry(version: string, type: SObjectType): Record<string, unknown> {
  const [label, labelPlural] = LABELS[type];
  return {
    name: type, label, labelPlural, keyPrefix: KEY_PREFIX[type], custom: false, createable: isWritableType(type), updateable: isWritableType(type), deletable: isWritableType(type),
    queryable: true, retrieveable: true, searchable: type !== 'OpportunityLineItem', layoutable: true, urls: urls(version, type),
  };
}

function describeField(f: FieldDef): Record<string, unknown> {
  const defaulted = f.defaultValue !== undefined || ['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp', 'IsDeleted', 'IsClosed', 'IsWon'].includes(f.name);
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    soapType: SOAP_TYPES[f.type],
    length: f.length ?? 0,
    digits: f.type === 'int' ? 8 : 0,
    precision: f.type === 'currency' ? 18 : 0,
    scale: f.type === 'currency' ? 2 : 0,
    nillable: !f.required && f.type !== 'boolean' && f.name !== 'Id',
    createable: f.writable,
    updateable: f.writable && f.name !== 'OpportunityId',
    defaultedOnCreate: defaulted,
    custom: f.custom ?? false,
    externalId: f.externalId ?? false,
    idLookup: f.name === 'Id' || (f.externalId ?? false),
    unique: f.externalId ?? false,
    filterable: f.type !== 'textarea',
    sortable: f.type !== 'textarea',
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    restrictedPicklist: f.restricted ?? false,
    picklistValues: (f.picklist ?? []).map((value) => ({ active: true, defaultValue: value === f.defaultValue, label: value, validFor: null, value })),
    defaultValue: f.defaultValue ?? null,
  };
}

/** Full describe of one sObject type. */
export function describeSObject(version: string, type: SObjectType): Record<string, unknown> {
  return {
    ...globalEntry(version, type),
    fields: FIELDS[type].map(describeField),
    // Shape of DescribeSObjectResult.childRelationships (jsforce's ChildRelationship type).
    childRelationships: childRelationships(type).map((r) => ({
      cascadeDelete: r.cascadeDelete,
      childSObject: r.childSObject,
      deprecatedAndHidden: false,
      field: r.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: r.relationshipName,
      restrictedDelete: false,
    })),
    recordTypeInfos: [],
  };
}
