/** Raw Salesforce REST shapes, validated at the boundary. */
import { z } from 'zod';

export const QueryPageSchema = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});

export const AccountRowSchema = z.object({
  Id: z.string(),
  Name: z.string().nullish(),
  Website: z.string().nullish(),
  BillingStreet: z.string().nullish(),
  BillingCity: z.string().nullish(),
  BillingCountry: z.string().nullish(),
});
export type AccountRow = z.infer<typeof AccountRowSchema>;

/** An Account read by the change poll, with its creation and modification stamps. */
export const ChangedAccountRowSchema = AccountRowSchema.extend({ CreatedDate: z.string(), SystemModstamp: z.string() });

/** `sobjects/{type}/deleted` (getDeleted): deleted ids with their date, and the span the delete log covers. */
export const DeletedAnswerSchema = z.object({
  deletedRecords: z.array(z.object({ id: z.string(), deletedDate: z.string() })),
  earliestDateAvailable: z.string().nullish(),
  latestDateCovered: z.string().nullish(),
});

/** A deleted Account read with `queryAll`: where a merge sent it (`MasterRecordId`, null for a plain delete). */
export const DeletedAccountRowSchema = z.object({ Id: z.string(), MasterRecordId: z.string().nullish() });

export const ContactRowSchema = z.object({
  Id: z.string(),
  AccountId: z.string().nullish(),
  FirstName: z.string().nullish(),
  LastName: z.string().nullish(),
  Email: z.string().nullish(),
  Title: z.string().nullish(),
  Phone: z.string().nullish(),
  Concord_Id__c: z.string().nullish(),
});
export type ContactRow = z.infer<typeof ContactRowSchema>;

export const OpportunityRowSchema = z.object({
  Id: z.string(),
  AccountId: z.string().nullish(),
  Name: z.string().nullish(),
  Amount: z.number().nullish(),
  StageName: z.string().nullish(),
  CloseDate: z.string().nullish(),
  IsClosed: z.boolean().nullish(),
  IsWon: z.boolean().nullish(),
  CurrencyIsoCode: z.string().nullish(),
  Concord_Id__c: z.string().nullish(),
});
export type OpportunityRow = z.infer<typeof OpportunityRowSchema>;
/** An Opportunity read for its Account only. */
export const DealAccountRowSchema = OpportunityRowSchema.pick({ AccountId: true });

export const LineItemRowSchema = z.object({
  Id: z.string(),
  OpportunityId: z.string(),
  Name: z.string().nullish(),
  ProductCode: z.string().nullish(),
  Quantity: z.number().nullish(),
  UnitPrice: z.number().nullish(),
  TotalPrice: z.number().nullish(),
});
export type LineItemRow = z.infer<typeof LineItemRowSchema>;

/** A relationship field's record (`Owner`, `Product2`): null when the lookup is empty. */
const related = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough().nullish();

/** An Opportunity read for closed-won: the package's contract and terms fields, and its owner. */
export const OrderOpportunityRowSchema = OpportunityRowSchema.extend({
  OwnerId: z.string().nullish(),
  Owner: related({ Email: z.string().nullish(), Name: z.string().nullish() }),
  Concord_Contract_Start__c: z.string().nullish(),
  Concord_Contract_End__c: z.string().nullish(),
  Concord_Payment_Terms__c: z.string().nullish(),
});
export type OrderOpportunityRow = z.infer<typeof OrderOpportunityRowSchema>;

/** An Account read for closed-won: billing address, parent and the package's tax id field. */
export const OrderAccountRowSchema = AccountRowSchema.extend({
  BillingStreet: z.string().nullish(),
  BillingCity: z.string().nullish(),
  BillingPostalCode: z.string().nullish(),
  BillingState: z.string().nullish(),
  BillingCountry: z.string().nullish(),
  ParentId: z.string().nullish(),
  Concord_Tax_Id__c: z.string().nullish(),
});
export type OrderAccountRow = z.infer<typeof OrderAccountRowSchema>;

/**
 * An Account's Concord fields (the package's custom fields): currency and number fields are JSON
 * numbers, dates YYYY-MM-DD, the checkbox a boolean, the rest text; an empty field is null.
 */
