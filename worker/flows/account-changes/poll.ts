/**
 * The safety net under the pushes (a disabled event script, a lost callout, a playbook that is
 * not set up): per tenant, on the Cron Trigger (worker/index.ts `scheduled`, every minute) or on
 * demand (`POST /v1/tenants/:tenant/ops/poll`):
 * - the ERP: per record type (invoice, payment, credit memo, sales order, contract, customer),
 *   the records modified since the stored checkpoint minus an overlap window (NetSuite: SuiteQL
 *   on `lastmodifieddate`);
 * - the CS platform: accounts (health), tasks (onboarding milestones) and conversations
 *   (escalations) updated since their checkpoint minus the overlap (Vitally: lists by `updatedAt`);
 * - the CRM companies a CRM without company events (Salesforce) created or changed in who they
 *   are since the checkpoint, for continuous linking (crm-poll.ts);
 * - accounts a failed delivery left marked for their effects.
 * Every record version found becomes the same canonical message a push would (keyed by record
 * and last modified), minus the versions already claimed: the overlap window re-reads the last
 * minutes on purpose, and what a push already delivered is not enqueued again.
 * A checkpoint never moves past the poll's own start: a record stamped later than that (the
 * vendor's clock ahead of ours) would otherwise push it into the future, and every change made
 * before that future instant minus the overlap would be skipped. Such a record is read again by
 * each poll until real time passes it, and not enqueued again (its version is claimed).
 */
import type { Env } from '../../env.js';
import { CS_OBJECT_TYPES, ERP_RECORD_TYPES } from '../../model/changes.js';
import type { Logger } from '../../ops/log.js';
import { portsFor } from '../../ports/registry.js';
import { csVersionKey, erpVersionKey, wholeSeconds, type CsChange, type ErpChange } from '../../queues/messages.js';
import { failureReason } from '../../queues/dead-letter.js';
import { serviceContext } from '../../services/context.js';
import { leftBehind } from '../../storage/account-changes.js';
import { checkpoints, saveCheckpointStatement } from '../../storage/poll-checkpoints.js';
import { runAccountEffects } from './consume.js';
import { dueSweep } from './due-sweep.js';
import { POLLED_CRMS, pollCrmCompanies } from './crm-poll.js';
import { pollCrmDeletions } from './crm-deletions.js';
import { QUEUE_WAIT_MS } from './intake.js';
import { OVERLAP_MS, accountOf, enqueueUnclaimed, enqueueUnclaimedKeys, type StreamReport } from './poll-common.js';

export { OVERLAP_MS, type StreamReport } from './poll-common.js';

/**
 * A mark older than this was left behind by a delivery that failed after its claim. A burst's
 * marks wait for their effects on the writes queue (effects-queue.ts) for minutes: the sweep
 * leaves them to it (each pointer retries on its own, then goes to the dead-letter store).
 */
const LEFT_BEHIND_MS = 10 * 60_000;

export interface PollReport {
  tenantId: string;
  streams: StreamReport[];
  /** Accounts whose effects the sweep ran again. */
  swept: number;
  /** Accounts read again because an onboarding milestone fell due unnoticed (due-sweep.ts). */
  fellDue: number;
}

