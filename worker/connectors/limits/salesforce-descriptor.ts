/**
 * Salesforce's limit facts until its connector lands (then this moves to
 * `connectors/salesforce/descriptor.ts`). The org's daily API allocation is reported on every
 * REST answer as `Sforce-Limit-Info: api-usage=N/M`; over it, REST answers 403
 * `REQUEST_LIMIT_EXCEEDED`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
 */
export const salesforceLimitsDescriptor = {
  system: 'salesforce',
  limitHeader: 'sforce-limit-info',
  /** Keep 1 % (at least 25 calls) of the allocation for people working in the org. */
  reserveFraction: 0.01,
  minReserve: 25,
} as const;