export const AccountFactsRowSchema = z.object({
  Id: z.string(),
  Concord_Account_Id__c: z.string().nullish(),
  Concord_Erp_Customer_Id__c: z.string().nullish(),
  Concord_Cs_Account_Id__c: z.string().nullish(),
  Concord_Open_AR__c: z.number().nullish(),
  Concord_Overdue_AR__c: z.number().nullish(),
  Concord_Oldest_Overdue_Days__c: z.number().nullish(),
  Concord_Disputed_AR__c: z.number().nullish(),
  Concord_Last_Payment_Date__c: z.string().nullish(),
  Concord_Contract_End__c: z.string().nullish(),
  Concord_Renewal_Date__c: z.string().nullish(),
  Concord_ARR__c: z.number().nullish(),
  Concord_Health_Score__c: z.number().nullish(),
  Concord_Health_Trend__c: z.string().nullish(),
  Concord_Onboarding_Stage__c: z.string().nullish(),
  Concord_Renewal_Risk__c: z.string().nullish(),
  Concord_Finance_Hold__c: z.boolean().nullish(),
  Concord_Renewal_Hold__c: z.boolean().nullish(),
});
export type AccountFactsRow = z.infer<typeof AccountFactsRowSchema>;

/** An OpportunityLineItem with its product's code (what maps it to an ERP item). */
export const OrderLineRowSchema = z.object({
  Id: z.string(),
  OpportunityId: z.string(),
  Name: z.string().nullish(),
  Quantity: z.number().nullish(),
  UnitPrice: z.number().nullish(),
  ProductCode: z.string().nullish(),
  Product2: related({ ProductCode: z.string().nullish(), Name: z.string().nullish() }),
});
export type OrderLineRow = z.infer<typeof OrderLineRowSchema>;

export const TaskRowSchema = z.object({
  Id: z.string(),
  WhatId: z.string().nullish(),
  Subject: z.string().nullish(),
  Status: z.string().nullish(),
  ActivityDate: z.string().nullish(),
  Concord_Id__c: z.string().nullish(),
});
export type TaskRow = z.infer<typeof TaskRowSchema>;

export const IdRowSchema = z.object({ Id: z.string() });
export const KeyedIdRowSchema = z.object({ Id: z.string(), Concord_Id__c: z.string().nullish() });

/** One entry of a Salesforce error array (REST: `errorCode`; Collections results: `statusCode`). */
export interface SalesforceErrorItem {
  errorCode: string;
  message: string;
  fields: string[];
}

const ErrorItemSchema = z
  .object({ errorCode: z.string().optional(), statusCode: z.string().optional(), message: z.string().optional(), fields: z.array(z.string()).optional() })
  .passthrough();

/** Salesforce's error entries, whitelisted to code, message and field names. */
export function errorItems(raw: unknown): SalesforceErrorItem[] {
  const parsed = z.array(ErrorItemSchema).safeParse(raw);
  if (!parsed.success) return [];
  return parsed.data.map((e) => ({ errorCode: e.errorCode ?? e.statusCode ?? 'UNKNOWN_EXCEPTION', message: (e.message ?? '').slice(0, 300), fields: e.fields ?? [] }));
}

/** Per-record results of an sObject Collections create/update/upsert. */
export const SaveResultsSchema = z.array(
  z.object({ id: z.string().nullish(), success: z.boolean(), created: z.boolean().optional(), errors: z.array(z.unknown()).default([]) }).passthrough(),
);

/** Upsert by external id: 201/200 `{id, success, created}`. */
export const UpsertAnswerSchema = z.object({ id: z.string().nullish(), created: z.boolean().default(false) }).passthrough();

/** One Composite subrequest as the client builds it (`path` after `/services/data/vXX.X`). */
export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  referenceId: string;
  body?: unknown;
}

export const CompositeAnswerSchema = z.object({
  compositeResponse: z.array(z.object({ body: z.unknown(), httpStatusCode: z.number(), referenceId: z.string() }).passthrough()),
});

/** Errors are arrays `[{message, errorCode, fields}]`; keep the code and message only. */
export function describeSalesforceError(body: unknown): string {
  const first = errorItems(body)[0];
  return first ? [first.errorCode, first.message].filter(Boolean).join(': ') : '';
}
