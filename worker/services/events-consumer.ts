/**
 * Queue consumers of the `EVENTS` queue and its dead-letter queue.
 *
 * Cloudflare Queues deliver at least once, unordered, in batches of up to 100, and redeliver a
 * message until it is acked or its retries run out, then move it to the dead-letter queue
 * (https://developers.cloudflare.com/queues/configuration/batching-retries/,
 * https://developers.cloudflare.com/queues/configuration/dead-letter-queues/). So every message is
 * acked or retried on its own: one bad message never redelivers the others.
 *
 * - `consumeEvents`: applies each change exactly once (storage/events.ts `applyChange`), then
 *   invalidates the cached account view of a changed company. A failure is noted in D1 and the
 *   message retried with backoff; a message that can never succeed (malformed, or a business
 *   failure) is dead-lettered at once and acked.
 * - `consumeDeadLetters`: stores what exhausted its retries in `dead_letters` with the last error,
 *   unless the change was applied meanwhile (a duplicate delivery succeeded). Never acked unstored.
 */
import type { Env } from '../env.js';
import { config } from '../env.js';
import { ConcordError, decisionFor, toProblem } from '../errors.js';
import { createLogger, type Logger } from '../ops/log.js';
import { sha256Hex } from '../storage/crypto.js';
import { applyChange, isProcessed, lastFailure, putDeadLetter, recordFailure } from '../storage/events.js';
import { accountIdFor } from '../storage/identity.js';
import { invalidateAccountView } from './account-view.js';
import { dropPayload } from '../storage/event-payloads.js';
import { withValue } from './event-value.js';
import { CrmChangeSchema, summarize, type CrmChange } from './events-message.js';

/** Longest backoff between redeliveries of a failing message. */
const MAX_DELAY_SECONDS = 300;

/** Dead-letter id of a message: stable per change, so failing again reopens the same row. */
export function deadLetterId(idemKey: string): string {
  return `dl_${idemKey.slice(0, 24)}`;
}

/** A failure as a short reason for people: a stable code, and the message for unknown errors. */
export function failureReason(err: unknown): string {
  if (err instanceof ConcordError) {
    const p = toProblem(err.error);
    return p.detail ? `${p.code}: ${p.detail}` : p.code;
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `internal_error: ${text.slice(0, 300)}`;
}

function loggerFor(env: Env, fields: Record<string, unknown>): Logger {
  let level: 'debug' | 'info' | 'warn' | 'error' = 'info';
  try {
    level = config(env).CONCORD_LOG_LEVEL;
  } catch {
    // A misconfigured isolate still logs; the fetch path reports the configuration error.
  }
  return createLogger(level, fields);
}

/** Applies one change: record it (exactly once, ordered), then refresh what depends on it. */
async function apply(env: Env, sent: CrmChange, log: Logger): Promise<void> {
  // A value sent by reference is read back first, and dropped once the change is recorded.
  const m = await withValue(env, sent);
  if (!m) return log.info('event.duplicate', { why: 'value reference already applied' });
  const outcome = await applyChange(env.DB, m, `${m.system}_portal:${m.externalAccount}`);
  if (sent.valueRef) await dropPayload(env.DB, m.tenantId, sent.valueRef);
  log.info(outcome.claimed ? `event.${outcome.status}` : 'event.duplicate', { objectType: m.objectType, objectId: m.objectId, change: m.change, property: m.property });
  // Also on a duplicate of an applied change: the first delivery may have failed right here.
  if (outcome.status === 'applied' && m.objectType === 'company') {
    const accountId = await accountIdFor(env.DB, m.tenantId, m.system, m.objectId);
    if (accountId) await invalidateAccountView(env, m.tenantId, accountId);
  }
}

/** The `EVENTS` queue consumer. */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const m = await parseOrDeadLetter(env, msg);
    if (!m) continue;
    const log = loggerFor(env, { correlationId: m.correlationId, tenant: m.tenantId, eventKey: m.idempotencyKey.slice(0, 12), attempt: msg.attempts });
    try {
      await apply(env, m, log);
      msg.ack();
    } catch (err) {
      const reason = failureReason(err);
      const decision = err instanceof ConcordError ? decisionFor(err.error, msg.attempts) : { action: 'retry' as const, delayMs: 0 };
      if (decision.action === 'stop') {
        // A business failure does not heal by retrying: straight to the dead-letter store.
        log.warn('event.dead_lettered', { reason });
        await putDeadLetter(env.DB, { tenantId: m.tenantId, id: deadLetterId(m.idempotencyKey), kind: m.kind, summary: summarize(m), payload: m, error: reason, attempts: msg.attempts });
        msg.ack();
        continue;
      }
      log.warn('event.retry', { reason });
      await recordFailure(env.DB, m.tenantId, m.idempotencyKey, msg.attempts, reason).catch((e: unknown) =>
        log.error('event.failure_not_recorded', { error: e instanceof Error ? e.message : String(e) }),
      );
      const backoff = Math.min(MAX_DELAY_SECONDS, 2 ** Math.max(0, msg.attempts - 1));
      msg.retry({ delaySeconds: Math.max(backoff, Math.ceil((decision.action === 'retry' ? decision.delayMs : 0) / 1000)) });
    }
  }
}

