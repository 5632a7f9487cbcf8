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
  /**
   * Custom traits Concord reads (Vitally has no built-in field for them; an admin adds custom
   * traits, https://docs.vitally.io/en/articles/9880855-rest-api-tasks "Task custom traits"):
   * a task's onboarding state while it is not completed, and a conversation's priority.
   */
  milestoneStatusTrait: 'vitally.custom.milestoneStatus',
  conversationPriorityTrait: 'priority',
} as const;
