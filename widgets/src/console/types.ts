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

/** A record's identity fields as the review queue shows them. */
export interface ReviewFields {
  name: string;
  domain?: string | null;
  taxId?: string | null;
  country?: string | null;
  city?: string | null;
  address?: string | null;
  emails?: string[] | null;
}

/** One side of a review case. */
export interface ReviewSide {
  system: string;
  externalId: string;
  /** "HubSpot company 1000123" */
  label: string;
  accountId: string | null;
  fields: ReviewFields;
}

/** One piece of evidence with its weight (negative: against). */
export interface ReviewReason {
  code: string;
  weight: number;
  text: string;
  conflict?: boolean;
}

/** A case of `GET /identity/reviews`: two records Concord would not link on its own. */
export interface ReviewCase {
  id: string;
  status: 'open' | 'approved' | 'rejected' | 'linked' | 'superseded';
  score: number;
  reasons: ReviewReason[];
  subject: ReviewSide;
  candidate: ReviewSide;
  decidedAt?: string | null;
  decidedBy?: string | null;
  decision?: { accountId?: string | null; changes?: string[] } | null;
}

/** A decision on a review case. */
export type ReviewDecision = { decision: 'approve' } | { decision: 'reject' } | { decision: 'link'; accountId: string };
