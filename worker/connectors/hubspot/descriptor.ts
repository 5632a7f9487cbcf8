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
  /**
   * The app-owned property group and the company properties Concord writes back (health, risk,
   * receivables, renewal), created on install when missing.
   * https://developers.hubspot.com/docs/api/crm/properties
   */
  propertyGroup: { name: 'concord', label: 'Concord', displayOrder: -1 },
  ownProperties: [
    { name: 'concord_account_id', label: 'Concord account id', type: 'string', fieldType: 'text' },
    { name: 'concord_health_score', label: 'Health score (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_health_trend', label: 'Health trend (Concord)', type: 'enumeration', fieldType: 'select', options: ['up', 'flat', 'down'] },
    { name: 'concord_renewal_risk', label: 'Renewal risk (Concord)', type: 'enumeration', fieldType: 'select', options: ['low', 'medium', 'high'] },
    { name: 'concord_open_ar', label: 'Open receivables (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_overdue_ar', label: 'Overdue receivables (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_renewal_date', label: 'Renewal date (Concord)', type: 'date', fieldType: 'date' },
  ] as { name: string; label: string; type: string; fieldType: string; options?: string[] }[],
} as const;
