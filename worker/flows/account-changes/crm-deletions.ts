/**
 * CRM companies that left the CRM, for a CRM that sends Concord no company events (Salesforce).
 * Every minute, beside the SystemModstamp poll (crm-poll.ts), per tenant: the Accounts deleted
 * since the stored checkpoint minus the overlap window, from Salesforce's delete log
 * (`sobjects/Account/deleted`, then `queryAll` for a merge's `MasterRecordId`). Each one Concord
 * holds evidence of becomes a `crm.change`: `deletion`, or `merge` with the winner as its value;
 * the consumer takes its link away or moves it to the winner (services/identity/removed.ts).
 *
 * Same discipline as the other polls: the org is the stored connection's, never a request's;
 * a change is keyed by (org, Account, deletion instant), so the overlap's re-reads and a poll
 * racing the consumer enqueue nothing already claimed; the checkpoint is the answer's
 * `latestDateCovered` (Salesforce: start the next call there), never past the poll's start, and
 * stays where it was when the call fails. The delete log reaches back 15 days: a poll stopped
 * longer starts at that edge, and what was deleted before it is left to the next identity sync.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_getdeleted.htm
 */
import type { Env } from '../../env.js';
import type { Logger } from '../../ops/log.js';
import { portsFor } from '../../ports/registry.js';
import { crmVersionKey, type CrmChange } from '../../queues/messages.js';
import { serviceContext } from '../../services/context.js';
import { recordsFields } from '../../storage/identity-records.js';
import { checkpoints, saveCheckpointStatement } from '../../storage/poll-checkpoints.js';
import type { POLLED_CRMS } from './crm-poll.js';
import { QUEUE_WAIT_MS } from './intake.js';
import { OVERLAP_MS, accountOf, enqueueUnclaimed, streamFailed, type StreamReport } from './poll-common.js';

const STREAM = 'account-deleted';
/** How far back Salesforce's delete log answers (a minute of margin for the clocks). */
const DELETE_LOG_MS = 15 * 86_400_000 - 60_000;

/** One tenant's poll of a CRM's deleted companies; a failure is reported and leaves the checkpoint where it was. */
export async function pollCrmDeletions(env: Env, tenantId: string, system: (typeof POLLED_CRMS)[number], log: Logger, correlationId: string, started: number): Promise<StreamReport[]> {
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const crm = await portsFor(env, ctx, { flow: 'identity-link.poll', actor: 'concord' }).crm(system);
  if (!crm.companiesDeletedBetween) return [];
  const externalAccount = await accountOf(env.DB, tenantId, system);
  const previous = (await checkpoints(env.DB, tenantId, system)).get(STREAM)?.checkpointMs ?? started - OVERLAP_MS;
  const start = Math.max(previous - OVERLAP_MS, started - DELETE_LOG_MS);
  let enqueued = 0;
  let seen = 0;
  try {
    // Salesforce cuts the seconds off the end: an end of `started` would leave this minute's
    // deletions to the next poll. Asking up to the next minute covers up to now, and the answer's
    // `latestDateCovered` says where it really stopped (the checkpoint).
    const { removed, coveredUntil } = await crm.companiesDeletedBetween(new Date(start), new Date(started + 60_000));
    seen = removed.length;
    // Only records Concord holds evidence of: one created and deleted between two polls was never linked.
    const known = await recordsFields(env.DB, tenantId, system, removed.map((r) => r.externalId));
    const messages: CrmChange[] = [];
    for (const r of removed.filter((x) => known.has(x.externalId))) {
      const occurredAt = Number.isFinite(r.deletedAt) ? r.deletedAt : started;
      messages.push({
        v: 1, kind: 'crm.change', tenantId, system, externalAccount, objectType: 'company', objectId: r.externalId,
        change: r.mergedInto ? 'merge' : 'deletion', property: null, value: r.mergedInto, occurredAt,
        sourceEventId: `poll:account-deleted:${r.externalId}:${occurredAt}`.slice(0, 64), correlationId,
        idempotencyKey: await crmVersionKey({ system, externalAccount, objectType: 'company', objectId: r.externalId, modifiedAt: occurredAt, property: '$deleted' }),
      });
    }
    const sent = await enqueueUnclaimed(env, tenantId, messages);
    enqueued = sent.enqueued;
    const checkpointMs = Math.max(previous, Math.min(coveredUntil, started));
    await saveCheckpointStatement(env.DB, { tenantId, source: system, stream: STREAM, checkpointMs, found: enqueued, error: null }).run();
    return [{ source: system, stream: STREAM, seen, enqueued, waiting: sent.waiting }];
  } catch (err) {
    return streamFailed(env, log, tenantId, { source: system, stream: STREAM, checkpointMs: previous, seen, enqueued }, err);
  }
}
