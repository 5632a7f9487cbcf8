/**
 * Continuous linking for a CRM that sends Concord no company events (Salesforce: the package's
 * trigger calls out on closed-won only). Every minute, per tenant, the Accounts whose
 * SystemModstamp is later than the stored checkpoint minus the overlap window are read (one SOQL
 * query, paged); each one whose identity fields (name, domain, country, city, address) differ
 * from the evidence Concord holds, or that Concord has never seen, becomes the same `crm.change`
 * a HubSpot company webhook does: `creation`, or a `propertyChange` per changed field. The queue
 * consumer then links it through the identity intake (queues/identity-intake.ts: the scorer,
 * the review queue), as for HubSpot.
 *
 * Dedupe: a change is keyed by (org, Account, SystemModstamp, field), so the overlap window's
 * re-reads and a poll racing the consumer enqueue nothing already claimed. Comparing with the
 * stored evidence keeps the poll quiet about the many changes that do not touch who a company is
 * (Concord's own fact writes move SystemModstamp too). The checkpoint never moves past the poll's
 * own start, as in poll.ts.
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import type { IdentityFields } from '../../policies/identity/index.js';
import type { CrmCompanyChange } from '../../ports/index.js';
import { portsFor } from '../../ports/registry.js';
import { crmVersionKey, type CrmChange } from '../../queues/messages.js';
import { serviceContext } from '../../services/context.js';
import { storedRecord } from '../../services/identity/records.js';
import { recordsFields } from '../../storage/identity-records.js';
import { checkpoints, saveCheckpointStatement } from '../../storage/poll-checkpoints.js';
import { QUEUE_WAIT_MS } from './intake.js';
import { OVERLAP_MS, accountOf, enqueueUnclaimed, streamFailed, type StreamReport } from './poll-common.js';

/** The CRMs polled for company changes (the others push them), and the stream name. */
export const POLLED_CRMS = ['salesforce'] as const;
const STREAM = 'account';

/** Identity fields a change event names, in the property names of the identity intake. */
const FIELDS = ['name', 'domain', 'country', 'city', 'address'] as const;

/** What changed about who a company is: a creation (never seen), or each identity field that differs. */
export function identityChanges(before: IdentityFields | undefined, after: IdentityFields): { change: 'creation' | 'propertyChange'; property: string | null; value: string | null }[] {
  if (!before) return [{ change: 'creation', property: null, value: null }];
  return FIELDS.filter((f) => (before[f] ?? null) !== (after[f] ?? null)).map((f) => ({ change: 'propertyChange' as const, property: f, value: after[f] ?? null }));
}

/** The change messages of one page of changed companies (no message for a company whose identity did not change). */
async function messagesOf(env: Env, tenantId: string, externalAccount: string, correlationId: string, page: readonly CrmCompanyChange[]): Promise<CrmChange[]> {
  const system = 'salesforce' as const;
  const known = await recordsFields(env.DB, tenantId, system, page.map((c) => c.record.externalId));
  const out: CrmChange[] = [];
  for (const c of page) {
    const id = c.record.externalId;
    const occurredAt = Number.isFinite(c.modifiedAt) ? c.modifiedAt : Date.now();
    for (const d of identityChanges(known.get(id), storedRecord(system, c.record).fields)) {
      out.push({
        v: 1, kind: 'crm.change', tenantId, system, externalAccount, objectType: 'company', objectId: id, change: d.change, property: d.property,
        value: d.value, occurredAt, sourceEventId: `poll:account:${id}:${occurredAt}`.slice(0, 64), correlationId,
        idempotencyKey: await crmVersionKey({ system, externalAccount, objectType: 'company', objectId: id, modifiedAt: occurredAt, property: d.property }),
      });
    }
  }
  return out;
}

/** One tenant's poll of a CRM's changed companies; a failure is reported and leaves the checkpoint where it was. */
export async function pollCrmCompanies(env: Env, tenantId: string, system: (typeof POLLED_CRMS)[number], log: Logger, correlationId: string, started: number): Promise<StreamReport[]> {
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const crm = await portsFor(env, ctx, { flow: 'identity-link.poll', actor: 'concord' }).crm(system);
  if (!crm.companiesChangedSince) return [];
  const externalAccount = await accountOf(env.DB, tenantId, system);
  const previous = (await checkpoints(env.DB, tenantId, system)).get(STREAM)?.checkpointMs ?? started - OVERLAP_MS;
  let newest = previous;
  let seen = 0;
  let enqueued = 0;
  let waiting = 0;
  try {
    for await (const page of crm.companiesChangedSince(new Date(previous - OVERLAP_MS))) {
      seen += page.length;
      for (const c of page) if (Number.isFinite(c.modifiedAt)) newest = Math.max(newest, Math.min(c.modifiedAt, started));
      // Enqueued page by page: a large page of changes never waits for the whole window.
      const sent = await enqueueUnclaimed(env, tenantId, await messagesOf(env, tenantId, externalAccount, correlationId, page));
      enqueued += sent.enqueued;
      waiting += sent.waiting;
    }
    await saveCheckpointStatement(env.DB, { tenantId, source: system, stream: STREAM, checkpointMs: newest, found: enqueued, error: null }).run();
    return [{ source: system, stream: STREAM, seen, enqueued, waiting }];
  } catch (err) {
    return streamFailed(env, log, tenantId, { source: system, stream: STREAM, checkpointMs: previous, seen, enqueued }, err);
  }
}
