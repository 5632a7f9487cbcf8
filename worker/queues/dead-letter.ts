/**
 * Dead letters of the `EVENTS` queue: what cannot be applied is kept in D1 `dead_letters` with
 * its reason and can be replayed (`POST .../dead-letters/:id/replay`); nothing is dropped.
 *
 * - `parseOrDeadLetter`: a message that does not parse is stored as malformed and acked;
 * - `consumeDeadLetters` (the `concord-events-dlq` consumer): stores what exhausted its retries
 *   with the last error, unless the change was applied meanwhile (a duplicate delivery
 *   succeeded). Never acked unstored.
 */
import type { Env } from '../env.js';
import { config } from '../env.js';
import { ConcordError, toProblem } from '../errors.js';
import { createLogger, type Logger } from '../ops/log.js';
import { sha256Hex } from '../storage/crypto.js';
import { isProcessed, lastFailure, putDeadLetter } from '../storage/events.js';
import { writebackDeadLettered } from '../flows/closed-won/writeback.js';
import { ChangeMessageSchema, summarize, type ChangeMessage } from './messages.js';

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

/** A logger for queue work (no request): the configured level, or info when the config is bad. */
export function loggerFor(env: Env, fields: Record<string, unknown>): Logger {
  let level: 'debug' | 'info' | 'warn' | 'error' = 'info';
  try {
    level = config(env).CONCORD_LOG_LEVEL;
  } catch {
    // A misconfigured isolate still logs; the fetch path reports the configuration error.
  }
  return createLogger(level, fields);
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
export async function parseOrDeadLetter(env: Env, msg: Message<unknown>): Promise<ChangeMessage | null> {
  const parsed = ChangeMessageSchema.safeParse(msg.body);
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
      // A closed-won write-back that cannot be written shows on its run (replay completes it).
      if (m.kind === 'flow.writeback') await env.DB.batch(writebackDeadLettered(env, m, failure?.error ?? 'retries_exhausted'));
      log.warn('event.dead_lettered', { deadLetter: deadLetterId(m.idempotencyKey), attempts: failure?.attempts });
      msg.ack();
    } catch (err) {
      loggerFor(env, {}).error('dead_letter.store_failed', { error: failureReason(err) });
      msg.retry({ delaySeconds: 30 });
    }
  }
}
