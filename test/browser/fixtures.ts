/**
 * Fixture payloads for the widget browser tests, in the wire shapes of docs/account-view.md
 * (AccountView schema version 1) and of the console's admin endpoints (widgets/README.md).
 */

/** A fully linked account with one overdue, one disputed and one partially paid invoice. */
export const accountView = {
  schemaVersion: 1,
  tenant: 'demo',
  account: {
    id: 'acc_01JACME', name: 'Acme Analytics', legalName: 'Acme Analytics, Inc.', domain: 'acme.io',
    taxId: 'US12-3456789', currency: 'USD',
    billTo: { line1: '1 Main St', city: 'Austin', postalCode: '78701', country: 'US' }, shipTo: null,
  },
  links: [
    { system: 'hubspot', externalId: '1000123' },
    { system: 'netsuite', externalId: '42' },
    { system: 'vitally', externalId: '8c1d2f0e-1111-4a4a-9b9b-123456789abc' },
  ],
  receivables: {
    currency: 'USD', openTotal: 12500, overdueTotal: 4200, disputedTotal: 1000, openInvoiceCount: 3,
    openInvoices: [
      { id: '901', number: 'INV-000901', issueDate: '2026-09-01', dueDate: '2026-10-01', total: 5000, balance: 4200,
        currency: 'USD', status: 'overdue', daysOverdue: 56, disputed: false },
      { id: '915', number: 'INV-000915', issueDate: '2026-10-05', dueDate: '2026-11-04', total: 1000, balance: 1000,
        currency: 'USD', status: 'disputed', daysOverdue: 22, disputed: true },
      { id: '930', number: 'INV-000930', issueDate: '2026-11-01', dueDate: '2026-12-01', total: 9800, balance: 7300,
        currency: 'USD', status: 'partially_paid', daysOverdue: 0, disputed: false },
    ],
  },
  contract: {
    id: '77', name: 'Acme Analytics – Enterprise 2026', status: 'active', startDate: '2026-01-15', endDate: '2027-01-14',
    renewalDate: '2027-01-15', daysToRenewal: 50, arr: 48000, currency: 'USD', autoRenew: true,
  },
  health: {
    score: 64, trend: 'down', asOf: '2026-11-23',
    history: [
      { date: '2026-09-07', score: 78 }, { date: '2026-09-28', score: 80 }, { date: '2026-10-19', score: 74 },
      { date: '2026-11-02', score: 69 }, { date: '2026-11-23', score: 64 },
    ],
    signals: [{ name: 'productUsage', score: 55 }, { name: 'support', score: 40 }, { name: 'nps', score: 82 }],
  },
  onboarding: {
    status: 'active',
    milestones: [
      { id: 't1', name: 'Kickoff', status: 'completed', dueDate: '2026-02-01', completedAt: '2026-01-30T10:00:00Z' },
      { id: 't2', name: 'SSO configured', status: 'in_progress', dueDate: '2026-03-01', completedAt: null },
      { id: 't3', name: 'Go-live', status: 'not_started', dueDate: '2099-12-01', completedAt: null },
    ],
  },
  escalations: [
    { id: 'c1', subject: 'Invoice dispute INV-000915', priority: 'high', status: 'open', openedAt: '2026-11-20T09:00:00Z' },
    { id: 'c2', subject: 'Dashboard export is slow', priority: 'low', status: 'open', openedAt: '2026-11-18T14:30:00Z' },
  ],
  risk: { level: 'high', reasons: ['overdue_receivables', 'health_declining', 'renewal_within_90_days'] },
  owners: { receivables: 'netsuite', contract: 'netsuite', health: 'vitally', onboarding: 'vitally', escalations: 'vitally' },
  freshness: {
    netsuite: { status: 'fresh', fetchedAt: '2026-11-26T06:00:00Z', ageSeconds: 120 },
    vitally: { status: 'stale', fetchedAt: '2026-11-26T05:00:00Z', ageSeconds: 3600 },
  },
};

/** The same account while Vitally times out: CS sections are null, freshness says why. */
export const partialView = {
  ...accountView,
  health: null, onboarding: null, escalations: null, risk: null,
  freshness: {
    netsuite: accountView.freshness.netsuite,
    vitally: { status: 'error', fetchedAt: null, ageSeconds: null, error: 'upstream_timeout' },
  },
};

