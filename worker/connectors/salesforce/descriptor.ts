/**
 * Salesforce's quirks as data. REST API: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
 * SOQL pages follow `nextRecordsUrl`; sObject Collections take 200 records; Composite 25 subrequests.
 */
export const salesforceDescriptor = {
  system: 'salesforce',
  apiVersion: '62.0',
  /** Batch size asked for with `Sforce-Query-Options` (200..2000). */
  queryBatchSize: 2000,
  collectionsSize: 200,
  compositeSize: 25,
  timeoutMs: 10_000,
} as const;
