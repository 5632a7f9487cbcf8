/**
 * Wire shapes the admin console reads and writes: the broker's tenant admin API (README.md's API
 * table), documented for the console in widgets/README.md.
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
  /** A flow run's dead letter (`flow.closed-won`): the run and the step that exhausted its retries. */
  runId?: string;
  step?: string;
}

/** Run status (worker/storage/flow-runs.ts). */
export type RunStatus = 'queued' | 'running' | 'blocked' | 'failed' | 'completed';

/**
 * One business issue of a blocked run (`{field, code, message, fixIn, action}`), or the failure of
 * a failed run's step (`{code: 'step_failed', step, reason}`).
 */
export interface RunException {
  code: string;
  field?: string;
  message?: string;
  fixIn?: string;
  action?: string;
  /** The CRM record owner, asked to fix a business exception. */
  owner?: { name: string | null; email: string | null } | null;
  step?: string;
  reason?: string;
}

/** One closed-won run of `GET /flows/runs` (a deal on its way to an ERP order). */
export interface FlowRun {
  id: string;
  flow: string;
  sourceSystem: string;
  sourceRecord: string;
  status: RunStatus;
  step: string | null;
  exceptions: RunException[] | null;
  result: { orderNumber?: string; orderId?: string; customerId?: string; csAccountId?: string; customer?: string } | null;
  correlationId: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** One attribute the write guard refused (`GET /write-refusals`). */
export interface WriteRefusal {
  id: string;
  at: string;
  flow: string;
  correlationId: string;
  targetSystem: string;
  source: string;
  entity: string;
  recordId: string | null;
  recordCount: number;
  accountId: string | null;
  attribute: string;
  field: string;
  /** The owning role (`crm`, `erp`, `cs`), null when the field is unknown to the matrix. */
  owner: string | null;
  reason: string;
  attempted: unknown;
}

/** The tenant's closed-won settings (`GET|PUT /flows/settings/closed-won`). */
export interface ClosedWonSettings {
  taxIdCountries: string[];
  termsMap: Record<string, string>;
  defaultTerms: string | null;
  defaultCurrency: string | null;
  subsidiary: string | null;
  escalateAfterHours: number;
  onboarding: { name: string; template?: string; milestones: { key: string; name: string; dueAfterDays: number }[] };
  /** Billing waits for go-live: orders are created held and released when that milestone is completed (absent from brokers before it). */
  billing?: { releaseOnGoLive: boolean; goLiveMilestone: string };
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
  /** The record's account now. */
  accountId: string | null;
  /** Its account when the case was raised (which record joined which on approval). */
  accountWhenRaised?: string | null;
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

/** A sync run's kind: a three-way reconcile (optionally a dry run) or a backfill. */
export type SyncKind = 'reconcile' | 'backfill';
export type SyncStatus = 'queued' | 'running' | 'completed' | 'failed';

/** A sync run (`GET /sync/runs`, `GET /sync/runs/:id`): progress, counts by outcome. */
export interface SyncRun {
  id: string;
  kind: SyncKind;
  dryRun: boolean;
  status: SyncStatus;
  progress: { phase: string; done: number; total: number; percent: number; ratePerSecond: number | null; etaSeconds: number | null };
  counts: Partial<Record<string, number>>;
  error: string | null;
  correlationId: string;
  startedBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** One row of a reconcile run's drift report. */
export interface DriftRow {
  accountId: string;
  field: string;
  system: string;
  externalId: string;
  value: string | null;
  owner: string;
  ownerSystem: string | null;
  ownerValue: string | null;
  action: 'repair' | 'exception';
  outcome: 'repaired' | 'would_repair' | 'refused' | 'failed' | 'exception';
  reason: string;
}

/** A sync run with its drift report (empty for a backfill). */
export interface SyncRunDetail extends SyncRun {
  drift: DriftRow[];
}

/** A source whose changes Concord takes in (pushed and polled). */
export type IntakeSource = 'netsuite' | 'vitally' | 'salesforce';

/** The newest change Concord recorded from a source (`events`, worker/storage/record-changes.ts). */
export interface IntakeEvent {
  /** NetSuite record type (`invoice`, `payment`...) or Vitally object (`account`, `task`, `conversation`). */
  objectType: string;
  objectId: string;
  /** The vendor's last-modified stamp of the version. */
  changedAt: string;
  /** When Concord recorded it. */
  recordedAt: string;
  /** recordedAt minus changedAt, never negative. */
  lagMs: number;
  /** `applied`, or `superseded` when a newer version of the record had already been applied. */
  status: string;
}

/** One poll stream of a source (`poll_checkpoints`, worker/storage/poll-checkpoints.ts). */
export interface IntakeStream {
  /** NetSuite record type or Vitally collection (`accounts`, `tasks`, `conversations`). */
  stream: string;
  /** The newest last-modified instant the poll has seen; the next poll reads from it (minus an overlap). */
  checkpoint: string;
  /** How long before the answer the checkpoint lies. */
  behindMs: number;
  lastRunAt: string;
  /** Changes the last run enqueued (versions neither claimed nor waiting in the queue from an earlier poll). */
  lastFound: number;
  /** Why the last run failed (`code: detail`), null when it did not. */
  lastError: string | null;
}

/** The change intake of `GET /ops/intake`: per source its last change and its poll streams. */
export interface Intake {
  /** Only sources with a recorded change or a poll checkpoint are listed. */
  sources: { source: IntakeSource; lastEvent: IntakeEvent | null; streams: IntakeStream[] }[];
  /** Accounts with an applied change whose effects (view rebuild, CRM writes) are not done yet. */
  accountsWaiting: number;
}

/** One lifecycle automation of `GET /ops/automations`: its sentences and the tenant's thresholds (further fields, per automation). */
export interface Automation {
  key: string;
  name: string;
  enabled: boolean;
  when: string;
  does: string;
  [threshold: string]: unknown;
}

/** The tenant's automation policy: what `PUT /ops/automations` takes (worker/policies/automations/policy.ts). */
export interface AutomationPolicy {
  financeHold: { enabled: boolean; overdueDays: number; minAmount: number };
  healthDrop: { enabled: boolean; dropPoints: number; below: number; adoptionSignal: string; adoptionBelow: number };
  onboardingStalled: { enabled: boolean; pastDueGraceDays: number; noProgressDays: number; hold: 'none' | 'billing' | 'renewal' };
  renewalRisk: { enabled: boolean; level: 'high' | 'medium'; withinDays: number };
}

/** `GET|PUT /ops/automations`: the policy, the automations in words, and whether the tenant can change them. */
export interface Automations {
  editable: boolean;
  /** Absent from a broker older than per-tenant policies (then the list is shown read-only). */
  policy: AutomationPolicy | null;
  automations: Automation[];
}
