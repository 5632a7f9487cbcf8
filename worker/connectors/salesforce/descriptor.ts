/**
 * Salesforce's quirks as data. REST API: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/
 * SOQL pages follow `nextRecordsUrl`; sObject Collections take 200 records; Composite 25 subrequests.
 */
export const salesforceDescriptor = {
  system: 'salesforce',
  /** REST API version (Winter '25); orgs and the sandbox serve 31.0-66.0, Collections upsert needs 46.0+. */
  apiVersion: '62.0',
  /**
   * Batch size asked for with `Sforce-Query-Options` (200..2000; Salesforce may return fewer).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
   */
  queryBatchSize: 2000,
  minQueryBatchSize: 200,
  /** Records per sObject Collections call (create/update/upsert/delete). */
  collectionsSize: 200,
  /** Subrequests per Composite call. */
  compositeSize: 25,
  /** Values per SOQL `IN (...)` list Concord builds (keeps the query URL well under 16 KB). */
  soqlInChunk: 200,
  /** Longest one REST exchange may take before it counts as a timeout. */
  timeoutMs: 10_000,
  /**
   * Concord's key on the records it writes: an External ID text field on Account, Contact and
   * Opportunity (upserts address it). Activities cannot have External ID fields, so on Task the
   * same field is plain text that Concord looks up before creating (see SalesforceCrm.createTasks).
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
   */
  keyField: 'Concord_Id__c',
  /**
   * The org's daily API allocation, reported on every REST answer as
   * `Sforce-Limit-Info: api-usage=N/M`; over it, REST answers 403 `REQUEST_LIMIT_EXCEEDED`.
   * Concord keeps 1 % of it (at least 25 calls) for the people working in the org.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
   */
  dailyAllocation: { reserveFraction: 0.01, minReserve: 25 },
} as const;