/** A message that does not parse: kept (tenant when it names one) with the reason, never dropped. */
async function deadLetterMalformed(env: Env, msg: Message<unknown>, reason: string): Promise<void> {
  const body = msg.body as { tenantId?: unknown; kind?: unknown } | null;
  const tenantId = typeof body?.tenantId === 'string' && /^[a-z0-9][a-z0-9-]{1,62}$/.test(body.tenantId) ? body.tenantId : '';
  const id = `dl_${(await sha256Hex(JSON.stringify(msg.body) ?? 'undefined')).slice(0, 24)}`;
  loggerFor(env, { tenant: tenantId || undefined }).error('event.malformed', { reason, deadLetter: id });
  await putDeadLetter(env.DB, {
    tenantId,
    id,
    kind: typeof body?.kind === 'string' ? body.kind.slice(0, 64) : 'unknown',
    summary: null,
    payload: msg.body,
    error: `malformed_message: ${reason}`.slice(0, 1000),
    attempts: msg.attempts,
  });
}

/**
 * The message as a change, or null when it does not parse: then it is dead-lettered as malformed
 * and acked (redelivering it cannot help). A failure to store it propagates to the caller.
 */
async function parseOrDeadLetter(env: Env, msg: Message<unknown>): Promise<CrmChange | null> {
  const parsed = CrmChangeSchema.safeParse(msg.body);
  if (parsed.success) return parsed.data;
  await deadLetterMalformed(env, msg, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  msg.ack();
  return null;
}

/** The dead-letter queue consumer: every message ends in `dead_letters` (or was applied after all). */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    try {
      const m = await parseOrDeadLetter(env, msg);
      if (!m) continue;
      const log = loggerFor(env, { correlationId: m.correlationId, tenant: m.tenantId, eventKey: m.idempotencyKey.slice(0, 12) });
      if (await isProcessed(env.DB, m.tenantId, m.idempotencyKey)) {
        log.info('event.dead_letter_skipped', { why: 'already applied by another delivery' });
        msg.ack();
        continue;
      }
      const failure = await lastFailure(env.DB, m.tenantId, m.idempotencyKey);
      await putDeadLetter(env.DB, {
        tenantId: m.tenantId,
        id: deadLetterId(m.idempotencyKey),
        kind: m.kind,
        summary: summarize(m),
        payload: m,
        error: failure?.error ?? 'retries_exhausted',
        attempts: failure?.attempts ?? null,
      });
      log.warn('event.dead_lettered', { deadLetter: deadLetterId(m.idempotencyKey), attempts: failure?.attempts });
      msg.ack();
    } catch (err) {
      loggerFor(env, {}).error('dead_letter.store_failed', { error: failureReason(err) });
      msg.retry({ delaySeconds: 30 });
    }
  }
}
