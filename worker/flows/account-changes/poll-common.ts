/**
 * What the every-minute polls share (poll.ts for the ERP and CS, crm-poll.ts for Salesforce
 * Accounts): the overlap window, the report of one stream, the vendor account messages name and
 * the dedupe of record versions already claimed or already waiting in the queue.
 */
import type { Env } from '../../env.js';
import { enqueueChanges } from '../../queues/enqueue.js';
import type { ChangeMessage } from '../../queues/messages.js';
import type { Logger } from '../../ops/log.js';
import { failureReason } from '../../queues/dead-letter.js';
import { claimedKeys, noteEnqueued, queuedKeys, saveCheckpointStatement } from '../../storage/poll-checkpoints.js';

/** How far before its checkpoint each poll reads again (late commits, clock skew between polls). */
export const OVERLAP_MS = 2 * 60_000;

export interface StreamReport {
  source: string;
  stream: string;
  /** Record versions the query returned (overlap included). */
  seen: number;
  /** Of those, enqueued (not claimed before). */
  enqueued: number;
  /** Of those, not claimed yet but enqueued by an earlier poll in the last REENQUEUE_AFTER_MS: waiting in the queue. */
  waiting?: number;
  error?: string;
}

/** The tenant's account at a vendor as messages name it: the connection's, else the tenant's own id. */
export async function accountOf(db: D1Database, tenantId: string, system: string): Promise<string> {
  const row = await db.prepare('SELECT external_account AS a FROM connections WHERE tenant_id = ? AND system = ?').bind(tenantId, system).first<{ a: string | null }>();
  return row?.a ?? tenantId;
}

/**
 * How long a version a poll enqueued is trusted to be waiting in the queue: the polls of the next
 * minutes read it again in their overlap window and leave it alone. After this it is enqueued
 * again if still unclaimed (a queue that lost it, e.g. a local queue's memory in a restart); a
 * burst's backlog drains within it (docs/performance.md, "Freshness").
 */
export const REENQUEUE_AFTER_MS = 5 * 60_000;

/**
 * Keeps the messages whose version nobody claimed yet and no poll enqueued in the last
 * REENQUEUE_AFTER_MS; enqueues them in the order given and notes them as enqueued. Answers the
 * keys it enqueued, and those left alone as waiting in the queue.
 */
export async function enqueueUnclaimedKeys(env: Env, tenantId: string, messages: ChangeMessage[]): Promise<{ enqueued: Set<string>; waiting: Set<string> }> {
  const unique = [...new Map(messages.map((m) => [m.idempotencyKey, m])).values()];
  if (unique.length === 0) return { enqueued: new Set(), waiting: new Set() };
  const now = Date.now();
  const keys = unique.map((m) => m.idempotencyKey);
  const [claimed, queued] = await Promise.all([claimedKeys(env.DB, tenantId, keys), queuedKeys(env.DB, tenantId, keys, now - REENQUEUE_AFTER_MS)]);
  const fresh = unique.filter((m) => !claimed.has(m.idempotencyKey) && !queued.has(m.idempotencyKey));
  if (fresh.length > 0) {
    await enqueueChanges(env, fresh);
    // Noted once sent: a note that fails to be written costs a duplicate message later, never a lost one.
    await noteEnqueued(env.DB, tenantId, fresh.map((m) => m.idempotencyKey), now, now - REENQUEUE_AFTER_MS);
  }
  return { enqueued: new Set(fresh.map((m) => m.idempotencyKey)), waiting: new Set(keys.filter((k) => !claimed.has(k) && queued.has(k))) };
}

/** `enqueueUnclaimedKeys`, counted. */
export async function enqueueUnclaimed(env: Env, tenantId: string, messages: ChangeMessage[]): Promise<{ enqueued: number; waiting: number }> {
  const sent = await enqueueUnclaimedKeys(env, tenantId, messages);
  return { enqueued: sent.enqueued.size, waiting: sent.waiting.size };
}

/**
 * A stream whose poll failed: logged, its checkpoint kept where it was (`checkpointMs`, so the
 * next poll reads the window again) with the reason, and reported.
 */
export async function streamFailed(env: Env, log: Logger, tenantId: string, r: { source: string; stream: string; checkpointMs: number; seen: number; enqueued: number }, err: unknown): Promise<StreamReport[]> {
  const error = failureReason(err);
  log.warn('poll.stream_failed', { source: r.source, stream: r.stream, error });
  await saveCheckpointStatement(env.DB, { tenantId, source: r.source, stream: r.stream, checkpointMs: r.checkpointMs, found: r.enqueued, error: error.slice(0, 300) }).run();
  return [{ source: r.source, stream: r.stream, seen: r.seen, enqueued: r.enqueued, error }];
}

