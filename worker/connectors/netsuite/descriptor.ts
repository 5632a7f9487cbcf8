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
  /**
   * SuiteTalk's account-specific host is `<account>.suitetalk.api.netsuite.com`; the same account's
   * UI is `<account>.app.netsuite.com` (N/url HostType APPLICATION,
   * https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4834765371.html), where a
   * record opens at its `url.resolveRecord` path, e.g. `/app/accounting/transactions/salesord.nl?id=6`
   * (https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_159976562256.html).
   */
  restHost: /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.suitetalk\.api\.netsuite\.com$/,
  appOrigin: 'https://{account}.app.netsuite.com',
  recordPaths: {
    sales_order: '/app/accounting/transactions/salesord.nl?id=',
  },
} as const;

/**
 * The NetSuite UI page of a record, or null when the REST base URL is not NetSuite's own https
 * host (the sandbox, a proxy) or the id is not an internal id: only the vendor's documented host
 * yields a link a CRM user may be sent to.
 */
export function netsuiteRecordUrl(baseUrl: string, kind: keyof typeof netsuiteDescriptor.recordPaths, id: string): string | null {
  if (!URL.canParse(baseUrl) || !/^\d{1,20}$/.test(id)) return null;
  const u = new URL(baseUrl);
  const ok = u.protocol === 'https:' && !u.username && !u.password && (u.port === '' || u.port === '443');
  const account = ok ? netsuiteDescriptor.restHost.exec(u.hostname)?.[1] : undefined;
  return account ? `${netsuiteDescriptor.appOrigin.replace('{account}', account)}${netsuiteDescriptor.recordPaths[kind]}${id}` : null;
}