async function pollErp(env: Env, tenantId: string, log: Logger, correlationId: string, started: number): Promise<StreamReport[]> {
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const erp = await portsFor(env, ctx, { flow: 'account-changes.poll', actor: 'concord' }).erp();
  if (erp.system !== 'netsuite' || !erp.changedSince) return [];
  const externalAccount = (await accountOf(env.DB, tenantId, erp.system)).toUpperCase();
  const marks = await checkpoints(env.DB, tenantId, erp.system);
  const reports: StreamReport[] = [];
  const saves: D1PreparedStatement[] = [];
  // Every stream read first, then enqueued at once ordered by customer: a payment is a new payment
  // and an edited invoice, and an account's changes in one change batch run its effects once
  // (by stream, a burst's invoices filled the first batches and its payments the later ones, and
  // each account was read twice).
  const read: { type: (typeof ERP_RECORD_TYPES)[number]; previous: number; newest: number; messages: { m: ErpChange; customerId: string | null }[] }[] = [];
  for (const type of ERP_RECORD_TYPES) {
    const previous = marks.get(type)?.checkpointMs ?? started - OVERLAP_MS;
    let newest = previous;
    const messages: { m: ErpChange; customerId: string | null }[] = [];
    try {
      for await (const page of erp.changedSince(type, new Date(previous - OVERLAP_MS).toISOString())) {
        for (const row of page) {
          const lastModified = wholeSeconds(Date.parse(row.lastModified));
          newest = Math.max(newest, Math.min(lastModified, started));
          messages.push({
            customerId: row.customerId,
            m: {
              v: 1, kind: 'erp.change', tenantId, system: 'netsuite', externalAccount, recordType: type, recordId: row.id, eventType: null, lastModified, via: 'poll',
              sourceEventId: `poll:${type}:${row.id}:${lastModified}`, correlationId,
              idempotencyKey: await erpVersionKey({ externalAccount, recordType: type, recordId: row.id, lastModified }),
            },
          });
        }
      }
      read.push({ type, previous, newest, messages });
    } catch (err) {
      const error = failureReason(err);
      log.warn('poll.stream_failed', { source: erp.system, stream: type, error });
      reports.push({ source: erp.system, stream: type, seen: messages.length, enqueued: 0, error });
      saves.push(saveCheckpointStatement(env.DB, { tenantId, source: erp.system, stream: type, checkpointMs: previous, found: 0, error: error.slice(0, 300) }));
    }
  }
  const all = read.flatMap((r) => r.messages);
  // By customer (rows that name none first), then oldest first.
  all.sort((a, b) => (a.customerId ?? '').localeCompare(b.customerId ?? '') || a.m.lastModified - b.m.lastModified);
  try {
    const sent = await enqueueUnclaimedKeys(env, tenantId, all.map((x) => x.m));
    for (const r of read) {
      const enqueued = r.messages.filter((x) => sent.enqueued.has(x.m.idempotencyKey)).length;
      const waiting = r.messages.filter((x) => sent.waiting.has(x.m.idempotencyKey)).length;
      reports.push({ source: erp.system, stream: r.type, seen: r.messages.length, enqueued, waiting });
      saves.push(saveCheckpointStatement(env.DB, { tenantId, source: erp.system, stream: r.type, checkpointMs: r.newest, found: enqueued, error: null }));
    }
  } catch (err) {
    // Nothing is known to be enqueued: every stream read keeps its checkpoint and reads the window again.
    const error = failureReason(err);
    log.warn('poll.enqueue_failed', { source: erp.system, error });
    for (const r of read) {
      reports.push({ source: erp.system, stream: r.type, seen: r.messages.length, enqueued: 0, error });
      saves.push(saveCheckpointStatement(env.DB, { tenantId, source: erp.system, stream: r.type, checkpointMs: r.previous, found: 0, error: error.slice(0, 300) }));
    }
  }
  await env.DB.batch(saves);
  return reports;
}

