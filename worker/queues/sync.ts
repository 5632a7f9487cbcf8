/**
 * The `concord-sync` queue consumer: each message executes one step of a sync run
 * (services/sync-runs). A failing step is retried with backoff and resumes the run from its page;
 * after the last attempt the run is marked failed with the reason (nothing is dropped silently:
 * the run, its cursor and the reason stay readable, and a new run starts over idempotently). The
 * queue also carries the pages of the accounts' re-judging after an automation policy change.
 */
import type { Env } from '../env.js';
import { failureReason } from './dead-letter.js';
import { SyncMessageSchema, failSyncRun, runSyncStep } from '../services/sync-runs/index.js';
import { RejudgeMessageSchema, rejudgePage, type RejudgeMessage } from '../flows/account-changes/rejudge.js';
import { createLogger } from '../ops/log.js';

/**
 * A page of the re-judging after a policy change (flows/account-changes/rejudge.ts): its accounts'
 * failures stay marked for the poll's sweep, so only the page itself (reading it, sending the next)
 * is retried; after the last attempt the chain stops with an error line (the accounts after it
 * follow the policy with their next change).
 */
async function rejudgeDelivery(env: Env, msg: Message<unknown>, m: RejudgeMessage): Promise<void> {
  const log = createLogger('info', { correlationId: m.correlationId, tenant: m.tenantId });
  try {
    await rejudgePage(env, m, log);
    msg.ack();
  } catch (err) {
    const reason = failureReason(err);
    if (msg.attempts >= SYNC_MAX_ATTEMPTS) {
      log.error('automations.rejudge.stopped', { after: m.after, attempt: msg.attempts, reason });
      msg.ack();
    } else msg.retry({ delaySeconds: Math.min(60, 2 ** (msg.attempts - 1)) });
  }
}

/** Attempts of one step before the run is marked failed (as wrangler.toml's max_retries + 1). */
export const SYNC_MAX_ATTEMPTS = 6;

export async function consumeSync(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const rejudge = RejudgeMessageSchema.safeParse(msg.body);
    if (rejudge.success) {
      await rejudgeDelivery(env, msg, rejudge.data);
      continue;
    }
    const parsed = SyncMessageSchema.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ level: 'error', msg: 'sync.malformed', issues: parsed.error.issues.slice(0, 3) }));
      msg.ack();
      continue;
    }
    try {
      await runSyncStep(env, parsed.data);
      msg.ack();
    } catch (err) {
      const reason = failureReason(err);
      console.warn(JSON.stringify({ level: 'warn', msg: 'sync.step_failed', runId: parsed.data.runId, step: parsed.data.step, attempt: msg.attempts, reason }));
      if (msg.attempts >= SYNC_MAX_ATTEMPTS) {
        await failSyncRun(env, parsed.data, reason);
        msg.ack();
      } else msg.retry({ delaySeconds: Math.min(60, 2 ** (msg.attempts - 1)) });
    }
  }
}
