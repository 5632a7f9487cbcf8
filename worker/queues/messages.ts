/**
 * The canonical change events: what the webhook routes and the scheduled polls put on the
 * `EVENTS` queue and what the consumer, the dead-letter store and replay handle. Vendor-neutral,
 * one zod union discriminated on `kind`:
 * - `crm.change`: one HubSpot webhook event (a property of a CRM record, with its value), or one
 *   identity field of a Salesforce Account the company poll found changed (flows/account-changes/crm-poll.ts);
 * - `erp.change`: one ERP record changed (a NetSuite event script's push or a SuiteQL poll row).
 *   A pointer, never business data: the consumer reads the record back;
 * - `cs.change`: one customer-success record changed (a Vitally poll row or playbook webhook),
 *   also a pointer: the consumer reads the account's CS data again;
 * - `flow.writeback`: a closed-won run has something to show on its CRM deal and company (the
 *   order, then the CS account). Also a pointer: the consumer writes what the run's row holds
 *   then, for many runs in one batched CRM write (flows/closed-won/writeback.ts);
 * - `account.effects`: an account a burst's change batch marked, whose effects (view, digest, CRM
 *   facts, automations) run on the writes queue, many accounts at once. Also a pointer: the
 *   consumer runs what the account's mark says then (flows/account-changes/effects-queue.ts).
 */
import { z } from 'zod';
import { CS_OBJECT_TYPES, ERP_RECORD_TYPES, type CsObjectType, type ErpRecordType } from '../model/changes.js';
import { sha256Hex } from '../storage/crypto.js';
import { MAX_VALUE_BYTES, byteLength } from './size.js';

/** Queue names as in wrangler.toml (the `queue()` handler dispatches on them). */
export const EVENTS_QUEUE = 'concord-events';
export const EVENTS_DLQ = 'concord-events-dlq';
export const FLOW_WRITES_QUEUE = 'concord-flow-writes';

/** One change of one CRM record. Strict: the broker is the only producer. */
export const CrmChangeSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('crm.change'),
    tenantId: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
    system: z.enum(['hubspot', 'salesforce']),
    /** The vendor account the change happened in (HubSpot portal id, Salesforce org id). */
    externalAccount: z.string().min(1).max(64),
    /** Singular object name: company, contact, deal, ticket, or the vendor's type id (Salesforce: company). */
    objectType: z.string().min(1).max(64),
    objectId: z.string().min(1).max(64),
    /** propertyChange, creation, deletion, merge, restore, associationChange, privacyDeletion. */
    change: z.string().min(1).max(64),
    property: z.string().max(256).nullable(),
    /** Up to MAX_VALUE_BYTES of UTF-8; null when absent or sent by reference (`valueRef`). */
    value: z
      .string()
      .refine((v) => byteLength(v) <= MAX_VALUE_BYTES, `at most ${MAX_VALUE_BYTES} bytes`)
      .nullable(),
    /** A value too large for one queue message, stored in D1 `event_payloads` (queues/enqueue.ts). */
    valueRef: z.string().regex(/^ep_[0-9a-f]{32}$/).optional(),
    /** Epoch milliseconds at which the vendor says the change happened. */
    occurredAt: z.number().int().nonnegative(),
    sourceEventId: z.string().min(1).max(64),
    correlationId: z.string().min(1).max(128),
    idempotencyKey: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export type CrmChange = z.infer<typeof CrmChangeSchema>;

const TenantId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/);
const Key = z.string().regex(/^[0-9a-f]{64}$/);


/** One ERP record changed. Strict: the broker is the only producer. */
export const ErpChangeSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('erp.change'),
    tenantId: TenantId,
    system: z.enum(['netsuite']),
    /** The ERP account the record lives in (NetSuite account id). */
    externalAccount: z.string().min(1).max(64),
    recordType: z.enum(ERP_RECORD_TYPES),
    recordId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    /** What the push said happened; null when a poll found the change (it cannot tell). */
    eventType: z.enum(['create', 'edit', 'delete']).nullable(),
    /** The record's last-modified instant as the source reported it, epoch ms (whole seconds). */
    lastModified: z.number().int().nonnegative(),
    via: z.enum(['push', 'poll']),
    sourceEventId: z.string().min(1).max(128),
    correlationId: z.string().min(1).max(128),
    idempotencyKey: Key,
  })
  .strict();

export type ErpChange = z.infer<typeof ErpChangeSchema>;


/** One customer-success record changed. Strict: the broker is the only producer. */
export const CsChangeSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('cs.change'),
    tenantId: TenantId,
    system: z.enum(['vitally']),
    /** The CS workspace (Vitally subdomain), or the tenant id when the connection names none. */
    externalAccount: z.string().min(1).max(64),
    objectType: z.enum(CS_OBJECT_TYPES),
    objectId: z.string().min(1).max(128),
    /** The CS account the record belongs to (Vitally account id). */
    csAccountId: z.string().min(1).max(128),
    /** The record's `updatedAt`, epoch ms. */
    updatedAt: z.number().int().nonnegative(),
    via: z.enum(['webhook', 'poll']),
    sourceEventId: z.string().min(1).max(128),
    correlationId: z.string().min(1).max(128),
    idempotencyKey: Key,
  })
  .strict();

