/**
 * Schema the closed-won flow needs on top of sandbox/salesforce/schema.ts: the product objects
 * (Product2, Pricebook2, PricebookEntry) with OpportunityLineItem's links to them, so SOQL such as
 * `SELECT Quantity, UnitPrice, Product2.ProductCode FROM OpportunityLineItem WHERE OpportunityId = …`
 * works; the Concord package's custom fields (extensions/salesforce/force-app/main/default/objects)
 * that the broker writes back; and the billing address fields an Account needs for an ERP customer.
 * Fields are added to schema.ts's lists only when absent, so a richer standard schema wins.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_product2.htm
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitylineitem.htm
 */
import type { FieldDef, SObjectType } from './schema.js';

/** The product objects and their key prefixes. */
export const PRODUCT_SOBJECTS = ['Product2', 'Pricebook2', 'PricebookEntry'] as const;
export type ProductSObject = (typeof PRODUCT_SOBJECTS)[number];
export const PRODUCT_KEY_PREFIX: Record<ProductSObject, string> = { Product2: '01t', Pricebook2: '01s', PricebookEntry: '01u' };

const text = (name: string, label: string, length = 255, extra: Partial<FieldDef> = {}): FieldDef => ({ name, type: 'string', label, writable: true, length, ...extra });
const fact = (name: string, type: FieldDef['type'], label: string): FieldDef => ({ name, type, label, writable: true, custom: true });
const sys = (name: string, type: FieldDef['type'], label: string): FieldDef => ({ name, type, label, writable: false });
const base = (): FieldDef[] => [
  { name: 'Id', type: 'id', label: 'Record ID', writable: false, length: 18 },
  sys('CreatedDate', 'datetime', 'Created Date'),
  sys('LastModifiedDate', 'datetime', 'Last Modified Date'),
  sys('IsDeleted', 'boolean', 'Deleted'),
];
const currencyCode = (): FieldDef => ({ name: 'CurrencyIsoCode', type: 'picklist', label: 'Currency ISO Code', writable: true, picklist: ['USD', 'EUR', 'GBP', 'CAD', 'AUD'], restricted: true, defaultValue: 'USD' });

/** Field definitions of the product objects. */
export const PRODUCT_FIELDS: Record<ProductSObject, FieldDef[]> = {
  Product2: [
    ...base(),
    text('Name', 'Product Name', 255, { required: true }),
    text('ProductCode', 'Product Code'),
    { name: 'Family', type: 'picklist', label: 'Product Family', writable: true, picklist: ['Platform', 'Add-on', 'Services', 'Hardware'] },
    { name: 'IsActive', type: 'boolean', label: 'Active', writable: true, defaultValue: false },
    { name: 'Description', type: 'textarea', label: 'Product Description', writable: true, length: 4000 },
  ],
  Pricebook2: [
    ...base(),
    text('Name', 'Price Book Name', 255, { required: true }),
    { name: 'IsActive', type: 'boolean', label: 'Active', writable: true, defaultValue: false },
    sys('IsStandard', 'boolean', 'Is Standard Price Book'),
    { name: 'Description', type: 'textarea', label: 'Description', writable: true, length: 255 },
  ],
  PricebookEntry: [
    ...base(),
    { name: 'Pricebook2Id', type: 'reference', label: 'Price Book ID', writable: true, createOnly: true, required: true, length: 18, referenceTo: ['Pricebook2' as SObjectType], relationshipName: 'Pricebook2' },
    { name: 'Product2Id', type: 'reference', label: 'Product ID', writable: true, createOnly: true, required: true, length: 18, referenceTo: ['Product2' as SObjectType], relationshipName: 'Product2' },
    { name: 'UnitPrice', type: 'currency', label: 'List Price', writable: true, required: true },
    { name: 'IsActive', type: 'boolean', label: 'Active', writable: true, defaultValue: false },
    { name: 'UseStandardPrice', type: 'boolean', label: 'Use Standard Price', writable: true, defaultValue: false },
    { ...currencyCode(), createOnly: true },
    sys('Name', 'string', 'Product Name'),
    sys('ProductCode', 'string', 'Product Code'),
  ],
};

/**
 * Fields added to existing objects: OpportunityLineItem's product links, Opportunity's price book,
 * the package's write-back fields and Account billing address details.
 */
