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
  /**
   * Traits Concord writes (closed-won provisioning): Concord's key on the onboarding project it
   * made (projects have no external id, so the key is how a repeat finds it), and the account's
   * owner as the CRM names them (owners are assigned in Vitally's app, not through the API).
   */
  traits: { projectKey: 'concord_key', ownerEmail: 'concord_owner_email', csmAdminId: 'concord_csm_admin_id' },
  /** Admins and project templates change rarely: remembered per isolate this long. */
  directoryTtlMs: 10 * 60_000,
  /**
   * The REST host is `{subdomain}.rest.vitally.io`; the same workspace's web app is
   * `{subdomain}.vitally.io`, where "Create New → Project" starts a project for an account
   * (https://docs.vitally.io/activity-items/projects-overview). Subdomains are DNS labels.
   */
  restHost: /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.rest\.vitally\.io$/,
  webApp: 'https://{subdomain}.vitally.io/',
} as const;

/**
 * The workspace's web app for a REST base URL, or null when the base URL is not Vitally's own
 * https host (the sandbox, a proxy): only the vendor's documented host yields a link.
 */
export function vitallyWebAppUrl(baseUrl: string): string | null {
  if (!URL.canParse(baseUrl)) return null;
  const u = new URL(baseUrl);
  const sub = u.protocol === 'https:' && !u.username && !u.password && (u.port === '' || u.port === '443') ? vitallyDescriptor.restHost.exec(u.hostname)?.[1] : undefined;
  return sub ? vitallyDescriptor.webApp.replace('{subdomain}', sub) : null;
}