export type CsChange = z.infer<typeof CsChangeSchema>;

/** A closed-won run's result to be written onto its CRM deal and company. Strict: the broker is the only producer. */
export const FlowWritebackSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('flow.writeback'),
    tenantId: TenantId,
    system: z.enum(['hubspot', 'salesforce']),
    runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    dealId: z.string().regex(/^[A-Za-z0-9]{1,20}$/),
    /** The deal's company / Account and its canonical account. */
    companyId: z.string().regex(/^[A-Za-z0-9]{1,20}$/),
    accountId: z.string().min(1).max(64),
    /** Which stage asked: `order` (the order exists), `cs` (the CS account too: the run's last write). */
    stage: z.enum(['order', 'cs']),
    /** When the stage asked (ISO instant): the write-back's recorded step starts there. */
    at: z.string().datetime(),
    correlationId: z.string().min(1).max(128),
    idempotencyKey: Key,
  })
  .strict();

export type FlowWriteback = z.infer<typeof FlowWritebackSchema>;

/** An account whose marked effects should run. Strict: the broker is the only producer. */
export const AccountEffectsSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('account.effects'),
    tenantId: TenantId,
    accountId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    correlationId: z.string().min(1).max(128),
    idempotencyKey: Key,
  })
  .strict();

export type AccountEffectsRun = z.infer<typeof AccountEffectsSchema>;

/** Every message the `EVENTS` queue carries. */
export const ChangeMessageSchema = z.discriminatedUnion('kind', [CrmChangeSchema, ErpChangeSchema, CsChangeSchema, FlowWritebackSchema, AccountEffectsSchema]);
export type ChangeMessage = z.infer<typeof ChangeMessageSchema>;

/** A record version in whole seconds: NetSuite's SuiteQL and record/v1 resolve no finer. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/**
 * The dedupe key of one version of an ERP record: (account, record type, id, last modified). A
 * push and a poll of the same version, and every re-delivery of either, share it; the consumer
 * claims it once (docs/decisions.md, "ERP and CS changes"). A deletion has a key of its own
 * (`deleted`): it can share its second with the record's last edit, and is not that edit.
 */
export function erpVersionKey(v: { externalAccount: string; recordType: ErpRecordType; recordId: string; lastModified: number; deleted?: boolean }): Promise<string> {
  return sha256Hex(JSON.stringify(['erp', v.externalAccount, v.recordType, v.recordId, wholeSeconds(v.lastModified), ...(v.deleted ? ['deleted'] : [])]));
}

/**
 * The dedupe key of one version of a CS record for one of its accounts: (workspace, object type,
 * id, updatedAt, account). A conversation may name several accounts; each is its own change.
 */
export function csVersionKey(v: { externalAccount: string; objectType: CsObjectType; objectId: string; updatedAt: number; csAccountId: string }): Promise<string> {
  return sha256Hex(JSON.stringify(['cs', v.externalAccount, v.objectType, v.objectId, v.updatedAt, v.csAccountId]));
}

/**
 * The dedupe key of one identity field of one version of a polled CRM company: (system, org,
 * object, id, modification stamp, field or null for a creation). Every poll that re-reads the
 * version in its overlap window computes the same key; the consumer claims it once.
 */
export function crmVersionKey(v: { system: string; externalAccount: string; objectType: string; objectId: string; modifiedAt: number; property: string | null }): Promise<string> {
  return sha256Hex(JSON.stringify(['crm-poll', v.system, v.externalAccount, v.objectType, v.objectId, v.modifiedAt, v.property]));
}

/**
 * The dedupe key of a HubSpot webhook event: SHA-256 over what identifies the change itself
 * (portal, subscription type, object, property, value, when), not over `eventId` or
 * `attemptNumber`: a re-delivery repeats these fields exactly, while `eventId` is not documented
 * as unique across changes (docs/decisions.md, "Webhook dedupe key").
 */
export function hubspotIdempotencyKey(e: {
  portalId: string;
  subscriptionType: string;
  objectId: string;
  propertyName: string | null;
  propertyValue: string | null;
  occurredAt: number;
}): Promise<string> {
  return sha256Hex(JSON.stringify(['hubspot', e.portalId, e.subscriptionType, e.objectId, e.propertyName, e.propertyValue, e.occurredAt]));
}

/** A one-line description of a change for people (dead-letter list), never the value itself. */
export function summarize(m: ChangeMessage): string {
  switch (m.kind) {
    case 'crm.change':
      return `${m.system} ${m.objectType} ${m.objectId}: ${m.property ? `${m.property} changed` : m.change}`;
    case 'erp.change':
      return `${m.system} ${m.recordType} ${m.recordId}: ${m.eventType ?? 'changed'} (${m.via})`;
    case 'cs.change':
      return `${m.system} ${m.objectType} ${m.objectId}: changed (${m.via})`;
    case 'flow.writeback':
      return `closed-won ${m.system} deal ${m.dealId}: ${m.stage === 'order' ? 'order' : 'order and CS account'} onto the CRM record`;
    case 'account.effects':
      return `account ${m.accountId}: its changes' effects (view, digest, CRM facts, automations)`;
  }
}
