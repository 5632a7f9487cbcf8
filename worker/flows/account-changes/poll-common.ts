/**
 * What the every-minute polls share (poll.ts for the ERP and CS, crm-poll.ts for Salesforce
 * Accounts): the overlap window, the report of one stream, the vendor account messages name and
 * the dedupe of record versions already claimed.
 */
import type { Env } from '../../env.js';
import { enqueueChanges } from '../../queues/enqueue.js';
import type { ChangeMessage } from '../../queues/messages.js';
import type { Logger } from '../../ops/log.js';
import { failureReason } from '../../queues/dead-letter.js';
import { claimedKeys, saveCheckpointStatement } from '../../storage/poll-checkpoints.js';

/** How far before its checkpoint each poll reads again (late commits, clock skew between polls). */
export const OVERLAP_MS = 2 * 60_000;

export interface StreamReport {
  source: string;
  stream: string;
  /** Record versions the query returned (overlap included). */
  seen: number;
  /** Of those, enqueued (not claimed before). */
  enqueued: number;
  error?: string;
}

/** The tenant's account at a vendor as messages name it: the connection's, else the tenant's own id. */
export async function accountOf(db: D1Database, tenantId: string, system: string): Promise<string> {
  const row = await db.prepare('SELECT external_account AS a FROM connections WHERE tenant_id = ? AND system = ?').bind(tenantId, system).first<{ a: string | null }>();
  return row?.a ?? tenantId;
}

/** Keeps the messages whose version nobody claimed yet; enqueues them. */
export async function enqueueUnclaimed(env: Env, tenantId: string, messages: ChangeMessage[]): Promise<number> {
  const unique = [...new Map(messages.map((m) => [m.idempotencyKey, m])).values()];
  const claimed = await claimedKeys(env.DB, tenantId, unique.map((m) => m.idempotencyKey));
  const fresh = unique.filter((m) => !claimed.has(m.idempotencyKey));
  if (fresh.length > 0) await enqueueChanges(env, fresh);
  return fresh.length;
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

