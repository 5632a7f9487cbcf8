/**
 * Wire shapes the admin console reads and writes. The broker's admin routes are written in
 * parallel; these are the shapes the console expects (documented in widgets/README.md).
 */

/** The systems a tenant can connect. */
export const SYSTEMS = ['hubspot', 'salesforce', 'netsuite', 'vitally'] as const;
/** A connectable system id. */
export type SystemId = (typeof SYSTEMS)[number];

/** OAuth systems connect by navigating to the broker's `/connect/:system/start`. */
export const OAUTH_SYSTEMS: readonly SystemId[] = ['hubspot', 'salesforce'];

/**
 * One row of `GET /v1/tenants/:tenant/connections` → `{items:[...]}` (worker/storage/connections.ts
 * `ConnectionSummary`). A system without a row is not connected; disconnecting deletes the row.
 */
export interface Connection {
  system: SystemId;
  status: string;
  /** The vendor account: HubSpot portal id, Salesforce org id, NetSuite account id, Vitally subdomain. */
  externalAccount?: string | null;
  /** When the connection was last stored (connected, reconnected or its token refreshed). */
  updatedAt?: string | null;
}

/** NetSuite OAuth 2.0 M2M credentials (certificate-based client credentials). */
export interface NetSuiteCredentials {
  accountId: string; clientId: string; certificateId: string; privateKeyPem: string;
}

/** NetSuite token-based authentication (TBA): integration consumer key/secret plus an access token. */
export interface NetSuiteTbaCredentials {
  accountId: string; consumerKey: string; consumerSecret: string; tokenId: string; tokenSecret: string;
}

/** Vitally REST credentials: `https://{subdomain}.rest.vitally.io`, Basic auth with the key. */
export interface VitallyCredentials { subdomain: string; apiKey: string }

/** One cell assignment of the system-of-record matrix. */
export interface OwnershipRule {
  entity: string; field: string; owner: string;
  /** Systems allowed to own this field; all systems when absent. */
  allowed?: string[];
}

/** A failed item waiting in the dead-letter store. */
export interface DeadLetter {
  id: string;
  /** What was being done, e.g. `writeback.netsuite.customer`. */
  kind: string;
  summary?: string | null;
  error: string;
  failedAt: string;
  attempts?: number | null;
}
