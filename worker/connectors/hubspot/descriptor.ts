/**
 * HubSpot's quirks as data. CRM v3: https://developers.hubspot.com/docs/api/crm/companies
 * Limits (marketplace OAuth app): 110 requests / 10 s per installed account; search 5 req/s.
 */
export const hubspotDescriptor = {
  system: 'hubspot',
  /** basic list endpoints page at most 100 objects. */
  pageSize: 100,
  batchSize: 100,
  searchPageSize: 200,
  rateLimit: { requests: 110, intervalMs: 10_000, searchPerSecond: 5 },
  companyProperties: ['name', 'domain', 'country', 'city'] as string[],
} as const;