async function pollCs(env: Env, tenantId: string, log: Logger, correlationId: string, started: number): Promise<StreamReport[]> {
  const ctx = serviceContext(env, { tenantId, correlationId, log }, { maxWaitMs: QUEUE_WAIT_MS });
  const cs = await portsFor(env, ctx, { flow: 'account-changes.poll', actor: 'concord' }).cs();
  if (cs.system !== 'vitally' || !cs.changedSince) return [];
  const externalAccount = await accountOf(env.DB, tenantId, cs.system);
  const marks = await checkpoints(env.DB, tenantId, cs.system);
  const reports: StreamReport[] = [];
  const saves: D1PreparedStatement[] = [];
  const streams = { account: 'accounts', task: 'tasks', conversation: 'conversations' } as const;
  for (const type of CS_OBJECT_TYPES) {
    const stream = streams[type];
    const previous = marks.get(stream)?.checkpointMs ?? started - OVERLAP_MS;
    let newest = previous;
    const messages: CsChange[] = [];
    try {
      for await (const page of cs.changedSince(type, new Date(previous - OVERLAP_MS).toISOString())) {
        for (const row of page) {
          const updatedAt = Date.parse(row.updatedAt);
          newest = Math.max(newest, Math.min(updatedAt, started));
          for (const csAccountId of row.accountIds) {
            messages.push({
              v: 1, kind: 'cs.change', tenantId, system: 'vitally', externalAccount, objectType: type, objectId: row.id, csAccountId, updatedAt, via: 'poll',
              sourceEventId: `poll:${stream}:${row.id}`.slice(0, 128), correlationId,
              idempotencyKey: await csVersionKey({ externalAccount, objectType: type, objectId: row.id, updatedAt, csAccountId }),
            });
          }
        }
      }
      const { enqueued, waiting } = await enqueueUnclaimed(env, tenantId, messages);
      reports.push({ source: cs.system, stream, seen: messages.length, enqueued, waiting });
      saves.push(saveCheckpointStatement(env.DB, { tenantId, source: cs.system, stream, checkpointMs: newest, found: enqueued, error: null }));
    } catch (err) {
      const error = failureReason(err);
      log.warn('poll.stream_failed', { source: cs.system, stream, error });
      reports.push({ source: cs.system, stream, seen: messages.length, enqueued: 0, error });
      saves.push(saveCheckpointStatement(env.DB, { tenantId, source: cs.system, stream, checkpointMs: previous, found: 0, error: error.slice(0, 300) }));
    }
  }
  await env.DB.batch(saves);
  return reports;
}

/** One tenant's poll (both sources when connected), the sweep of accounts left marked, and of onboarding fallen due unnoticed. */
export async function pollTenant(env: Env, tenantId: string, log: Logger, correlationId: string = crypto.randomUUID()): Promise<PollReport> {
  const started = Date.now();
  const systems = await env.DB.prepare("SELECT system FROM connections WHERE tenant_id = ? AND status = 'connected'").bind(tenantId).all<{ system: string }>();
  const connected = new Set(systems.results.map((r) => r.system));
  const streams = [
    ...(connected.has('netsuite') ? await pollErp(env, tenantId, log, correlationId, started) : []),
    ...(connected.has('vitally') ? await pollCs(env, tenantId, log, correlationId, started) : []),
  ];
  // CRM companies created or renamed where no company event reaches Concord (crm-poll.ts).
  // ... and the ones deleted or merged away (crm-deletions.ts), after the changes: a merge's winner
  // is read as it is now.
  for (const crm of POLLED_CRMS) {
    if (!connected.has(crm)) continue;
    streams.push(...(await pollCrmCompanies(env, tenantId, crm, log, correlationId, started)));
    streams.push(...(await pollCrmDeletions(env, tenantId, crm, log, correlationId, started)));
  }
  const stuck = await leftBehind(env.DB, tenantId, new Date(started - LEFT_BEHIND_MS).toISOString(), 200);
  if (stuck.length > 0) await runAccountEffects(env, tenantId, stuck, correlationId, log);
  const fellDue = connected.has('vitally') ? await dueSweep(env, tenantId, log, correlationId, started) : [];
  log.info('poll.done', { streams: streams.map((s) => `${s.source}.${s.stream}:${s.enqueued}/${s.seen}${s.error ? '!' : ''}`).join(' '), swept: stuck.length, fellDue: fellDue.length });
  return { tenantId, streams, swept: stuck.length, fellDue: fellDue.length };
}

/** Every tenant with an ERP, CS or polled CRM connection, one after another (each failure its own). */
export async function pollAll(env: Env, log: Logger): Promise<PollReport[]> {
  const { results } = await env.DB.prepare("SELECT DISTINCT tenant_id AS t FROM connections WHERE status = 'connected' AND system IN ('netsuite', 'vitally', 'salesforce') ORDER BY tenant_id").all<{ t: string }>();
  const reports: PollReport[] = [];
  for (const { t } of results) {
    try {
      reports.push(await pollTenant(env, t, log.with({ tenant: t })));
    } catch (err) {
      log.error('poll.tenant_failed', { tenant: t, error: failureReason(err) });
    }
  }
  return reports;
}