/** Recent changes from the audit log. */
export const audit = {
  items: [
    { at: '2026-11-25T16:04:00Z', actor: 'sync:netsuite', action: 'invoice.updated', summary: 'INV-000930 partially paid ($2,500.00 received)' },
    { at: '2026-11-24T09:12:00Z', actor: 'jane.doe@vendor.example', action: 'ownership.changed', summary: 'Billing address now owned by NetSuite' },
    { at: '2026-11-20T09:00:00Z', actor: 'sync:vitally', action: 'escalation.opened', summary: 'Escalation opened: Invoice dispute INV-000915' },
  ],
};

/** Connections of tenant `demo`. */
export const connections = {
  items: [
    { system: 'hubspot', status: 'connected', accountLabel: 'Portal 1000123', connectedAt: '2026-10-01T12:00:00Z' },
    { system: 'salesforce', status: 'not_connected' },
    { system: 'netsuite', status: 'not_connected' },
    { system: 'vitally', status: 'expired', accountLabel: 'acme-cs', error: 'API key was revoked' },
  ],
};

/** The ownership matrix. */
export const ownership = {
  rules: [
    { entity: 'account', field: 'billTo', owner: 'netsuite' },
    { entity: 'account', field: 'owner', owner: 'hubspot' },
    { entity: 'account', field: 'healthScore', owner: 'vitally', allowed: ['vitally', 'hubspot'] },
  ],
};

/** Failed items. */
export const deadLetters = {
  items: [
    { id: 'dl_1', kind: 'writeback.netsuite.customer', summary: 'Update bill-to address of Acme Analytics',
      error: 'NetSuite rejected the address: invalid state code', failedAt: '2026-11-25T10:00:00Z', attempts: 5 },
  ],
};

const hubspotSide = (id: string, fields: Record<string, unknown>, accountId: string | null) => ({ system: 'hubspot', externalId: id, label: `HubSpot company ${id}`, accountId, fields });
const netsuiteSide = (id: string, fields: Record<string, unknown>, accountId: string | null) => ({ system: 'netsuite', externalId: id, label: `NetSuite customer ${id}`, accountId, fields });

/** Open identity review cases (GET /identity/reviews?status=open). */
export const reviewCases = {
  items: [
    {
      id: 'rv_aaaaaaaaaaaaaaaaaaaaaaa1', status: 'open', score: 0.5,
      reasons: [
        { code: 'name_exact', weight: 0.5, text: 'Same name "orbit payments"' },
      ],
      subject: hubspotSide('1000527', { name: 'Orbit Payments', domain: null, taxId: null, country: null, city: null, address: null, emails: [] }, 'acc_11111111111111111111111111111111'),
      candidate: netsuiteSide('1113', { name: 'Orbit Payments GmbH', domain: 'https://www.orbitpayments.de', taxId: 'DE123456789', country: 'DE', city: 'Berlin', address: 'Hauptstraße 12', emails: ['billing@orbitpayments.de'] }, null),
      createdAt: '2026-11-26T06:00:00Z', decidedAt: null, decidedBy: null, decision: null,
    },
    {
      id: 'rv_aaaaaaaaaaaaaaaaaaaaaaa2', status: 'open', score: 0.6,
      reasons: [
        { code: 'name_typo', weight: 0.3, text: 'Names differ by a typo: "quarz insights" / "quartz insights"' },
        { code: 'country_same', weight: 0.1, text: 'Same country CA' },
        { code: 'city_same', weight: 0.2, text: 'Same city toronto' },
        { code: 'tax_id_conflict', weight: -0.9, text: 'Different tax ids 123456789 and 987654321: two legal entities', conflict: true },
      ],
      subject: hubspotSide('1000320', { name: 'Quarz Insights', taxId: '123456789', city: 'Toronto', country: 'CA' }, 'acc_22222222222222222222222222222222'),
      candidate: netsuiteSide('1099', { name: 'Quartz Insights Inc.', domain: 'http://getquartz.ca/', taxId: '987654321RT0001', city: 'Toronto', country: 'CA', emails: ['accounts@getquartz.ca'] }, null),
      createdAt: '2026-11-26T06:00:00Z', decidedAt: null, decidedBy: null, decision: null,
    },
  ],
  next: null,
};

/** Decided cases (GET /identity/reviews?status=decided). */
export const decidedReviews = {
  items: [
    {
      ...reviewCases.items[0]!, id: 'rv_aaaaaaaaaaaaaaaaaaaaaaa3', status: 'approved', decidedAt: '2026-11-26T07:00:00Z', decidedBy: 'api_key:default',
      decision: { decision: 'approve', accountId: 'acc_11111111111111111111111111111111', changes: ['netsuite 1113 linked to acc_11111111111111111111111111111111'] },
    },
  ],
  next: null,
};
