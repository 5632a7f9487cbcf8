/**
 * NetSuite's quirks as data. SuiteTalk REST:
 * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_1540391670.html
 */
export const netsuiteDescriptor = {
  system: 'netsuite',
  recordPath: '/services/rest/record/v1',
  suiteqlPath: '/services/rest/query/v1/suiteql',
  /** SuiteQL pages hold at most 1,000 rows. */
  suiteqlPageSize: 1000,
  /** record/v1 collections: `limit` at most 1,000 per page. */
  recordPageSize: 1000,
  /** NetSuite has no Retry-After on 429 CONCURRENCY_LIMIT_EXCEEDED; one pool per account. */
  defaultConcurrency: 5,
  timeoutMs: 10_000,
} as const;
