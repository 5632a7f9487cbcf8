/**
 * HubSpot's quirks as data. CRM v3: https://developers.hubspot.com/docs/api/crm/companies
 * Limits (marketplace OAuth app): 110 requests / 10 s per installed account; search 5 req/s.
 * https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
 */
/** A property Concord creates in the portal (install step). */
export interface OwnProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  options?: string[];
}

export const hubspotDescriptor = {
  system: 'hubspot',
  /** basic list endpoints page at most 100 objects. */
  pageSize: 100,
  /** Batch read/create/update/upsert take at most 100 inputs per call. */
  batchSize: 100,
  searchPageSize: 200,
  /** v4 association lists page at most 500 associations. */
  associationPageSize: 500,
  rateLimit: { requests: 110, intervalMs: 10_000, searchPerSecond: 5 },
  /** Longest one SDK call may take (the SDK itself never times out). */
  timeoutMs: 10_000,
  /** Card calls: a user waits, so fewer, shorter attempts. */
  card: { maxAttempts: 3, timeoutMs: 5_000 },
  /**
   * OAuth scopes each capability needs (the install asks for what the tenant enables).
   * https://developers.hubspot.com/docs/api/scopes
   */
  scopes: {
    companies: ['crm.objects.companies.read', 'crm.objects.companies.write'],
    contacts: ['crm.objects.contacts.read'],
    deals: ['crm.objects.deals.read'],
    pipelines: ['crm.objects.deals.read'],
    properties: ['crm.schemas.companies.read', 'crm.schemas.companies.write'],
    // Tasks and notes are engagements; HubSpot gates them behind the contacts scopes.
    // https://developers.hubspot.com/docs/api-reference/latest/crm/activities/tasks/guide
    activities: ['crm.objects.contacts.read', 'crm.objects.contacts.write'],
    // Closed-won: the deal's line items, their products and owner, and the order write-back
    // (deal properties created on install). https://developers.hubspot.com/docs/api-reference/crm-line-items-v3/guide
    closedWon: ['crm.objects.line_items.read', 'e-commerce', 'crm.objects.owners.read', 'crm.objects.deals.write', 'crm.schemas.deals.write'],
  },
  /**
   * Company properties read for identity: the standard ones, plus `vat_number`, a custom property
   * many B2B portals add (HubSpot has no standard tax-id property; an absent one is simply not
   * returned). https://knowledge.hubspot.com/properties/hubspots-default-company-properties
   */
  companyProperties: ['name', 'domain', 'country', 'city', 'address', 'vat_number'] as string[],
  contactProperties: ['firstname', 'lastname', 'email', 'jobtitle'] as string[],
  dealProperties: ['dealname', 'amount', 'deal_currency_code', 'dealstage', 'pipeline', 'closedate'] as string[],
  /**
   * The app-owned property group and the company properties Concord writes back (health, risk,
   * receivables, renewal), created on install when missing.
   * https://developers.hubspot.com/docs/api/crm/properties
   */
  propertyGroup: { name: 'concord', label: 'Concord', displayOrder: -1 },
  ownProperties: [
    { name: 'concord_account_id', label: 'Concord account id', type: 'string', fieldType: 'text' },
    { name: 'concord_erp_customer_id', label: 'ERP customer id (Concord)', type: 'string', fieldType: 'text' },
    { name: 'concord_cs_account_id', label: 'CS account id (Concord)', type: 'string', fieldType: 'text' },
    { name: 'concord_health_score', label: 'Health score (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_health_trend', label: 'Health trend (Concord)', type: 'enumeration', fieldType: 'select', options: ['up', 'flat', 'down'] },
    { name: 'concord_renewal_risk', label: 'Renewal risk (Concord)', type: 'enumeration', fieldType: 'select', options: ['low', 'medium', 'high'] },
    { name: 'concord_open_ar', label: 'Open receivables (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_overdue_ar', label: 'Overdue receivables (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_oldest_overdue_days', label: 'Oldest overdue invoice, days (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_disputed_ar', label: 'Disputed receivables (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_last_payment_date', label: 'Last payment date (Concord)', type: 'date', fieldType: 'date' },
    { name: 'concord_contract_end', label: 'Contract end (Concord)', type: 'date', fieldType: 'date' },
    { name: 'concord_renewal_date', label: 'Renewal date (Concord)', type: 'date', fieldType: 'date' },
    { name: 'concord_arr', label: 'ARR (Concord)', type: 'number', fieldType: 'number' },
    { name: 'concord_onboarding_stage', label: 'Onboarding stage (Concord)', type: 'string', fieldType: 'text' },
    { name: 'concord_finance_hold', label: 'Finance hold (Concord)', type: 'enumeration', fieldType: 'booleancheckbox', options: ['true', 'false'] },
    { name: 'concord_renewal_hold', label: 'Renewal automation hold (Concord)', type: 'enumeration', fieldType: 'booleancheckbox', options: ['true', 'false'] },
  ] as OwnProperty[],
  /** The deal properties the closed-won flow writes back (order state, ERP and CS links). */
  ownDealProperties: [
    { name: 'concord_order_status', label: 'Order status (Concord)', type: 'enumeration', fieldType: 'select', options: ['creating', 'created', 'blocked', 'failed'] },
    { name: 'concord_order_number', label: 'ERP sales order (Concord)', type: 'string', fieldType: 'text' },
    { name: 'concord_erp_customer_id', label: 'ERP customer id (Concord)', type: 'string', fieldType: 'text' },
    { name: 'concord_cs_account_id', label: 'CS account id (Concord)', type: 'string', fieldType: 'text' },
    { name: 'concord_order_created_at', label: 'Order created at (Concord)', type: 'datetime', fieldType: 'date' },
    { name: 'concord_order_issue', label: 'Order issue (Concord)', type: 'string', fieldType: 'textarea' },
  ] as OwnProperty[],
} as const;
