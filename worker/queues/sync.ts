/**
 * The `concord-sync` queue consumer: each message executes one step of a sync run
 * (services/sync-runs). A failing step is retried with backoff and resumes the run from its page;
 * after the last attempt the run is marked failed with the reason (nothing is dropped silently:
 * the run, its cursor and the reason stay readable, and a new run starts over idempotently).
 */
import type { Env } from '../env.js';
import { failureReason } from './dead-letter.js';
import { SyncMessageSchema, failSyncRun, runSyncStep } from '../services/sync-runs/index.js';

/** Attempts of one step before the run is marked failed (as wrangler.toml's max_retries + 1). */
export const SYNC_MAX_ATTEMPTS = 6;

export async function consumeSync(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
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