export const FLOW_FIELDS: Partial<Record<SObjectType, FieldDef[]>> = {
  OpportunityLineItem: [
    { name: 'PricebookEntryId', type: 'reference', label: 'Price Book Entry ID', writable: true, createOnly: true, length: 18, referenceTo: ['PricebookEntry' as SObjectType], relationshipName: 'PricebookEntry' },
    { name: 'Product2Id', type: 'reference', label: 'Product ID', writable: true, createOnly: true, length: 18, referenceTo: ['Product2' as SObjectType], relationshipName: 'Product2' },
    { name: 'ListPrice', type: 'currency', label: 'List Price', writable: false },
  ],
  Opportunity: [
    { name: 'Pricebook2Id', type: 'reference', label: 'Price Book ID', writable: true, length: 18, referenceTo: ['Pricebook2' as SObjectType], relationshipName: 'Pricebook2' },
    // The Concord package's custom fields (acknowledgement and order write-back).
    text('Concord_Order_Status__c', 'Concord Order Status', 40, { custom: true }),
    text('Concord_Order_Number__c', 'Concord Order Number', 64, { custom: true }),
    text('Concord_Erp_Customer_Id__c', 'Concord ERP Customer Id', 64, { custom: true }),
    text('Concord_Cs_Account_Id__c', 'Concord CS Account Id', 64, { custom: true }),
    { name: 'Concord_Order_Created_At__c', type: 'datetime', label: 'Concord Order Created At', writable: true, custom: true },
    { name: 'Concord_Order_Issue__c', type: 'textarea', label: 'Concord Order Issue', writable: true, length: 1000, custom: true },
    // What the order is made from (the package's input fields, edited by sales).
    { name: 'Concord_Contract_Start__c', type: 'date', label: 'Contract Start', writable: true, custom: true },
    { name: 'Concord_Contract_End__c', type: 'date', label: 'Contract End', writable: true, custom: true },
    { name: 'Concord_Payment_Terms__c', type: 'picklist', label: 'Payment Terms', writable: true, picklist: ['Net 15', 'Net 30', 'Net 60'], restricted: true, custom: true },
  ],
  Account: [
    { name: 'BillingStreet', type: 'textarea', label: 'Billing Street', writable: true, length: 255 },
    text('BillingPostalCode', 'Billing Zip/Postal Code', 20),
    text('BillingState', 'Billing State/Province', 80),
    text('Concord_Erp_Customer_Id__c', 'Concord ERP Customer Id', 64, { custom: true }),
    text('Concord_Cs_Account_Id__c', 'Concord CS Account Id', 64, { custom: true }),
    // The package's account facts, written by the change pipeline (worker/flows/account-changes).
    text('Concord_Account_Id__c', 'Concord Account Id', 64, { custom: true }),
    fact('Concord_Open_AR__c', 'currency', 'Concord Open AR'),
    fact('Concord_Overdue_AR__c', 'currency', 'Concord Overdue AR'),
    fact('Concord_Oldest_Overdue_Days__c', 'double', 'Concord Oldest Overdue Days'),
    fact('Concord_Disputed_AR__c', 'currency', 'Concord Disputed AR'),
    fact('Concord_Last_Payment_Date__c', 'date', 'Concord Last Payment Date'),
    fact('Concord_Contract_End__c', 'date', 'Concord Contract End'),
    fact('Concord_Renewal_Date__c', 'date', 'Concord Renewal Date'),
    fact('Concord_ARR__c', 'currency', 'Concord ARR'),
    fact('Concord_Health_Score__c', 'double', 'Concord Health Score'),
    text('Concord_Health_Trend__c', 'Concord Health Trend', 20, { custom: true }),
    text('Concord_Onboarding_Stage__c', 'Concord Onboarding Stage', 120, { custom: true }),
    text('Concord_Renewal_Risk__c', 'Concord Renewal Risk', 20, { custom: true }),
    { ...fact('Concord_Finance_Hold__c', 'boolean', 'Concord Finance Hold'), defaultValue: false },
    { ...fact('Concord_Renewal_Hold__c', 'boolean', 'Concord Renewal Hold'), defaultValue: false },
    text('Concord_Tax_Id__c', 'Tax Id / VAT Number', 32, { custom: true }),
  ],
};

/** Appends `FLOW_FIELDS` to `fields`, skipping names already defined. */
export function withFlowFields(fields: Record<SObjectType, FieldDef[]>): void {
  for (const [type, extra] of Object.entries(FLOW_FIELDS) as [SObjectType, FieldDef[]][]) {
    const list = fields[type];
    for (const def of extra) if (!list.some((f) => f.name.toLowerCase() === def.name.toLowerCase())) list.push(def);
  }
}
