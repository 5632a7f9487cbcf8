/**
 * Vitally's quirks as data. REST API: https://docs.vitally.io/pushing-data-to-vitally/rest-api
 * Base URL per customer: https://{subdomain}.rest.vitally.io; Basic auth with the API key as user.
 */
export const vitallyDescriptor = {
  system: 'vitally',
  /** Cursor paging: `limit` at most 100, `from` = previous page's `next`. */
  pageSize: 100,
  /** Health scores are 0-10 in Vitally; canonical scores are 0-100. */
  healthScale: 10,
  /** 1,000 requests per minute per account (token bucket, RateLimit-* headers). */
  requestsPerMinute: 1000,
  timeoutMs: 10_000,
} as const;
