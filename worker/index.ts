/**
 * Concord broker entry point (Cloudflare Worker): the HTTP app, the queue consumers (change
 * events, closed-won write-backs, their dead-letter queue, sync runs), the Cron Trigger (every minute: the wake of stalled
 * closed-won runs and the ERP and CS change polls), the Durable Object classes (view coordinator,
 * rate limiter, token refresher) and the Workflow classes (closed-won to order).
 */
import { createApp } from './http/app.js';
import type { Env } from './env.js';
import { consumeEvents } from './queues/consumer.js';
import { consumeDeadLetters } from './queues/dead-letter.js';
import { EVENTS_DLQ, EVENTS_QUEUE, FLOW_WRITES_QUEUE } from './queues/messages.js';
import { consumeSync } from './queues/sync.js';
import { SYNC_QUEUE, resendStalledSyncRuns } from './services/sync-runs/index.js';
import { NIGHTLY_RECONCILE_CRON, startNightlyReconcile } from './services/sync-runs/schedule.js';
import { loggerFor } from './queues/dead-letter.js';
import { pollAll } from './flows/account-changes/poll.js';
import { recheckBlockedOrders } from './flows/closed-won/recheck.js';
import { wakeOverdueEscalations, wakeStalledRuns } from './flows/closed-won/recovery.js';

export { ViewCoordinator } from './storage/objects/view-coordinator.js';
export { RateLimiter } from './storage/objects/rate-limiter.js';
export { TokenRefresher } from './storage/objects/token-refresher.js';
export { ClosedWonToOrder } from './flows/closed-won/workflow.js';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    // Closed-won write-backs have a queue of their own, and the same consumer (it dispatches on kind).
    if (batch.queue === EVENTS_QUEUE || batch.queue === FLOW_WRITES_QUEUE) return consumeEvents(batch, env);
    if (batch.queue === EVENTS_DLQ) return consumeDeadLetters(batch, env);
    if (batch.queue === SYNC_QUEUE) return consumeSync(batch, env);
    // A queue this Worker does not know: leave every message unacked so it is redelivered
    // (and dead-lettered) rather than silently dropped.
    console.error(JSON.stringify({ level: 'error', msg: 'queue.unknown', queue: batch.queue }));
    batch.retryAll();
  },
  /**
   * Cron Trigger (wrangler.toml `[triggers] crons`): every minute, the wake of stalled closed-won
   * runs (worker/flows/closed-won/recovery.ts), the re-send of stalled sync runs' steps
   * (worker/services/sync-runs), the safety-net poll of every tenant's ERP and CS
   * changes (worker/flows/account-changes/poll.ts), then the re-check of orders blocked on a record
   * that may have been fixed (worker/flows/closed-won/recheck.ts). Locally `wrangler dev --test-scheduled`
   * serves `/__scheduled`, which the estate calls every minute (scripts/estate.ts).
   */
  async scheduled(controller, env) {
    const log = loggerFor(env, { cron: controller.cron, correlationId: `cron-${controller.scheduledTime}` });
    if (controller.cron === NIGHTLY_RECONCILE_CRON) {
      await startNightlyReconcile(env, log, `cron-${controller.scheduledTime}`);
      return;
    }
    // Runs the engine lost track of (the local engine after a restart) first: they are waiting already.
    await wakeStalledRuns(env, log).catch((err: unknown) => log.error('flow.wake_sweep_failed', { error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' }));
    await wakeOverdueEscalations(env, log).catch((err: unknown) => log.error('flow.escalation_sweep_failed', { error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' }));
    // Sync runs whose next step's message was lost (services/sync-runs: SYNC_STALLED_MS).
    await resendStalledSyncRuns(env, log).catch((err: unknown) => log.error('sync.sweep_failed', { error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' }));
    await pollAll(env, log);
    // Orders blocked on a record that may have been fixed since (flows/closed-won/recheck.ts).
    await recheckBlockedOrders(env, log, `cron-${controller.scheduledTime}`).catch((err: unknown) =>
      log.error('closed_won.recheck_crashed', { error: err instanceof Error ? err.message : String(err) }),
    );
  },
} satisfies ExportedHandler<Env>;
